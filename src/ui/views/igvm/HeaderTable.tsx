// The directive/header table, virtualized (tens of thousands of rows scroll smoothly: only visible rows are
// in the DOM). Selecting a row shows the decoded header and its bytes; arrow keys move the selection.
import { useEffect, useMemo, useState, type KeyboardEvent } from 'react';
import type { FieldGroup, HeaderRow, OpenResult } from '../../../workers/protocol';
import { FieldTree } from '../../components/FieldTable';
import { useVirtualRows, VirtualGrid, type GridColumn } from '../../components/VirtualRows';
import { engine } from '../../engine';
import { hex, plural } from '../../format';
import { useApp, useFileView } from '../../store';
import { SelectionCard } from './SelectionCard';
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

function matches(h: HeaderRow, kind: string, q: string): boolean {
  if (kind && h.kind !== kind) return false;
  if (!q) return true;
  return `${h.index} ${h.kind} ${h.gpa ?? ''} ${h.detail} ${hex(h.offset)}`.toLowerCase().includes(q);
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
  const headers = result.igvm!.headers;
  const view = useFileView(result.id);
  const patch = useApp((s) => s.patchView);
  const [kind, setKind] = useState('');
  const [query, setQuery] = useState('');
  const q = query.trim().toLowerCase();
  const rows = useMemo(
    () => (kind || q ? headers.filter((h) => matches(h, kind, q)) : headers),
    [headers, kind, q],
  );
  const kinds = useMemo(() => [...new Set(headers.map((h) => h.kind))], [headers]);
  const list = useVirtualRows(rows.length, ROW_PX);
  const { virt } = list;
  const selected = view.headerIndex !== undefined ? headers[view.headerIndex] : undefined;
  const selPos = selected ? rows.indexOf(selected) : -1;

  useEffect(() => {
    if (selPos >= 0) virt.scrollToIndex(selPos, { align: 'auto' });
  }, [selPos, virt]);

  const select = (h: HeaderRow) =>
    patch(result.id, { headerIndex: h.index, hex: { offset: h.offset, length: h.length } });
  const onKey = (e: KeyboardEvent) => {
    const step = { ArrowDown: 1, ArrowUp: -1, PageDown: 20, PageUp: -20 }[e.key];
    if (step === undefined || rows.length === 0) return;
    e.preventDefault();
    const next = rows[Math.min(rows.length - 1, Math.max(0, (selPos < 0 ? 0 : selPos) + step))]!;
    select(next);
  };

  return (
    <div className="headers-layout">
      <section className="card table-card" aria-label="Headers">
        <div className="filters">
          <label>
            Kind{' '}
            <select value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
              <option value="">all ({headers.length.toLocaleString('en')})</option>
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
            {plural(rows.length, 'row')}
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
            const h = rows[i]!;
            return (
              <div
                key={h.index}
                id={`hr-${result.id}-${h.index}`}
                role="row"
                aria-rowindex={i + 1}
                aria-selected={h === selected}
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
      <SelectionCard
        result={result}
        label="Selected header"
        hint="Select a header to decode it and see its bytes."
        bytesLabel="Header bytes"
      >
        {selected && <HeaderDetail result={result} row={selected} />}
      </SelectionCard>
    </div>
  );
}
