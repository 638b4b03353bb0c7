import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { equalBytes, textEncoder, toHex } from '../bytes/bytes';
import { Diagnostics } from '../diagnostics';
import { sha256Of, sha384Of } from '../hash/hash';
import { corpusAvailable, manifest, readCorpus, type Manifest } from '../../test-support/corpus';
import {
  buildKernelHashesPage,
  buildKernelHashesTable,
  cmdlineBytes,
  decodeKernelHashesTable,
  kernelHashes,
  PADDED_HASH_TABLE_LENGTH,
  withCmdline,
} from './index';

const enc = (s: string) => textEncoder.encode(s);

describe('kernel-hashes table (fuki §4.1, §8.2)', () => {
  it('§8.2 vector: table and page digest', () => {
    const h = kernelHashes({ kernel: enc('KERNEL'), initrd: enc('INITRD'), append: 'console=ttyS0' });
    const table = buildKernelHashesTable(h);
    expect(table.length).toBe(176);
    expect(toHex(table)).toBe(
      '06d63894224fc94cb479a793d411fd21a800d82dd09720bd944caa78e7714d36ab2a3200f18aae9b3c09e55bc3047ad361e2442d7c53372470b2958fb83293209a784f7131f7ba442f3ad74b9af141e29169781d3200f5e3dba158c542884540793cb24e361afb19e6874c5934e2a0304203b7626fe43794e74dd2ab7f42b835d5b172d2045b3200a204d4ad1de3e9b07751899e5cf4d4a3017328c41372c70fdcc8db9587bb38fb0000000000000000',
    );
    expect(toHex(sha384Of(buildKernelHashesPage(table, 0xc00)))).toBe(
      '77be0d7d0b844019f48a101e91b786e88fe57cb3fb14066f5d4cd5059bf55ca92de542db00e6bdbe7ce31d16b9d1437a',
    );
  });
  it('NUL handling: no or empty append hashes the single byte 00; a string gets one NUL', () => {
    expect(Array.from(cmdlineBytes(undefined))).toEqual([0]);
    expect(Array.from(cmdlineBytes(''))).toEqual([0]);
    expect(Array.from(cmdlineBytes('a'))).toEqual([0x61, 0]);
    expect(toHex(sha256Of(cmdlineBytes(undefined)))).toBe(
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    );
  });
  it('precomputed digests give the same table; withCmdline only changes the cmdline entry', () => {
    const full = kernelHashes({ kernel: enc('KERNEL'), initrd: enc('INITRD'), append: 'x' });
    const pre = kernelHashes({
      kernel: { sha256: sha256Of(enc('KERNEL')) },
      initrd: { sha256: sha256Of(enc('INITRD')) },
      append: 'x',
    });
    expect(equalBytes(buildKernelHashesTable(full), buildKernelHashesTable(pre))).toBe(true);
    const changed = withCmdline(pre, 'console=ttyS0');
    expect(equalBytes(changed.kernel, pre.kernel) && equalBytes(changed.initrd, pre.initrd)).toBe(true);
    expect(
      equalBytes(changed.cmdline, kernelHashes({ kernel: enc('K'), append: 'console=ttyS0' }).cmdline),
    ).toBe(true);
    expect(() => kernelHashes({ kernel: { sha256: new Uint8Array(5) } })).toThrow(RangeError);
  });
  it('page placement rejects offsets that do not fit', () => {
    const t = new Uint8Array(PADDED_HASH_TABLE_LENGTH);
    expect(() => buildKernelHashesPage(t, 4000)).toThrow(RangeError);
    expect(buildKernelHashesPage(t, 4096 - 176).length).toBe(4096);
  });
  it('decodes a table back into its three entries, and diagnoses damage', () => {
    const h = kernelHashes({ kernel: enc('KERNEL'), initrd: enc('INITRD'), append: 'console=ttyS0' });
    const page = buildKernelHashesPage(buildKernelHashesTable(h), 0xc00);
    const d = new Diagnostics();
    const t = decodeKernelHashesTable(page, 0xc00, d)!;
    expect(d.list).toEqual([]);
    expect(t.entries.map((e) => e.name)).toEqual(['cmdline', 'initrd', 'kernel']);
    expect(equalBytes(t.entries[2]!.sha256, h.kernel)).toBe(true);
    expect(decodeKernelHashesTable(page, 0, d)).toBeUndefined();
    page[0xc00 + 18 + 16] = 3; // first entry length
    const d2 = new Diagnostics();
    decodeKernelHashesTable(page, 0xc00, d2);
    expect(d2.list.map((x) => x.code)).toContain('KH_BAD_ENTRY_LENGTH');
  });
});

describe.runIf(corpusAvailable())('kernel-hashes against sev-snp-measure (corpus sev_hashes)', () => {
  const cases = corpusAvailable() ? (manifest().sev_hashes as Manifest[]) : [];
  it('has cases', () => expect(cases.length).toBeGreaterThan(0));
  for (const c of cases) {
    it(`${c.id}: table and page byte-identical`, () => {
      const h = kernelHashes({
        kernel: readCorpus(c.kernel.path),
        initrd: c.initrd ? readCorpus(c.initrd.path) : undefined,
        append: c.append ?? undefined,
      });
      expect(toHex(h.kernel)).toBe(c.kernel_sha256);
      expect(toHex(h.initrd)).toBe(c.initrd_sha256);
      expect(toHex(h.cmdline)).toBe(c['cmdline_sha256 (append+NUL)']);
      const table = buildKernelHashesTable(h);
      expect(table.length).toBe(c.table_len);
      expect(equalBytes(table, readCorpus(c.table_file))).toBe(true);
      const page = buildKernelHashesPage(table, Number(c.page_offset));
      expect(equalBytes(page, readCorpus(c.page_file))).toBe(true);
      expect(toHex(sha256Of(page))).toBe(c.page_sha256);
      expect(toHex(sha256Of(table))).toBe(c.table_sha256);
    });
  }
});

describe('kernel-hashes properties (fast-check)', () => {
  it('decode(build(h)) returns the three digests at any page offset that fits', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.string(),
        fc.integer({ min: 0, max: 4096 - PADDED_HASH_TABLE_LENGTH }),
        (k, i, append, offset) => {
          const h = kernelHashes({ kernel: { sha256: k }, initrd: { sha256: i }, append });
          const d = new Diagnostics();
          const t = decodeKernelHashesTable(
            buildKernelHashesPage(buildKernelHashesTable(h), offset),
            offset,
            d,
          )!;
          expect(d.list).toEqual([]);
          expect(t.entries.map((e) => toHex(e.sha256))).toEqual([toHex(h.cmdline), toHex(i), toHex(k)]);
        },
      ),
      { numRuns: 200 },
    );
  });
  it('decoding arbitrary bytes never throws', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.nat(400), (b, off) => {
        const page = new Uint8Array(b);
        if (page.length >= 18)
          page.set(buildKernelHashesTable(kernelHashes({ kernel: new Uint8Array(0) })).subarray(0, 16), 0);
        decodeKernelHashesTable(page, off % (page.length + 1), new Diagnostics());
        decodeKernelHashesTable(page, 0, new Diagnostics());
      }),
      { numRuns: 300 },
    );
  });
});
