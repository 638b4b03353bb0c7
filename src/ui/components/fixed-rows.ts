// Virtualization of rows that all have one height: which rows a scroll box shows follows from its scrollTop and
// height alone, in constant time and memory however many rows there are (the hex view of a file has one per 16 bytes).

/** The rows [first, last] to render for a scroll box at `top` px showing `height` px of `count` rows of `rowPx`. */
export function fixedRowsInView(count: number, rowPx: number, top: number, height: number, overscan: number): { first: number; last: number } {
  if (count <= 0) return { first: 0, last: -1 };
  const first = Math.max(0, Math.min(count - 1, Math.floor(top / rowPx) - overscan));
  const last = Math.max(first, Math.min(count - 1, Math.ceil((top + height) / rowPx) - 1 + overscan));
  return { first, last };
}
