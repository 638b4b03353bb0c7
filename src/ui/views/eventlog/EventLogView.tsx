// Event log view (issue 14): a TCG PC Client log or a TDX CCEL area — every event decoded in a virtualized list
// (index, PCR/RTMR, type, digests per bank, decoded data), offsets linked to the hex view, the replayed final
// values per bank, what a verifier flags, and the log ↔ prediction diff against an open UKI and its add-ons.
import { useEffect, useMemo, useState, type KeyboardEvent } from 'react';
import type { EventLogEventRow, EventLogView as LogData, OpenResult } from '../../../workers/protocol';
import { BytesCard } from '../../components/HexView';
import { CopyButton } from '../../components/Copy';
import { useVirtualRows, VirtualRows } from '../../components/VirtualRows';
import { FieldTable } from '../../components/FieldTable';
import { FileOptions } from '../../composer/FilePick';
import { engine } from '../../engine';
import { hex, plural } from '../../format';
import { useApp, useFileView } from '../../store';
import { FileHeader } from '../FileHeader';
import { SummaryCard } from '../SummaryCard';
import { EventLogDiffCard } from './EventLogDiff';
import './eventlog.css';
import { ColumnHeads } from '../../components/ColumnHeads';

const ROW_PX = 30;

const FLAG_TEXT: Record<EventLogEventRow['flags'][number], string> = {
  'digest-mismatch': 'digest ≠ data',
  'duplicate-separator': 'duplicate separator',
  'after-exit-boot-services': 'after ExitBootServices',
};

function matches(e: EventLogEventRow, reg: string, q: string): boolean {
  if (reg && e.label !== reg) return false;
  if (!q) return true;
  return `${e.index} ${e.label} ${e.typeName} ${e.description} ${e.digests.map((d) => d.hex).join(' ')}`
    .toLowerCase()
    .includes(q);
}

function EventDetail({ row, show }: { row: EventLogEventRow; show(offset: number, length: number): void }) {
  return (
    <div className="evlog-detail" aria-live="polite" data-testid="eventlog-detail">
      <h3>
        #{row.index} {row.label} {row.typeName}
      </h3>
      <div className="button-row">
        <button type="button" onClick={() => show(row.offset, row.length)}>
          Event bytes ({row.length} at {hex(row.offset)})
        </button>
        {row.dataLength > 0 && (
          <button type="button" onClick={() => show(row.dataOffset, row.dataLength)}>
            Event data ({row.dataLength} at {hex(row.dataOffset)})
          </button>
        )}
      </div>
      {row.flags.length > 0 && (
        <p className="error-message">Flagged: {row.flags.map((f) => FLAG_TEXT[f]).join(', ')}</p>
      )}
      <table className="grid compact small" data-testid="eventlog-digests">
        <caption className="visually-hidden">Digests per bank</caption>
        <tbody>
          {row.digests.map((d) => (
            <tr key={d.algorithm}>
              <th scope="row">
                <button
                  type="button"
                  className="link"
                  onClick={() => show(d.offset, d.length)}
                  title="Show in the hex view"
                >
                  {d.algorithm}
                </button>
              </th>
              <td className="mono hash-cell">{d.hex}</td>
            </tr>
          ))}
          {row.digests.length === 0 && (
            <tr>
              <td className="muted">
                No digest (the first event of a crypto-agile log carries a SHA-1 field of zeros).
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {row.description && <p className="mono small evlog-desc">{row.description}</p>}
      <FieldTable fields={row.fields} onOffset={show} />
    </div>
  );
}

function EventList({ log, fileId, size }: { log: LogData; fileId: string; size: number }) {
  const view = useFileView(fileId);
  const patch = useApp((s) => s.patchView);
  const [reg, setReg] = useState('');
  const [query, setQuery] = useState('');
  const q = query.trim().toLowerCase();
  const rows = useMemo(() => log.events.filter((e) => matches(e, reg, q)), [log.events, reg, q]);
  const registers = useMemo(() => [...new Set(log.events.map((e) => e.label))], [log.events]);
  const list = useVirtualRows(rows.length, ROW_PX);
  const selected = log.events.find((e) => e.index === view.headerIndex);
  const show = (offset: number, length: number) => patch(fileId, { hex: { offset, length } });
  const select = (e: EventLogEventRow) =>
    patch(fileId, { headerIndex: e.index, hex: { offset: e.offset, length: e.length } });
  const at = rows.findIndex((e) => e.index === view.headerIndex);
  const onKey = (ev: KeyboardEvent) => {
    if (ev.key !== 'ArrowDown' && ev.key !== 'ArrowUp') return;
    ev.preventDefault();
    const next = rows[Math.max(0, Math.min(rows.length - 1, at + (ev.key === 'ArrowDown' ? 1 : -1)))];
    if (next) {
      select(next);
      list.virt.scrollToIndex(rows.indexOf(next));
    }
  };
  return (
    <div className="grid-2 evlog-events">
      <section className="card table-card" aria-label="Events">
        <h3>
          Events <span className="muted small">({plural(log.events.length, 'event')})</span>
        </h3>
        <div className="filters">
          <label>
            Register{' '}
            <select
              value={reg}
              onChange={(e) => setReg(e.currentTarget.value)}
              data-testid="eventlog-register-filter"
            >
              <option value="">all</option>
              {registers.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </label>{' '}
          <label>
            Search <input type="search" value={query} onChange={(e) => setQuery(e.currentTarget.value)} />
          </label>
        </div>
        <div className="vt-head evlog" aria-hidden="true">
          <span>#</span>
          <span>Register</span>
          <span>Type</span>
          <span>Data</span>
        </div>
        <VirtualRows
          list={list}
          className="vt-body evlog"
          role="listbox"
          aria-label="Events"
          tabIndex={0}
          onKeyDown={onKey}
          data-testid="eventlog-events"
          row={(i, style) => {
            const e = rows[i]!;
            return (
              <div
                key={e.index}
                className={`vt-row evlog${e.flags.length ? ' flagged' : ''}`}
                role="option"
                aria-selected={e.index === view.headerIndex}
                style={style}
                onClick={() => select(e)}
                data-testid="eventlog-event"
                data-index={e.index}
              >
                <span className="mono">{e.index}</span>
                <span>{e.label}</span>
                <span className="small" title={e.typeName}>
                  {e.typeName.replace(/^EV_/, '')}
                </span>
                <span className="small" title={e.description}>
                  {e.flags.length > 0 && (
                    <span className="badge error">{e.flags.map((f) => FLAG_TEXT[f]).join(', ')}</span>
                  )}{' '}
                  {e.description}
                </span>
              </div>
            );
          }}
        />
      </section>
      <section className="card" aria-label="Selected event">
        {selected ? (
          <EventDetail row={selected} show={show} />
        ) : (
          <p className="muted">Select an event to see its digests, fields and bytes.</p>
        )}
        <BytesCard fileId={fileId} size={size} highlight={view.hex} />
      </section>
    </div>
  );
}

function FinalValues({ log }: { log: LogData }) {
  const reg = log.registers === 'rtmr' ? 'RTMR' : 'PCR';
  const [pick, setPick] = useState<string | null>(null);
  const bank = pick ?? (log.banks.includes('sha256') ? 'sha256' : (log.banks[0] ?? 'all'));
  const banks = bank === 'all' ? log.banks : log.banks.filter((b) => b === bank);
  const [force, setForce] = useState(false);
  const hidden = log.withheld !== undefined && !force;
  return (
    <section className="card" aria-label="Replayed values" data-testid="eventlog-final">
      <h3>Replayed {reg} values</h3>
      <p className="muted small">
        Every event extended into its {reg} from {log.registers === 'rtmr' ? 'zero' : 'its reset value'} in
        each bank the log carries ({log.banks.join(', ') || 'none'}): what a{' '}
        {log.registers === 'rtmr' ? 'TD quote' : 'TPM quote'} of this boot must show.
      </p>
      {log.banks.length > 1 && (
        <label className="small">
          Bank{' '}
          <select value={bank} onChange={(e) => setPick(e.currentTarget.value)} data-testid="eventlog-bank">
            {log.banks.map((b) => (
              <option key={b} value={b}>
                {b}
              </option>
            ))}
            <option value="all">all banks</option>
          </select>
        </label>
      )}
      {log.withheld && (
        <div className="digest-withheld" data-testid="eventlog-withheld" role="status">
          <p>
            <strong>No replayed values as reference values:</strong> {log.withheld.reason}.
          </p>
          {force ? (
            <div className="forced-label">
              From a damaged or rejected log: never use these as reference values
            </div>
          ) : (
            <button type="button" onClick={() => setForce(true)} data-testid="eventlog-force">
              Show the replayed values anyway
            </button>
          )}
        </div>
      )}
      {!hidden && (
        <table className="grid compact small">
          <ColumnHeads columns={[reg, 'Bank', 'Value']} />
          <tbody>
            {log.final.flatMap((r) =>
              banks.map((b) => (
                <tr
                  key={`${r.register}-${b}`}
                  data-testid="eventlog-final-value"
                  data-register={r.register}
                  data-bank={b}
                >
                  <th scope="row">{r.label}</th>
                  <td>{b}</td>
                  <td>
                    <span className={`mono hash-cell${log.withheld ? ' forced' : ''}`} data-testid="value">
                      {r.values[b]}
                    </span>{' '}
                    {!log.withheld && <CopyButton text={r.values[b] ?? ''} what={`${r.label} ${b}`} />}
                  </td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      )}
      <h3>Checks</h3>
      <ul className="small" data-testid="eventlog-checks">
        <li>
          Duplicate separators:{' '}
          {log.checks.duplicateSeparators.length ? (
            <span className="error-message">
              events {log.checks.duplicateSeparators.map((i) => `#${i}`).join(', ')} — a verifier must reject
              the log
            </span>
          ) : (
            'none'
          )}
        </li>
        <li>
          Firmware events after ExitBootServices:{' '}
          {log.checks.afterExitBootServices.length
            ? log.checks.afterExitBootServices.map((i) => `#${i}`).join(', ')
            : 'none'}
        </li>
        <li>
          Digests that disagree with their event data:{' '}
          {log.checks.digestMismatches.length ? (
            <span className="error-message">
              {log.checks.digestMismatches.map((i) => `#${i}`).join(', ')}
            </span>
          ) : (
            'none'
          )}
        </li>
      </ul>
      {log.notes.map((n) => (
        <p key={n} className="muted small">
          {n}
        </p>
      ))}
    </section>
  );
}

function CcelTablePick({ logId, tableId, log }: { logId: string; tableId: string | null; log: LogData }) {
  const files = useApp((s) => s.files);
  const patch = useApp((s) => s.patchEventLogInputs);
  const tables = files.filter((f) => f.result?.kind === 'ccel-table');
  if (log.format !== 'ccel' && !tableId) return null;
  return (
    <section className="card evlog-table-pick" aria-label="ACPI CCEL table">
      <label>
        ACPI CCEL table{' '}
        <select
          value={tableId ?? ''}
          onChange={(e) => patch(logId, { tableId: e.currentTarget.value || null })}
          data-testid="eventlog-table"
        >
          <option value="">none</option>
          <FileOptions files={tables} />
        </select>
      </label>
      {tables.length === 0 && (
        <span className="muted small"> (drop /sys/firmware/acpi/tables/CCEL to check it too)</span>
      )}
      {log.table && (
        <details>
          <summary>
            Table {log.table.name}: CC type {log.table.fields.find((f) => f.label === 'ccType')?.value}
          </summary>
          <FieldTable fields={log.table.fields} />
        </details>
      )}
    </section>
  );
}

export default function EventLogView({ result }: { result: OpenResult }) {
  const patch = useApp((s) => s.patchView);
  const inputs = useApp((s) => s.eventLogInputs[result.id]);
  const files = useApp((s) => s.files);
  // A CCEL area is read with an open ACPI CCEL table: the one picked, or the only one open.
  const tables = files.filter((f) => f.result?.kind === 'ccel-table');
  const tableId =
    inputs?.tableId !== undefined
      ? inputs.tableId
      : result.eventLog?.format === 'ccel' && tables.length === 1
        ? tables[0]!.id
        : null;
  const validTable = tableId && tables.some((t) => t.id === tableId) ? tableId : null;
  const [withTable, setWithTable] = useState<{ id: string; log?: LogData; error?: string } | null>(null);
  useEffect(() => {
    if (!validTable) return;
    let live = true;
    engine
      .call((r) => r.eventLog(result.id, validTable))
      .then((log) => live && setWithTable({ id: validTable, log }))
      .catch(
        (e: unknown) =>
          live && setWithTable({ id: validTable, error: e instanceof Error ? e.message : String(e) }),
      );
    return () => {
      live = false;
    };
  }, [result.id, validTable]);
  const log = (validTable && withTable?.id === validTable && withTable.log) || result.eventLog;
  const show = (offset: number, length: number) => patch(result.id, { hex: { offset, length } });
  if (!log) return null;
  const shown: OpenResult = log === result.eventLog ? result : { ...result, diagnostics: log.diagnostics };
  return (
    <div className="file-view eventlog-view" data-testid="eventlog-view" data-format={log.format}>
      <FileHeader result={shown} />
      <div className="grid-2">
        <div>
          <SummaryCard result={shown} show={show} indexLabel="event" />
          <CcelTablePick logId={result.id} tableId={validTable} log={log} />
          {withTable?.error && (
            <p className="error-message">Could not read the log with the table: {withTable.error}</p>
          )}
        </div>
        <FinalValues log={log} />
      </div>
      <EventLogDiffCard result={result} log={log} tableId={validTable} />
      <EventList log={log} fileId={result.id} size={result.size} />
    </div>
  );
}
