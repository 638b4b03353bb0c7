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
  it('is one count for every scroll offset of a box, at least every window, so each row keeps its slot', () => {
    for (const [h, rowPx] of [
      [480, 28],
      [505, 28],
      [320, 24],
      [612, 26],
    ] as const) {
      const lengths = new Set<number>();
      const slots = slotCount(0, h, rowPx);
      let prev: number[] = [];
      for (let offset = 0; offset <= 2000 * rowPx; offset += 7) {
        const idx = windowAt(5000, h, rowPx, offset);
        lengths.add(idx.length);
        expect(slotCount(idx.length, h, rowPx)).toBe(slots);
        // distinct slots within one window, and a row still in view keeps its slot
        expect(new Set(idx.map((i) => i % slots)).size).toBe(idx.length);
        prev = idx;
      }
      expect(prev.length).toBeGreaterThan(0);
      // The window's own length varies with the offset: keying by it would move rows between slots.
      expect(lengths.size).toBeGreaterThan(1);
    }
  });

  it('never less than the window (a box not yet measured, a list shorter than the box)', () => {
    expect(slotCount(42, 0, 28)).toBe(42);
    expect(slotCount(0, 0, 28)).toBe(1);
    expect(slotCount(3, 480, 28)).toBe(Math.ceil(480 / 28) + 1 + 24);
  });
});
