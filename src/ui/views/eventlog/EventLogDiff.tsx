// Log ↔ prediction diff (issue 14): pick an open UKI and its add-ons (or take the composer's), and every event of
// the log is shown next to what produced it — firmware, a UKI section, an add-on, the kernel — with the predicted
// and logged digests side by side, the first divergent event highlighted with its reason, and the predicted vs
// replayed PCR 4/9/11/12 (RTMR1/RTMR2 for a CCEL).
import { useEffect, useState } from 'react';
import type { EventLogDiff, EventLogDiffRequest, EventLogView, OpenResult } from '../../../workers/protocol';
import { CopyButton } from '../../components/Copy';
import { DiagnosticsList } from '../../components/Diagnostics';
import { FileOptions } from '../../composer/FilePick';
import { fitsSlot } from '../../composer/slot-kinds';
import { engine } from '../../engine';
import { hex } from '../../format';
import { useApp, type OpenFile } from '../../store';
import type { EventLogAddon } from '../../store/eventlog';
import { ColumnHeads } from '../../components/ColumnHeads';

const isUki = (f: OpenFile) => fitsSlot(f, 'uki') === true;
const isAddon = (f: OpenFile) => fitsSlot(f, 'addon') === true;

const STATUS_TEXT: Record<EventLogDiff['rows'][number]['status'], string> = {
  match: '✓ match',
  differs: '✗ differs',
  unpredictable: '? not predictable',
  firmware: 'firmware',
  extra: '✗ not predicted',
  missing: '✗ missing',
};

/** The diff's inputs: the stored choice, else the only open UKI; every open add-on (enabled, global) unless set. */
function useDiffInputs(logId: string) {
  const files = useApp((s) => s.files);
  const stored = useApp((s) => s.eventLogInputs[logId]);
  const ukis = files.filter(isUki);
  const addonFiles = files.filter(isAddon);
  const ukiId =
    stored?.ukiId === undefined
      ? ukis.length === 1
        ? ukis[0]!.id
        : null
      : stored.ukiId && ukis.some((u) => u.id === stored.ukiId)
        ? stored.ukiId
        : null;
  const addons: (EventLogAddon & { name: string })[] = addonFiles.map((f) => {
    const s = stored?.addons.find((a) => a.id === f.id);
    return { id: f.id, name: f.name, enabled: s?.enabled ?? true, scope: s?.scope ?? 'global' };
  });
  return { ukis, ukiId, addons, stored };
}

function DigestPair({ d }: { d: EventLogDiff['rows'][number]['digests'][number] }) {
  const same = d.predicted !== undefined && d.predicted === d.logged;
  return (
    <div className="evdiff-digest" data-bank={d.bank}>
      <span className="muted small">{d.bank}</span>
      <code className={`mono hash-cell${d.predicted && d.logged && !same ? ' bad' : ''}`} title="predicted">
        {d.predicted ?? '—'}
      </code>
      <code className="mono hash-cell" title="logged">
        {same ? '=' : (d.logged ?? '—')}
      </code>
    </div>
  );
}

function Registers({ diff }: { diff: EventLogDiff }) {
  return (
    <table className="grid compact small evdiff-registers" data-testid="evdiff-registers">
      <caption>Predicted vs replayed</caption>
      <ColumnHeads columns={['Register', 'Bank', 'Predicted / replayed']} />
      <tbody>
        {diff.registers.map((r) => (
          <tr
            key={`${r.label}-${r.bank}`}
            data-testid="evdiff-register"
            data-label={r.label}
            data-bank={r.bank}
            data-equal={r.equal === undefined ? 'unknown' : String(r.equal)}
          >
            <th scope="row">{r.label}</th>
            <td>{r.bank}</td>
            <td>
              {r.predicted ? (
                <>
                  <span className={r.equal ? 'ok-note' : 'error-message'}>
                    {r.equal ? '✓ equal' : '✗ differs'}
                  </span>{' '}
                  <code className="mono hash-cell" data-testid="predicted">
                    {r.predicted}
                  </code>{' '}
                  <CopyButton text={r.predicted} what={`predicted ${r.label} ${r.bank}`} />
                  {!r.equal && (
                    <div>
                      replayed <code className="mono hash-cell">{r.replayed}</code>
                    </div>
                  )}
                </>
              ) : (
                <span className="muted" data-testid="why">
                  not predicted: {r.why}
                </span>
              )}
              <div className="muted small">{r.basis}</div>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Rows({ diff, show }: { diff: EventLogDiff; show(offset: number, length: number): void }) {
  const [all, setAll] = useState(false);
  const rows = all ? diff.rows : diff.rows.filter((r) => r.status !== 'firmware');
  return (
    <>
      <label className="check small">
        <input type="checkbox" checked={all} onChange={(e) => setAll(e.currentTarget.checked)} /> Show the
        firmware&apos;s own events too ({diff.rows.filter((r) => r.status === 'firmware').length})
      </label>
      <div className="evdiff-table-wrap">
        <table className="grid compact small evdiff-rows" data-testid="evdiff-rows">
          <ColumnHeads columns={['Status', 'Event', 'Produced by', 'Predicted / logged']} />
          <tbody>
            {rows.map((r) => {
              const i = diff.rows.indexOf(r);
              const first = i === diff.firstDivergence;
              return (
                <tr
                  key={i}
                  className={`evdiff-${r.status}${first ? ' first-divergence' : ''}`}
                  data-testid="evdiff-row"
                  data-status={r.status}
                  data-first={first || undefined}
                >
                  <td>
                    {STATUS_TEXT[r.status]}
                    {first && <div className="error-message small">first divergence</div>}
                  </td>
                  <td>
                    {r.event !== undefined ? (
                      <button
                        type="button"
                        className="link"
                        onClick={() => show(r.offset!, r.length!)}
                        title={`at ${hex(r.offset!)}`}
                      >
                        #{r.event}
                      </button>
                    ) : (
                      '—'
                    )}{' '}
                    {r.label}
                    {r.pcr !== undefined && <span className="muted"> (PCR {r.pcr})</span>}
                  </td>
                  <td>
                    <strong>{r.source}</strong>: {r.description}
                    {r.logged && r.logged !== r.description && (
                      <div className="muted mono evlog-desc">logged: {r.logged}</div>
                    )}
                    {r.reason && r.status !== 'match' && (
                      <div className={r.status === 'unpredictable' ? 'muted' : 'error-message'}>
                        {r.reason}
                      </div>
                    )}
                  </td>
                  <td>
                    {r.digests
                      .filter((d) => d.predicted || d.logged)
                      .slice(0, r.status === 'differs' ? undefined : 1)
                      .map((d) => (
                        <DigestPair key={d.bank} d={d} />
                      ))}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}

export function EventLogDiffCard({
  result,
  log,
  tableId,
}: {
  result: OpenResult;
  log: EventLogView;
  tableId: string | null;
}) {
  const patchInputs = useApp((s) => s.patchEventLogInputs);
  const patchView = useApp((s) => s.patchView);
  const composer = useApp((s) => s.composer);
  const { ukis, ukiId, addons } = useDiffInputs(result.id);
  const request: EventLogDiffRequest | null = ukiId
    ? {
        logId: result.id,
        ukiId,
        addons: addons.filter((a) => a.enabled).map((a) => ({ id: a.id, fileName: a.name, scope: a.scope })),
        ...(tableId ? { tableId } : {}),
      }
    : null;
  // The request by content: a new object each render, the same key while nothing changed.
  const key = JSON.stringify(request);
  const [state, setState] = useState<{ key: string; diff?: EventLogDiff; error?: string } | null>(null);
  useEffect(() => {
    const req = JSON.parse(key) as EventLogDiffRequest | null;
    if (!req) return;
    let live = true;
    setState({ key });
    engine
      .call((r) => r.eventLogDiff(req))
      .then((diff) => live && setState({ key, diff }))
      .catch((e: unknown) => live && setState({ key, error: e instanceof Error ? e.message : String(e) }));
    return () => {
      live = false;
    };
  }, [key]);
  const setAddon = (id: string, patch: Partial<EventLogAddon>) =>
    patchInputs(result.id, {
      addons: addons.map(({ name: _, ...a }) => (a.id === id ? { ...a, ...patch } : a)),
    });
  const fromComposer = () =>
    patchInputs(result.id, {
      ukiId: composer.ukiId,
      addons: addons.map(({ name: _, ...a }) => {
        const c = composer.addons.find((x) => x.id === a.id);
        return c ? { ...a, enabled: c.enabled, scope: c.scope ?? 'global' } : { ...a, enabled: false };
      }),
    });
  const show = (offset: number, length: number) => patchView(result.id, { hex: { offset, length } });
  const current = state?.key === key ? state : null;
  const diff = current?.diff;
  return (
    <section className="card evdiff" aria-label="Log and prediction" data-testid="evdiff">
      <h3>
        Log ↔ prediction{' '}
        {request && !current?.diff && !current?.error && <span className="spinner" aria-label="Computing" />}
      </h3>
      <p className="muted small">
        What booting a UKI {log.format === 'ccel' ? 'under TDVF' : 'with systemd-stub'} logs, predicted from
        the files (per the stub&apos;s version) and matched event by event with this log.
      </p>
      <div className="evdiff-inputs">
        <label>
          UKI{' '}
          <select
            value={ukiId ?? ''}
            onChange={(e) => patchInputs(result.id, { ukiId: e.currentTarget.value || null })}
            data-testid="evdiff-uki"
          >
            <option value="">{ukis.length ? 'choose…' : 'open a UKI first'}</option>
            <FileOptions files={ukis} />
          </select>
        </label>
        {composer.mode === 'uki' && composer.ukiId && (
          <button type="button" className="quiet" onClick={fromComposer} data-testid="evdiff-from-composer">
            Use the composer&apos;s UKI and add-ons
          </button>
        )}
        {addons.length > 0 && (
          <fieldset className="evdiff-addons">
            <legend>Add-ons</legend>
            {addons.map((a) => (
              <div key={a.id} className="evdiff-addon" data-testid="evdiff-addon" data-name={a.name}>
                <label className="check">
                  <input
                    type="checkbox"
                    checked={a.enabled}
                    onChange={(e) => setAddon(a.id, { enabled: e.currentTarget.checked })}
                  />{' '}
                  {a.name}
                </label>{' '}
                <select
                  value={a.scope}
                  aria-label={`Where ${a.name} sits`}
                  onChange={(e) => setAddon(a.id, { scope: e.currentTarget.value as EventLogAddon['scope'] })}
                  data-testid="evdiff-addon-scope"
                >
                  <option value="global">\loader\addons (global)</option>
                  <option value="per-uki">&lt;uki&gt;.extra.d (per UKI)</option>
                </select>
              </div>
            ))}
          </fieldset>
        )}
      </div>
      {current?.error && (
        <p className="error-message" role="alert">
          Could not compare: {current.error}
        </p>
      )}
      {diff && (
        <div data-testid="evdiff-result" data-ok={String(diff.ok)}>
          <p>
            <strong>{diff.stub}</strong> · command line{' '}
            <code className="mono">{diff.cmdline || '(empty)'}</code>
          </p>
          {diff.withheld && (
            <div className="digest-block withdrawn" role="status" data-testid="evdiff-withheld">
              <p>
                <strong>No predicted digest.</strong> {diff.withheld}
              </p>
            </div>
          )}
          <p
            className={diff.firstDivergence === undefined ? 'ok-note' : 'error-message'}
            data-testid="evdiff-verdict"
          >
            {diff.firstDivergence === undefined
              ? `Every event matched: ${diff.rows.filter((r) => r.status === 'match').length} predicted, ${diff.rows.filter((r) => r.status === 'unpredictable').length} not predictable from the files, ${diff.rows.filter((r) => r.status === 'firmware').length} from the firmware.`
              : (() => {
                  const r = diff.rows[diff.firstDivergence]!;
                  return `First divergence: ${r.event !== undefined ? `event #${r.event}` : 'a predicted event the log lacks'} (${r.label}, ${r.description}): ${r.reason ?? r.status}`;
                })()}
          </p>
          <Registers diff={diff} />
          <Rows diff={diff} show={show} />
          <details className="small">
            <summary>What the prediction assumes</summary>
            <ul>
              {diff.assumptions.map((a) => (
                <li key={a}>{a}</li>
              ))}
            </ul>
          </details>
          {diff.diagnostics.length > 0 && (
            <DiagnosticsList diagnostics={diff.diagnostics} indexLabel="event" />
          )}
        </div>
      )}
    </section>
  );
}
