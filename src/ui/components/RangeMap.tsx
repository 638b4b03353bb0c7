// A guest-physical memory map of possibly overlapping ranges (firmware metadata): ranges are merged into
// clusters (distant clusters are drawn side by side with a break between them, so a few KiB at 8 MiB and a
// 4 MiB image below 4 GiB are both readable), one lane per source, each range a bar positioned linearly
// inside its cluster. Hover shows the range, the table below lists them all.
import { useMemo } from 'react';
import type { MemoryRangeRow } from '../../workers/protocol';
import { bytesLabel } from '../format';
import { ColumnHeads } from './ColumnHeads';

interface Cluster {
  start: number;
  end: number;
  ranges: MemoryRangeRow[];
}

/** Ranges whose gaps are below this many bytes share a cluster. */
const JOIN_GAP = 1 << 20;

function clusters(ranges: MemoryRangeRow[]): Cluster[] {
  const sorted = [...ranges].sort((a, b) => Number(BigInt(a.start) - BigInt(b.start)));
  const out: Cluster[] = [];
  for (const r of sorted) {
    const s = Number(BigInt(r.start));
    const e = Number(BigInt(r.end));
    const last = out.at(-1);
    if (last && s <= last.end + JOIN_GAP) {
      last.end = Math.max(last.end, e);
      last.ranges.push(r);
    } else out.push({ start: s, end: e, ranges: [r] });
  }
  return out;
}

const hex = (n: number) => '0x' + n.toString(16);

export function RangeMap({ ranges }: { ranges: MemoryRangeRow[] }) {
  const groups = useMemo(() => clusters(ranges), [ranges]);
  const lanes = useMemo(() => [...new Set(ranges.map((r) => r.source))], [ranges]);
  if (ranges.length === 0) return <p className="muted">No guest-physical ranges described.</p>;
  return (
    <div className="range-map" data-testid="range-map">
      <div className="rm-lanes">
        <div className="rm-lane-labels" aria-hidden="true">
          <div className="rm-axis-spacer" />
          {lanes.map((l) => (
            <div key={l} className="rm-lane-label">
              {l}
            </div>
          ))}
        </div>
        {groups.map((g) => {
          const span = Math.max(1, g.end - g.start);
          return (
            <div
              key={g.start}
              className="rm-cluster"
              style={{ flexGrow: Math.max(1, Math.sqrt(span / 4096)) }}
            >
              <div className="rm-axis mono small">
                <span>{hex(g.start)}</span>
                <span>{hex(g.end)}</span>
              </div>
              {lanes.map((l) => (
                <div key={l} className="rm-lane">
                  {g.ranges
                    .filter((r) => r.source === l)
                    .map((r) => {
                      const s = Number(BigInt(r.start));
                      const e = Number(BigInt(r.end));
                      const label = `${r.kind}: ${r.start} – ${r.end} (${bytesLabel(e - s)}, ${r.source})`;
                      return (
                        <span
                          key={`${r.start}-${r.kind}`}
                          className={`rm-bar src-${r.source}`}
                          style={{
                            left: `${((s - g.start) / span) * 100}%`,
                            width: `${((e - s) / span) * 100}%`,
                          }}
                          title={label}
                          aria-label={label}
                          role="img"
                        />
                      );
                    })}
                </div>
              ))}
            </div>
          );
        })}
      </div>
      <table className="grid compact rm-table">
        <ColumnHeads columns={['GPA', 'Size', 'What', 'From']} />
        <tbody>
          {ranges.map((r) => (
            <tr key={`${r.start}-${r.kind}-${r.source}`}>
              <td className="mono">
                {r.start} – {r.end}
              </td>
              <td>{bytesLabel(Number(BigInt(r.end) - BigInt(r.start)))}</td>
              <td>{r.kind}</td>
              <td>
                <span className={`src-chip src-${r.source}`}>{r.source}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
