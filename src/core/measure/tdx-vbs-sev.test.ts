import { describe, expect, it } from 'vitest';
import { toHex } from '../bytes/bytes';
import { defaultHash, sha256Of } from '../hash/hash';
import { parseIgvm } from '../igvm';
import { IGVM_PLATFORM_TYPE as PT } from '../igvm/types';
import { corpusAvailable, manifest, readCorpus } from '../../test-support/corpus';
import {
  area,
  exampleVmsa,
  insert,
  model,
  page,
  patternPage,
  platform,
  vbsContext,
  vmsa,
} from './fixtures.test-util';
import { measureIgvm } from './measure-igvm';
import { tdxMrtdOfOps, tdxOps } from './tdx';
import { tdxExtendPage, tdxPageAdd } from './tdx-records';

const TDX = () => platform(PT.TDX, 1);
const VBS = () => platform(PT.VSM_ISOLATION, 1);
const hex = (src: ReturnType<typeof model>, o: Parameters<typeof measureIgvm>[1] = {}) =>
  toHex(measureIgvm(src, o)[0]!.digest);

describe('TDX MRTD (§14.4)', () => {
  it('§18.2 micro vectors', () => {
    expect(hex(model([TDX()], [page(0n)]))).toBe(
      '236f0efa607ff8843f1855d7ef80dc3dda8fb455787a186b8787212951eab0096e3193bb26f817c2b63c21f5e10f9938',
    );
    expect(hex(model([TDX()], [page(0x1000n, { flags: 2 })]))).toBe(
      'fcdabf6fdf38b87d2e3a89b1ab68c242abb261dffa70ef6f1dc2220c2752d2729cdf1be92afc2e0e4297f04e2b629552',
    );
    expect(hex(model([TDX()], [page(0n, { data: patternPage() }), page(0x1000n, { flags: 2 })]))).toBe(
      '5a8999b4087c51bca50009d31b17f415226e5c3b412fa783ec51573dbff9e22de1da1cb27ea29bdff4c57dcc59ab1932',
    );
  });

  it('two-pass adds every page before extending; equals single-pass only when the order is the same', () => {
    const src = model(
      [TDX()],
      [page(0n, { data: patternPage() }), page(0x1000n), area(0, 8192n), insert(0x8000n, 0)],
    );
    const { ops } = tdxOps(src, TDX());
    expect(ops.map((o) => [o.gpa, o.extend])).toEqual([
      [0n, true],
      [0x1000n, true],
      [0x8000n, false],
      [0x9000n, false],
    ]);
    const single = toHex(tdxMrtdOfOps(ops, 'single-pass'));
    const two = toHex(tdxMrtdOfOps(ops, 'two-pass'));
    expect(two).not.toBe(single);
    // The same stream built with the record primitives: all ADDs, then the EXTENDs of measured pages.
    const stream = defaultHash().create('sha384');
    for (const o of ops) tdxPageAdd(stream, o.gpa);
    for (const o of ops) if (o.extend) tdxExtendPage(stream, o.gpa, o.data ?? new Uint8Array(4096));
    expect(toHex(stream.digest())).toBe(two);
    expect(hex(src, { tdxOrder: 'two-pass' })).toBe(two);
  });

  it('skips shared pages and ignores data_type', () => {
    expect(hex(model([TDX()], [page(0n), page(0x1000n, { flags: 4 })]))).toBe(
      hex(model([TDX()], [page(0n)])),
    );
    expect(hex(model([TDX()], [page(0n, { dataType: 1 })]))).toBe(hex(model([TDX()], [page(0n)])));
  });
});

describe('VBS boot digest (§14.5)', () => {
  it('§18.2 micro vectors', () => {
    expect(hex(model([VBS()], [page(0n)]))).toBe(
      '128a556eb9836b87199e8e55107483c8280763deb5ecc8bae69ec717287840d2',
    );
    expect(hex(model([VBS()], [page(0x1000n, { flags: 2 })]))).toBe(
      'ca73fea2a55893ef97e57705689cabdba2500ea14221fc368adb6f80596b2598',
    );
    const rip = new Uint8Array(16);
    rip[0] = 0xf0;
    rip[1] = 0xff;
    // The register context comes first in the file but is measured after all pages.
    expect(
      hex(
        model(
          [VBS()],
          [vbsContext(1, 0, [{ name: 0x20010, value: rip }]), page(0n, { data: patternPage() })],
        ),
      ),
    ).toBe('e4de2d9f31f04087ac9364779fc58662793524bc3aa94125fb394089f114e27c');
  });

  it('parameter inserts measure one unmeasured page per 4K; non-NORMAL page types are reported', () => {
    const a = measureIgvm(model([VBS()], [area(0, 3n * 4096n), insert(0x4000n, 0)]), { ledger: true })[0]!;
    expect(a.ledger!.map((e) => [e.gpa, e.type])).toEqual([
      [0x4000n, 'GPA_PAGE_UNMEASURED'],
      [0x5000n, 'GPA_PAGE_UNMEASURED'],
      [0x6000n, 'GPA_PAGE_UNMEASURED'],
    ]);
    const b = measureIgvm(model([VBS()], [page(0n, { dataType: 2 })]))[0]!;
    expect(b.diagnostics.map((d) => d.code)).toEqual(['VBS_PAGE_DATA_TYPE']);
  });
});

describe('igvmmeasure SEV / SEV-ES digest (§14.3)', () => {
  it('hashes page data (any flags) and every SNP VMSA, skips empty pages', () => {
    const data = patternPage();
    const v = exampleVmsa();
    const src = model(
      [platform(PT.SEV_ES, 1)],
      [page(0n, { data, flags: 2 }), page(0x1000n), vmsa(0xfffffffff000n, v, 4)],
    );
    const m = measureIgvm(src)[0]!;
    expect(m.algorithm).toBe('igvmmeasure-sev-es-sha256');
    expect(m.toolBehaviour).toBe(true);
    const both = new Uint8Array(8192);
    both.set(data);
    both.set(v, 4096);
    expect(toHex(m.digest)).toBe(toHex(sha256Of(both)));
  });
});

describe.skipIf(!corpusAvailable())('profiles differ where the corpus says they should', () => {
  it('rich-v1 (shared page, 3-page area): igvmmeasure ≠ igvm; lib-snp (neither): equal', () => {
    const snp = (rel: string, profile: 'igvm' | 'igvmmeasure') =>
      toHex(
        measureIgvm(parseIgvm(readCorpus(rel)).file!, { platforms: ['SEV_SNP'], snpProfile: profile })[0]!
          .digest,
      );
    const rich = 'igvm/igvm-crate/rich-v1.igvm';
    expect(snp(rich, 'igvm')).toBe(
      manifest().igvm.find((e: { path: string }) => e.path === rich).measurements.SEV_SNP.snp_launch_digest
        .value,
    );
    expect(snp(rich, 'igvmmeasure')).not.toBe(snp(rich, 'igvm'));
    expect(snp('igvm/igvm-crate/lib-snp.igvm', 'igvmmeasure')).toBe(
      snp('igvm/igvm-crate/lib-snp.igvm', 'igvm'),
    );
  });

  it('TDX two-pass differs from the manifest (single-pass) value on lib-tdx', () => {
    const rel = 'igvm/igvm-crate/lib-tdx.igvm';
    const file = parseIgvm(readCorpus(rel)).file!;
    const two = toHex(measureIgvm(file, { tdxOrder: 'two-pass' })[0]!.digest);
    expect(two).not.toBe(
      manifest().igvm.find((e: { path: string }) => e.path === rel).measurements.TDX.tdx_mrtd.value,
    );
  });
});
