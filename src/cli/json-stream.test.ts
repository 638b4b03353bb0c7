import { describe, expect, it } from 'vitest';
import { toJson } from './io';
import { writeJson } from './json-stream';

const text = (v: unknown) => {
  let s = '';
  writeJson(v, (t) => (s += t));
  return s;
};

describe('writeJson', () => {
  it('prints exactly what toJson prints', () => {
    const samples: unknown[] = [
      { a: 1, b: 'x"\n', c: [1, undefined, null, { d: 2n, e: new Uint8Array([0, 255]) }], f: undefined, g: [], h: {}, i: true },
      [],
      {},
      'plain',
      12.5,
      null,
      [[[]], [{}], { k: [{ z: -0 }] }],
      { date: new Date(0), nested: { deeper: { list: Array.from({ length: 5000 }, (_, i) => ({ i, hex: BigInt(i) })) } } },
    ];
    for (const v of samples) expect(text(v)).toBe(toJson(v));
  });
  it('prints an iterable as the array it makes, consuming it once', () => {
    function* gen() {
      for (let i = 0; i < 3; i++) yield { i, b: BigInt(i) };
    }
    expect(text({ list: gen(), empty: [][Symbol.iterator]() })).toBe(toJson({ list: [...gen()], empty: [] }));
  });
  it('hands the text over in chunks, not as one string', () => {
    const chunks: string[] = [];
    writeJson({ list: Array.from({ length: 20000 }, (_, i) => ({ step: i, value: 'ab'.repeat(48) })) }, (t) => chunks.push(t));
    expect(chunks.length).toBeGreaterThan(10);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan(70 * 1024);
  });
});
