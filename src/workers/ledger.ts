// Ledger coalescing shared by every measurement adapter: consecutive entries with the same source and page
// type at contiguous GPAs (and consecutive headers, when they come from headers) become one run, the way
// igvmmeasure's verbose output groups pages (peers-and-style §4.3.1).
import type { LedgerEntry, LedgerRun } from './protocol';

const PAGE = 4096n;

function continues(prev: LedgerEntry, next: LedgerEntry, steps: number): boolean {
  if (prev.pageType !== next.pageType || prev.source !== next.source) return false;
  if (!prev.gpa || !next.gpa) return false;
  if (BigInt(next.gpa) !== BigInt(prev.gpa) + PAGE * BigInt(steps)) return false;
  if (prev.headerIndex === undefined || next.headerIndex === undefined) return prev.headerIndex === next.headerIndex;
  return next.headerIndex - prev.headerIndex <= steps;
}

export function coalesceLedger(entries: readonly LedgerEntry[]): LedgerRun[] {
  const runs: LedgerRun[] = [];
  for (let i = 0; i < entries.length; i++) {
    const run = runs.at(-1);
    if (run && continues(entries[run.first]!, entries[i]!, i - run.first)) run.count++;
    else runs.push({ first: i, count: 1 });
  }
  return runs;
}
