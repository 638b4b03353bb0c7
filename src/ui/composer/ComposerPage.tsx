// The composer page (issue #7): firmware + kernel/initrd/cmdline or a UKI with add-ons, filled from the open
// files or dropped on a slot; launch settings; live digests from the worker; the add-on matrix; downloads.
import { useState, type DragEvent, type ReactNode } from 'react';
import { VCPU_TYPE_NAMES } from '../../core/vmsa/vcpu-types';
import { LAUNCH_LIMITS } from '../../core/settings/launch-settings';
import { composeProfileOf } from '../../core/fuki/compose';
import type { Receipt } from '../../core/fuki/receipt';
import { referenceValuesOfReceipt } from '../../core/export/reference-values';
import { trusteeReferenceValues } from '../../core/export/trustee';
import type { ComposeRequest, ComposeResponse } from '../../workers/compose';
import { openFiles } from '../actions';
import { engine } from '../engine';
import { u64Error, vcpusError, withheldSentence } from '../form-values';
import { useApp } from '../store';
import { stubAddonOrder } from '../../core/uki/addons';
import { CompareDigest, CopyButton } from '../components/Copy';
import { plural } from '../format';
import type { ComposerAddon, ComposerInputs } from './slice';
import { FileInput, FileOptions } from './FilePick';
import { fitsSlot, misfit, SLOT_KINDS, type SlotKind } from './slot-kinds';
import { useComposition } from './useComposition';
import './composer.css';
import { ColumnHeads } from '../components/ColumnHeads';

const VMMS: ComposerInputs['vmm'][] = ['QEMU', 'ec2', 'gce'];
const PROFILES: ComposerInputs['profile'][] = ['qemu-igvm', 'classic-equivalent'];

/** Opens files dropped or picked on a slot and returns their ids at once: openFiles adds each file to the
 * store synchronously (status 'loading'), so the slot shows it while the engine is still parsing. */
function openIntoSlot(list: File[]): string[] {
  const before = new Set(useApp.getState().files.map((f) => f.id));
  void openFiles(list);
  const added = useApp.getState().files.filter((f) => !before.has(f.id));
  return list
    .map((file) => added.find((f) => f.name === file.name)?.id)
    .filter((id): id is string => id !== undefined);
}

function slotDrop(onFiles: (files: File[]) => void) {
  return {
    onDragOver: (e: DragEvent) => {
      e.preventDefault();
      e.stopPropagation();
    },
    onDrop: (e: DragEvent) => {
      e.preventDefault();
      e.stopPropagation();
      const files = Array.from(e.dataTransfer?.files ?? []);
      if (files.length > 0) onFiles(files);
    },
  };
}

/** One input slot: a select over the open files of its kind, a file picker, and a drop target. A file of
 * the wrong kind (dropped, or picked before its kind was known) is named, with what the slot takes. */
function Slot({
  label,
  testId,
  kind,
  value,
  onChange,
  hint,
}: {
  label: string;
  testId: string;
  kind: SlotKind;
  value: string | null;
  onChange(id: string | null): void;
  hint?: ReactNode;
}) {
  const files = useApp((s) => s.files);
  const load = (list: File[]) => {
    const [id] = openIntoSlot(list.slice(0, 1));
    if (id) onChange(id);
  };
  const chosen = files.find((f) => f.id === value);
  const wrong = chosen && misfit(chosen, kind);
  return (
    <div className="slot" data-testid={`slot-${testId}`} data-misfit={wrong ? true : undefined} {...slotDrop((l) => load(l))}>
      <label>
        <span className="slot-label">{label}</span>
        <select
          value={value ?? ''}
          onChange={(e) => onChange(e.currentTarget.value || null)}
          aria-label={label}
        >
          <option value="">(none)</option>
          <FileOptions files={files} fits={(f) => f.id === value || fitsSlot(f, kind) !== false} />
        </select>
      </label>
      <FileInput
        label={`Load ${label}`}
        testId={`slot-${testId}-input`}
        accept={SLOT_KINDS[kind].accept}
        onFiles={load}
      />
      {wrong && (
        <span className="sev-error small" role="alert" data-testid={`slot-${testId}-misfit`}>
          {wrong}
        </span>
      )}
      {hint && <span className="muted small">{hint}</span>}
    </div>
  );
}

/** The add-ons as systemd-stub applies them: global (\loader\addons) first, then per-UKI (<uki>.efi.extra.d),
 * each sorted by file name (fuki §2.7, boot lab). Rows are numbered in that order; the scope is chosen per
 * add-on, as it is where the file sits on the ESP that decides the order. */
function AddonList() {
  const files = useApp((s) => s.files);
  const addons = useApp((s) => s.composer.addons);
  const ukiName = useApp((s) => s.files.find((f) => f.id === s.composer.ukiId)?.name ?? '<uki>.efi');
  const patch = useApp((s) => s.patchComposer);
  const add = (ids: string[]) =>
    patch({
      addons: [
        ...addons,
        ...ids
          .filter((id) => !addons.some((a) => a.id === id))
          .map((id) => ({ id, enabled: true, scope: 'global' as const })),
      ],
    });
  const load = (list: File[]) => add(openIntoSlot(list));
  const set = (id: string, p: Partial<ComposerAddon>) =>
    patch({ addons: addons.map((x) => (x.id === id ? { ...x, ...p } : x)) });
  const nameOf = (id: string) => files.find((f) => f.id === id)?.name ?? '(closed file)';
  const rows = stubAddonOrder(
    addons.map((a, input) => ({ ...a, input, fileName: nameOf(a.id), scope: a.scope ?? 'global' })),
  );
  let position = 0;
  return (
    <div className="slot" data-testid="slot-addons" {...slotDrop((l) => load(l))}>
      <span className="slot-label" id="addon-order-label">
        Add-ons, in the order systemd-stub applies them
      </span>
      <p className="muted small">
        Global ones (<code>\loader\addons\</code>) first, then this UKI&apos;s own (
        <code>{ukiName}.extra.d\</code>), each sorted by file name: that order gives the command line and the
        initrd order. Untick one to leave it out.
      </p>
      {rows.length > 0 && (
        <ol className="addon-list" aria-labelledby="addon-order-label" data-testid="addon-order">
          {rows.map((a) => {
            const wrong = (() => {
              const f = files.find((x) => x.id === a.id);
              return f && misfit(f, 'addon');
            })();
            return (
              <li key={a.id} data-addon-name={a.fileName} data-scope={a.scope} className={a.enabled ? undefined : 'off'}>
                <span className="addon-pos" aria-label={a.enabled ? `position ${position + 1}` : 'left out'}>
                  {a.enabled ? `${++position}.` : '–'}
                </span>
                <label className="check addon-name">
                  <input
                    type="checkbox"
                    checked={a.enabled}
                    data-testid={`addon-${a.input}`}
                    onChange={(e) => set(a.id, { enabled: e.currentTarget.checked })}
                  />
                  <span className="mono">{a.fileName}</span>
                </label>
                <select
                  value={a.scope}
                  aria-label={`Where ${a.fileName} sits`}
                  data-testid={`addon-scope-${a.input}`}
                  onChange={(e) => set(a.id, { scope: e.currentTarget.value as 'global' | 'per-uki' })}
                >
                  <option value="global">global (\loader\addons)</option>
                  <option value="per-uki">per-UKI (.extra.d)</option>
                </select>
                <button
                  type="button"
                  className="link"
                  aria-label={`Remove ${a.fileName}`}
                  onClick={() => patch({ addons: addons.filter((x) => x.id !== a.id) })}
                >
                  remove
                </button>
                {wrong && (
                  <span className="sev-error small addon-misfit" role="alert">
                    {wrong}
                  </span>
                )}
              </li>
            );
          })}
        </ol>
      )}
      <select
        value=""
        aria-label="Add an open file as add-on"
        onChange={(e) => e.currentTarget.value && add([e.currentTarget.value])}
      >
        <option value="">Add an open add-on…</option>
        <FileOptions files={files} fits={(f) => fitsSlot(f, 'addon') !== false && !addons.some((a) => a.id === f.id)} />
      </select>
      <FileInput
        label="Load add-ons"
        testId="slot-addons-input"
        multiple
        accept={SLOT_KINDS.addon.accept}
        onFiles={load}
      />
    </div>
  );
}

function Inputs() {
  const c = useApp((s) => s.composer);
  const patch = useApp((s) => s.patchComposer);
  return (
    <section className="card composer-inputs" aria-label="Inputs">
      <h2>Inputs</h2>
      <Slot
        label="Firmware (OVMF with SEV metadata, or TDVF)"
        testId="firmware"
        kind="firmware"
        value={c.firmwareId}
        onChange={(firmwareId) => patch({ firmwareId })}
      />
      <fieldset className="mode">
        <legend>Boot payload</legend>
        <label className="check">
          <input
            type="radio"
            name="mode"
            checked={c.mode === 'uki'}
            onChange={() => patch({ mode: 'uki' })}
          />{' '}
          UKI + add-ons
        </label>
        <label className="check">
          <input
            type="radio"
            name="mode"
            checked={c.mode === 'direct'}
            onChange={() => patch({ mode: 'direct' })}
          />{' '}
          kernel + initrd + command line
        </label>
      </fieldset>
      {c.mode === 'uki' ? (
        <>
          <Slot label="UKI" testId="uki" kind="uki" value={c.ukiId} onChange={(ukiId) => patch({ ukiId })} />
          <AddonList />
        </>
      ) : (
        <>
          <Slot
            label="Kernel"
            testId="kernel"
            kind="kernel"
            value={c.kernelId}
            onChange={(kernelId) => patch({ kernelId })}
          />
          <Slot
            label="Initrd"
            testId="initrd"
            kind="initrd"
            value={c.initrdIds[0] ?? null}
            onChange={(id) => patch({ initrdIds: id ? [id] : [] })}
          />
          <label className="cmdline">
            <span className="slot-label">Command line</span>
            <textarea
              rows={3}
              value={c.cmdline}
              spellCheck={false}
              data-testid="cmdline"
              onChange={(e) => patch({ cmdline: e.currentTarget.value })}
            />
          </label>
          <Slot
            label="systemd-stub (for a FUKI PE)"
            testId="stub"
            kind="stub"
            value={c.stubId ?? null}
            onChange={(stubId) => patch({ stubId })}
            hint="Optional: only the FUKI PE download needs it. The kernel, initrd and command line are wrapped in this stub (e.g. /usr/lib/systemd/boot/efi/linuxx64.efi.stub) next to the .efifw."
          />
        </>
      )}
    </section>
  );
}

/** The launch settings' problems, by field (empty when every field is valid). */
function settingsErrors(c: ComposerInputs): Partial<Record<'vcpus' | 'guestFeatures' | 'snpPolicy', string>> {
  const out: Partial<Record<'vcpus' | 'guestFeatures' | 'snpPolicy', string>> = {};
  const v = vcpusError(String(c.vcpus));
  if (v) out.vcpus = v;
  const g = u64Error(c.guestFeatures, 'Guest features');
  if (g) out.guestFeatures = g;
  const p = u64Error(c.snpPolicy, 'SNP policy');
  if (p) out.snpPolicy = p;
  return out;
}

function FieldError({ id, message }: { id: string; message?: string }) {
  return message ? (
    <span className="field-error" id={id} role="alert">
      {message}
    </span>
  ) : null;
}

function Settings() {
  const c = useApp((s) => s.composer);
  const patch = useApp((s) => s.patchComposer);
  const errors = settingsErrors(c);
  const invalid = (field: keyof typeof errors) =>
    errors[field] ? { 'aria-invalid': true, 'aria-describedby': `compose-${field}-error` } : {};
  return (
    <section className="card composer-settings" aria-label="Launch settings">
      <h2>Launch settings</h2>
      <div className="settings-grid">
        <label>
          Profile
          <select
            value={c.profile}
            onChange={(e) => patch({ profile: e.currentTarget.value as ComposerInputs['profile'] })}
          >
            {PROFILES.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </label>
        <label>
          Platform
          <select
            value={c.platform}
            onChange={(e) => patch({ platform: e.currentTarget.value as ComposerInputs['platform'] })}
          >
            <option value="all">all the firmware supports</option>
            <option value="SEV_SNP">SEV-SNP</option>
            <option value="TDX">TDX</option>
          </select>
        </label>
        <label>
          vCPUs
          <input
            type="number"
            min={LAUNCH_LIMITS.vcpus.min}
            max={LAUNCH_LIMITS.vcpus.max}
            value={c.vcpus}
            data-testid="compose-vcpus"
            {...invalid('vcpus')}
            onChange={(e) => patch({ vcpus: Number(e.currentTarget.value) })}
          />
          <FieldError id="compose-vcpus-error" message={errors.vcpus} />
        </label>
        <label>
          CPU type
          <select value={c.vcpuType} onChange={(e) => patch({ vcpuType: e.currentTarget.value })}>
            {VCPU_TYPE_NAMES.map((n) => (
              <option key={n}>{n}</option>
            ))}
          </select>
        </label>
        <label>
          VMM
          <select
            value={c.vmm}
            onChange={(e) => patch({ vmm: e.currentTarget.value as ComposerInputs['vmm'] })}
          >
            {VMMS.map((v) => (
              <option key={v}>{v}</option>
            ))}
          </select>
        </label>
        <label>
          Guest features
          <input
            className="mono"
            value={c.guestFeatures}
            data-testid="compose-guest-features"
            {...invalid('guestFeatures')}
            onChange={(e) => patch({ guestFeatures: e.currentTarget.value })}
          />
          <FieldError id="compose-guestFeatures-error" message={errors.guestFeatures} />
        </label>
        <label>
          SNP policy
          <input
            className="mono"
            value={c.snpPolicy}
            data-testid="compose-snp-policy"
            {...invalid('snpPolicy')}
            onChange={(e) => patch({ snpPolicy: e.currentTarget.value })}
          />
          <FieldError id="compose-snpPolicy-error" message={errors.snpPolicy} />
        </label>
      </div>
    </section>
  );
}

function download(name: string, data: BlobPart, type: string): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/** What a long download or open is doing, shown from the click on (building a FUKI PE takes seconds). */
const PENDING_LABEL = {
  igvm: 'Building the IGVM…',
  fuki: 'Building the FUKI PE…',
  receipt: 'Building the receipt…',
  trustee: 'Building the Trustee reference values…',
  inspect: 'Building the IGVM and FUKI, then opening them…',
} as const;

function Downloads({ request, disabled }: { request: ComposeRequest; disabled?: string }) {
  const [pending, setPending] = useState<keyof typeof PENDING_LABEL>();
  const fwid = useApp((s) => s.composer.fwid);
  const hwids = useApp((s) => s.composer.hwids ?? '');
  const patch = useApp((s) => s.patchComposer);
  const chids = hwids.split(/[\s,]+/).filter(Boolean);
  const stubId = useApp((s) => (s.composer.mode === 'direct' ? (s.composer.stubId ?? undefined) : undefined));
  // A FUKI PE is a UKI with .efifw: the UKI route has one; the kernel route needs a stub to wrap the kernel in.
  const fukiBlocked =
    request.source.kind === 'direct' && !stubId
      ? 'Choose a systemd-stub in the inputs to build a FUKI PE from the kernel, initrd and command line.'
      : undefined;
  const fukiOptions = { fwid, chids, stubId };
  const [error, setError] = useState<string>();
  const setPage = useApp((s) => s.setPage);
  /** The composed IGVM (and FUKI) as open files: page map, headers, VMSA, and the Teach page's TDX records. */
  const inspect = async () => {
    setError(undefined);
    setPending('inspect');
    try {
      const withFuki = !fukiBlocked;
      const out = await engine.call((r) => r.composeOutputs(request, withFuki ? fukiOptions : undefined));
      // The last file opened is the one shown: the IGVM.
      await openFiles([
        ...(out.fuki ? [new File([out.fuki], 'composed-fuki.efi')] : []),
        new File([out.igvm], 'composed.igvm'),
      ]);
      setPage('files');
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setPending(undefined);
    }
  };
  const run = async (what: 'igvm' | 'fuki' | 'receipt' | 'trustee') => {
    setError(undefined);
    setPending(what);
    try {
      const out = await engine.call((r) =>
        r.composeOutputs(request, what === 'fuki' ? fukiOptions : undefined),
      );
      if (what === 'igvm') download(out.fileNames.igvm, out.igvm, 'application/octet-stream');
      else if (what === 'fuki') download(out.fileNames.fuki, out.fuki!, 'application/efi');
      else if (what === 'receipt') download(out.fileNames.receipt, out.receiptJson, 'application/json');
      else {
        // Every digest of the receipt (and of its add-on combinations) under Trustee's reference-value names.
        const values = trusteeReferenceValues(referenceValuesOfReceipt(JSON.parse(out.receiptJson) as Receipt));
        if (!Object.keys(values).length) throw new Error('No SNP launch digest or TDX MRTD to export');
        download(out.fileNames.receipt.replace(/\.receipt\.json$/, '.trustee.json'), JSON.stringify(values, null, 2), 'application/json');
      }
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setPending(undefined);
    }
  };
  const off = !!disabled || pending !== undefined;
  const why = disabled ?? (pending ? PENDING_LABEL[pending] : undefined);
  return (
    <div className="button-row downloads" aria-busy={pending !== undefined}>
      <button
        type="button"
        disabled={off}
        title={why}
        data-testid="download-igvm"
        onClick={() => void run('igvm')}
      >
        Download IGVM
      </button>
      <label>
        fwid{' '}
        <input
          className="mono"
          value={fwid}
          size={14}
          aria-label="FUKI firmware id"
          onChange={(e) => patch({ fwid: e.currentTarget.value })}
        />
      </label>
      <label title="Optional: CHIDs (systemd-analyze chid, fwupdtool hwids) bound to the fwid in a .hwids uefi-fw entry">
        .hwids CHIDs{' '}
        <input
          className="mono"
          value={hwids}
          size={20}
          placeholder="optional"
          aria-label="CHIDs for .hwids"
          onChange={(e) => patch({ hwids: e.currentTarget.value })}
        />
      </label>
      <button
        type="button"
        disabled={off || !!fukiBlocked}
        title={fukiBlocked ?? why}
        aria-describedby={fukiBlocked ? 'fuki-blocked' : undefined}
        data-testid="download-fuki"
        onClick={() => void run('fuki')}
      >
        Download FUKI PE
      </button>
      {fukiBlocked && (
        <span id="fuki-blocked" className="muted small" data-testid="fuki-blocked">
          {fukiBlocked}
        </span>
      )}
      <button
        type="button"
        disabled={off}
        title={why}
        data-testid="download-receipt"
        onClick={() => void run('receipt')}
      >
        Download receipt
      </button>
      <button
        type="button"
        disabled={off}
        title={why ?? 'Trustee RVPS reference values (snp_launch_measurement / mr_td) of every digest in the receipt'}
        data-testid="download-trustee"
        onClick={() => void run('trustee')}
      >
        Download Trustee JSON
      </button>
      <button
        type="button"
        disabled={off}
        data-testid="open-in-inspector"
        onClick={() => void inspect()}
        title={why ?? 'Open the composed IGVM and FUKI as files in the inspector'}
      >
        Open in inspector
      </button>
      {pending && (
        <span className="busy-note" role="status" data-testid="download-pending">
          <span className="spinner" aria-hidden="true" /> {PENDING_LABEL[pending]}
        </span>
      )}
      {disabled && !pending && <span className="busy-note">{disabled}</span>}
      {error && <span className="sev-error">{error}</span>}
    </div>
  );
}

function Results() {
  const c = useComposition({ matrix: true });
  const inputs = useApp((s) => s.composer);
  const formError = Object.values(settingsErrors(inputs))[0];
  const r = formError ? undefined : c.response;
  return (
    <section className="card composer-results" aria-label="Measurement" aria-busy={c.busy}>
      <h2>Launch measurement {c.busy && <span className="spinner" aria-label="Computing" />}</h2>
      {formError && (
        <div className="digest-block withdrawn" role="status" data-testid="compose-withdrawn">
          <p>Digests withdrawn until the launch settings are valid: {formError}</p>
        </div>
      )}
      {r?.withheld && (
        <div className="digest-block withdrawn" role="status" data-testid="compose-withheld">
          <p>
            <strong>No digest.</strong> {withheldSentence(r.withheld.reason)}
          </p>
        </div>
      )}
      {c.reason && (
        <p className="muted" data-testid="compose-reason">
          {c.reason}
        </p>
      )}
      {c.error && <p className="sev-error">{c.error}</p>}
      {r && (
        <>
          {r.measurements.map((m) => (
            <div
              key={m.platform + (m.tdxOrder ?? '')}
              className={`digest-block${c.stale ? ' stale' : ''}`}
              data-stale={c.stale || undefined}
              aria-busy={c.stale}
            >
              <div className="digest-label">
                {m.platform}
                {m.tdxOrder ? ` (${m.tdxOrder})` : ''}{' '}
                {c.stale ? (
                  <span className="stale-note" data-testid="recomputing">
                    recomputing…
                  </span>
                ) : (
                  <span className="muted small">
                    ({plural(m.steps, 'step')}; {m.meaning})
                  </span>
                )}
              </div>
              <div className="digest-row">
                <code
                  className="digest mono"
                  data-testid={`digest-${m.platform}${m.tdxOrder ? `-${m.tdxOrder}` : ''}`}
                >
                  {m.digest}
                </code>
                <CopyButton
                  text={m.digest}
                  disabled={c.stale}
                  what={`${m.platform}${m.tdxOrder ? ` ${m.tdxOrder}` : ''} digest`}
                />
              </div>
            </div>
          ))}
          {r.measurements.length > 0 && (
            <CompareDigest
              stale={c.stale}
              digests={r.measurements.map((m) => ({
                label: `${m.platform}${m.tdxOrder ? ` (${m.tdxOrder})` : ''}`,
                digest: m.digest,
              }))}
            />
          )}
          {r.tdxRtmrs && <TdxRtmrs rtmrs={r.tdxRtmrs} stale={c.stale === true} />}
          {r.diagnostics.some((d) => d.severity !== 'info') && (
            <ul className="diagnostics">
              {r.diagnostics
                .filter((d) => d.severity !== 'info')
                .map((d, i) => (
                  <li key={i} className={`sev-${d.severity}`}>
                    {d.code}: {d.message}
                  </li>
                ))}
            </ul>
          )}
          {r.diagnostics
            .filter((d) => d.severity === 'info')
            .map((d, i) => (
              <aside key={i} className="check-note" data-testid={`note-${d.code}`}>
                <strong>Before you rely on these digests</strong>
                <ul className="small">
                  {/* The note reads "Known: …. Not known: …. Check: …." — one line each. */}
                  {d.message.split(/(?<=\.) (?=(?:Known|Not known|Check):)/).map((line) => (
                    <li key={line}>{line}</li>
                  ))}
                </ul>
              </aside>
            ))}
          {r.kernelHashes && (
            <table className="kv small">
              <tbody>
                <tr>
                  <th>Command line</th>
                  <td className="mono" data-testid="composed-cmdline">
                    {r.cmdline}
                  </td>
                </tr>
                <tr>
                  <th>kernel / initrd / cmdline SHA-256</th>
                  <td className="mono">
                    {r.kernelHashes.kernel.slice(0, 16)}… / {r.kernelHashes.initrd.slice(0, 16)}… /{' '}
                    {r.kernelHashes.cmdline.slice(0, 16)}…
                  </td>
                </tr>
                <tr>
                  <th>Hashes page</th>
                  <td className="mono">
                    GPA {r.kernelHashes.gpa} + {r.kernelHashes.offsetInPage}
                  </td>
                </tr>
                <tr>
                  <th>IGVM size</th>
                  <td>
                    {r.igvmSize.toLocaleString('en')} bytes, composed in {r.ms.toFixed(0)} ms
                  </td>
                </tr>
              </tbody>
            </table>
          )}
          {r.pcr12 && r.pcr12.events.length > 0 && <Pcr12 pcr12={r.pcr12} />}
          {r.receipt && r.receipt.notes.length > 0 && (
            <details className="receipt-notes" data-testid="receipt-notes">
              <summary>What these digests cover, and what they do not</summary>
              <ul className="small">
                {r.receipt.notes.map((n) => (
                  <li key={n}>{n}</li>
                ))}
              </ul>
            </details>
          )}
          {c.request && r.ok && !r.withheld && (
            <Downloads
              request={c.request}
              disabled={c.stale ? 'Recomputing: downloads wait for the new digests' : undefined}
            />
          )}
        </>
      )}
      {c.progress && (
        <label className="matrix-progress">
          Add-on matrix: {c.progress.done} of {plural(c.progress.total, 'combination')}
          <progress max={c.progress.total || 1} value={c.progress.done} data-testid="matrix-progress" />
          <button type="button" onClick={c.stopMatrix} data-testid="matrix-stop">
            Stop
          </button>
        </label>
      )}
      {c.matrixStopped && !c.matrix && !c.progress && (
        <p className="muted" data-testid="matrix-stopped">
          Add-on matrix stopped. Change an input to compute it again.
        </p>
      )}
      {c.matrix && !formError && (
        <div className={c.stale ? 'stale' : undefined} data-stale={c.stale || undefined}>
          <Matrix rows={c.matrix} />
        </div>
      )}
    </section>
  );
}

/**
 * Predicted TDX RTMR[1] and RTMR[2] (SHA-384) next to MRTD: from the same predicted event sequence as the PCRs
 * (core/uki/tdx-rtmr.ts), RTMR1's firmware events from a reference event log the user picks; each value labelled
 * with what it assumes, or why it cannot be predicted.
 */
function TdxRtmrs({ rtmrs, stale }: { rtmrs: NonNullable<ComposeResponse['tdxRtmrs']>; stale: boolean }) {
  const files = useApp((s) => s.files);
  const refId = useApp((s) => s.composer.rtmrReferenceId ?? '');
  const patch = useApp((s) => s.patchComposer);
  const logs = files.filter((f) => f.result?.kind === 'eventlog');
  return (
    <div className={`rtmrs${stale ? ' stale' : ''}`} data-testid="tdx-rtmrs" data-stale={stale || undefined}>
      <div className="digest-label">
        TDX RTMR[1] and RTMR[2], predicted{' '}
        <span className="muted small">(SHA-384; what systemd-stub and the kernel extend under TDVF — MRTD above does not change with them)</span>
      </div>
      {(
        [
          ['1', rtmrs.rtmr1],
          ['2', rtmrs.rtmr2],
        ] as const
      ).map(([n, x]) => (
        <div key={n} className="digest-block" data-testid={`rtmr-${n}`}>
          <div className="digest-label">
            RTMR[{n}]{' '}
            <span className="muted small">
              ({plural(x.steps.length, 'event')}
              {n === '1' ? (rtmrs.reference ? `, firmware events from ${rtmrs.reference}` : '') : ', PCR 8–15 events'})
            </span>
          </div>
          {x.value ? (
            <div className="digest-row">
              <code className="digest mono" data-testid={`rtmr-${n}-value`}>
                {x.value}
              </code>
              <CopyButton text={x.value} disabled={stale} what={`RTMR[${n}]`} />
            </div>
          ) : (
            <p className="muted" data-testid={`rtmr-${n}-why`}>
              Not predicted: {x.why}
            </p>
          )}
          <details className="small">
            <summary>Events</summary>
            <ol className="rtmr-steps">
              {x.steps.map((st, i) => (
                <li key={i}>
                  <strong>{st.source}</strong>: {st.description}{' '}
                  <code className="mono hash-cell">{st.digest ?? 'not predictable'}</code>
                </li>
              ))}
            </ol>
          </details>
        </div>
      ))}
      <label className="small">
        Reference event log for RTMR1&apos;s firmware events{' '}
        <select value={refId} onChange={(e) => patch({ rtmrReferenceId: e.currentTarget.value || null })} data-testid="rtmr-reference">
          <option value="">{logs.length ? 'none' : 'open a CCEL or TPM event log of the same firmware'}</option>
          <FileOptions files={logs} />
        </select>
      </label>
      <details className="small" data-testid="rtmr-assumptions">
        <summary>What these RTMRs assume</summary>
        <ul>
          {rtmrs.assumptions.map((a) => (
            <li key={a}>{a}</li>
          ))}
        </ul>
      </details>
    </div>
  );
}

/** What systemd-stub extends into PCR 12 for the enabled add-ons (vTPM / TDX RTMR[2] reference values). */
function Pcr12({ pcr12 }: { pcr12: NonNullable<ComposeResponse['pcr12']> }) {
  return (
    <details className="pcr12" data-testid="pcr12">
      <summary>
        PCR 12 from the add-ons (systemd-stub):{' '}
        {/* The bank name apart from the hex: only the hex may break anywhere (390 px showed "sha25 6"). */}
        <span className="mono small hash-nowrap">sha256</span>{' '}
        <span className="mono hash-cell">{pcr12.values.sha256}</span>
      </summary>
      <table className="grid compact small">
        <caption>Events in the order the stub extends them (SHA-256 of each)</caption>
        <ColumnHeads columns={['Event', 'Tag', 'SHA-256']} />
        <tbody>
          {pcr12.events.map((e, i) => (
            <tr key={i}>
              <td>{e.description}</td>
              <td className="mono">{e.tag ?? 'EV_IPL (UTF-16 + NUL)'}</td>
              <td className="mono hash-cell">{e.sha256}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table className="kv small">
        <caption>PCR 12 after only these events, per bank</caption>
        <tbody>
          {Object.entries(pcr12.values).map(([bank, v]) => (
            <tr key={bank}>
              <th scope="row">{bank}</th>
              <td className="mono hash-cell" data-bank={bank}>
                {v}
              </td>
              <td>
                <CopyButton text={v} what={`PCR 12 ${bank}`} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

type MatrixRows = NonNullable<ReturnType<typeof useComposition>['matrix']>;

const matrixLabel = (m: MatrixRows[number]['measurements'][number]) =>
  `${m.platform}${m.profile ? ` [${composeProfileOf(m.profile) ?? m.profile}]` : ''}${m.tdxOrder ? ` [${m.tdxOrder}]` : ''}`;

/** The matrix as CSV (RFC 4180 quoting): one line per combination and digest. */
export function matrixCsv(rows: MatrixRows): string {
  const q = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const lines = [['add-ons', 'command line', 'measurement', 'digest'].join(',')];
  for (const row of rows)
    for (const m of row.measurements)
      lines.push([row.addons.join(' + ') || '(UKI alone)', row.cmdline, matrixLabel(m), m.digest].map(q).join(','));
  return lines.join('\n') + '\n';
}

function Matrix({ rows }: { rows: MatrixRows }) {
  const csv = matrixCsv(rows);
  return (
    <div className="matrix-wrap">
      <div className="button-row matrix-actions">
        <span className="slot-label">Every add-on combination ({plural(rows.length, 'row')})</span>
        <CopyButton text={csv} label="Copy as CSV" what="add-on matrix as CSV" />
        <button type="button" onClick={() => download('addon-matrix.csv', csv, 'text/csv')}>
          Download CSV
        </button>
      </div>
      <table className="matrix" data-testid="addon-matrix">
        <caption className="visually-hidden">Every add-on combination</caption>
        <ColumnHeads columns={['Add-ons', 'Command line']} />
        {rows.map((row, i) => (
          <tbody key={i} className="matrix-row">
            <tr>
              <td>{row.addons.length ? row.addons.join(' + ') : '(UKI alone)'}</td>
              <td className="mono small">{row.cmdline}</td>
            </tr>
            <tr>
              <td colSpan={2} className="matrix-digests">
                <dl>
                  {row.measurements.map((m) => (
                    <div key={`${m.platform}:${m.profile ?? ''}:${m.tdxOrder ?? ''}`} title={m.meaning}>
                      <dt className="small">{matrixLabel(m)}</dt>
                      <dd>
                        <code className="mono small hash-nowrap">{m.digest}</code>{' '}
                        <CopyButton
                          text={m.digest}
                          what={`${matrixLabel(m)} digest of ${row.addons.length ? row.addons.join(' + ') : 'the UKI alone'}`}
                        />
                      </dd>
                    </div>
                  ))}
                </dl>
              </td>
            </tr>
          </tbody>
        ))}
      </table>
    </div>
  );
}

export default function ComposerPage() {
  return (
    <div className="composer" data-testid="composer-page">
      <div className="page-column">
        <Inputs />
        <Settings />
      </div>
      <Results />
    </div>
  );
}
