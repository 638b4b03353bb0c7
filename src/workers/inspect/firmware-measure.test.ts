// Re-measuring a firmware with other what-if settings reuses its page hashes (pageMemoBackend) and gives exactly
// the digests of a fresh measurement with noble, for every setting tried.
import { describe, expect, it } from 'vitest';
import { parseFirmware } from '../../core/firmware';
import { nobleBackend } from '../../core/hash/hash';
import { toHex } from '../../core/bytes/bytes';
import { corpusAvailable, readCorpus } from '../../test-support/corpus';
import { measureFirmware, pageMemoBackend } from './firmware-measure';
import type { MeasureOptions } from '../protocol';
import { ledgerEntries } from '../ledger-columns';

describe.skipIf(!corpusAvailable())('pageMemoBackend', () => {
  it('hashes each firmware page once across re-measures, with the digests of fresh measurements', () => {
    const bytes = readCorpus('inputs/ovmf/sid/OVMF.amdsev.fd');
    const parsed = parseFirmware(bytes);
    const memo = pageMemoBackend(bytes);
    const none = () => {
      throw new Error('no other file');
    };
    let first = 0;
    for (const [i, vcpus] of [2, 3, 2, 7].entries()) {
      const o: MeasureOptions = { platform: 'snp', vcpus };
      const r = measureFirmware(bytes, parsed, o, none, new Map(), memo);
      const fresh = measureFirmware(bytes, parsed, o, none, new Map(), nobleBackend);
      expect(r.digest, `vcpus ${vcpus}`).toMatch(/^[0-9a-f]{96}$/);
      expect(r.digest, `vcpus ${vcpus}`).toBe(fresh.digest);
      expect(ledgerEntries(r.ledger)).toEqual(ledgerEntries(fresh.ledger));
      if (i === 0) first = memo.hits;
    }
    expect(first).toBe(0);
    expect(memo.hits).toBeGreaterThanOrEqual(3 * 256); // every later measure took its pages from the memo
  });

  it('never answers for bytes outside the file, or another algorithm', () => {
    const file = new Uint8Array(8192).fill(1);
    const memo = pageMemoBackend(file, () => nobleBackend);
    const page = file.subarray(4096);
    const copy = page.slice();
    expect(toHex(memo.digest('sha384', page))).toBe(toHex(nobleBackend.digest('sha384', copy)));
    expect(toHex(memo.digest('sha384', copy))).toBe(toHex(nobleBackend.digest('sha384', copy)));
    expect(toHex(memo.digest('sha256', page))).toBe(toHex(nobleBackend.digest('sha256', page)));
    // a returned digest is a copy: changing it changes nothing cached
    memo.digest('sha384', page).fill(0);
    expect(toHex(memo.digest('sha384', page))).toBe(toHex(nobleBackend.digest('sha384', copy)));
    expect(memo.hits).toBe(2);
  });
});
