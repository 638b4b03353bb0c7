// Re-measuring a firmware with other what-if settings reuses its page hashes (pageMemoBackend) and gives exactly
// the digests of a fresh measurement with noble, for every setting tried.
import { describe, expect, it } from 'vitest';
import { parseFirmware } from '../../core/firmware';
import { nobleBackend } from '../../core/hash/hash';
import { toHex } from '../../core/bytes/bytes';
import { corpusAvailable, readCorpus } from '../../test-support/corpus';
import { measureClassic, type ClassicMode } from '../../core/classic';
import { parseMeasureSettings } from '../../core/settings/launch-settings';
import { firmwareChoices, measureFirmware, pageMemoBackend } from './firmware-measure';
import type { LedgerEntry, MeasureOptions } from '../protocol';
import { ledgerColumns, ledgerEntries } from '../ledger-columns';

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

describe.skipIf(!corpusAvailable())(
  'measureFirmware ledger columns (digests as bytes, no hex round trip)',
  () => {
    it('equal the columns of the entries built the old way (toHex of every step) on every corpus OVMF, mode and vCPU count', () => {
      const none = () => {
        throw new Error('no other file');
      };
      let checked = 0;
      for (const path of [
        'inputs/ovmf/sid/OVMF.fd',
        'inputs/ovmf/sid/OVMF.amdsev.fd',
        'inputs/ovmf/sid/OVMF.inteltdx.ms.fd',
      ]) {
        const bytes = readCorpus(path);
        const parsed = parseFirmware(bytes);
        for (const choice of firmwareChoices(parsed)) {
          if (choice.platform === 'tdx') continue; // TDX builds its entries as strings, through ledgerColumns
          for (const vcpus of [1, 4]) {
            const o: MeasureOptions = { platform: choice.platform, vcpus };
            const r = measureFirmware(bytes, parsed, o, none, new Map(), nobleBackend);
            // The entries as measureFirmware built them before: hex strings of the same classic steps.
            const set = parseMeasureSettings({ vcpus }).value!;
            const mode = choice.platform as ClassicMode;
            const classic = measureClassic(
              { mode, firmware: bytes, parsed, vcpus: set.vcpus, vcpuSig: set.vcpuSig, vmm: set.vmm },
              nobleBackend,
            );
            const old: LedgerEntry[] = classic.steps.map((s) => ({
              gpa: s.gpa === undefined ? '' : '0x' + s.gpa.toString(16),
              pageType: s.pageTypeName ?? s.label,
              source: s.source + (s.vcpu !== undefined ? ` (vCPU ${s.vcpu})` : ''),
              contentHash: s.contents ? toHex(s.contents) : '',
              running: s.digestAfter ? toHex(s.digestAfter) : '',
            }));
            expect(r.digest).toBe(classic.digest ? toHex(classic.digest) : '');
            expect(r.ledger, `${path} ${choice.platform} ${vcpus}`).toEqual(ledgerColumns(old));
            expect(ledgerEntries(structuredClone(r.ledger)), `${path} ${choice.platform} ${vcpus}`).toEqual(
              old,
            );
            if (old.length > 0) checked++;
          }
        }
      }
      expect(checked).toBeGreaterThanOrEqual(8);
    });
  },
);
