// The directive/header table, virtualized (tens of thousands of rows scroll smoothly: only visible rows are
// in the DOM). Selecting a row shows the decoded header and its bytes; arrow keys move the selection.
import { useEffect, useMemo, useState, type KeyboardEvent } from 'react';
import type { FieldGroup, HeaderRow, OpenResult } from '../../../workers/protocol';
import { headerAt, type HeaderColumns } from '../../../workers/header-columns';
import { FieldTree } from '../../components/FieldTable';
import { useVirtualRows, VirtualGrid, type GridColumn } from '../../components/VirtualRows';
import { engine } from '../../engine';
import { hex, plural } from '../../format';
import { useApp, useFileView } from '../../store';
import { SelectionCard } from './SelectionCard';
import { TablesPending, tablesOf } from './TablesPending';
import { WhatIf } from './WhatIf';

const ROW_PX = 28;
const HEADER_COLUMNS: readonly GridColumn[] = [
  ['c-idx', '#'],
  ['c-kind', 'Kind'],
  ['c-mask', 'Mask'],
  ['c-gpa', 'GPA'],
  ['c-off', 'Offset'],
  ['c-detail', 'Detail'],
];

/** The rows of `c` with kind `kind` (all when '') whose text contains `q` (lowercase), as header indices. */
function matching(c: HeaderColumns, kind: string, q: string): Uint32Array {
  const k = kind ? c.kindNames.indexOf(kind) : -1;
  const out = new Uint32Array(c.count);
  let n = 0;
  for (let i = 0; i < c.count; i++) {
    if (kind && c.kind[i] !== k) continue;
    if (q) {
      const h = headerAt(c, i)!;
      if (!`${h.index} ${h.kind} ${h.gpa ?? ''} ${h.detail} ${hex(h.offset)}`.toLowerCase().includes(q)) continue;
    }
    out[n++] = i;
  }
  return out.subarray(0, n);
}

function HeaderDetail({ result, row }: { result: OpenResult; row: HeaderRow }) {
  const [detail, setDetail] = useState<{ index: number; groups: FieldGroup[] } | null>(null);
  const patch = useApp((s) => s.patchView);
  useEffect(() => {
    let live = true;
    engine
      .detail(result.id, row.index)
      .then((g) => live && setDetail({ index: row.index, groups: g ? [g] : [] }))
      .catch(() => live && setDetail({ index: row.index, groups: [] }));
    return () => {
      live = false;
    };
  }, [result.id, row.index]);
  const show = (offset: number, length: number) => patch(result.id, { hex: { offset, length } });
  return (
    <div className="header-detail" aria-live="polite">
      <h3>
        #{row.index} {row.kind}
      </h3>
      <div className="button-row">
        <button type="button" onClick={() => show(row.offset, row.length)}>
          Header bytes
        </button>
        {row.dataOffset !== undefined && row.dataLength !== undefined && (
          <button type="button" onClick={() => show(row.dataOffset!, row.dataLength!)}>
            Data bytes ({row.dataLength} at {hex(row.dataOffset)})
          </button>
        )}
        {row.gpa !== undefined && (
          <button type="button" onClick={() => patch(result.id, { tab: 'memory', headerIndex: row.index })}>
            Show in memory map
          </button>
        )}
      </div>
      {row.kind === 'PageData' &&
        row.dataOffset !== undefined &&
        result.measurable.some((m) => m.platform === 'SEV_SNP') && (
          <WhatIf key={row.index} fileId={result.id} headerIndex={row.index} />
        )}
      {detail && detail.index === row.index && <FieldTree groups={detail.groups} onOffset={show} />}
    </div>
  );
}

export function HeaderTable({ result }: { result: OpenResult }) {
  const igvm = result.igvm!;
  const tables = tablesOf(igvm);
  if (!tables) return <TablesPending igvm={igvm} what="header table" />;
  return <HeaderTableOf result={result} headers={tables.headers} />;
}

function HeaderTableOf({ result, headers }: { result: OpenResult; headers: HeaderColumns }) {
  const count = headers.count;
  const view = useFileView(result.id);
  const patch = useApp((s) => s.patchView);
  const [kind, setKind] = useState('');
  const [query, setQuery] = useState('');
  const q = query.trim().toLowerCase();
  // Header indices of the rows shown; null: every header, in order (row i is header i).
  const filtered = useMemo(() => (kind || q ? matching(headers, kind, q) : null), [headers, kind, q]);
  const shown = filtered ? filtered.length : count;
  const rowAt = (i: number) => (filtered ? filtered[i]! : i);
  const kinds = headers.kindNames;
  const list = useVirtualRows(shown, ROW_PX);
  const { virt } = list;
  const selected = useMemo(
    () => (view.headerIndex !== undefined ? headerAt(headers, view.headerIndex) : undefined),
    [headers, view.headerIndex],
  );
  const selPos = !selected ? -1 : filtered ? filtered.indexOf(selected.index) : selected.index;

  useEffect(() => {
    if (selPos >= 0) virt.scrollToIndex(selPos, { align: 'auto' });
  }, [selPos, virt]);

  const select = (h: HeaderRow) =>
    patch(result.id, { headerIndex: h.index, hex: { offset: h.offset, length: h.length } });
  const onKey = (e: KeyboardEvent) => {
    const step = { ArrowDown: 1, ArrowUp: -1, PageDown: 20, PageUp: -20 }[e.key];
    if (step === undefined || shown === 0) return;
    e.preventDefault();
    select(headerAt(headers, rowAt(Math.min(shown - 1, Math.max(0, (selPos < 0 ? 0 : selPos) + step))))!);
  };

  // The side card (decoded header, hex view) as one element per selection: the virtualizer re-renders this component
  // on every scroll frame, and React skips an element it gets back unchanged.
  const side = useMemo(
    () => (
      <SelectionCard
        result={result}
        label="Selected header"
        hint="Select a header to decode it and see its bytes."
        bytesLabel="Header bytes"
      >
        {selected && <HeaderDetail result={result} row={selected} />}
      </SelectionCard>
    ),
    [result, selected],
  );

  return (
    <div className="headers-layout">
      <section className="card table-card" aria-label="Headers">
        <div className="filters">
          <label>
            Kind{' '}
            <select value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
              <option value="">all ({count.toLocaleString('en')})</option>
              {kinds.map((k) => (
                <option key={k} value={k}>
                  {k}
                </option>
              ))}
            </select>
          </label>
          <label>
            Search{' '}
            <input
              type="search"
              value={query}
              placeholder="GPA, index, text…"
              onChange={(e) => setQuery(e.currentTarget.value)}
            />
          </label>
          <span className="muted small" data-testid="row-count">
            {plural(shown, 'row')}
          </span>
        </div>
        <VirtualGrid
          list={list}
          label="Variable headers"
          columns={HEADER_COLUMNS}
          aria-activedescendant={selPos >= 0 ? `hr-${result.id}-${selected!.index}` : undefined}
          onKeyDown={onKey}
          data-testid="header-table"
          row={(i, style) => {
            const h = headerAt(headers, rowAt(i))!;
            return (
              <div
                key={h.index}
                id={`hr-${result.id}-${h.index}`}
                role="row"
                aria-rowindex={i + 1}
                aria-selected={h.index === selected?.index}
                className={`vt-row sec-${h.section}`}
                style={style}
                onClick={() => select(h)}
              >
                <span role="gridcell" className="c-idx">
                  {h.index}
                </span>
                <span role="gridcell" className="c-kind">
                  {h.kind}
                </span>
                <span role="gridcell" className="c-mask mono">
                  {h.mask === undefined ? '' : hex(h.mask)}
                </span>
                <span role="gridcell" className="c-gpa mono">
                  {h.gpa ?? ''}
                </span>
                <span role="gridcell" className="c-off mono">
                  {hex(h.offset)}
                </span>
                <span role="gridcell" className="c-detail">
                  {h.detail}
                </span>
              </div>
            );
          }}
        />
      </section>
      {side}
    </div>
  );
}
