// Builder IGVMs for the sliced-path equality tests (core/igvm/detach.test.ts, workers/measure-sliced.test.ts, the
// engine's): an odd layout and a large one, built at test time.
import { IgvmBuilder } from '../core/igvm';
import { corpusAvailable, manifest, readCorpus } from './corpus';

export function pattern(n: number, seed: number): Uint8Array {
  const p = new Uint8Array(n);
  let x = seed | 1;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    p[i] = x >>> 24;
  }
  return p;
}

/** Builder files: pages shared by content (aliased, falling file offsets), 2 MiB, shared, unmeasured and zero pages,
 * parameter areas, VMSAs, two SNP-capable platforms. */
export function oddBuilderIgvm(): Uint8Array {
  const b = new IgvmBuilder();
  const snp = b.platform({ type: 'SEV_SNP' });
  const tdx = b.platform({ type: 'TDX' });
  b.guestPolicy(0x30000n, snp);
  const a = pattern(4096, 1);
  const c = pattern(4096, 2);
  b.pages({ gpa: 0x100000n, mask: snp | tdx, data: pattern(5 * 4096, 3) });
  b.page({ gpa: 0x200000n, mask: snp, data: c });
  b.page({ gpa: 0x201000n, mask: snp, data: a });
  b.page({ gpa: 0x202000n, mask: snp | tdx, data: c }); // same bytes as 0x200000: one file page
  b.page({ gpa: 0x203000n, mask: snp, data: a, flags: { shared: true } });
  b.page({ gpa: 0x204000n, mask: snp, data: a, flags: { unmeasured: true } });
  b.page({ gpa: 0x205000n, mask: snp }); // zero page, file_offset 0
  b.page({ gpa: 0x400000n, mask: snp, flags: { is2MbPage: true } });
  b.page({ gpa: 0x206000n, mask: snp, data: pattern(100, 4) }); // short data, zero-padded in the file
  const area = b.parameterArea({ size: 2 * 4096, data: pattern(3000, 6) });
  b.parameter('VpCount', area, 0);
  b.parameterInsert({ gpa: 0x300000n, mask: snp, index: area });
  b.snpVpContext({ gpa: 0xfffffffff000n, mask: snp, vmsa: pattern(4096, 5) });
  return b.build();
}

export function largeBuilderIgvm(mib: number): Uint8Array {
  const b = new IgvmBuilder();
  const snp = b.platform({ type: 'SEV_SNP' });
  b.guestPolicy(0x30000n, snp);
  b.pages({ gpa: 0x100000n, mask: snp, data: pattern(mib << 20, 7) });
  b.snpVpContext({ gpa: 0xfffffffff000n, mask: snp, vmsa: new Uint8Array(4096) });
  return b.build();
}


/**
 * The files the sliced-path equality tests run on (detach, measure-sliced, engine-sliced): the two builder layouts,
 * then every corpus IGVM when the corpus is there. Bytes are made or read when a test asks for them.
 */
export function slicedPathFiles(): [string, () => Uint8Array][] {
  const files: [string, () => Uint8Array][] = [
    ['builder: odd layout', oddBuilderIgvm],
    ['builder: 3 MiB of pages', () => largeBuilderIgvm(3)],
  ];
  if (corpusAvailable())
    for (const e of manifest().igvm as { path: string }[]) files.push([e.path, () => readCorpus(e.path)]);
  return files;
}
