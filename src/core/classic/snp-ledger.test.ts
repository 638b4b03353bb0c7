// SnpLedger.normalPages (flat arrays, one reused PAGE_INFO, digestInto) against the rule it implements step by
// step: one `update` per page with CONTENTS = SHA-384 of the page (fuki §4.5, PAGE_INFO §14.2.1).
import { describe, expect, it } from 'vitest';
import { toHex } from '../bytes/bytes';
import { nobleBackend, type HashBackend } from '../hash/hash';
import { SNP_PAGE_TYPE } from '../measure/snp-page-info';
import { SnpLedger } from './snp-ledger';

/** Pages whose bytes differ (a repeated page would hide a CONTENTS taken from the wrong page). */
function pages(n: number, extra = 0): Uint8Array {
  const b = new Uint8Array(n * 4096 + extra);
  for (let i = 0; i < b.length; i++) b[i] = (i * 131 + (i >> 12) * 7) & 0xff;
  return b;
}

/** The ledger as `update` builds it, one page at a time (what normalPages did before it kept flat arrays). */
function reference(hash: HashBackend, gpa: bigint, data: Uint8Array, seed?: Uint8Array): SnpLedger {
  const l = new SnpLedger(hash, seed);
  const info = { source: 'firmware', label: 'firmware page' } as const;
  for (let off = 0; off < data.length; off += 4096)
    l.update(SNP_PAGE_TYPE.NORMAL, gpa + BigInt(off), hash.digest('sha384', data.subarray(off, off + 4096)), info);
  return l;
}

const hexSteps = (l: SnpLedger) =>
  l.steps.map((s) => ({ ...s, contents: s.contents && toHex(s.contents), digestAfter: s.digestAfter && toHex(s.digestAfter) }));

describe('SnpLedger.normalPages', () => {
  // noble has no digestInto (the copy fallback); a backend with one writes into the flat array itself.
  const withInto: HashBackend = {
    ...nobleBackend,
    name: 'noble+digestInto',
    digestInto: (alg, data, out, offset) => out.set(nobleBackend.digest(alg, data), offset),
  };
  for (const hash of [nobleBackend, withInto]) {
    it(`gives the steps and digest of one update per page (${hash.name})`, () => {
      const data = pages(5);
      const seed = new Uint8Array(48).fill(0xa5);
      const l = new SnpLedger(hash, seed);
      l.normalPages(0xffc00000n, data, { source: 'firmware', label: 'firmware page' });
      const want = reference(hash, 0xffc00000n, data, seed);
      expect(toHex(l.ld)).toBe(toHex(want.ld));
      expect(hexSteps(l)).toEqual(hexSteps(want));
      // Later steps chain from the last page's digest, as they would from update's.
      l.update(SNP_PAGE_TYPE.ZERO, 0x1000n, new Uint8Array(48), { source: 'sev-metadata', label: 'x' });
      want.update(SNP_PAGE_TYPE.ZERO, 0x1000n, new Uint8Array(48), { source: 'sev-metadata', label: 'x' });
      expect(toHex(l.ld)).toBe(toHex(want.ld));
    });
  }

  it('hashes a short last page as the bytes there are, as update-per-page did', () => {
    const data = pages(2, 100);
    const l = new SnpLedger(nobleBackend);
    l.normalPages(0n, data, { source: 'firmware', label: 'firmware page' });
    expect(l.steps.length).toBe(3);
    expect(hexSteps(l)).toEqual(hexSteps(reference(nobleBackend, 0n, data)));
  });
});
