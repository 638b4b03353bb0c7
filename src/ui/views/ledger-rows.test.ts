import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ledgerRows, type Row } from './ledger-rows';

/** The rows as the ledger listed them before: one object per run and per step of an open run. */
function flatten(runs: { first: number; count: number }[], open: ReadonlySet<number>): Row[] {
  const list: Row[] = [];
  for (const r of runs) {
    list.push({ kind: 'run', ...r });
    if (r.count > 1 && open.has(r.first))
      for (let i = r.first; i < r.first + r.count; i++) list.push({ kind: 'step', index: i });
  }
  return list;
}

/** Consecutive runs covering steps 0..n-1, from their lengths. */
function runsOf(counts: number[]) {
  let first = 0;
  return counts.map((count) => {
    const r = { first, count };
    first += count;
    return r;
  });
}

describe('ledgerRows', () => {
  it('gives every row the naive flattening gives, for any runs and expand state', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 40 }),
        fc.array(fc.boolean(), { maxLength: 40 }),
        (counts, opens) => {
          const runs = runsOf(counts);
          const open = new Set(runs.filter((_, i) => opens[i]).map((r) => r.first));
          const want = flatten(runs, open);
          const got = ledgerRows(runs, open);
          expect(got.length).toBe(want.length);
          expect(Array.from({ length: got.length }, (_, i) => got.at(i))).toEqual(want);
        },
      ),
    );
  });

  it('expands one run of 131,072 steps without a row per step, first and last rows in place', () => {
    const runs = runsOf([3, 131_072, 1]);
    const rows = ledgerRows(runs, new Set([3]));
    expect(rows.length).toBe(3 + 131_072); // three run rows and the open run's steps
    expect(rows.at(1)).toEqual({ kind: 'run', first: 3, count: 131_072 });
    expect(rows.at(2)).toEqual({ kind: 'step', index: 3 });
    expect(rows.at(131_073)).toEqual({ kind: 'step', index: 131_074 });
    expect(rows.at(131_074)).toEqual({ kind: 'run', first: 131_075, count: 1 });
    expect(ledgerRows(runs, new Set()).length).toBe(3);
  });
});
