import { describe, expect, it } from 'vitest';
import { coalesceLedger } from './ledger';
import type { LedgerEntry } from './protocol';

const e = (gpa: number, pageType = 'NORMAL', headerIndex?: number, source = 'PageData'): LedgerEntry => ({
  gpa: '0x' + gpa.toString(16),
  pageType,
  source,
  headerIndex,
  contentHash: '',
  running: '',
});

describe('coalesceLedger', () => {
  it('joins contiguous pages of one type from consecutive headers', () => {
    const runs = coalesceLedger([e(0x1000, 'NORMAL', 3), e(0x2000, 'NORMAL', 4), e(0x3000, 'NORMAL', 5), e(0x4000, 'ZERO', 6)]);
    expect(runs).toEqual([
      { first: 0, count: 3 },
      { first: 3, count: 1 },
    ]);
  });
  it('splits on a GPA gap, a source change and a header jump', () => {
    expect(coalesceLedger([e(0x1000), e(0x3000)])).toHaveLength(2);
    expect(coalesceLedger([e(0x1000, 'NORMAL', 1, 'PageData'), e(0x2000, 'NORMAL', 2, 'ParameterInsert')])).toHaveLength(2);
    expect(coalesceLedger([e(0x1000, 'NORMAL', 1), e(0x2000, 'NORMAL', 9)])).toHaveLength(2);
  });
  it('keeps pages of one header (a multi-page parameter area) together', () => {
    expect(coalesceLedger([e(0x1000, 'UNMEASURED', 7), e(0x2000, 'UNMEASURED', 7), e(0x3000, 'UNMEASURED', 7)])).toEqual([{ first: 0, count: 3 }]);
  });
  it('never joins entries without a GPA (SEV-ES VMSAs)', () => {
    const noGpa: LedgerEntry = { ...e(0), gpa: '' };
    expect(coalesceLedger([noGpa, noGpa])).toHaveLength(2);
  });
});
