// The header table as columns (header-columns.ts) must give the page exactly the rows the object table gave:
// every corpus IGVM, row by row, after a structured clone with its buffers transferred as the worker sends it.
import { describe, expect, it } from 'vitest';
import { corpusAvailable, manifest, readCorpus } from '../test-support/corpus';
import { parseIgvm } from '../core/igvm';
import { hex64 } from '../core/bytes/bytes';
import { headerColumns, headerRows } from './inspect/igvm-rows';
import { encodeHeaderColumns, headerAt, headerColumnBuffers, headerRowList, type HeaderColumns } from './header-columns';

const d = corpusAvailable() ? describe : describe.skip;

d('IGVM header columns on the corpus', () => {
  it('decode, after a transferring structured clone, to the object rows of every corpus IGVM', () => {
    const entries = manifest().igvm as { path: string }[];
    expect(entries.length).toBeGreaterThan(0);
    for (const e of entries) {
      const f = parseIgvm(readCorpus(e.path)).file!;
      const cols = headerColumns(f);
      const sent = structuredClone(cols, { transfer: headerColumnBuffers(cols) });
      expect(cols.kind.length, 'transferred, so detached here').toBe(0);
      expect(headerRowList(sent), e.path).toEqual(headerRows(f));
      expect(headerAt(sent, sent.count)).toBeUndefined();
      // The GPA text is the core's hex64 of the model's u64 (the columns keep it as a bigint).
      for (const h of f.headers)
        if ('gpa' in h && typeof h.gpa === 'bigint') expect(headerAt(sent, h.index)!.gpa).toBe(hex64(h.gpa));
    }
  });
});

describe('IGVM header columns', () => {
  it('keep a u64 GPA exactly, and optional fields absent where the row had none', () => {
    const rows = [
      { index: 0, section: 'platform', kind: 'SupportedPlatform', type: 1, offset: 64, length: 24, mask: 1, detail: 'SEV_SNP' },
      { index: 1, section: 'directive', kind: 'PageData', type: 0x301, offset: 88, length: 32, mask: 1, gpa: 0xffff_ffff_ffff_f001n, dataOffset: 2 ** 40 + 3, dataLength: 4096, detail: 'NORMAL, data @0x…' },
      { index: 2, section: 'directive', kind: 'Unknown', type: 0x3ff, offset: 120, length: 8, detail: '' },
    ];
    const c: HeaderColumns = encodeHeaderColumns(rows.length, (i) => rows[i]!);
    expect(headerRowList(c)).toEqual([
      rows[0],
      { ...rows[1], gpa: '0xfffffffffffff001' },
      rows[2],
    ]);
    expect(c.kindNames).toEqual(['SupportedPlatform', 'PageData', 'Unknown']);
  });

  it('refuses rows whose index is not their position', () => {
    expect(() => encodeHeaderColumns(1, () => ({ index: 1, section: 'directive', kind: 'PageData', type: 0x301, offset: 0, length: 0, detail: '' }))).toThrow(RangeError);
  });
});
