// The composer page (issue #7): firmware + kernel/initrd/cmdline or a UKI with add-ons, filled from the open
// files or dropped on a slot; launch settings; live digests from the worker; the add-on matrix; downloads.
import { useState, type DragEvent, type ReactNode } from 'react';
import { VCPU_TYPE_NAMES } from '../../core/vmsa/vcpu-types';
import { LAUNCH_LIMITS } from '../../core/settings/launch-settings';
import { composeProfileOf } from '../../core/fuki/compose';
import type { ComposeRequest, ComposeResponse } from '../../workers/compose';
import { openFiles } from '../actions';
import { engine } from '../engine';
import { useApp } from '../store';
import type { ComposerInputs } from './slice';
import { FileInput, FileOptions } from './FilePick';
import { useComposition } from './useComposition';
import './composer.css';

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

/** One input slot: a select over the open files, a file picker, and a drop target. */
function Slot({
  label,
  testId,
  value,
  onChange,
  hint,
}: {
  label: string;
  testId: string;
  value: string | null;
  onChange(id: string | null): void;
  hint?: ReactNode;
}) {
  const files = useApp((s) => s.files);
  const load = (list: File[]) => {
    const [id] = openIntoSlot(list.slice(0, 1));
    if (id) onChange(id);
  };
  return (
    <div className="slot" data-testid={`slot-${testId}`} {...slotDrop((l) => load(l))}>
      <label>
        <span className="slot-label">{label}</span>
        <select
          value={value ?? ''}
          onChange={(e) => onChange(e.currentTarget.value || null)}
          aria-label={label}
        >
          <option value="">(none)</option>
          <FileOptions files={files} />
        </select>
      </label>
      <FileInput label={`Load ${label}`} testId={`slot-${testId}-input`} onFiles={load} />
      {hint && <span className="muted small">{hint}</span>}
    </div>
  );
}

function AddonList() {
  const files = useApp((s) => s.files);
  const addons = useApp((s) => s.composer.addons);
  const patch = useApp((s) => s.patchComposer);
  const add = (ids: string[]) =>
    patch({
      addons: [
        ...addons,
        ...ids.filter((id) => !addons.some((a) => a.id === id)).map((id) => ({ id, enabled: true })),
      ],
    });
  const load = (list: File[]) => add(openIntoSlot(list));
  return (
    <div className="slot" data-testid="slot-addons" {...slotDrop((l) => load(l))}>
      <span className="slot-label">Add-ons (applied in this order; untick to leave one out)</span>
      <ul className="addon-list">
        {addons.map((a, i) => (
          <li key={a.id}>
            <label className="check">
              <input
                type="checkbox"
                checked={a.enabled}
                data-testid={`addon-${i}`}
                onChange={(e) =>
                  patch({
                    addons: addons.map((x) =>
                      x.id === a.id ? { ...x, enabled: e.currentTarget.checked } : x,
                    ),
                  })
                }
              />
              {files.find((f) => f.id === a.id)?.name ?? '(closed file)'}
            </label>
            <button
              type="button"
              className="link"
              onClick={() => patch({ addons: addons.filter((x) => x.id !== a.id) })}
            >
              remove
            </button>
          </li>
        ))}
      </ul>
      <select
        value=""
        aria-label="Add an open file as add-on"
        onChange={(e) => e.currentTarget.value && add([e.currentTarget.value])}
      >
        <option value="">Add an open file…</option>
        <FileOptions files={files} />
      </select>
      <FileInput label="Load add-ons" testId="slot-addons-input" multiple onFiles={load} />
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
          <Slot label="UKI" testId="uki" value={c.ukiId} onChange={(ukiId) => patch({ ukiId })} />
          <AddonList />
        </>
      ) : (
        <>
          <Slot
            label="Kernel"
            testId="kernel"
            value={c.kernelId}
            onChange={(kernelId) => patch({ kernelId })}
          />
          <Slot
            label="Initrd"
            testId="initrd"
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
        </>
      )}
    </section>
  );
}

function Settings() {
  const c = useApp((s) => s.composer);
  const patch = useApp((s) => s.patchComposer);
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
            onChange={(e) => patch({ vcpus: Number(e.currentTarget.value) })}
          />
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
            onChange={(e) => patch({ guestFeatures: e.currentTarget.value })}
          />
        </label>
        <label>
          SNP policy
          <input
            className="mono"
            value={c.snpPolicy}
            onChange={(e) => patch({ snpPolicy: e.currentTarget.value })}
          />
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

function Downloads({ request }: { request: ComposeRequest }) {
  const fwid = useApp((s) => s.composer.fwid);
  const hwids = useApp((s) => s.composer.hwids ?? '');
  const patch = useApp((s) => s.patchComposer);
  const chids = hwids.split(/[\s,]+/).filter(Boolean);
  const [error, setError] = useState<string>();
  const setPage = useApp((s) => s.setPage);
  /** The composed IGVM (and FUKI) as open files: page map, headers, VMSA, and the Teach page's TDX records. */
  const inspect = async () => {
    setError(undefined);
    try {
      const withFuki = request.source.kind === 'uki';
      const out = await engine.call((r) => r.composeOutputs(request, withFuki ? { fwid, chids } : undefined));
      // The last file opened is the one shown: the IGVM.
      await openFiles([
        ...(out.fuki ? [new File([out.fuki], 'composed-fuki.efi')] : []),
        new File([out.igvm], 'composed.igvm'),
      ]);
      setPage('files');
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const run = async (what: 'igvm' | 'fuki' | 'receipt') => {
    setError(undefined);
    try {
      const out = await engine.call((r) =>
        r.composeOutputs(request, what === 'fuki' ? { fwid, chids } : undefined),
      );
      if (what === 'igvm') download(out.fileNames.igvm, out.igvm, 'application/octet-stream');
      else if (what === 'fuki') download(out.fileNames.fuki, out.fuki!, 'application/efi');
      else download(out.fileNames.receipt, out.receiptJson, 'application/json');
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <div className="button-row downloads">
      <button type="button" onClick={() => void run('igvm')}>
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
      <button type="button" onClick={() => void run('fuki')}>
        Download FUKI PE
      </button>
      <button type="button" onClick={() => void run('receipt')}>
        Download receipt
      </button>
      <button
        type="button"
        onClick={() => void inspect()}
        title="Open the composed IGVM and FUKI as files in the inspector"
      >
        Open in inspector
      </button>
      {error && <span className="sev-error">{error}</span>}
    </div>
  );
}

function Results() {
  const c = useComposition({ matrix: true });
  const r = c.response;
  return (
    <section className="card composer-results" aria-label="Measurement" aria-busy={c.busy}>
      <h2>Launch measurement {c.busy && <span className="spinner" aria-label="Computing" />}</h2>
      {c.reason && (
        <p className="muted" data-testid="compose-reason">
          {c.reason}
        </p>
      )}
      {c.error && <p className="sev-error">{c.error}</p>}
      {r && (
        <>
          {r.measurements.map((m) => (
            <div key={m.platform + (m.tdxOrder ?? '')} className="digest-block">
              <div className="digest-label">
                {m.platform}
                {m.tdxOrder ? ` (${m.tdxOrder})` : ''}{' '}
                <span className="muted small">
                  ({m.steps.toLocaleString('en')} steps; {m.meaning})
                </span>
              </div>
              <code
                className="digest mono"
                data-testid={`digest-${m.platform}${m.tdxOrder ? `-${m.tdxOrder}` : ''}`}
              >
                {m.digest}
              </code>
            </div>
          ))}
          {r.diagnostics.length > 0 && (
            <ul className="diagnostics">
              {r.diagnostics.map((d, i) => (
                <li key={i} className={`sev-${d.severity}`}>
                  {d.code}: {d.message}
                </li>
              ))}
            </ul>
          )}
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
          {c.request && r.ok && <Downloads request={c.request} />}
        </>
      )}
      {c.progress && (
        <label className="matrix-progress">
          Add-on matrix {c.progress.done}/{c.progress.total}
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
      {c.matrix && <Matrix rows={c.matrix} />}
    </section>
  );
}

/** What systemd-stub extends into PCR 12 for the enabled add-ons (vTPM / TDX RTMR[2] reference values). */
function Pcr12({ pcr12 }: { pcr12: NonNullable<ComposeResponse['pcr12']> }) {
  return (
    <details className="pcr12" data-testid="pcr12">
      <summary>
        PCR 12 from the add-ons (systemd-stub):{' '}
        <span className="mono small">sha256 {pcr12.values.sha256}</span>
      </summary>
      <table className="grid compact small">
        <caption>Events in the order the stub extends them (SHA-256 of each)</caption>
        <thead>
          <tr>
            <th scope="col">Event</th>
            <th scope="col">Tag</th>
            <th scope="col">SHA-256</th>
          </tr>
        </thead>
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
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

function Matrix({ rows }: { rows: NonNullable<ReturnType<typeof useComposition>['matrix']> }) {
  return (
    <table className="matrix" data-testid="addon-matrix">
      <caption>Every add-on combination</caption>
      <thead>
        <tr>
          <th>Add-ons</th>
          <th>Command line</th>
          <th>Digests</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row, i) => (
          <tr key={i}>
            <td>{row.addons.length ? row.addons.join(' + ') : '(UKI alone)'}</td>
            <td className="mono small">{row.cmdline}</td>
            <td className="mono small">
              {row.measurements.map((m) => (
                <div key={`${m.platform}:${m.profile ?? ''}:${m.tdxOrder ?? ''}`} title={m.meaning}>
                  {m.platform}
                  {m.profile ? ` [${composeProfileOf(m.profile) ?? m.profile}]` : ''}
                  {m.tdxOrder ? ` [${m.tdxOrder}]` : ''}: {m.digest}
                </div>
              ))}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
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
