// A virtualized hex view of a file that lives in the engine worker: only the visible rows are rendered and
// their bytes are fetched from the worker in 64 KiB chunks. A highlighted range scrolls into view.
// Its rows all have one height, so the rows in view follow from scrollTop alone (fixedRowsInView): no per-row
// measurements. A list virtualizer keeps one measurement object per row, rebuilt on every open — for a 14 MiB file
// 900k of them, ~60–190 ms of the page's main thread before the view paints (issue 16 profile).
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { engine } from '../engine';
import { fixedRowsInView } from './fixed-rows';
import { hex } from '../format';

const ROW = 16;
const ROW_PX = 20;
const CHUNK = 64 * 1024;
const MAX_CHUNKS = 64;

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
  // The scroll position and the box's height, read on scroll and resize.
  const [box, setBox] = useState({ top: 0, height: 0 });
  const readBox = useCallback(() => {
    const el = parent.current;
    if (el) setBox((b) => (b.top === el.scrollTop && b.height === el.clientHeight ? b : { top: el.scrollTop, height: el.clientHeight }));
  }, []);
  useLayoutEffect(() => {
    readBox();
    const el = parent.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(readBox);
    ro.observe(el);
    return () => ro.disconnect();
  }, [readBox]);
  const { first, last } = fixedRowsInView(rows, ROW_PX, box.top, box.height, 20);

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
    // The highlighted row in the middle of the box (the browser clamps scrollTop to the scrollable range).
    el.scrollTop = Math.max(0, Math.floor(hlStart / ROW) * ROW_PX - (el.clientHeight - ROW_PX) / 2);
    readBox();
  }, [hlStart, readBox]);

  const byteAt = (o: number): number | undefined => chunks.get(Math.floor(o / CHUNK))?.[o % CHUNK];
  const offWidth = Math.max(8, size.toString(16).length);

  return (
    <div className="hex" ref={parent} role="region" aria-label={label} tabIndex={0} data-testid="hex-view" onScroll={readBox}>
      <div style={{ height: rows * ROW_PX, position: 'relative' }}>
        {Array.from({ length: last - first + 1 }, (_, k) => {
          const index = first + k;
          const base = index * ROW;
          const cells: { o: number; b: number | undefined }[] = [];
          for (let o = base; o < Math.min(base + ROW, size); o++) cells.push({ o, b: byteAt(o) });
          return (
            <div
              key={index}
              className="hex-row"
              style={{ transform: `translateY(${index * ROW_PX}px)`, height: ROW_PX }}
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
