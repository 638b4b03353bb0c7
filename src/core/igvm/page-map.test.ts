import { describe, expect, it } from 'vitest';
import { corpusAvailable, readCorpus } from '../../test-support/corpus';
import { IgvmBuilder } from './builder';
import { workedExample } from './examples';
import { igvmPageMap } from './page-map';
import { parseIgvm } from './parse';

describe('igvmPageMap', () => {
  it('classifies and orders the §18.1 example', () => {
    const { file } = workedExample().buildFile();
    const runs = igvmPageMap(file!, 1).map((r) => [r.gpa, r.pages, r.kind, r.headerIndices]);
    expect(runs).toEqual([
      [0n, 1, 'normal', [2]],
      [0x1000n, 1, 'zero', [3]],
      [0x2000n, 1, 'unmeasured', [4]],
      [0x3000n, 1, 'secrets', [5]],
      [0x4000n, 1, 'cpuid', [6]],
      [0x5000n, 1, 'parameter', [9]],
      [0xfffffffff000n, 1, 'vmsa', [10]],
    ]);
    expect(igvmPageMap(file!, 2)).toEqual([]);
  });

  it('coalesces contiguous pages of one kind, filters by mask and sizes inserts by their area', () => {
    const b = new IgvmBuilder();
    const snp = b.platform({ type: 'SEV_SNP' });
    const tdx = b.platform({ type: 'TDX' });
    b.pages({ gpa: 0x3000, mask: snp | tdx, data: new Uint8Array(3 * 4096).fill(1) });
    b.page({ gpa: 0x2000, mask: snp | tdx, data: new Uint8Array(16).fill(1) });
    b.page({ gpa: 0x6000, mask: tdx, flags: { shared: true } });
    const a = b.parameterArea({ size: 3 * 4096 });
    b.parameterInsert({ gpa: 0x40000, mask: snp, index: a });
    b.requiredMemory({ gpa: 0x100000, mask: snp | tdx, size: 0x200000 });
    const { file } = b.buildFile();
    expect(igvmPageMap(file!, snp).map((r) => [r.gpa, r.pages, r.kind])).toEqual([
      [0x2000n, 4, 'normal'],
      [0x40000n, 3, 'parameter'],
      [0x100000n, 512, 'required'],
    ]);
    expect(igvmPageMap(file!, tdx).map((r) => r.kind)).toEqual(['normal', 'shared', 'required']);
    expect(igvmPageMap(file!, snp)[0]!.headerIndices).toEqual([5, 2, 3, 4]);
  });

  it.skipIf(!corpusAvailable())('covers every page of a large igvmgen file', () => {
    const { file } = parseIgvm(readCorpus('igvm/igvmgen/snp-x86-vtl2.igvm'));
    const runs = igvmPageMap(file!, 1);
    const pageHeaders = file!.directives.filter((h) => h.kind === 'PageData').length;
    const covered = runs.filter((r) => r.kind !== 'parameter' && r.kind !== 'vmsa').reduce((n, r) => n + r.headerIndices.length, 0);
    expect(covered).toBe(pageHeaders);
    for (let i = 1; i < runs.length; i++) expect(runs[i]!.gpa >= runs[i - 1]!.gpa).toBe(true);
  });
});
