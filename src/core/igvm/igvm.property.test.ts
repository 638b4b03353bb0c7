// Robustness: parseIgvm (and the summary, page map and re-serialization on top of it) never throws and stays fast on damaged input. Mutations
// of the small igvm-crate corpus files and of a 16 KiB prefix (about 500 page headers, their data cut off) of an igvmgen file: bit flips, truncation, edits
// of size/offset fields (fixed header, record lengths, body fields), record shuffles and random insertions,
// each with or without a repaired checksum so the parser also gets past §2.3 and into the header rules.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { put32, u32 } from '../bytes/bytes';
import { corpusAvailable, readCorpus } from '../../test-support/corpus';
import { igvmChecksum } from './fixed-header';
import { igvmPageMap } from './page-map';
import { parseIgvm } from './parse';
import { serializeIgvm } from './serialize';
import { summarizeIgvm } from './summary';
import { supportedPlatforms } from './types';

const SMALL = ['lib-multi', 'lib-snp', 'lib-tdx', 'lib-vbs', 'rich-v1', 'rich-v2'].map((n) => `igvm/igvm-crate/${n}.igvm`);
const BIG = 'igvm/igvmgen/snp-x86-vtl2.igvm';
const BIG_PREFIX = 16 * 1024;
const PER_CASE_LIMIT_MS = 1000;

interface Base {
  name: string;
  bytes: Uint8Array;
  /** Offsets of every variable header record (type u32, length u32, body). */
  records: { offset: number; length: number }[];
  vhEnd: number;
}

function base(name: string, bytes: Uint8Array): Base {
  const { file } = parseIgvm(bytes);
  const records = (file?.headers ?? []).map((h) => ({ offset: h.offset, length: h.length }));
  expect(records.length).toBeGreaterThan(0);
  return { name, bytes, records, vhEnd: file!.fileDataOffset };
}

const INTERESTING = [0, 1, 4, 7, 8, 24, 32, 0x1000, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffff8, 0x10000000];

type Mutation =
  | { kind: 'flip'; at: number; bit: number; inHeaders: boolean }
  | { kind: 'truncate'; at: number }
  | { kind: 'fixedField'; field: number; v: number }
  | { kind: 'recordField'; record: number; word: number; v: number }
  | { kind: 'swap'; a: number; b: number }
  | { kind: 'insert'; at: number; data: Uint8Array; inHeaders: boolean };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat(7), inHeaders: fc.boolean() }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('fixedField' as const),
    field: fc.nat(7),
    v: fc.oneof(fc.constantFrom(...INTERESTING), fc.nat({ max: 0xffffffff })),
  }),
  fc.record({
    kind: fc.constant('recordField' as const),
    record: fc.nat(),
    word: fc.nat(8),
    v: fc.oneof(fc.constantFrom(...INTERESTING), fc.nat({ max: 0xffffffff })),
  }),
  fc.record({ kind: fc.constant('swap' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    data: fc.uint8Array({ minLength: 1, maxLength: 40 }),
    inHeaders: fc.boolean(),
  }),
);

/** Applies the mutations to a copy; returns the mutated bytes. */
function mutate(b: Base, ms: readonly Mutation[], fixChecksum: boolean): Uint8Array {
  let out = b.bytes.slice();
  const recs = b.records;
  for (const m of ms) {
    const headerSpan = Math.max(1, Math.min(out.length, b.vhEnd));
    switch (m.kind) {
      case 'flip': {
        const at = m.at % (m.inHeaders ? headerSpan : out.length);
        out[at]! ^= 1 << m.bit;
        break;
      }
      case 'truncate':
        out = out.slice(0, m.at % (out.length + 1));
        break;
      case 'fixedField':
        if (out.length >= 32) put32(out, m.field * 4, m.v);
        break;
      case 'recordField': {
        const r = recs[m.record % recs.length]!;
        const at = r.offset + m.word * 4;
        if (at + 4 <= out.length && m.word * 4 < r.length) put32(out, at, m.v);
        break;
      }
      case 'swap': {
        const x = recs[m.a % recs.length]!;
        const y = recs[m.b % recs.length]!;
        const [p, q] = x.offset < y.offset ? [x, y] : [y, x];
        if (p === q || q.offset + q.length > out.length) break;
        const swapped = new Uint8Array(q.offset + q.length - p.offset);
        const middle = out.subarray(p.offset + p.length, q.offset);
        swapped.set(out.subarray(q.offset, q.offset + q.length), 0);
        swapped.set(middle, q.length);
        swapped.set(out.subarray(p.offset, p.offset + p.length), q.length + middle.length);
        out.set(swapped, p.offset);
        break;
      }
      case 'insert': {
        const at = m.at % ((m.inHeaders ? headerSpan : out.length) + 1);
        const grown = new Uint8Array(out.length + m.data.length);
        grown.set(out.subarray(0, at), 0);
        grown.set(m.data, at);
        grown.set(out.subarray(at), at + m.data.length);
        out = grown;
        break;
      }
    }
  }
  if (fixChecksum && out.length >= 24) {
    const fixedSize = u32(out, 8) === 32 && out.length >= 32 ? 32 : 24;
    const start = Math.min(u32(out, 8), out.length);
    const end = Math.min(start + u32(out, 12), out.length);
    put32(out, 20, igvmChecksum(out.subarray(0, fixedSize), out.subarray(start, end)));
  }
  return out;
}

let cases = 0;
let slowest = 0;

function check(b: Base, ms: readonly Mutation[], fixChecksum: boolean): void {
  const input = mutate(b, ms, fixChecksum);
  const t0 = performance.now();
  const { file, diagnostics } = parseIgvm(input);
  if (file) {
    summarizeIgvm(file);
    for (const p of supportedPlatforms(file)) igvmPageMap(file, p.compatibilityMask);
    // The serializer may refuse a model it cannot write (RangeError), nothing else. Every 8th case only: it
    // CRCs every page for de-duplication and would double the run time.
    if (cases % 8 === 0)
      try {
        serializeIgvm(file);
      } catch (e) {
        expect(e).toBeInstanceOf(RangeError);
      }
  }
  const ms_ = performance.now() - t0;
  cases++;
  slowest = Math.max(slowest, ms_);
  expect(ms_).toBeLessThan(PER_CASE_LIMIT_MS);
  for (const d of diagnostics) {
    expect(typeof d.code).toBe('string');
    expect(['error', 'warning', 'info']).toContain(d.severity);
  }
  if (!file) expect(diagnostics.some((d) => d.severity === 'error')).toBe(true);
}

describe.skipIf(!corpusAvailable())('parseIgvm robustness (fast-check)', () => {
  const bases = corpusAvailable()
    ? [...SMALL.map((p) => base(p, readCorpus(p))), base(`${BIG} (prefix)`, readCorpus(BIG).slice(0, BIG_PREFIX))]
    : [];

  afterAll(() => {
    // 6 small files × 3,200 + the big prefix × 1,000 (see numRuns below).
    expect(cases).toBeGreaterThanOrEqual(20_000);
    console.log(`igvm property: ${cases} cases, slowest ${slowest.toFixed(1)} ms`);
  });

  for (const [i, name] of [...SMALL, `${BIG} (prefix)`].entries()) {
    const runs = Number(process.env.IGVM_PROP_RUNS ?? 0) || (i < SMALL.length ? 3200 : 1000);
    it(`${name}: ${runs} mutated copies decode to diagnostics, never an exception`, () => {
      const b = bases[i]!;
      fc.assert(
        fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.boolean(), (ms, fix) => check(b, ms, fix)),
        { numRuns: runs, seed: 0x1f9a + i },
      );
    }, 60_000);
  }

  it('mutated files do reach header validation (the test is not only exercising the checksum)', () => {
    const b = bases.find((x) => x.name.endsWith('rich-v1.igvm'))!;
    const r = b.records[b.records.length - 1]!;
    const input = mutate(b, [{ kind: 'recordField', record: b.records.length - 1, word: 1, v: 3 }], true);
    const codes = parseIgvm(input).diagnostics.map((d) => d.code);
    expect(codes.some((c) => !/checksum/i.test(c))).toBe(true);
    expect(r.length).toBeGreaterThan(8);
  });
});
