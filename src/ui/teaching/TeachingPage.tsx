// Teaching mode (issue #7): the launch measurement one operation at a time. SNP: the PAGE_INFO each step
// hashes (DIGEST_CUR, CONTENTS, LENGTH, PAGE_TYPE, GPA), rebuilt here with the core's snpPageInfo and
// checked against the worker's running digest; TDX: the MEM.PAGE.ADD / MR.EXTEND records. Each step links to
// the bytes of the header behind it. Side panels: what the digest does not cover, and the FUKI trust chain.
import { useEffect, useMemo, useState } from 'react';
import { sha384Of } from '../../core/hash/hash';
import {
  PAGE_INFO_LENGTH,
  SNP_DIGEST_LENGTH,
  SNP_PAGE_TYPE,
  snpPageInfo,
} from '../../core/measure/snp-page-info';
import { memPageAddRecord, mrExtendRecord, TDX_EXTEND_CHUNK } from '../../core/measure/tdx-records';
import { fromHex, toHex } from '../../core/bytes/bytes';
import { HexView } from '../components/HexView';
import { useComposition } from '../composer/useComposition';
import { engine } from '../engine';
import { useApp } from '../store';
import { MiniHex } from './MiniHex';
import { NotMeasured, TrustChain } from './Panels';
import '../composer/composer.css';

/** One measured operation, from the composer's ledger or from an open IGVM file's measurement. */
export interface TeachStep {
  step: number;
  gpa: string;
  type: string;
  contentHash: string;
  value: string;
  /** File offset of the header record behind the step. */
  headerOffset?: number;
}

type Source = { kind: 'composed' } | { kind: 'file'; id: string; platform: string };

function useFileSteps(source: Source): { steps?: TeachStep[]; digest?: string; error?: string } {
  const [state, setState] = useState<{ steps?: TeachStep[]; digest?: string; error?: string }>({});
  const id = source.kind === 'file' ? source.id : '';
  const platform = source.kind === 'file' ? source.platform : '';
  useEffect(() => {
    if (!id) return;
    let live = true;
    setState({});
    engine
      .measure(id, { platform })
      .result.then((r) => {
        if (!live) return;
        // A damaged file has no ledger to walk through (issue 10): say why instead.
        if (r.withheld) return setState({ error: r.withheld.reason });
        setState({
          digest: r.digest,
          steps: r.entries.map((e, i) => ({
            step: i,
            gpa: e.gpa,
            type: e.pageType,
            contentHash: e.contentHash,
            value: e.running,
            headerOffset: e.headerOffset,
          })),
        });
      })
      .catch((e: unknown) => live && setState({ error: e instanceof Error ? e.message : String(e) }));
    return () => {
      live = false;
    };
  }, [id, platform]);
  return state;
}

function SnpStep({ steps, index }: { steps: TeachStep[]; index: number }) {
  const s = steps[index]!;
  const cur = index === 0 ? new Uint8Array(SNP_DIGEST_LENGTH) : fromHex(steps[index - 1]!.value);
  const contents = s.contentHash ? fromHex(s.contentHash) : new Uint8Array(SNP_DIGEST_LENGTH);
  const typeCode = SNP_PAGE_TYPE[s.type as keyof typeof SNP_PAGE_TYPE];
  const info = typeCode === undefined ? undefined : snpPageInfo(cur, contents, typeCode, BigInt(s.gpa));
  const check = info && toHex(sha384Of(info));
  return (
    <>
      <table className="page-info" data-testid="page-info">
        <caption>
          PAGE_INFO of step {index} (0x{PAGE_INFO_LENGTH.toString(16)} bytes, SHA-384 of it is the new digest)
        </caption>
        <tbody>
          <tr>
            <td>DIGEST_CUR</td>
            <td>{toHex(cur)}</td>
          </tr>
          <tr>
            <td>CONTENTS</td>
            <td>{s.contentHash || '0 (this page type has no content hash)'}</td>
          </tr>
          <tr>
            <td>LENGTH</td>
            <td>0x{PAGE_INFO_LENGTH.toString(16)}</td>
          </tr>
          <tr>
            <td>PAGE_TYPE</td>
            <td data-testid="page-type">
              {s.type} ({typeCode ?? '?'})
            </td>
          </tr>
          <tr>
            <td>IMI_PAGE, VMPL perms</td>
            <td>0, 0 / 0 / 0</td>
          </tr>
          <tr>
            <td>GPA</td>
            <td data-testid="page-gpa">{s.gpa}</td>
          </tr>
          <tr>
            <td>digest after</td>
            <td data-testid="running-digest">{s.value}</td>
          </tr>
        </tbody>
      </table>
      {info && (
        <>
          <MiniHex bytes={info} label="PAGE_INFO bytes" />
          <p data-testid="page-info-check" className={check === s.value ? 'ok-note' : 'sev-error'}>
            {check === s.value
              ? '✓ SHA-384(PAGE_INFO) equals the digest after this step'
              : `✗ SHA-384(PAGE_INFO) = ${check}`}
          </p>
        </>
      )}
    </>
  );
}

function TdxStep({ step }: { step: TeachStep }) {
  const gpa = BigInt(step.gpa);
  const extend = step.type.includes('EXTEND');
  return (
    <div data-testid="tdx-records">
      <p>
        One 4 KiB page at GPA <span className="mono">{step.gpa}</span>: a 128-byte MEM.PAGE.ADD record
        {extend
          ? `, then ${4096 / TDX_EXTEND_CHUNK} MR.EXTEND records each followed by 256 bytes of the page`
          : ' (content not extended: the page is added but not measured)'}
        , all fed into one SHA-384 stream (MRTD).
      </p>
      <MiniHex bytes={memPageAddRecord(gpa)} label="MEM.PAGE.ADD record" />
      {extend && (
        <MiniHex
          bytes={mrExtendRecord(gpa)}
          label={`first MR.EXTEND record (of ${4096 / TDX_EXTEND_CHUNK})`}
        />
      )}
    </div>
  );
}

/** The header bytes behind a step: the hex view of the open file, or a dump of the composed IGVM. */
function StepBytes({
  source,
  step,
  composedBytes,
}: {
  source: Source;
  step: TeachStep;
  composedBytes?: Uint8Array;
}) {
  const size = useApp((s) =>
    source.kind === 'file' ? (s.files.find((f) => f.id === source.id)?.size ?? 0) : 0,
  );
  if (step.headerOffset === undefined) return null;
  if (source.kind === 'file')
    return (
      <HexView
        fileId={source.id}
        size={size}
        highlight={{ offset: step.headerOffset, length: 16 }}
        label="Header bytes"
      />
    );
  if (!composedBytes) return null;
  return (
    <MiniHex
      bytes={composedBytes.subarray(step.headerOffset, step.headerOffset + 64)}
      base={step.headerOffset}
      label="Header record in the composed IGVM"
    />
  );
}

export default function TeachingPage() {
  const allFiles = useApp((s) => s.files);
  const files = useMemo(() => allFiles.filter((f) => f.result?.kind === 'igvm'), [allFiles]);
  const [source, setSource] = useState<Source>({ kind: 'composed' });
  const composed = useComposition({ ledger: true });
  const fileSteps = useFileSteps(source);
  const [index, setIndex] = useState(0);
  const [composedBytes, setComposedBytes] = useState<Uint8Array>();
  const platform = source.kind === 'file' ? source.platform : 'SEV_SNP';

  const steps: TeachStep[] | undefined =
    source.kind === 'composed'
      ? composed.response?.ledger?.map((e) => ({
          step: e.step,
          gpa: e.gpa,
          type: e.type,
          contentHash: e.contentHash ?? '',
          value: e.value ?? '',
          headerOffset: e.offset,
        }))
      : fileSteps.steps;
  const last = Math.max(0, (steps?.length ?? 1) - 1);
  const at = Math.min(index, last);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (
        e.target instanceof HTMLInputElement ||
        e.target instanceof HTMLTextAreaElement ||
        e.target instanceof HTMLSelectElement
      )
        return;
      const next = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: last }[e.key];
      if (next === undefined) return;
      e.preventDefault();
      setIndex(Math.max(0, Math.min(last, next)));
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [at, last]);

  const request = composed.request;
  useEffect(() => {
    setComposedBytes(undefined);
    if (source.kind !== 'composed' || !request) return;
    let live = true;
    engine
      .call((r) => r.composeOutputs(request))
      .then((out) => live && setComposedBytes(out.igvm))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [source.kind, request]);

  const step = steps?.[at];
  return (
    <div className="teaching" data-testid="teaching-page">
      <div className="page-column">
        <section className="card" aria-label="What to step through">
          <h2>Teaching mode</h2>
          <label>
            Measurement{' '}
            <select
              aria-label="Measurement source"
              value={source.kind === 'composed' ? 'composed' : `${source.id}|${source.platform}`}
              onChange={(e) => {
                const v = e.currentTarget.value;
                setIndex(0);
                if (v === 'composed') setSource({ kind: 'composed' });
                else {
                  const [id, p] = v.split('|') as [string, string];
                  setSource({ kind: 'file', id, platform: p });
                }
              }}
            >
              <option value="composed">the composer's IGVM (SEV-SNP)</option>
              {files.flatMap((f) =>
                (f.result?.measurable ?? [])
                  .filter((m) => m.platform === 'SEV_SNP' || m.platform === 'TDX')
                  .map((m) => (
                    <option key={`${f.id}|${m.platform}`} value={`${f.id}|${m.platform}`}>
                      {f.name}: {m.label}
                    </option>
                  )),
              )}
            </select>
          </label>
          {source.kind === 'composed' && composed.reason && (
            <p className="muted">{composed.reason} (fill the Compose page first)</p>
          )}
          {fileSteps.error && <p className="sev-error">{fileSteps.error}</p>}
          {steps && (
            <div className="teach-nav" role="group" aria-label="Step">
              <button type="button" onClick={() => setIndex(0)} disabled={at === 0}>
                « First
              </button>
              <button type="button" onClick={() => setIndex(at - 1)} disabled={at === 0}>
                ◀ Prev
              </button>
              <span data-testid="step-counter">
                Step {at} of {steps.length}
              </span>
              <button type="button" onClick={() => setIndex(at + 1)} disabled={at >= last}>
                Next ▶
              </button>
              <button type="button" onClick={() => setIndex(last)} disabled={at >= last}>
                Last »
              </button>
              <span className="muted small">(← → Home End)</span>
            </div>
          )}
        </section>
        <NotMeasured
          notes={source.kind === 'composed' ? composed.response?.receipt?.notes : undefined}
          steps={steps}
        />
        <TrustChain composition={source.kind === 'composed' ? composed.response : undefined} />
      </div>
      <section className="card" aria-label="Current step">
        {step ? (
          <>
            <h2>
              {step.type} at {step.gpa}
            </h2>
            {platform === 'TDX' ? <TdxStep step={step} /> : <SnpStep steps={steps!} index={at} />}
            <StepBytes source={source} step={step} composedBytes={composedBytes} />
          </>
        ) : (
          <p className="muted">
            {composed.busy || (source.kind === 'file' && !fileSteps.error) ? 'Measuring…' : 'No ledger yet.'}
          </p>
        )}
      </section>
    </div>
  );
}
