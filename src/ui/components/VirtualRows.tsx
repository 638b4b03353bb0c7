// A virtualized list body of fixed-height rows: only the rows in view (plus an overscan) are in the DOM, so tens of
// thousands of headers, events or ledger steps scroll smoothly. `useVirtualRows` owns the scroll element and the
// virtualizer (its `virt` scrolls a row into view); `VirtualRows` renders the scroll box and places each row.
import { useVirtualizer } from '@tanstack/react-virtual';
import { cloneElement, isValidElement, useRef, type CSSProperties, type HTMLAttributes, type ReactNode } from 'react';

const OVERSCAN = 12;

/**
 * How many row slots a window of `windowRows` rows is keyed over, in a scroll box `viewportPx` high: the most rows
 * the window can ever hold there (the rows in view, one more for a partly shown row at each end, the overscan on both
 * sides), so the count does not change while the box keeps its size. The window's own length varies by a row or two
 * with the scroll offset (a partly shown row, the ends of the list); a modulus following it re-keys every row on
 * each such change, and React then removes and recreates them all.
 */
export function slotCount(windowRows: number, viewportPx: number, rowPx: number, overscan = OVERSCAN): number {
  const most = viewportPx > 0 && rowPx > 0 ? Math.ceil(viewportPx / rowPx) + 1 + 2 * overscan : 0;
  return Math.max(1, windowRows, most);
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
  // stays the same while the box keeps its height (slotCount), so a row keeps its DOM as the window moves.
  const items = list.virt.getVirtualItems();
  const slots = slotCount(items.length, list.virt.scrollRect?.height ?? 0, list.rowPx);
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
