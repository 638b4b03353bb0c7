import { describe, expect, it } from 'vitest';
import { Virtualizer } from '@tanstack/virtual-core';
import { slotCount } from './VirtualRows';

/** The rows the virtualizer (the one VirtualRows uses) puts in the window at a scroll offset, in a box `h` high. */
function windowAt(count: number, h: number, rowPx: number, offset: number) {
  const v = new Virtualizer<HTMLDivElement, Element>({
    count,
    getScrollElement: () => null,
    estimateSize: () => rowPx,
    overscan: 12,
    initialRect: { width: 800, height: h },
    initialOffset: offset,
    observeElementRect: () => undefined,
    observeElementOffset: () => undefined,
    scrollToFn: () => undefined,
  });
  return v.getVirtualItems().map((it) => it.index);
}

describe('slotCount', () => {
  it('settles on one count while a box scrolls, with distinct slots in every window and every slot in use', () => {
    for (const [h, rowPx] of [
      [480, 28],
      [505, 28],
      [320, 24],
      [612, 26],
    ] as const) {
      const lengths = new Set<number>();
      let slots = 0;
      const windows: number[][] = [];
      for (let offset = 0; offset <= 2000 * rowPx; offset += 7) {
        const idx = windowAt(5000, h, rowPx, offset);
        lengths.add(idx.length);
        slots = slotCount(slots, idx.length);
        windows.push(idx);
      }
      // The window's own length varies with the offset: a modulus following it would re-key the rows.
      expect(lengths.size).toBeGreaterThan(1);
      expect(slots).toBe(Math.max(...lengths));
      for (const idx of windows) {
        expect(new Set(idx.map((i) => i % slots)).size).toBe(idx.length);
        // away from the list's ends at most one slot idle: a jump deletes and creates a row or none
        if (idx[0]! > 0) expect(idx.length).toBeGreaterThanOrEqual(slots - 1);
      }
    }
  });

  it('never shrinks, never below the window', () => {
    expect(slotCount(0, 0)).toBe(1);
    expect(slotCount(30, 29)).toBe(30);
    expect(slotCount(29, 31)).toBe(31);
  });
});
