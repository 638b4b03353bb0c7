// Launch measurement of one file: platform, profile and what-if controls, the digest (recomputed live in the
// engine worker), the ID-block check, and the ledger: coalesced runs (virtualized), each expandable into its
// steps, linked to the header table, page map and hex view.
import { useEffect, useMemo, useState } from 'react';
import type {
  LedgerEntry,
  MeasureChoice,
  MeasureOptions,
  MeasureResult,
  OpenResult,
} from '../../workers/protocol';
import { JobCancelledError } from '../../workers/client';
import { ledgerEntries, ledgerEntry } from '../../workers/ledger-columns';
import { CompareDigest, CopyButton } from '../components/Copy';
import { DiagnosticsList } from '../components/Diagnostics';
import { FieldTree } from '../components/FieldTable';
import { useVirtualRows, VirtualGrid, type GridColumn } from '../components/VirtualRows';
import { ledgerRows } from './ledger-rows';
import { engine } from '../engine';
import { u64Error, vcpusError, withheldSentence } from '../form-values';
import { plural } from '../format';
import { useApp, useFileView, type FileViewState } from '../store';
import { LAUNCH_DEFAULTS } from '../../core/settings/launch-settings';
import { contentFileName, measurementReceipt } from '../../core/fuki/receipt';
import { launchMeasurementCorim } from '../../core/export/corim';
import { publishedReceipt } from '../../core/export/receipt-json';
import { referencePlatformOf, type ReferenceValue } from '../../core/export/reference-values';
import { trusteeReferenceValues } from '../../core/export/trustee';

const ROW_PX = 28;
const LEDGER_COLUMNS: readonly GridColumn[] = [
  ['c-idx', 'Step'],
  ['c-gpa', 'GPA'],
  ['c-kind', 'Page type'],
  ['c-idx', 'Source'],
  ['c-hash', 'Content hash'],
  ['c-hash', 'Running value after'],
];

function short(h: string): string {
  return h ? h.slice(0, 32) + '…' : '—';
}

function Ledger({ result, out }: { result: OpenResult; out: MeasureResult }) {
  const patch = useApp((s) => s.patchView);
  const [open, setOpen] = useState<ReadonlySet<number>>(() => new Set());
  const rows = useMemo(() => ledgerRows(out.runs, open), [out.runs, open]);
  const list = useVirtualRows(rows.length, ROW_PX);
  const toggle = (first: number) =>
    setOpen((s) => {
      const n = new Set(s);
      if (n.has(first)) n.delete(first);
      else n.add(first);
      return n;
    });
  const cells = (e: LedgerEntry, last: LedgerEntry, label: React.ReactNode) => (
    <>
      <span role="gridcell" className="c-idx">
        {label}
      </span>
      <span role="gridcell" className="c-gpa mono">
        {e.gpa && e.headerIndex !== undefined && result.igvm ? (
          <button
            type="button"
            className="link"
            onClick={() => patch(result.id, { tab: 'memory', headerIndex: e.headerIndex, run: undefined })}
          >
            {e.gpa}
          </button>
        ) : (
          e.gpa || '—'
        )}
      </span>
      <span role="gridcell" className="c-kind" title={e.source}>
        {e.pageType}
      </span>
      <span role="gridcell" className="c-idx">
        {e.headerIndex !== undefined ? (
          <button
            type="button"
            className="link"
            onClick={() =>
              patch(result.id, {
                tab: 'headers',
                headerIndex: e.headerIndex,
                hex: e.headerOffset !== undefined ? { offset: e.headerOffset, length: 8 } : undefined,
              })
            }
          >
            #{e.headerIndex}
          </button>
        ) : (
          <span className="muted small">{e.source}</span>
        )}
      </span>
      <span role="gridcell" className="c-hash mono" title={e.contentHash}>
        {short(e.contentHash)}
      </span>
      <span role="gridcell" className="c-hash mono" title={last.running}>
        {short(last.running)}
      </span>
    </>
  );
  // O(runs): once per expand state, not on every scroll frame (the virtualizer re-renders this component).
  const multi = useMemo(() => out.runs.filter((r) => r.count > 1), [out.runs]);
  const allOpen = useMemo(() => multi.length > 0 && multi.every((r) => open.has(r.first)), [multi, open]);
  return (
    <>
      {multi.length > 0 && (
        <div className="filters">
          <button
            type="button"
            data-testid="ledger-expand-all"
            onClick={() => setOpen(allOpen ? new Set() : new Set(multi.map((r) => r.first)))}
          >
            {allOpen ? 'Collapse all runs' : `Expand all runs (${plural(out.ledger.length, 'step')})`}
          </button>
        </div>
      )}
      <VirtualGrid
        list={list}
        variant="ledger"
        label="Measurement ledger"
        columns={LEDGER_COLUMNS}
        data-testid="ledger"
        row={(i, style) => {
          const row = rows.at(i);
          if (row.kind === 'step') {
            const e = ledgerEntry(out.ledger, row.index);
            return (
              <div key={`s${row.index}`} role="row" className="vt-row ledger step" style={style}>
                {cells(e, e, <span className="muted">{row.index}</span>)}
              </div>
            );
          }
          const first = ledgerEntry(out.ledger, row.first);
          const last = ledgerEntry(out.ledger, row.first + row.count - 1);
          const expanded = open.has(row.first);
          const label =
            row.count > 1 ? (
              <button
                type="button"
                className="link"
                aria-expanded={expanded}
                onClick={() => toggle(row.first)}
                title={expanded ? 'Collapse' : 'Expand into single steps'}
              >
                {expanded ? '▾' : '▸'} {row.first}–{row.first + row.count - 1}
              </button>
            ) : (
              row.first
            );
          return (
            <div key={`r${row.first}`} role="row" className="vt-row ledger" style={style}>
              {cells(first, last, label)}
            </div>
          );
        }}
      />
    </>
  );
}

/** Saves bytes or text locally under `name` (a blob URL; nothing is uploaded). */
function saveFile(name: string, data: BlobPart, type: string): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The measurement as a reference value a verifier takes (SNP, TDX, VBS), or undefined (SEV/SEV-ES tool values). */
function referenceValueOf(out: MeasureResult): ReferenceValue | undefined {
  const platform = referencePlatformOf(out.platform);
  return platform && out.digest && !out.withheld ? { platform, digest: out.digest } : undefined;
}

/** A measurement receipt (core/fuki/receipt.ts, the same typed receipt as compositions), saved locally (no upload). */
function downloadReceipt(result: OpenResult, options: MeasureOptions, out: MeasureResult): void {
  // Never a receipt for a withheld (damaged-file) value, whatever the caller shows, nor one without the file's SHA-256.
  if (!out.digest || out.withheld || result.sha256Pending || !result.sha256) return;
  const receipt = measurementReceipt({
    file: { name: result.name, size: result.size, sha256: result.sha256 },
    options: Object.fromEntries(Object.entries(options).filter((e): e is [string, string | number] => e[1] !== undefined)),
    platform: out.platform,
    label: out.label,
    algorithm: out.algorithm,
    digest: out.digest,
    profile: options.profile,
    tdxOrder: options.tdxOrder,
    idBlock: out.idBlock,
    steps: ledgerEntries(out.ledger).map((e, step) => ({ step, ...e })),
    diagnostics: out.diagnostics,
  });
  saveFile(contentFileName(result.name, out, 'receipt.json'), JSON.stringify(publishedReceipt(receipt), null, 2), 'application/json');
}

/** The CoRIM (igvm crate launch-measurement profile) of this digest. */
function downloadCorim(result: OpenResult, out: MeasureResult): void {
  const v = referenceValueOf(out);
  const bytes = v && launchMeasurementCorim(v);
  if (bytes) saveFile(contentFileName(result.name, out, 'corim.cbor'), bytes as Uint8Array<ArrayBuffer>, 'application/rim+cbor');
}

/** Trustee RVPS reference values of this digest. */
function downloadTrustee(result: OpenResult, out: MeasureResult): void {
  const v = referenceValueOf(out);
  if (!v) return;
  const t = trusteeReferenceValues([v]);
  if (Object.keys(t).length) saveFile(contentFileName(result.name, out, 'trustee.json'), JSON.stringify(t, null, 2), 'application/json');
}

interface Download {
  testId: string;
  label: string;
  /** The button's title, and the one it shows while the value is being recomputed (when that differs). */
  title?: string;
  busyTitle?: string;
  save(): void;
}

/**
 * The files a shown measurement can be saved as: its receipt when there is a digest; CoRIM and Trustee reference
 * values when it is one a verifier takes (Trustee has no VBS value).
 */
function downloadsOf(result: OpenResult, options: MeasureOptions, out: MeasureResult): Download[] {
  const ref = referenceValueOf(out);
  const list: Download[] = [];
  // The receipt names the file by its SHA-256: offered once that has arrived (OpenResult.sha256Pending).
  if (out.digest && !result.sha256Pending && result.sha256)
    list.push({
      testId: 'download-receipt',
      label: 'Download receipt (JSON)',
      busyTitle: 'Recomputing: the receipt will be for the new value',
      save: () => downloadReceipt(result, options, out),
    });
  if (ref)
    list.push({
      testId: 'download-corim',
      label: 'Download CoRIM',
      title: 'Unsigned CoRIM, microsoft/igvm launch-measurement profile',
      save: () => downloadCorim(result, out),
    });
  if (ref && ref.platform !== 'VSM_ISOLATION')
    list.push({
      testId: 'download-trustee',
      label: 'Download Trustee JSON',
      title: 'Trustee RVPS reference values (snp_launch_measurement / mr_td)',
      save: () => downloadTrustee(result, out),
    });
  return list;
}

function Select({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: string;
  options: readonly string[];
  onChange(v: string): void;
}) {
  return (
    <label>
      {label}{' '}
      <select value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        {options.map((p) => (
          <option key={p}>{p}</option>
        ))}
      </select>
    </label>
  );
}

/** The settings a measurement choice is picked by and remembered across files: SNP profile, TDX page-add order. */
type RememberedSetting = 'snpProfile' | 'tdxOrder';

/** The remembered value when `options` offers it, else the first option (undefined when there is no choice). */
function remembered(options: readonly string[], stored: string): string | undefined {
  return options.includes(stored) ? stored : options[0];
}

/** A select for a remembered setting among `options`; nothing when this measurement offers no choice. */
function RememberedSelect({
  label,
  setting,
  options,
}: {
  label: string;
  setting: RememberedSetting;
  options: readonly string[];
}) {
  const stored = useApp((s) => s.settings[setting]);
  const setSettings = useApp((s) => s.setSettings);
  const value = remembered(options, stored);
  if (value === undefined) return null;
  return (
    <Select label={label} value={value} options={options} onChange={(v) => setSettings({ [setting]: v })} />
  );
}

function FilePick({
  label,
  value,
  self,
  onChange,
}: {
  label: string;
  value?: string;
  self: string;
  onChange(id?: string): void;
}) {
  const all = useApp((s) => s.files);
  const files = useMemo(() => all.filter((f) => f.id !== self && f.status === 'ready'), [all, self]);
  return (
    <label>
      {label}{' '}
      <select value={value ?? ''} onChange={(e) => onChange(e.currentTarget.value || undefined)}>
        <option value="">none</option>
        {files.map((f) => (
          <option key={f.id} value={f.id}>
            {f.name}
          </option>
        ))}
      </select>
    </label>
  );
}

/**
 * A text field that applies its value on every edit (and on Enter) when `check` accepts it; otherwise it is flagged
 * (aria-invalid, message below) and reports the problem through `onInvalid`, so the panel withdraws the digest.
 */
function CheckedInput({
  label,
  initial,
  check,
  apply,
  onInvalid,
  testId,
  width,
  title,
}: {
  label: string;
  initial: string;
  check(v: string): string | undefined;
  apply(v: string): void;
  onInvalid(message: string | undefined): void;
  testId: string;
  width: string;
  title?: string;
}) {
  const [draft, setDraft] = useState(initial);
  const error = check(draft);
  const id = `${testId}-error`;
  const update = (v: string) => {
    setDraft(v);
    const e = check(v);
    onInvalid(e);
    if (!e) apply(v.trim());
  };
  return (
    <label className="checked-field">
      {label}{' '}
      <input
        type="text"
        inputMode="numeric"
        className="mono"
        style={{ width }}
        title={title}
        value={draft}
        data-testid={testId}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? id : undefined}
        onChange={(e) => update(e.currentTarget.value)}
        onKeyDown={(e) => e.key === 'Enter' && update(e.currentTarget.value)}
      />
      {error && (
        <span className="field-error" id={id} role="alert">
          {error}
        </span>
      )}
    </label>
  );
}

function ClassicControls({
  self,
  choice,
  o,
  set,
  onInvalid,
}: {
  self: string;
  choice: MeasureChoice;
  o: MeasureOptions;
  set(p: Partial<MeasureOptions>): void;
  /** A field's problem (or undefined when it is valid again), keyed by field. */
  onInvalid(field: string, message: string | undefined): void;
}) {
  if (!choice.classic && choice.platform !== 'sev') return null;
  const commit = (v: string) => set({ append: v || undefined });
  return (
    <>
      {choice.classic && (
        <>
          <CheckedInput
            label="vCPUs"
            initial={String(o.vcpus ?? 1)}
            check={vcpusError}
            apply={(v) => set({ vcpus: Number(v) })}
            onInvalid={(m) => onInvalid('vcpus', m)}
            testId="measure-vcpus"
            width="4.5rem"
          />
          <Select
            label="vCPU type"
            value={o.vcpuType ?? 'EPYC-v4'}
            options={choice.classic.vcpuTypes}
            onChange={(v) => set({ vcpuType: v })}
          />
          <Select
            label="VMM"
            value={o.vmm ?? 'QEMU'}
            options={choice.classic.vmms}
            onChange={(v) => set({ vmm: v })}
          />
        </>
      )}
      {choice.platform === 'snp' && (
        <CheckedInput
          label="Guest features"
          initial={o.guestFeatures ?? '0x1'}
          check={(v) => u64Error(v, 'Guest features')}
          apply={(v) => set({ guestFeatures: v })}
          onInvalid={(m) => onInvalid('guestFeatures', m)}
          testId="measure-guest-features"
          width="7rem"
          title="SEV_FEATURES of the VMSAs (hex 0x… or decimal)"
        />
      )}
      <fieldset className="direct-boot">
        <legend>Direct boot (kernel-hashes table)</legend>
        <FilePick
          label="Kernel"
          value={o.kernelFile}
          self={self}
          onChange={(id) => set({ kernelFile: id, ...(id ? {} : { initrdFile: undefined }) })}
        />
        {o.kernelFile && (
          <>
            <FilePick
              label="Initrd"
              value={o.initrdFile}
              self={self}
              onChange={(id) => set({ initrdFile: id })}
            />
            <label>
              Command line{' '}
              <input
                type="text"
                className="mono"
                defaultValue={o.append ?? ''}
                style={{ width: '22rem' }}
                data-testid="measure-append"
                onChange={(e) => commit(e.currentTarget.value)}
                onKeyDown={(e) => e.key === 'Enter' && commit(e.currentTarget.value)}
              />
            </label>
          </>
        )}
      </fieldset>
    </>
  );
}

/** Why there is no digest; on request, the value computed from the damaged file, in red, with no receipt. */
function Withheld({ out, force, onForce }: { out: MeasureResult; force: boolean; onForce(v: boolean): void }) {
  const w = out.withheld!;
  return (
    <div className="digest-withheld" data-testid="digest-withheld" role="status">
      <p>
        <strong>No digest.</strong> {withheldSentence(w.reason)} The diagnostics say what is wrong.
      </p>
      {w.forcedDigest ? (
        <>
          <div className="forced-label">Computed from a damaged file: not a launch measurement, never use it as a reference value</div>
          <output className="digest mono forced" data-testid="forced-digest" aria-label="Value computed from a damaged file">
            {w.forcedDigest}
          </output>
          <button type="button" className="small-button" onClick={() => onForce(false)}>
            Hide this value
          </button>
        </>
      ) : (
        !force && (
          <button type="button" className="small-button" data-testid="force-digest" onClick={() => onForce(true)}>
            Compute it anyway (shown in red, not downloadable)
          </button>
        )
      )}
    </div>
  );
}

export default function MeasurePanel({ result }: { result: OpenResult }) {
  const view = useFileView(result.id);
  const patch = useApp((s) => s.patchView);
  const settings = useApp((s) => s.settings);
  const choices = result.measurable;
  const choice = choices.find((c) => c.platform === view.platform) ?? choices[0]!;
  const profile = remembered(choice.profiles, settings.snpProfile);
  const order = remembered(choice.tdxOrders, settings.tdxOrder);
  const [what, setWhat] = useState<MeasureOptions>({
    platform: '',
    vcpus: LAUNCH_DEFAULTS.vcpus,
    vcpuType: LAUNCH_DEFAULTS.vcpuType,
    vmm: LAUNCH_DEFAULTS.vmm,
  });
  /** The user asked to see the value computed from a damaged file (shown in red, never exported). */
  const [force, setForce] = useState(false);
  /** Form fields whose current text is invalid: while any is, no digest is shown (issue 10). */
  const [invalid, setInvalid] = useState<Record<string, string>>({});
  useEffect(() => setInvalid({}), [choice.platform]);
  const formError = Object.values(invalid)[0];
  // The classic launch settings, for the Evidence view's "compare with" (only while every field is valid).
  const classic = !!choice.classic;
  const launchKey = classic && !formError ? JSON.stringify({ vcpus: what.vcpus, vcpuType: what.vcpuType, vmm: what.vmm, guestFeatures: what.guestFeatures }) : '';
  useEffect(() => {
    if (launchKey) patch(result.id, { launch: JSON.parse(launchKey) as FileViewState['launch'] });
  }, [launchKey, result.id, patch]);
  const options: MeasureOptions = {
    ...what,
    platform: choice.platform,
    profile,
    tdxOrder: order,
    ...(force && { force: true }),
  };
  const key = JSON.stringify(options);
  const [state, setState] = useState<{
    busy: boolean;
    job?: number;
    done: number;
    total: number;
    out?: MeasureResult;
    error?: string;
  }>({ busy: false, done: 0, total: 0 });
  /** Bumped by "Measure again" after a failure (a worker that died, a cancel). */
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let live = true;
    const { job, result: p } = engine.measure(
      result.id,
      JSON.parse(key) as MeasureOptions,
      (pr) => live && setState((s) => ({ ...s, done: pr.done, total: pr.total })),
    );
    setState((s) => ({ ...s, busy: true, job, done: 0, total: 0 }));
    p.then((out) => live && setState({ busy: false, done: 0, total: 0, out })).catch(
      (e: unknown) =>
        live &&
        setState({
          busy: false,
          done: 0,
          total: 0,
          error: e instanceof JobCancelledError ? 'Cancelled.' : e instanceof Error ? e.message : String(e),
        }),
    );
    return () => {
      live = false;
    };
  }, [result.id, key, attempt]);

  const out = state.out;
  return (
    <div className="measure">
      <section className="card" aria-label="Measurement settings">
        <div className="filters">
          <Select
            label="Measurement"
            value={choice.platform}
            options={choices.map((c) => c.platform)}
            onChange={(v) => patch(result.id, { platform: v })}
          />
          <RememberedSelect label="Profile" setting="snpProfile" options={choice.profiles} />
          <RememberedSelect label="Page-add order" setting="tdxOrder" options={choice.tdxOrders} />
          <ClassicControls
            self={result.id}
            choice={choice}
            o={options}
            set={(p) => setWhat((w) => ({ ...w, ...p }))}
            onInvalid={(field, message) =>
              setInvalid((m) => {
                if (m[field] === message) return m;
                const n = { ...m };
                if (message) n[field] = message;
                else delete n[field];
                return n;
              })
            }
          />
          {state.busy && (
            <>
              <progress max={state.total || 1} value={state.done} aria-label="Measuring" />
              <button type="button" onClick={() => state.job && engine.cancel(state.job)}>
                Cancel
              </button>
            </>
          )}
        </div>
        {state.error && (
          <p className="error-message" role="alert" data-testid="measure-error">
            {state.error}{' '}
            <button type="button" className="small-button" onClick={() => setAttempt((n) => n + 1)}>
              Measure again
            </button>
          </p>
        )}
        {out && formError && (
          <div className="digest-block withdrawn" data-testid="digest-withdrawn" role="status">
            <div className="digest-label">{out.label}</div>
            <p>Digest withdrawn until the form is valid: {formError}</p>
          </div>
        )}
        {out && !formError && (
          <div
            className={`digest-block${state.busy ? ' stale' : ''}`}
            aria-busy={state.busy}
            data-stale={state.busy || undefined}
            data-testid="digest-block"
          >
            <div className="digest-label">
              {out.label}{' '}
              {state.busy ? (
                <span className="stale-note" data-testid="recomputing">
                  recomputing…
                </span>
              ) : out.withheld ? null : (
                <span className="muted small">
                  ({[out.algorithm, plural(out.ledger.length, 'step'), `${out.ms.toFixed(0)} ms`].filter(Boolean).join(', ')})
                </span>
              )}
            </div>
            {out.withheld ? (
              <Withheld out={out} force={force} onForce={setForce} />
            ) : (
              <>
                <div className="digest-row">
                  <output className="digest mono" data-testid="digest" aria-label={out.label}>
                    {out.digest || 'no digest: see the diagnostics below'}
                  </output>
                  {out.digest && (
                    <CopyButton text={out.digest} disabled={state.busy} what={out.label} />
                  )}
                </div>
                {downloadsOf(result, options, out).map((d) => (
                  <button
                    key={d.testId}
                    type="button"
                    className="small-button"
                    data-testid={d.testId}
                    disabled={state.busy}
                    title={state.busy ? (d.busyTitle ?? d.title) : d.title}
                    onClick={d.save}
                  >
                    {d.label}
                  </button>
                ))}
                {out.digest && (
                  <CompareDigest stale={state.busy} digests={[{ label: out.label, digest: out.digest }]} />
                )}
              </>
            )}
            {out.idBlock && (
              <p className={out.idBlock.matches ? 'ok-note' : 'error-message'} data-testid="id-block-check">
                {out.idBlock.matches
                  ? '✓ Matches the launch digest the SNP ID block expects.'
                  : `✗ The SNP ID block expects ${out.idBlock.expected}.`}
              </p>
            )}
          </div>
        )}
      </section>
      {out && (
        <section className="card table-card" aria-label="Ledger">
          <h3>
            Ledger{' '}
            <span className="muted small">
              {plural(out.runs.length, 'run')} of {plural(out.ledger.length, 'step')}
            </span>
          </h3>
          {out.diagnostics.length > 0 && (
            <DiagnosticsList
              diagnostics={out.diagnostics}
              onOffset={(o, l) => patch(result.id, { tab: 'hex', hex: { offset: o, length: l } })}
            />
          )}
          {out.ledger.length > 0 ? (
            <Ledger key={key} result={result} out={out} />
          ) : (
            <p className="muted" data-testid="ledger-empty">
              {out.withheld
                ? 'No ledger: nothing is measured from a damaged file.'
                : 'No measured steps.'}
            </p>
          )}
        </section>
      )}
      {out?.vmsas && out.vmsas.length > 0 && (
        <section className="card vmsa-card" aria-label="VMSA pages">
          <h3>VMSA pages measured</h3>
          <p className="muted small">
            Initial register state of each vCPU as the VMM builds it; offsets are inside the 4 KiB page.
          </p>
          <div className="grid-2 tight">
            {out.vmsas.map((v) => (
              <div key={v.title} data-testid="vmsa">
                <h4>{v.title}</h4>
                <FieldTree groups={v.groups} />
              </div>
            ))}
          </div>
        </section>
      )}
    </div>
  );
}
