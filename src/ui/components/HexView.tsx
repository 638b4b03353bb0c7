// A virtualized hex view of a file that lives in the engine worker: only the visible rows are rendered and
// their bytes are fetched from the worker in 64 KiB chunks. A highlighted range scrolls into view.
// Rows have one fixed height, so the rows in view follow from scrollTop alone: no per-row bookkeeping (a general
// virtualizer keeps one measurement object per row, and a 512 MiB file has 34 million rows: 2 s and 545 MiB of
// heap on every mount, issue 16). A file taller than MAX_PX scrolls proportionally (one pixel, several rows).
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { engine } from '../engine';
import { hex } from '../format';

const ROW = 16;
const ROW_PX = 20;
const CHUNK = 64 * 1024;
const MAX_CHUNKS = 64;
const OVERSCAN = 20;
/** Tallest scroll height used; browsers lay out no element much above 3.3e7 px (Chromium). */
const MAX_PX = 4_000_000;

function ascii(b: number): string {
  return b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
}

export function HexView({
  fileId,
  size,
  highlight,
  label = 'Hex view',
}: {
  fileId: string;
  size: number;
  highlight?: { offset: number; length: number };
  label?: string;
}) {
  const parent = useRef<HTMLDivElement>(null);
  const [chunks, setChunks] = useState<Map<number, Uint8Array>>(() => new Map());
  const pending = useRef(new Set<number>());
  const rows = Math.ceil(size / ROW);
  const [box, setBox] = useState({ top: 0, height: 0 });
  const fullPx = rows * ROW_PX;
  const totalPx = Math.min(fullPx, MAX_PX);
  // scrollTop → offset into the full list of rows (proportional once the list is taller than MAX_PX).
  const ratio = fullPx > totalPx && totalPx > box.height ? (fullPx - box.height) / (totalPx - box.height) : 1;
  const virtualTop = box.top * ratio;
  const first = Math.max(0, Math.floor(virtualTop / ROW_PX) - OVERSCAN);
  const last = Math.max(0, Math.min(rows - 1, Math.floor((virtualTop + box.height) / ROW_PX) + OVERSCAN));
  const items: { index: number; start: number }[] = [];
  if (rows > 0) for (let r = first; r <= last; r++) items.push({ index: r, start: box.top + r * ROW_PX - virtualTop });

  const measure = useCallback(() => {
    const el = parent.current;
    if (el) setBox((b) => (b.top === el.scrollTop && b.height === el.clientHeight ? b : { top: el.scrollTop, height: el.clientHeight }));
  }, []);
  useLayoutEffect(() => {
    measure();
    const el = parent.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [measure]);

  // Fetch the chunks the visible rows need.
  useEffect(() => {
    const need: number[] = [];
    for (let c = Math.floor((first * ROW) / CHUNK); c <= Math.floor((last * ROW) / CHUNK); c++) {
      if (!chunks.has(c) && !pending.current.has(c) && c * CHUNK < size) need.push(c);
    }
    for (const c of need) {
      pending.current.add(c);
      engine
        .read(fileId, c * CHUNK, Math.min(CHUNK, size - c * CHUNK))
        .then((bytes) =>
          setChunks((m) => {
            const next = new Map(m).set(c, bytes);
            // Keep at most MAX_CHUNKS (oldest first out), so scrolling a huge file does not hold all of it.
            for (const k of next.keys()) if (next.size > MAX_CHUNKS) next.delete(k);
            return next;
          }),
        )
        .catch(() => undefined)
        .finally(() => pending.current.delete(c));
    }
  }, [first, last, chunks, fileId, size]);

  const hlStart = highlight?.offset ?? -1;
  const hlEnd = highlight ? highlight.offset + highlight.length : -1;
  useEffect(() => {
    const el = parent.current;
    if (hlStart < 0 || !el) return;
    // The highlighted row centred: its offset in the full list, back to a scrollTop.
    const h = el.clientHeight;
    const r = fullPx > totalPx && totalPx > h ? (fullPx - h) / (totalPx - h) : 1;
    const target = (Math.floor(hlStart / ROW) * ROW_PX - h / 2 + ROW_PX / 2) / r;
    el.scrollTop = Math.max(0, Math.min(totalPx - h, target));
    measure();
  }, [hlStart, fullPx, totalPx, measure]);

  const byteAt = (o: number): number | undefined => chunks.get(Math.floor(o / CHUNK))?.[o % CHUNK];
  const offWidth = Math.max(8, size.toString(16).length);

  return (
    <div className="hex" ref={parent} role="region" aria-label={label} tabIndex={0} data-testid="hex-view" onScroll={measure}>
      <div style={{ height: totalPx, position: 'relative' }}>
        {items.map((it) => {
          const base = it.index * ROW;
          const cells: { o: number; b: number | undefined }[] = [];
          for (let o = base; o < Math.min(base + ROW, size); o++) cells.push({ o, b: byteAt(o) });
          return (
            <div
              key={it.index}
              className="hex-row"
              style={{ transform: `translateY(${it.start}px)`, height: ROW_PX }}
            >
              <span className="hex-off">{hex(base, offWidth).slice(2)}</span>
              <span className="hex-bytes">
                {cells.map(({ o, b }) => (
                  <span key={o} className={o >= hlStart && o < hlEnd ? 'hl' : b === 0 ? 'z' : undefined}>
                    {b === undefined ? '··' : b.toString(16).padStart(2, '0')}
                  </span>
                ))}
              </span>
              <span className="hex-ascii">
                {cells.map(({ o, b }) => (
                  <span key={o} className={o >= hlStart && o < hlEnd ? 'hl' : undefined}>
                    {b === undefined ? ' ' : ascii(b)}
                  </span>
                ))}
              </span>
            </div>
          );
        })}
      </div>
    </div>
  );
}

/** A card with the file's bytes, highlighting the range selected in its view state. */
export function BytesCard({
  fileId,
  size,
  highlight,
}: {
  fileId: string;
  size: number;
  highlight?: { offset: number; length: number };
}) {
  return (
    <section className="card" aria-label="Bytes">
      <h3>Bytes</h3>
      <HexView key={fileId} fileId={fileId} size={size} highlight={highlight} />
    </section>
  );
}
