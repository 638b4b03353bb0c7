// The SNP ledger's rows (runs, and the steps of the open runs) by position, for the virtualized ledger grid.

export type Row = { kind: 'run'; first: number; count: number } | { kind: 'step'; index: number };

/**
 * The ledger's rows for one expand state, without a row object per step: `starts[r]` is the row of run `r` (its
 * steps, when open, follow it), `starts[runs.length]` the row count. `at(i)` finds row `i` by binary search, so a
 * scroll frame costs O(rows in view × log runs) and expanding 131k steps allocates one Int32Array, not 131k objects.
 */
export function ledgerRows(runs: readonly { first: number; count: number }[], open: ReadonlySet<number>) {
  const starts = new Int32Array(runs.length + 1);
  let n = 0;
  for (let r = 0; r < runs.length; r++) {
    starts[r] = n;
    const run = runs[r]!;
    n += 1 + (run.count > 1 && open.has(run.first) ? run.count : 0);
  }
  starts[runs.length] = n;
  const at = (i: number): Row => {
    let lo = 0;
    let hi = runs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= i) lo = mid;
      else hi = mid - 1;
    }
    const run = runs[lo]!;
    const k = i - starts[lo]!;
    return k === 0
      ? { kind: 'run', first: run.first, count: run.count }
      : { kind: 'step', index: run.first + k - 1 };
  };
  return { length: n, at };
}
