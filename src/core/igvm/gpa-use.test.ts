// Issue 11 item 3: files that parse and would measure, but that no platform can launch, are refused before measuring:
// each conflict is an error at the later header, with the first header as `related`, and blocks the digest.
import { describe, expect, it } from 'vitest';
import { digestBlocker, type Diagnostic } from '../diagnostics';
import { corpusAvailable, manifest, readCorpus } from '../../test-support/corpus';
import { exampleVmsa } from '../measure/fixtures.test-util';
import { IgvmBuilder } from './builder';
import { parseIgvm } from './parse';

const page = (fill: number) => new Uint8Array(4096).fill(fill);
const errorsOf = (b: IgvmBuilder): Diagnostic[] => parseIgvm(b.build()).diagnostics.filter((d) => d.severity === 'error');

function expectConflict(b: IgvmBuilder, code: string, laterIndex: number, firstIndex: number | undefined): void {
  const list = parseIgvm(b.build()).diagnostics;
  const hit = list.find((d) => d.code === code);
  expect(hit, JSON.stringify(list)).toBeDefined();
  expect(hit!.severity).toBe('error');
  expect(hit!.index).toBe(laterIndex);
  expect(hit!.spec).toMatch(/^igvm-format §7\./);
  const file = parseIgvm(b.build()).file!;
  expect(hit!.offset).toBe(file.headers[laterIndex]!.offset);
  if (firstIndex !== undefined) expect(hit!.related).toEqual({ index: firstIndex, offset: file.headers[firstIndex]!.offset });
  expect(digestBlocker(list)?.codes).toContain(code);
}

describe('GPA use before measuring (issue 11 item 3)', () => {
  it('two pages at one GPA, for SNP and for TDX', () => {
    for (const type of ['SEV_SNP', 'TDX'] as const) {
      const b = new IgvmBuilder();
      const m = b.platform({ type });
      if (type === 'SEV_SNP') b.guestPolicy(0x30000n, m);
      b.page({ gpa: 0x1000, mask: m, data: page(1) });
      b.page({ gpa: 0x2000, mask: m, data: page(2) });
      b.page({ gpa: 0x1000, mask: m, data: page(3) });
      const idx = b.platforms.length + b.initialization.length;
      expectConflict(b, 'IGVM_GPA_TWICE', idx + 2, idx);
    }
  });

  it('the same GPA for two different platforms is fine', () => {
    const b = new IgvmBuilder();
    const snp = b.platform({ type: 'SEV_SNP' });
    const tdx = b.platform({ type: 'TDX' });
    b.page({ gpa: 0x1000, mask: snp, data: page(1) });
    b.page({ gpa: 0x1000, mask: tdx, data: page(2) });
    expect(errorsOf(b).map((d) => d.code)).not.toContain('IGVM_GPA_TWICE');
  });

  it('a duplicated VP context', () => {
    const b = new IgvmBuilder();
    const m = b.platform({ type: 'SEV_SNP' });
    b.snpVpContext({ gpa: 0xfffffffff000n, mask: m, vmsa: exampleVmsa(), vpIndex: 0 });
    b.snpVpContext({ gpa: 0xfffffffff000n, mask: m, vmsa: exampleVmsa(), vpIndex: 0 });
    expectConflict(b, 'IGVM_DUPLICATE_VP_CONTEXT', 2, 1);
    // One VMSA per VP at the same GPA is how QEMU/KVM files look (§7.7): not a conflict.
    const ok = new IgvmBuilder();
    const k = ok.platform({ type: 'SEV_SNP' });
    ok.snpVpContext({ gpa: 0xfffffffff000n, mask: k, vmsa: exampleVmsa(), vpIndex: 0 });
    ok.snpVpContext({ gpa: 0xfffffffff000n, mask: k, vmsa: exampleVmsa(), vpIndex: 1 });
    expect(errorsOf(ok)).toEqual([]);
  });

  it("a VMSA on a data page's GPA", () => {
    const b = new IgvmBuilder();
    const m = b.platform({ type: 'SEV_SNP' });
    b.page({ gpa: 0x5000, mask: m, data: page(7) });
    b.snpVpContext({ gpa: 0x5000n, mask: m, vmsa: exampleVmsa() });
    expectConflict(b, 'IGVM_VMSA_ON_PAGE', 2, 1);
  });

  it('a parameter insert over a measured page (any page of the area)', () => {
    const b = new IgvmBuilder();
    const m = b.platform({ type: 'SEV_SNP' });
    b.page({ gpa: 0x9000, mask: m, data: page(9) });
    const area = b.parameterArea({ size: 3 * 4096 });
    b.parameter('VpCount', area, 0);
    b.parameterInsert({ gpa: 0x7000, mask: m, index: area });
    const file = parseIgvm(b.build()).file!;
    const insert = file.directives.find((h) => h.kind === 'ParameterInsert')!;
    expectConflict(b, 'IGVM_PARAMETER_INSERT_OVER_PAGE', insert.index, 1);
  });

  it('a large parameter insert, kept as one range, still meets pages before and after it and other ranges', () => {
    const b = new IgvmBuilder();
    const m = b.platform({ type: 'SEV_SNP' });
    b.page({ gpa: 0x10000000 + 0x5000, mask: m, data: page(1) }); // inside the range, placed before it
    const big = b.parameterArea({ size: 2 ** 40 });
    b.parameter('VpCount', big, 0);
    b.parameterInsert({ gpa: 0x10000000, mask: m, index: big });
    b.page({ gpa: 0x10000000 + 2 ** 39, mask: m, data: page(2) }); // inside, placed after
    b.page({ gpa: 0x10000000 + 2 ** 40, mask: m, data: page(3) }); // just past its end: fine (for the first range)
    b.parameterInsert({ gpa: 0x10000000 + 2 ** 30, mask: m, index: big }); // a second range over the first and that page
    const file = parseIgvm(b.build()).file!;
    const at = (kind: string, n = 0) => file.directives.filter((h) => h.kind === kind)[n]!.index;
    const hits = parseIgvm(b.build()).diagnostics.filter((d) => d.code === 'IGVM_PARAMETER_INSERT_OVER_PAGE');
    expect(hits.map((d) => [d.index, d.related?.index])).toEqual([
      [at('ParameterInsert'), at('PageData', 0)],
      [at('PageData', 1), at('ParameterInsert')],
      [at('ParameterInsert', 1), at('PageData', 2)],
      [at('ParameterInsert', 1), at('ParameterInsert')],
    ]);
    expect(hits[3]!.message).toContain('0x50000000'); // the first page the two ranges share
    expect(errorsOf(b).map((d) => d.code)).not.toContain('IGVM_GPA_OUT_OF_RANGE');
  });

  it('pages in and out of GPA order: every second page is a conflict, and a large insert meets them in file order', () => {
    // Rising pages and lower ones are kept apart (gpa-use.ts: a sorted list and a map); both must be found, and a range
    // scanned over both must report its conflicts in the order the pages were placed.
    const b = new IgvmBuilder();
    const m = b.platform({ type: 'SEV_SNP' });
    const base = 0x40000000;
    const order = [5, 1, 7, 2, 9, 3, 8, 0];
    for (const k of order) b.page({ gpa: base + k * 0x1000, mask: m, data: page(k + 1) });
    b.page({ gpa: base + 2 * 0x1000, mask: m, data: page(99) }); // again: a lower GPA (map) twice
    b.page({ gpa: base + 7 * 0x1000, mask: m, data: page(98) }); // again: a rising GPA (sorted list) twice
    const big = b.parameterArea({ size: 2 ** 40 }); // more pages than placed: the placed ones are scanned
    b.parameter('VpCount', big, 0);
    b.parameterInsert({ gpa: base, mask: m, index: big });
    const file = parseIgvm(b.build()).file!;
    const pages = file.directives.filter((h) => h.kind === 'PageData');
    const twice = parseIgvm(b.build()).diagnostics.filter((d) => d.code === 'IGVM_GPA_TWICE');
    expect(twice.map((d) => [d.index, d.related?.index])).toEqual([
      [pages[8]!.index, pages[3]!.index],
      [pages[9]!.index, pages[2]!.index],
    ]);
    const over = parseIgvm(b.build()).diagnostics.filter((d) => d.code === 'IGVM_PARAMETER_INSERT_OVER_PAGE');
    expect(over.map((d) => d.related?.index)).toEqual(pages.slice(0, 8).map((h) => h.index));
  });

  it('a parameter insert that runs past the 52-bit address space is out of range at its first page past it', () => {
    const b = new IgvmBuilder();
    const m = b.platform({ type: 'SEV_SNP' });
    const area = b.parameterArea({ size: 2 ** 53 });
    b.parameter('VpCount', area, 0);
    b.parameterInsert({ gpa: 0x1000, mask: m, index: area });
    const hit = parseIgvm(b.build()).diagnostics.find((d) => d.code === 'IGVM_GPA_OUT_OF_RANGE');
    expect(hit?.message).toContain('0x10000000000000');
  });

  it('floods of parameter inserts are refused once their page checks pass the limit, not checked in quadratic time', () => {
    const flood = (n: number, pages: number, step: number) => {
      const b = new IgvmBuilder();
      const m = b.platform({ type: 'SEV_SNP' });
      for (let i = 0; i < n; i++) b.parameterInsert({ gpa: 0x100000 + i * step, mask: m, index: b.parameterArea({ size: pages * 4096 }) }); // disjoint
      return b;
    };
    // 1500 ranges of 8192 pages (each past the 16 MiB the engines measure): ~1.1 M range comparisons.
    // 260 inserts of 4096 pages, checked page by page: ~1.06 M pages.
    for (const b of [flood(1500, 8192, 2 ** 26), flood(260, 4096, 2 ** 24)]) {
      const list = parseIgvm(b.build()).diagnostics;
      expect(list.filter((d) => d.code === 'IGVM_GPA_CHECK_LIMIT').length).toBe(1);
      expect(digestBlocker(list)?.codes).toContain('IGVM_GPA_CHECK_LIMIT');
    }
    // Below the limit: nothing to report.
    expect(errorsOf(flood(400, 8192, 2 ** 26))).toEqual([]);
    expect(errorsOf(flood(50, 4096, 2 ** 24))).toEqual([]);
  });

  it('a page at the top of the 64-bit GPA space', () => {
    const b = new IgvmBuilder();
    const m = b.platform({ type: 'TDX' });
    b.page({ gpa: 0xfffffffffffff000n, mask: m, data: page(1) });
    expectConflict(b, 'IGVM_GPA_OUT_OF_RANGE', 1, undefined);
  });

  it.skipIf(!corpusAvailable())('no corpus file has any of these errors', () => {
    const codes = new Set(['IGVM_GPA_TWICE', 'IGVM_DUPLICATE_VP_CONTEXT', 'IGVM_VMSA_ON_PAGE', 'IGVM_PARAMETER_INSERT_OVER_PAGE', 'IGVM_GPA_OUT_OF_RANGE']);
    const files = (manifest().igvm as { path: string }[]).map((e) => e.path);
    expect(files.length).toBeGreaterThan(5);
    for (const path of files) {
      const found = parseIgvm(readCorpus(path)).diagnostics.filter((d) => codes.has(d.code));
      expect(found, path).toEqual([]);
    }
  });
});
