// Guest-physical page map for one platform (compatibility mask): contiguous regions along the GPA axis, each
// a bar of coloured runs (one colour per page kind), with a legend. Hover shows a run, click selects it
// (its headers, its bytes in the hex view).
import { useMemo } from 'react';
import type { IgvmTables, OpenResult, PageKind, PageRun } from '../../../workers/protocol';
import { TablesPending, tablesOf } from './TablesPending';
import { SelectionCard } from './SelectionCard';
import { bytesLabel, gpaEnd, hex, plural } from '../../format';
import { useApp, useFileView } from '../../store';
import { headerAt } from '../../../workers/header-columns';

export const PAGE_KINDS: { kind: PageKind; label: string; note: string }[] = [
  { kind: 'normal', label: 'Measured data', note: 'contents hashed into the launch measurement' },
  { kind: 'zero', label: 'Zero', note: 'page of zeros (no file data)' },
  { kind: 'unmeasured', label: 'Unmeasured', note: 'private, imported without measuring contents' },
  { kind: 'secrets', label: 'Secrets', note: 'SNP secrets page, filled by firmware' },
  { kind: 'cpuid', label: 'CPUID', note: 'SNP CPUID page, checked by firmware' },
  { kind: 'shared', label: 'Shared', note: 'host-visible, not measured' },
  { kind: 'vmsa', label: 'VMSA', note: 'initial register state of a vCPU' },
  { kind: 'parameter', label: 'Parameter insert', note: 'host-filled at load time, unmeasured' },
  { kind: 'required', label: 'Required memory', note: 'must exist, not imported' },
  { kind: 'other', label: 'Other', note: '' },
];

interface Region {
  start: bigint;
  pages: number;
  runs: PageRun[];
}

const MAX_REGIONS = 2000;

/** Groups runs that touch each other into regions (runs arrive sorted by GPA). */
function regions(runs: PageRun[]): Region[] {
  const out: Region[] = [];
  for (const r of runs) {
    const start = BigInt(r.start);
    const last = out.at(-1);
    if (last && last.start + BigInt(last.pages) * 4096n === start) {
      last.pages += r.pages;
      last.runs.push(r);
    } else out.push({ start, pages: r.pages, runs: [r] });
  }
  return out;
}

const runKey = (r: PageRun) => `${r.start}:${r.pages}:${r.kind}`;

export function PageMap({ result }: { result: OpenResult }) {
  const igvm = result.igvm!;
  const tables = tablesOf(igvm);
  if (!tables) return <TablesPending igvm={igvm} what="page map" />;
  return <PageMapOf result={result} tables={tables} />;
}

function PageMapOf({ result, tables }: { result: OpenResult; tables: IgvmTables }) {
  const view = useFileView(result.id);
  const patch = useApp((s) => s.patchView);
  const map = tables.pageMaps.find((m) => m.mask === view.mask) ?? tables.pageMaps[0];
  const regs = useMemo(() => (map ? regions(map.runs) : []), [map]);
  const totals = useMemo(() => {
    const t = new Map<PageKind, number>();
    for (const r of map?.runs ?? []) t.set(r.kind, (t.get(r.kind) ?? 0) + r.pages);
    return t;
  }, [map]);
  if (!map) return <p className="muted">This file places nothing in guest memory.</p>;

  const selected =
    map.runs.find((r) => runKey(r) === view.run) ??
    (view.headerIndex !== undefined
      ? map.runs.find((r) => view.headerIndex! >= r.firstHeader && view.headerIndex! <= r.lastHeader)
      : undefined);
  const pick = (r: PageRun) => {
    const h = headerAt(tables.headers, r.firstHeader);
    const data =
      h?.dataOffset !== undefined && h.dataLength
        ? { offset: h.dataOffset, length: h.dataLength }
        : h
          ? { offset: h.offset, length: h.length }
          : undefined;
    patch(result.id, { run: runKey(r), headerIndex: r.firstHeader, hex: data });
  };

  return (
    <div className="memory-layout">
      <section className="card" aria-label="Guest-physical page map">
        <div className="filters">
          {tables.pageMaps.length > 1 && (
            <label>
              Platform{' '}
              <select
                value={map.mask}
                onChange={(e) => patch(result.id, { mask: Number(e.currentTarget.value), run: undefined })}
              >
                {tables.pageMaps.map((m) => (
                  <option key={m.mask} value={m.mask}>
                    {m.label}
                  </option>
                ))}
              </select>
            </label>
          )}
          <span className="muted small">
            {regs.length} region{regs.length === 1 ? '' : 's'}, {plural(map.runs.length, 'run')}
          </span>
        </div>
        <ul className="legend" aria-label="Legend">
          {PAGE_KINDS.filter((k) => totals.has(k.kind)).map((k) => (
            <li key={k.kind} title={k.note}>
              <span className={`swatch pk-${k.kind}`} aria-hidden="true" />
              {k.label} <span className="muted">{totals.get(k.kind)!.toLocaleString('en')}</span>
            </li>
          ))}
        </ul>
        <ol className="regions" data-testid="page-map">
          {regs.slice(0, MAX_REGIONS).map((g) => (
            <li key={g.start.toString()} className="region">
              <div className="region-label mono">
                {hex(Number(g.start >> 12n) * 4096)}
                <span className="muted"> – {gpaEnd('0x' + g.start.toString(16), g.pages)}</span>
                <span className="muted small"> {bytesLabel(g.pages * 4096)}</span>
              </div>
              <div className="region-bar">
                {g.runs.map((r) => {
                  const label = `${PAGE_KINDS.find((k) => k.kind === r.kind)?.label ?? r.kind}: ${r.start} – ${gpaEnd(r.start, r.pages)}, ${r.pages} page${r.pages === 1 ? '' : 's'}, header${r.headerCount > 1 ? `s #${r.firstHeader}–#${r.lastHeader}` : ` #${r.firstHeader}`}`;
                  return (
                    <button
                      type="button"
                      key={runKey(r)}
                      className={`run pk-${r.kind}`}
                      style={{ flexGrow: r.pages }}
                      title={label}
                      aria-label={label}
                      aria-pressed={selected === r}
                      data-kind={r.kind}
                      data-gpa={r.start}
                      onClick={() => pick(r)}
                    />
                  );
                })}
              </div>
            </li>
          ))}
        </ol>
        {regs.length > MAX_REGIONS && (
          <p className="muted">{regs.length - MAX_REGIONS} more regions not drawn.</p>
        )}
      </section>
      <SelectionCard
        result={result}
        label="Selected run"
        hint="Hover a run for its range; click it to see its headers and bytes."
        bytesLabel="Run bytes"
      >
        {selected && (
          <div className="run-detail" data-testid="run-detail">
            <h3>
              <span className={`swatch pk-${selected.kind}`} aria-hidden="true" />{' '}
              {PAGE_KINDS.find((k) => k.kind === selected.kind)?.label}
            </h3>
            <table className="fields">
              <tbody>
                <tr>
                  <th scope="row">GPA</th>
                  <td className="mono">
                    {selected.start} – {gpaEnd(selected.start, selected.pages)}
                  </td>
                </tr>
                <tr>
                  <th scope="row">Pages</th>
                  <td>
                    {selected.pages.toLocaleString('en')} ({bytesLabel(selected.pages * 4096)})
                  </td>
                </tr>
                <tr>
                  <th scope="row">Headers</th>
                  <td>
                    <button
                      type="button"
                      className="link"
                      onClick={() => patch(result.id, { tab: 'headers', headerIndex: selected.firstHeader })}
                    >
                      #{selected.firstHeader}
                    </button>
                    {selected.headerCount > 1 && (
                      <>
                        {' '}
                        … #{selected.lastHeader} ({selected.headerCount})
                      </>
                    )}
                  </td>
                </tr>
              </tbody>
            </table>
          </div>
        )}
      </SelectionCard>
    </div>
  );
}
