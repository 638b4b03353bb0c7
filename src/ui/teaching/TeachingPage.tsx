// Teaching mode (issue #7): the launch measurement one operation at a time. SNP: the PAGE_INFO each step
// hashes (DIGEST_CUR, CONTENTS, LENGTH, PAGE_TYPE, GPA), rebuilt here with the core's snpPageInfo and
// checked against the worker's running digest; TDX: the MEM.PAGE.ADD / MR.EXTEND records, every one of them.
// Each step links to the bytes of the header behind it. It opens on the composer's IGVM when the composer has
// inputs, else on the demo; a timeline of the steps (coloured by page type) and a jump box move through them;
// counting is 1-based, the last step ends on a "this value is MEASUREMENT" callout; a presenter mode enlarges
// everything for a room. Side panels: what the digest does not cover, and the FUKI trust chain.
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
import { CopyButton } from '../components/Copy';
import { composeRequest } from '../composer/request';
import { useComposition } from '../composer/useComposition';
import { plural } from '../format';
import { FieldHex } from './FieldHex';
import { jumpTarget, timelineSegments, type TeachStep } from './steps';

export type { TeachStep };
import { engine } from '../engine';
import { useApp } from '../store';
import { MiniHex } from './MiniHex';
import { NotMeasured, TrustChain } from './Panels';
import { ledgerEntries } from '../../workers/ledger-columns';
import '../composer/composer.css';

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
          steps: ledgerEntries(r.ledger).map((e, i) => ({
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
  // PAGE_INFO layout (igvm-format §14.2.1, AMD SNP ABI PAGE_INFO): the offsets writeSnpPageInfo uses.
  const fields = [
    { name: 'DIGEST_CUR', offset: 0, length: SNP_DIGEST_LENGTH, value: index === 0 ? `${toHex(cur)} (all zero: the first step)` : toHex(cur) },
    {
      name: 'CONTENTS',
      offset: 0x30,
      length: SNP_DIGEST_LENGTH,
      value: s.contentHash ? `${s.contentHash} (SHA-384 of the page)` : '0 (this page type has no content hash)',
    },
    { name: 'LENGTH', offset: 0x60, length: 2, value: `0x${PAGE_INFO_LENGTH.toString(16)}` },
    { name: 'PAGE_TYPE', offset: 0x62, length: 1, value: `${s.type} (${typeCode ?? '?'})`, testId: 'page-type' },
    { name: 'IMI_PAGE', offset: 0x63, length: 1, value: '0' },
    { name: 'VMPL3/2/1 perms, reserved', offset: 0x64, length: 4, value: '0, 0, 0 / 0' },
    { name: 'GPA', offset: 0x68, length: 8, value: s.gpa, testId: 'page-gpa' },
  ];
  return (
    <>
      {info ? (
        <FieldHex
          bytes={info}
          fields={fields}
          caption={
            <>
              PAGE_INFO of step {index + 1} (0x{PAGE_INFO_LENGTH.toString(16)} bytes): its SHA-384 is the new digest
            </>
          }
        />
      ) : (
        <p className="sev-error">Page type {s.type} is not an SNP page type.</p>
      )}
      <table className="kv">
        <tbody>
          <tr>
            <th scope="row">digest after</th>
            <td className="mono" data-testid="running-digest">
              {s.value}
            </td>
          </tr>
        </tbody>
      </table>
      {info && (
        <p data-testid="page-info-check" className={check === s.value ? 'ok-note' : 'sev-error'}>
          {check === s.value
            ? '✓ SHA-384(PAGE_INFO) equals the digest after this step'
            : `✗ SHA-384(PAGE_INFO) = ${check}`}
        </p>
      )}
    </>
  );
}

/** Every record one TDX page feeds into the MRTD stream: MEM.PAGE.ADD, then (measured pages) 16 × MR.EXTEND,
 * each followed by 256 bytes of the page (igvm-format §14.3). A record stepper walks them one by one. */
function TdxStep({ step }: { step: TeachStep }) {
  const gpa = BigInt(step.gpa);
  const extend = step.type.includes('EXTEND');
  const chunks = extend ? 4096 / TDX_EXTEND_CHUNK : 0;
  const total = 1 + chunks;
  const [r, setR] = useState(0);
  const at = Math.min(r, total - 1);
  const chunkGpa = (k: number) => gpa + BigInt(k * TDX_EXTEND_CHUNK);
  const g = (v: bigint) => '0x' + v.toString(16);
  return (
    <div data-testid="tdx-records">
      <p>
        One 4 KiB page at GPA <span className="mono">{step.gpa}</span>: a 128-byte MEM.PAGE.ADD record
        {extend
          ? `, then ${chunks} MR.EXTEND records, each followed by the 256 bytes of the page it names`
          : ' (content not extended: the page is added but not measured)'}
        , all fed into one SHA-384 stream (MRTD): {plural(total, 'record')} for this page.
      </p>
      <div className="tdx-record-chips" role="group" aria-label="Records of this page">
        {Array.from({ length: total }, (_, k) => (
          <button
            key={k}
            type="button"
            className={k === at ? 'primary' : undefined}
            aria-pressed={k === at}
            onClick={() => setR(k)}
            title={k === 0 ? `MEM.PAGE.ADD ${step.gpa}` : `MR.EXTEND ${g(chunkGpa(k - 1))}`}
          >
            {k === 0 ? 'ADD' : `EXT ${k}`}
          </button>
        ))}
      </div>
      <p data-testid="tdx-record-counter">
        Record {at + 1} of {total}:{' '}
        {at === 0 ? (
          <>
            MEM.PAGE.ADD, GPA <span className="mono">{step.gpa}</span>
          </>
        ) : (
          <>
            MR.EXTEND, GPA <span className="mono">{g(chunkGpa(at - 1))}</span>, then page bytes{' '}
            <span className="mono">
              {g(BigInt((at - 1) * TDX_EXTEND_CHUNK))}–{g(BigInt(at * TDX_EXTEND_CHUNK - 1))}
            </span>
          </>
        )}
      </p>
      <MiniHex
        bytes={at === 0 ? memPageAddRecord(gpa) : mrExtendRecord(chunkGpa(at - 1))}
        label={at === 0 ? 'MEM.PAGE.ADD record' : `MR.EXTEND record ${at} of ${chunks}`}
      />
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

/** The closing callout: the value after the last step is what the attestation report carries. */
function MeasurementCallout({ platform, value }: { platform: string; value?: string }) {
  const tdx = platform === 'TDX';
  return (
    <aside className="measurement-callout" data-testid="measurement-callout" aria-label="The result">
      <h3>{tdx ? 'This value is MRTD' : 'This value is MEASUREMENT'}</h3>
      {value && (
        <div className="digest-row">
          <code className="digest mono">{value}</code>
          <CopyButton text={value} what="final digest" />
        </div>
      )}
      <p>
        {tdx
          ? 'The SHA-384 of every record above is the MRTD the TD report and quote carry: the MEASUREMENT of the initial TD a verifier compares with its reference value.'
          : 'The digest after the last step is the launch digest: the PSP puts it in the attestation report as MEASUREMENT, and a verifier compares it with its reference value. Nothing after this step changes it.'}
      </p>
    </aside>
  );
}

export default function TeachingPage() {
  const allFiles = useApp((s) => s.files);
  const inputs = useApp((s) => s.composer);
  const files = useMemo(() => allFiles.filter((f) => f.result?.kind === 'igvm'), [allFiles]);
  const [chosen, setSource] = useState<Source>();
  // Until the user picks one: the composer's IGVM if the composer can build one, else the demo (or the first
  // open IGVM with an SNP measurement), so a room never starts on an empty page.
  const composable = 'request' in composeRequest(inputs, allFiles);
  const fallback = files.find((f) => f.demo) ?? files[0];
  const source: Source =
    chosen ??
    (composable || !fallback?.result?.measurable.some((m) => m.platform === 'SEV_SNP')
      ? { kind: 'composed' }
      : { kind: 'file', id: fallback.id, platform: 'SEV_SNP' });
  const composed = useComposition({ ledger: true });
  const fileSteps = useFileSteps(source);
  const [index, setIndex] = useState(0);
  const [composedBytes, setComposedBytes] = useState<Uint8Array>();
  const [presenter, setPresenter] = useState(false);
  const [jump, setJump] = useState('');
  const [jumpMessage, setJumpMessage] = useState<string>();
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
  const segments = useMemo(() => (steps ? timelineSegments(steps) : []), [steps]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (
        e.target instanceof HTMLInputElement ||
        e.target instanceof HTMLTextAreaElement ||
        e.target instanceof HTMLSelectElement
      )
        return;
      if (e.key === 'Escape' && presenter) {
        setPresenter(false);
        return;
      }
      const next = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: last }[e.key];
      if (next === undefined) return;
      e.preventDefault();
      setIndex(Math.max(0, Math.min(last, next)));
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [at, last, presenter]);

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

  const go = () => {
    if (!steps) return;
    const t = jumpTarget(steps, jump, at);
    if (typeof t === 'number') {
      setIndex(t);
      setJumpMessage(undefined);
    } else setJumpMessage(t);
  };

  // A jump message belongs to the step it was typed at; moving on clears it.
  useEffect(() => setJumpMessage(undefined), [at]);

  const step = steps?.[at];
  const finalValue = platform === 'TDX' ? fileSteps.digest : step?.value;
  const sourceName =
    source.kind === 'composed'
      ? "the composer's IGVM"
      : (allFiles.find((f) => f.id === source.id)?.name ?? 'the file');
  return (
    <div className={`teaching${presenter ? ' presenter' : ''}`} data-testid="teaching-page">
      <div className="page-column">
        <section className="card" aria-label="What to step through">
          <div className="teach-title">
            <h2>Teaching mode</h2>
            <button
              type="button"
              aria-pressed={presenter}
              onClick={() => setPresenter(!presenter)}
              title="Large type for a projector; Esc leaves"
            >
              {presenter ? 'Leave presenter mode' : 'Presenter mode'}
            </button>
          </div>
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
              <option value="composed">the composer&apos;s IGVM (SEV-SNP)</option>
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
            <p className="muted">{composed.reason} (fill the Compose page first, or pick an open IGVM above)</p>
          )}
          {fileSteps.error && <p className="sev-error">{fileSteps.error}</p>}
          {steps && steps.length > 0 && (
            <>
              <p className="muted small" data-testid="teach-source">
                {sourceName}: {plural(steps.length, 'step')}
                {platform === 'TDX' ? ' (one per 4 KiB page)' : ''}.
              </p>
              <div className="teach-nav" role="group" aria-label="Step">
                <button type="button" onClick={() => setIndex(0)} disabled={at === 0}>
                  « First
                </button>
                <button type="button" onClick={() => setIndex(at - 1)} disabled={at === 0}>
                  ◀ Prev
                </button>
                <span data-testid="step-counter">
                  Step {at + 1} of {steps.length}
                </span>
                <button type="button" onClick={() => setIndex(at + 1)} disabled={at >= last}>
                  Next ▶
                </button>
                <button type="button" onClick={() => setIndex(last)} disabled={at >= last}>
                  Last »
                </button>
                <span className="muted small keys-hint">(← → Home End)</span>
              </div>
              <div className="timeline" role="group" aria-label="Step timeline" data-testid="timeline">
                {segments.map((g) => {
                  const current = at >= g.first && at < g.first + g.count;
                  const range = g.count === 1 ? `step ${g.first + 1}` : `steps ${g.first + 1}–${g.first + g.count}`;
                  return (
                    <button
                      key={g.first}
                      type="button"
                      className={`tl-seg tl-${g.type.replace(/[^A-Za-z]/g, '')}${current ? ' tl-current' : ''}`}
                      style={{ flexGrow: g.count }}
                      aria-label={`${range}: ${g.type}`}
                      aria-current={current ? 'step' : undefined}
                      title={`${range}: ${g.type}, from GPA ${steps[g.first]!.gpa}`}
                      onClick={(e) => {
                        // Where in the segment it was clicked: a long run of one type is still a timeline.
                        const box = e.currentTarget.getBoundingClientRect();
                        const frac = box.width > 0 && e.clientX > 0 ? (e.clientX - box.left) / box.width : 0;
                        setIndex(g.first + Math.min(g.count - 1, Math.max(0, Math.floor(frac * g.count))));
                      }}
                    />
                  );
                })}
                <span
                  className="tl-marker"
                  aria-hidden="true"
                  style={{ left: `${(100 * (at + 0.5)) / steps.length}%` }}
                />
              </div>
              <div className="timeline-legend small muted" aria-hidden="true">
                {[...new Set(segments.map((g) => g.type))].map((t) => (
                  <span key={t}>
                    <span className={`tl-swatch tl-${t.replace(/[^A-Za-z]/g, '')}`} /> {t}
                  </span>
                ))}
              </div>
              <form
                className="jump"
                onSubmit={(e) => {
                  e.preventDefault();
                  go();
                }}
              >
                <label>
                  Jump to{' '}
                  <input
                    value={jump}
                    placeholder="step, 0x GPA or page type"
                    aria-label="Jump to step, GPA or page type"
                    data-testid="jump-input"
                    onChange={(e) => setJump(e.currentTarget.value)}
                  />
                </label>{' '}
                <button type="submit">Go</button>
                {jumpMessage && (
                  <span className="sev-warning small" role="status" data-testid="jump-message">
                    {jumpMessage}
                  </span>
                )}
              </form>
            </>
          )}
        </section>
        {!presenter && (
          <>
            <NotMeasured
              notes={source.kind === 'composed' ? composed.response?.receipt?.notes : undefined}
              steps={steps}
            />
            <TrustChain composition={source.kind === 'composed' ? composed.response : undefined} />
          </>
        )}
      </div>
      <section className="card" aria-label="Current step">
        {step ? (
          <>
            <h2>
              Step {at + 1}: {step.type} at {step.gpa}
            </h2>
            {platform === 'TDX' ? <TdxStep key={at} step={step} /> : <SnpStep steps={steps!} index={at} />}
            {at === last && <MeasurementCallout platform={platform} value={finalValue} />}
            <StepBytes source={source} step={step} composedBytes={composedBytes} />
          </>
        ) : (
          <p className="muted">
            {composed.busy || (source.kind === 'file' && !fileSteps.error)
              ? 'Measuring…'
              : 'Nothing to step through yet: fill the Compose page, or open an IGVM file and pick it above.'}
          </p>
        )}
      </section>
    </div>
  );
}
