// The Evidence view (issue 13 §6): an SEV-SNP report or TDX quote — decoded fields with offsets linked to the hex
// view, the check list (pass / fail / not checked, with the reason), a "compare with" picker (an open IGVM or
// firmware with its Measure settings, or the composer's result), the mismatch search with progress and cancel, and
// a receipt with all of it. Certificates and PCS collateral are the other open files: dropping one re-verifies.
import { proxy } from 'comlink';
import { useEffect, useMemo, useRef, useState } from 'react';
import { evidenceReceipt, contentFileName, type Receipt } from '../../../core/fuki/receipt';
import type { ComposeRequest } from '../../../workers/compose';
import { JobCancelledError } from '../../../workers/client';
import type { EvidenceCheck, EvidenceVerifyOptions, OpenResult } from '../../../workers/protocol';
import { CopyButton } from '../../components/Copy';
import { DiagnosticsList } from '../../components/Diagnostics';
import { FieldTable } from '../../components/FieldTable';
import { BytesCard } from '../../components/HexView';
import { composeRequest } from '../../composer/request';
import { engine } from '../../engine';
import { useApp, useFileView, type FileViewState, type OpenFile } from '../../store';
import { FileHeader } from '../FileHeader';

/** The compare-with value that stands for the composer's result. */
export const COMPOSER = '@composer';

const MARK: Record<EvidenceCheck['status'], string> = { pass: '✓', fail: '✗', 'not-checked': '–' };
const WORD: Record<EvidenceCheck['status'], string> = { pass: 'pass', fail: 'fail', 'not-checked': 'not checked' };

interface Target {
  value: string;
  label: string;
  options: EvidenceVerifyOptions;
  composed?: ComposeRequest;
  igvm: boolean;
}

function launchLabel(l: FileViewState['launch']): string {
  if (!l) return '';
  const parts = [`${l.vcpus ?? '?'} vCPU${l.vcpus === 1 ? '' : 's'}`];
  if (l.vcpuType) parts.push(l.vcpuType);
  if (l.vmm) parts.push(l.vmm);
  if (l.guestFeatures) parts.push(`guest features ${l.guestFeatures}`);
  return parts.join(', ');
}

/** What the report can be compared with: open IGVMs, open firmware (with its Measure settings), the composer. */
function useTargets(result: OpenResult, vcpus: number | undefined): Target[] {
  const files = useApp((s) => s.files);
  const views = useApp((s) => s.views);
  const composer = useApp((s) => s.composer);
  return useMemo(() => {
    const out: Target[] = [];
    for (const f of files) {
      if (f.id === result.id || f.status !== 'ready' || !f.result) continue;
      if (f.result.kind === 'igvm')
        out.push({ value: f.id, label: `${f.name} (IGVM${vcpus ? `, ${vcpus} vCPUs` : ''})`, options: { compareWith: f.id, vcpus }, igvm: true });
      else if (f.result.kind === 'firmware') {
        const l = views[f.id]?.launch;
        out.push({
          value: f.id,
          label: l && result.evidence?.kind === 'snp-report' ? `${f.name} with its Measure settings (${launchLabel(l)})` : `${f.name} (firmware)`,
          options: { compareWith: f.id, ...(result.evidence?.kind === 'snp-report' ? l : undefined) },
          igvm: false,
        });
      }
    }
    const built = composeRequest(composer, files);
    if ('request' in built) out.push({ value: COMPOSER, label: "The composer's result (its IGVM)", options: { vcpus }, composed: built.request, igvm: true });
    return out;
  }, [files, views, composer, result.id, result.evidence?.kind, vcpus]);
}

/** The other open files that can supply certificates or collateral: verification re-runs when they change. */
function supplyKey(files: readonly OpenFile[], self: string): string {
  return files
    .filter((f) => f.id !== self && f.status === 'ready')
    .map((f) => f.id)
    .sort()
    .join(',');
}

function Checks({ checks }: { checks: EvidenceCheck[] }) {
  const n = (s: EvidenceCheck['status']) => checks.filter((c) => c.status === s).length;
  return (
    <>
      <p className="diag-counts" data-testid="check-counts">
        <span className="sev check-pass-pill">{n('pass')} passed</span> <span className="sev sev-error">{n('fail')} failed</span>{' '}
        <span className="sev check-skip-pill">{n('not-checked')} not checked</span>
      </p>
      <ul className="evidence-checks" aria-label="Checks" data-testid="evidence-checks">
        {checks.map((c) => (
          <li key={c.id} className={`evidence-check check-${c.status}`} data-check={c.id} data-status={c.status}>
            <span className="check-mark" aria-hidden="true">
              {MARK[c.status]}
            </span>
            <span className="check-word">{WORD[c.status]}</span>
            <code className="check-id">{c.id}</code>
            <span className="check-detail">{c.detail}</span>
          </li>
        ))}
      </ul>
    </>
  );
}

function download(name: string, json: unknown): void {
  const url = URL.createObjectURL(new Blob([JSON.stringify(json, null, 2)], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export default function EvidenceView({ result }: { result: OpenResult }) {
  const ev = result.evidence!;
  const view = useFileView(result.id);
  const patch = useApp((s) => s.patchView);
  const files = useApp((s) => s.files);
  const state = useApp((s) => s.evidence[result.id]);
  const patchEvidence = useApp((s) => s.patchEvidence);
  const targets = useTargets(result, view.compareVcpus);
  const target = targets.find((t) => t.value === view.compareWith);
  const show = (offset: number, length: number) => patch(result.id, { hex: { offset, length } });
  const measurementName = ev.kind === 'tdx-quote' ? 'mrtd' : 'measurement';
  const measurement = ev.fields.find((f) => f.label === measurementName);
  const [busy, setBusy] = useState(false);
  const [atText, setAtText] = useState(view.at ?? '');
  const atError = atText && Number.isNaN(new Date(atText).getTime()) ? 'not a date and time (ISO 8601, e.g. 2025-09-01T00:00:00Z)' : undefined;

  const options: EvidenceVerifyOptions = { ...target?.options, at: view.at || undefined };
  const key = JSON.stringify({ options, composed: target?.composed ?? null, supplies: supplyKey(files, result.id) });
  useEffect(() => {
    let live = true;
    const { options: o, composed } = JSON.parse(key) as { options: EvidenceVerifyOptions; composed: ComposeRequest | null };
    setBusy(true);
    engine
      .call((r) => r.verifyEvidence(result.id, o, composed ?? undefined))
      .then((res) => {
        if (live) patchEvidence(result.id, { verify: { key, result: res, comparedWith: target?.label }, verifyError: undefined });
      })
      .catch((e: unknown) => {
        if (live) patchEvidence(result.id, { verifyError: e instanceof Error ? e.message : String(e) });
      })
      .finally(() => live && setBusy(false));
    return () => {
      live = false;
    };
    // target?.label follows key (same target), no re-run for it alone
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, result.id, patchEvidence]);

  const verified = state?.verify;
  const stale = busy || (verified !== undefined && verified.key !== key);
  const searchKey = JSON.stringify({ compareWith: view.compareWith, options: target?.options, composed: target?.composed ?? null });

  return (
    <div className="file-view evidence-view" data-testid="evidence-view">
      <FileHeader result={result} />
      <section className="card evidence-head" aria-labelledby={`ev-h-${result.id}`}>
        <h3 id={`ev-h-${result.id}`}>{ev.kind === 'snp-report' ? 'SEV-SNP attestation report' : 'TDX quote'}</h3>
        {measurement && (
          <div className="digest-block">
            <div className="digest-label">
              {ev.kind === 'snp-report' ? 'MEASUREMENT (the launch digest the PSP computed)' : 'MRTD (the TD build-time measurement)'}
            </div>
            <div className="digest-row">
              <code className="digest" data-testid="evidence-measurement">
                {measurement.value}
              </code>
              <CopyButton text={measurement.value} what={measurementName.toUpperCase()} />
            </div>
          </div>
        )}
        {ev.kind === 'tdx-quote' && (
          <table className="fields" data-testid="tdx-rtmrs">
            <tbody>
              {['rtmr0', 'rtmr1', 'rtmr2', 'rtmr3'].map((n) => {
                const f = ev.fields.find((x) => x.label === n);
                return (
                  f && (
                    <tr key={n}>
                      <th scope="row">{n.toUpperCase()}</th>
                      <td>
                        <span className="mono digest-wrap">{f.value}</span>
                      </td>
                    </tr>
                  )
                );
              })}
            </tbody>
          </table>
        )}
      </section>

      <section className="card" aria-labelledby={`ev-c-${result.id}`} data-testid="evidence-checks-card">
        <h3 id={`ev-c-${result.id}`}>
          Checks {stale && <span className="muted small" role="status">(verifying…)</span>}
        </h3>
        <div className="filters evidence-controls">
          <label>
            Compare with{' '}
            <select
              data-testid="compare-with"
              value={target ? target.value : ''}
              onChange={(e) => patch(result.id, { compareWith: e.currentTarget.value || undefined })}
            >
              <option value="">nothing (verify the evidence only)</option>
              {targets.map((t) => (
                <option key={t.value} value={t.value}>
                  {t.label}
                </option>
              ))}
            </select>
          </label>
          {target?.igvm && ev.kind === 'snp-report' && (
            <label>
              vCPUs{' '}
              <input
                type="number"
                min={1}
                max={512}
                className="narrow"
                data-testid="compare-vcpus"
                placeholder="file's"
                value={view.compareVcpus ?? ''}
                onChange={(e) => {
                  const n = Number(e.currentTarget.value);
                  patch(result.id, { compareVcpus: e.currentTarget.value && n >= 1 && n <= 512 && Number.isInteger(n) ? n : undefined });
                }}
              />
            </label>
          )}
          <label>
            Valid at{' '}
            <input
              className="mono"
              data-testid="evidence-at"
              placeholder={ev.kind === 'tdx-quote' ? 'now, or the collateral’s time' : 'now'}
              value={atText}
              spellCheck={false}
              aria-invalid={!!atError}
              onChange={(e) => {
                const t = e.currentTarget.value;
                setAtText(t);
                if (!t || !Number.isNaN(new Date(t).getTime())) patch(result.id, { at: t || undefined });
              }}
            />
          </label>
        </div>
        {atError && <p className="sev-error small">{atError}</p>}
        {targets.length === 0 && (
          <p className="muted small">Open an IGVM or OVMF file, or set up the composer, to compare the measurement with a launch.</p>
        )}
        {state?.verifyError && (
          <p className="sev-error" role="alert">
            {state.verifyError}
          </p>
        )}
        {verified && (
          <div className={stale ? 'stale-block' : undefined}>
            <p className="muted small" data-testid="evidence-supplies">
              Checked at {verified.result.at}
              {verified.result.certificateFiles.length > 0
                ? ` with the certificates in ${verified.result.certificateFiles.join(', ')}`
                : ' — no certificate file is open: drop the VCEK/VLEK and the ASK/ARK chain (DER or PEM) to check the signature'}
              {verified.result.collateralFile ? `, collateral ${verified.result.collateralFile}` : ''}.
            </p>
            <Checks checks={verified.result.checks} />
            {verified.result.match !== undefined && (
              <p className={verified.result.match ? 'ok-note' : 'sev-error'} data-testid="evidence-match" role="status">
                {verified.result.match ? `✓ matches ${verified.comparedWith ?? 'the launch'}` : `✗ does not match ${verified.comparedWith ?? 'the launch'}`}
              </p>
            )}
          </div>
        )}
        {ev.kind === 'snp-report' && target && (
          <Search key={searchKey} result={result} target={target} measurementHex={measurement?.value ?? ''} searchKey={searchKey} />
        )}
        <ReceiptButton result={result} searchKey={searchKey} />
      </section>

      <div className="grid-2">
        <section className="card" aria-labelledby={`ev-f-${result.id}`}>
          <h3 id={`ev-f-${result.id}`}>Fields</h3>
          <div className="evidence-fields" data-testid="evidence-fields">
            <FieldTable fields={ev.fields} onOffset={show} />
          </div>
        </section>
        <div className="evidence-side">
          <section className="card" aria-labelledby={`ev-d-${result.id}`}>
            <h3 id={`ev-d-${result.id}`}>What the bits mean</h3>
            <div className="evidence-fields">
              <FieldTable fields={ev.decoded} />
            </div>
          </section>
          <BytesCard fileId={result.id} size={result.size} highlight={view.hex} />
        </div>
      </div>
      {result.diagnostics.length > 0 && (
        <section className="card" aria-label="Diagnostics">
          <h3>Diagnostics</h3>
          <DiagnosticsList diagnostics={result.diagnostics} onOffset={show} />
        </section>
      )}
    </div>
  );
}

/** The mismatch search against the chosen target, in the engine worker; Cancel terminates that worker. */
function Search({ result, target, measurementHex, searchKey }: { result: OpenResult; target: Target; measurementHex: string; searchKey: string }) {
  const saved = useApp((s) => s.evidence[result.id]?.search);
  const patchEvidence = useApp((s) => s.patchEvidence);
  const [run, setRun] = useState<{ job: number; done: number; total: number } | null>(null);
  const [stopped, setStopped] = useState<string | null>(null);
  const settled = useRef(false);
  const shown = saved?.key === searchKey ? saved.result : undefined;
  const start = () => {
    settled.current = false;
    setStopped(null);
    const onProgress = proxy((p: { done: number; total: number }) => {
      if (!settled.current) setRun((r) => (r ? { ...r, done: p.done, total: p.total } : r));
    });
    const job = engine.job((r) =>
      r.searchEvidence(result.id, target.options.compareWith ?? '', onProgress, { ...target.options, searchThreads: chosen }, target.composed),
    );
    setRun({ job: job.job, done: 0, total: 0 });
    job.result
      .then((res) => patchEvidence(result.id, { search: { key: searchKey, result: res } }))
      .catch((e: unknown) => {
        setStopped(e instanceof JobCancelledError ? 'cancelled' : e instanceof Error ? e.message : String(e));
      })
      .finally(() => {
        settled.current = true;
        setRun(null);
      });
  };
  const jobRef = useRef<number | undefined>(undefined);
  jobRef.current = run?.job;
  useEffect(
    () => () => {
      // Leaving the view (or changing the target) stops a running search: its worker is needed for the next call.
      if (jobRef.current !== undefined) engine.cancel(jobRef.current);
    },
    [],
  );
  const matched = useApp((s) => s.evidence[result.id]?.verify?.result.match === true);
  const chosen = useFileView(result.id).searchThreads;
  const threads = chosen ?? (navigator.hardwareConcurrency >= 4 ? 2 : 1);
  const patch = useApp((s) => s.patchView);
  return (
    <div className="evidence-search" data-testid="evidence-search">
      <h4>Why doesn’t it match?</h4>
      <p className="muted small">
        Searches what the {target.igvm ? 'IGVM' : 'firmware'} does not fix —{' '}
        {target.igvm
          ? 'the SNP profile and the vCPU count (1–512, extra vCPUs replicating the last VMSA)'
          : 'vCPUs 1–512, every CPU type and the report’s own CPUID, VMM type (QEMU, ec2, gce), guest features'}{' '}
        — for a launch that reproduces {measurementHex.slice(0, 16)}….
      </p>
      {run ? (
        <div className="filters" role="status" aria-live="polite">
          <progress max={run.total || 1} value={run.done} aria-label="Search progress" data-testid="search-progress" />
          <span className="muted small" data-testid="search-count">
            {run.done.toLocaleString('en')} of {run.total ? run.total.toLocaleString('en') : '…'} candidates
          </span>
          <button type="button" data-testid="search-cancel" onClick={() => engine.cancel(run.job)}>
            Cancel
          </button>
        </div>
      ) : (
        <div className="filters">
          <button type="button" data-testid="search-start" onClick={start} disabled={matched && !shown}>
            {matched ? 'It matches: nothing to search' : shown ? 'Search again' : 'Search launch options'}
          </button>
          {!target.igvm && (
            <label title="The firmware search can run on a second thread (a helper worker)">
              Threads{' '}
              <select data-testid="search-threads" value={threads} onChange={(e) => patch(result.id, { searchThreads: Number(e.currentTarget.value) })}>
                <option value={1}>1</option>
                <option value={2}>2</option>
              </select>
            </label>
          )}
        </div>
      )}
      {stopped && (
        <p className="muted" role="status" data-testid="search-stopped">
          {stopped === 'cancelled' ? 'Search cancelled: its worker was stopped.' : `The search failed: ${stopped}`}
        </p>
      )}
      {shown && !run && (
        <div
          data-testid="search-result"
          className={shown.found ? 'ok-note' : 'sev-error'}
          data-tried={shown.tried}
          data-total={shown.total}
          data-ms={shown.ms}
          data-tail-ms={shown.tailMs}
          data-recompute-ms={shown.fullRecomputeMs}
          data-threads={shown.threads}
        >
          <p>
            {shown.found ? '✓ ' : '✗ '}
            {shown.explanation}
          </p>
          {shown.options && (
            <p>
              <code className="mono" data-testid="search-options">
                {shown.options.join(' ')}
              </code>{' '}
              <CopyButton text={shown.options.join(' ')} what="the options" />
            </p>
          )}
          <p className="muted small">
            {shown.tried.toLocaleString('en')} of {shown.total.toLocaleString('en')} candidates in {Math.round(shown.ms).toLocaleString('en')} ms on{' '}
            {shown.threads === 1 ? '1 thread' : `${shown.threads} threads`}
            {shown.tailMs > 0 && ` (${Math.round(shown.tried / (shown.tailMs / 1000)).toLocaleString('en')} candidates/s`}
            {shown.tailMs > 0 && shown.fullRecomputeMs !== undefined && `; one full recompute of the launch ${Math.round(shown.fullRecomputeMs).toLocaleString('en')} ms`}
            {shown.tailMs > 0 && ')'}
          </p>
        </div>
      )}
    </div>
  );
}

function ReceiptButton({ result, searchKey }: { result: OpenResult; searchKey: string }) {
  const state = useApp((s) => s.evidence[result.id]);
  const files = useApp((s) => s.files);
  const view = useFileView(result.id);
  const v = state?.verify;
  if (!v) return null;
  const make = (): Receipt => {
    const ev = result.evidence!;
    const inputs: Receipt['inputs'] = { evidence: { name: result.name, size: result.size, sha256: result.sha256 } };
    const byName = (n: string) => files.find((f) => f.name === n)?.result;
    v.result.certificateFiles.forEach((n, i) => {
      const r = byName(n);
      inputs[`certificates${v.result.certificateFiles.length > 1 ? `-${i + 1}` : ''}`] = { name: n, size: r?.size ?? 0, sha256: r?.sha256 ?? '' };
    });
    if (v.result.collateralFile) {
      const r = byName(v.result.collateralFile);
      inputs.collateral = { name: v.result.collateralFile, size: r?.size ?? 0, sha256: r?.sha256 ?? '' };
    }
    const cmp = files.find((f) => f.id === view.compareWith)?.result;
    if (cmp) inputs.launch = { name: cmp.name, size: cmp.size, sha256: cmp.sha256 };
    const search = state.search?.key === searchKey ? state.search.result : undefined;
    return evidenceReceipt({
      inputs,
      options: { at: v.result.at, ...(view.compareVcpus ? { vcpus: view.compareVcpus } : {}) },
      evidence: {
        kind: ev.kind,
        fields: Object.fromEntries(ev.fields.map((f) => [f.label, f.value])),
        at: v.result.at,
        checks: v.result.checks,
        comparedWith: v.comparedWith,
        match: v.result.match,
        search: search && {
          searchedWith: search.searchedWith,
          found: search.found,
          options: search.options,
          explanation: search.explanation,
          tried: search.tried,
          total: search.total,
          cancelled: search.cancelled,
        },
      },
    });
  };
  const measurement = result.evidence!.fields.find((f) => f.label === (result.evidence!.kind === 'tdx-quote' ? 'mrtd' : 'measurement'))?.value ?? '';
  // The receipt names the compared launch file by its SHA-256: not offered while that is still being computed.
  const launch = view.compareWith === undefined ? undefined : files.find((f) => f.id === view.compareWith)?.result;
  const launchPending = launch !== undefined && (launch.sha256Pending === true || !launch.sha256);
  return (
    <p>
      <button
        type="button"
        className="small-button"
        data-testid="evidence-receipt"
        disabled={launchPending}
        title={launchPending ? 'The SHA-256 of the compared file is still being computed' : undefined}
        onClick={() =>
          download(
            contentFileName(result.name, { platform: result.evidence!.kind === 'tdx-quote' ? 'TDX' : 'SEV_SNP', digest: measurement }, 'verify-receipt.json'),
            make(),
          )
        }
      >
        Download receipt (JSON)
      </button>
    </p>
  );
}
