import { describe, expect, it } from 'vitest';
import { fixedRowsInView } from './fixed-rows';

describe('fixedRowsInView', () => {
  it('gives the rows under the box plus the overscan, clamped to the list', () => {
    // 20 px rows, a 360 px box scrolled to row 1000: rows 1000..1017 are in view.
    expect(fixedRowsInView(1_000_000, 20, 20_000, 360, 20)).toEqual({ first: 980, last: 1037 });
    expect(fixedRowsInView(1_000_000, 20, 0, 360, 20)).toEqual({ first: 0, last: 37 });
    expect(fixedRowsInView(100, 20, 1640, 360, 20)).toEqual({ first: 62, last: 99 });
  });

  it('renders the overscan before the box has a height, and nothing for no rows', () => {
    expect(fixedRowsInView(5, 20, 0, 0, 20)).toEqual({ first: 0, last: 4 });
    expect(fixedRowsInView(0, 20, 0, 360, 20)).toEqual({ first: 0, last: -1 });
  });

  it('covers every row a box shows, wherever it is scrolled (partly visible rows included)', () => {
    for (const top of [0, 7, 19, 20, 21, 333, 19_905]) {
      const { first, last } = fixedRowsInView(1000, 20, top, 95, 0);
      expect(first).toBe(Math.floor(top / 20));
      expect((last + 1) * 20).toBeGreaterThanOrEqual(top + 95);
      expect(last * 20).toBeLessThan(top + 95);
    }
  });
});
