// Robustness: the PE parser, the UKI model, Authenticode and the signature decoder never throw and stay fast on
// damaged input (bit flips, truncation, header field edits on the corpus PEs; headers only for the big UKIs).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { put16, put32 } from '../bytes/bytes';
import { nodeHashBackend } from '../../cli/node-hash';
import { corpusAvailable, readCorpus } from '../../test-support/corpus';
import { authenticodeRanges } from '../authenticode/digest';
import { decodeSignature } from '../authenticode/signature';
import { parseUki } from '../uki/model';
import { summarizePe } from '../uki/summary';
import { parsePe } from './parse';

const SMALL = [
  'inputs/stub/262/addonx64.efi.stub',
  'inputs/stub/257/addonx64.efi.stub',
  'pe/addon-257-cmdline.addon.efi',
  'pe/addon-262-cmdline-initrd.addon.efi',
  'pe/addon-262-cmdline.addon.efi',
  'pe/profile1-262.efi',
  'inputs/stub/252/linuxx64.efi.stub',
];
const BIG = ['pe/uki-262.efi', 'pe/uki-262-efifw.efi'];

/** Offsets of header fields worth editing: DOS e_lfanew, COFF, optional header, data directories, section table. */
const FIELD_OFFSETS = [
  0x3c, 0x40, 0x46, 0x4c, 0x50, 0x54, 0x56, 0x58, 0x78, 0x7c, 0x94, 0x98, 0x9c, 0xa4, 0xd8, 0xe8, 0xec, 0x148,
  0x150, 0x154, 0x158, 0x15c, 0x170, 0x178, 0x17c, 0x180, 0x184, 0x1a0, 0x1a8, 0x1ac, 0x1c8,
];
const INTERESTING = [
  0, 1, 0x7fffffff, 0xffffffff, 0xfffffff0, 0x1000, 0x200, 0x400, 0x10000, 60000, 0x100000,
];

const mutation = (maxOffset: number) =>
  fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(maxOffset - 1), bit: fc.nat(7) }),
    fc.record({
      kind: fc.constant('u32' as const),
      at: fc.constantFrom(...FIELD_OFFSETS),
      v: fc.oneof(fc.constantFrom(...INTERESTING), fc.nat()),
    }),
    fc.record({
      kind: fc.constant('u16' as const),
      at: fc.constantFrom(...FIELD_OFFSETS),
      v: fc.nat(0xffff),
    }),
    fc.record({
      kind: fc.constant('byte' as const),
      at: fc.nat(Math.min(maxOffset, 0x400) - 1),
      v: fc.nat(255),
    }),
  );
type Mutation =
  { kind: 'flip'; at: number; bit: number } | { kind: 'u32' | 'u16' | 'byte'; at: number; v: number };

function apply(b: Uint8Array, m: Mutation): void {
  if (m.at + 4 > b.length) return;
  if (m.kind === 'flip') b[m.at]! ^= 1 << m.bit;
  else if (m.kind === 'u32') put32(b, m.at, m.v);
  else if (m.kind === 'u16') put16(b, m.at, m.v);
  else b[m.at] = m.v;
}

function timed(f: () => void): number {
  const t = performance.now();
  f();
  return performance.now() - t;
}

describe.runIf(corpusAvailable())('PE/UKI robustness (fast-check)', () => {
  const small = corpusAvailable() ? SMALL.map((p) => readCorpus(p)) : [];
  let cases = 0;
  let slowest = 0;

  it('small PEs: bit flips, field edits, truncation → full summary, no exception, < 1 s', () => {
    fc.assert(
      fc.property(
        fc.nat(small.length - 1),
        fc.array(mutation(4096), { minLength: 1, maxLength: 12 }),
        fc.option(fc.nat(), { nil: undefined }),
        (i, ms, cut) => {
          const src = small[i]!;
          let b = new Uint8Array(src);
          for (const m of ms) apply(b, m);
          if (cut !== undefined) b = b.subarray(0, cut % (b.length + 1));
          const ms_ = timed(() => {
            const s = summarizePe({ file: b }, { hash: nodeHashBackend, banks: ['sha256'] });
            expect(s.fileSize).toBe(b.length);
          });
          slowest = Math.max(slowest, ms_);
          cases++;
          return ms_ < 1000;
        },
      ),
      { numRuns: 16000 },
    );
  });

  it('big UKIs: header-only edits in place → parsePe + parseUki + Authenticode ranges, < 1 s', () => {
    const big = BIG.map((p) => new Uint8Array(readCorpus(p)));
    fc.assert(
      fc.property(
        fc.nat(big.length - 1),
        fc.array(mutation(0x1000), { minLength: 1, maxLength: 8 }),
        (i, ms) => {
          const b = big[i]!;
          const saved = b.slice(0, 0x1000);
          try {
            for (const m of ms) apply(b, m);
            const ms_ = timed(() => {
              const pe = parsePe(b);
              parseUki(b, pe);
              if (pe.ok) expect(authenticodeRanges(pe).length).toBeGreaterThan(0);
            });
            slowest = Math.max(slowest, ms_);
            cases++;
            return ms_ < 1000;
          } finally {
            b.set(saved);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('damaged PKCS#7 in the signed kernel → diagnostics, never an exception', () => {
    const k = readCorpus('inputs/kernel/vmlinuz-6.1.0-56-cloud-amd64');
    const c = parsePe(k).certificates[0]!.content;
    const der = k.slice(c.offset, c.offset + c.length);
    fc.assert(
      fc.property(
        fc.array(fc.record({ at: fc.nat(der.length - 1), v: fc.nat(255) }), { minLength: 1, maxLength: 6 }),
        fc.nat(der.length),
        (edits, cut) => {
          const b = new Uint8Array(der);
          for (const e of edits) b[e.at] = e.v;
          const ms_ = timed(() => {
            const s = decodeSignature(b.subarray(0, Math.max(cut, der.length - 64)), 0, c);
            expect(s.index).toBe(0);
          });
          slowest = Math.max(slowest, ms_);
          cases++;
          return ms_ < 1000;
        },
      ),
      { numRuns: 1500 },
    );
    expect(cases).toBeGreaterThanOrEqual(20000);
    console.log(`PE robustness: ${cases} mutated cases, slowest ${slowest.toFixed(1)} ms`);
  });
});
