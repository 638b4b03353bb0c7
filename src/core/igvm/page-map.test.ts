import { describe, expect, it } from 'vitest';
import { corpusAvailable, manifest, readCorpus } from '../../test-support/corpus';
import { IgvmBuilder } from './builder';
import { workedExample } from './examples';
import { igvmPageMap, pageKind, type IgvmPageKind, type IgvmPageRun } from './page-map';
import { parseIgvm } from './parse';
import { appliesTo, IGVM_PAGE_FLAG, supportedPlatforms, type IgvmFile } from './types';

/**
 * The page map as first written (one run object per header, a sort of them all, adjacency on bigints): what the
 * lean igvmPageMap must give exactly.
 */
function referencePageMap(file: IgvmFile, mask: number): IgvmPageRun[] {
  const raw: IgvmPageRun[] = [];
  const push = (gpa: bigint, pages: number, kind: IgvmPageKind, index: number) => {
    if (pages > 0) raw.push({ gpa, pages, kind, headerIndices: [index] });
  };
  const areaSize = new Map<number, bigint>();
  for (const h of file.directives) {
    if (h.kind === 'ParameterArea') {
      areaSize.set(h.parameterAreaIndex, h.numberOfBytes);
      continue;
    }
    if (!('compatibilityMask' in h) || !appliesTo(h, mask)) continue;
    if (h.kind === 'PageData') push(h.gpa, h.flags & IGVM_PAGE_FLAG.IS_2MB_PAGE ? 512 : 1, pageKind(h), h.index);
    else if (h.kind === 'SnpVpContext') push(h.gpa, 1, 'vmsa', h.index);
    else if (h.kind === 'ParameterInsert')
      push(h.gpa, Number((areaSize.get(h.parameterAreaIndex) ?? 4096n) / 4096n), 'parameter', h.index);
    else if (h.kind === 'RequiredMemory') push(h.gpa, Math.ceil(h.numberOfBytes / 4096), 'required', h.index);
  }
  raw.sort((a, b) => (a.gpa < b.gpa ? -1 : a.gpa > b.gpa ? 1 : a.headerIndices[0]! - b.headerIndices[0]!));
  const runs: IgvmPageRun[] = [];
  for (const r of raw) {
    const last = runs[runs.length - 1];
    if (last && last.kind === r.kind && last.gpa + BigInt(last.pages) * 4096n === r.gpa) {
      last.pages += r.pages;
      for (const i of r.headerIndices) last.headerIndices.push(i);
    } else runs.push(r);
  }
  return runs;
}

/** A small deterministic generator (xorshift32). */
function rng(seed: number) {
  let x = seed >>> 0 || 1;
  return (n: number) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

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

  it.skipIf(!corpusAvailable())('gives the reference runs for every corpus IGVM and platform', () => {
    let compared = 0;
    for (const e of manifest().igvm as { path: string }[]) {
      const { file } = parseIgvm(readCorpus(e.path));
      if (!file) continue;
      for (const p of supportedPlatforms(file)) {
        expect(igvmPageMap(file, p.compatibilityMask), `${e.path} mask ${p.compatibilityMask}`).toEqual(
          referencePageMap(file, p.compatibilityMask),
        );
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(10);
  });

  it('gives the reference runs for shuffled, repeated, 2 MiB, huge-area and above-2^53 layouts', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const r = rng(seed);
      const b = new IgvmBuilder();
      const snp = b.platform({ type: 'SEV_SNP' });
      const tdx = b.platform({ type: 'TDX' });
      const masks = [snp, tdx, snp | tdx];
      const base = [0n, 0x1_0000_0000n, 2n ** 53n - 0x8000n, 2n ** 63n][r(4)]!;
      const area = b.parameterArea({ size: [4096, 3 * 4096, 2 ** 40][r(3)]! });
      // Mostly rising pages (the common layout, sorted path), some steps back or repeated (the sorted-copy path).
      let page = r(8);
      for (let i = 0, n = 20 + r(80); i < n; i++) {
        page = r(10) < 8 ? page + 1 : r(3) === 0 ? page : Math.max(0, page - r(20));
        const gpa = base + BigInt(page) * 4096n;
        const kind = r(12);
        const mask = masks[r(3)]!;
        if (kind === 0) b.parameterInsert({ gpa, mask, index: area });
        else if (kind === 1) b.requiredMemory({ gpa, mask, size: 4096 * (1 + r(3)) });
        else if (kind === 2) b.snpVpContext({ gpa, mask: snp, vmsa: new Uint8Array(16) });
        else
          b.page({
            gpa,
            mask,
            data: r(3) ? new Uint8Array([i & 0xff]) : undefined,
            flags: { is2MbPage: r(10) === 0, unmeasured: r(8) === 0, shared: r(8) === 0 },
            dataType: r(6) === 0 ? 'CPUID_DATA' : 'NORMAL',
          });
      }
      const { file } = parseIgvm(b.build());
      for (const mask of [snp, tdx])
        expect(igvmPageMap(file!, mask), `seed ${seed} mask ${mask}`).toEqual(referencePageMap(file!, mask));
    }
  });
});

