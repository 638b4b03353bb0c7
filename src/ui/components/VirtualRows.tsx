// A virtualized list body of fixed-height rows: only the rows in view (plus an overscan) are in the DOM, so tens of
// thousands of headers, events or ledger steps scroll smoothly. `useVirtualRows` owns the scroll element and the
// virtualizer (its `virt` scrolls a row into view); `VirtualRows` renders the scroll box and places each row.
import { useVirtualizer } from '@tanstack/react-virtual';
import { cloneElement, isValidElement, useRef, type CSSProperties, type HTMLAttributes, type ReactNode } from 'react';

const OVERSCAN = 12;

/**
 * The slot count after a render whose window holds `windowRows` rows: the longest window seen so far. The window's
 * own length varies by a row with the scroll offset (a partly shown row, the ends of the list); a modulus following
 * it re-keys every row on each such change, and React then removes and recreates them all. A modulus larger than
 * the window would leave residues unused and shift which ones a moved window uses (deletions and creations again).
 */
export function slotCount(prev: number, windowRows: number): number {
  return Math.max(1, prev, windowRows);
}

export function useVirtualRows(count: number, rowPx: number) {
  const parent = useRef<HTMLDivElement>(null);
  const virt = useVirtualizer({
    count,
    getScrollElement: () => parent.current,
    estimateSize: () => rowPx,
    overscan: OVERSCAN,
  });
  return { parent, virt, rowPx, count };
}

export type VirtualRowsState = ReturnType<typeof useVirtualRows>;

/**
 * The scroll box (`body`: its class, role, ARIA and handlers) with the rows in view; `row` renders the row at
 * `index` with `style` (its position and height), and gives it its key.
 */
type VirtualRowsProps = {
  list: VirtualRowsState;
  row(index: number, style: CSSProperties): ReactNode;
} & HTMLAttributes<HTMLDivElement>;

export function VirtualRows({ list, row, ...body }: VirtualRowsProps) {
  // Each row is keyed by its slot (index modulo the rows in view), not by its index: a scroll that moves the window
  // by many rows then updates the same DOM rows' text and position in place instead of removing every row and
  // creating new ones (removeChild/createElement and the style and layout they force were most of a long frame).
  // The window is contiguous and never longer than `slots`, so the slots within one render are distinct; `slots`
  // is the longest window seen (slotCount), so it stays put while the window's length wobbles by a row. A ref, not
  // state: a state update during render made React render the list a second time whenever the count grew. Writing it
  // during render is safe: it only grows (a render React discards leaves a count that is still the longest seen).
  const items = list.virt.getVirtualItems();
  const seen = useRef(0);
  const slots = slotCount(seen.current, items.length);
  seen.current = slots;
  return (
    <div ref={list.parent} {...body}>
      <div style={{ height: list.virt.getTotalSize(), position: 'relative' }}>
        {items.map((it) => {
          const el = row(it.index, { transform: `translateY(${it.start}px)`, height: list.rowPx });
          return isValidElement(el) ? cloneElement(el, { key: it.index % slots }) : el;
        })}
      </div>
    </div>
  );
}

/** A column of a virtual grid: the class its heading and cells share (their width), and its heading. */
export type GridColumn = readonly [className: string, heading: string];

/**
 * A virtualized grid (role grid, labelled, every row counted, focusable) under its column head; `variant` is the
 * view's style class on both (`vt-head ledger`, `vt-body ledger`).
 */
export function VirtualGrid({
  list,
  label,
  columns,
  variant,
  ...body
}: VirtualRowsProps & { label: string; columns: readonly GridColumn[]; variant?: string }) {
  const cls = (base: string) => (variant ? `${base} ${variant}` : base);
  return (
    <>
      <div className={cls('vt-head')} role="presentation">
        {columns.map(([c, heading]) => (
          <span key={heading} className={c}>
            {heading}
          </span>
        ))}
      </div>
      <VirtualRows
        list={list}
        className={cls('vt-body')}
        role="grid"
        aria-label={label}
        aria-rowcount={list.count}
        tabIndex={0}
        {...body}
      />
    </>
  );
}
