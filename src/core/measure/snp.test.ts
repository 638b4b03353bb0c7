import { describe, expect, it } from 'vitest';
import { toHex } from '../bytes/bytes';
import { sha384Of } from '../hash/hash';
import { IGVM_PLATFORM_TYPE as PT } from '../igvm/types';
import { area, exampleVmsa, insert, model, page, patternPage, platform, vmsa } from './fixtures.test-util';
import { coalesceLedger } from './ledger';
import { measureIgvm } from './measure-igvm';
import { MAX_MEASURE_OPS, snpOptions, type SnpProfile } from './options';
import { MAX_RANGE_PAGES, REFUSED_PREFIX_OPS } from './source';
import { snpOps } from './snp';
import { collectPagesToHash, SnpChain } from './snp-chain';

const SNP = () => platform(PT.SEV_SNP, 1);
const digest = (src: ReturnType<typeof model>, profile: SnpProfile = 'igvm') =>
  toHex(measureIgvm(src, { platforms: ['SEV_SNP'], snpProfile: profile })[0]!.digest);

/** The §18.1 worked example as a model. */
function example() {
  return model(
    [SNP()],
    [
      page(0x0n, { data: patternPage() }),
      page(0x1000n),
      page(0x2000n, { flags: 2 }),
      page(0x3000n, { dataType: 1 }),
      page(0x4000n, { dataType: 2 }),
      area(0, 4096n),
      insert(0x5000n, 0),
      vmsa(0xfffffffff000n, exampleVmsa()),
    ],
  );
}

describe('SNP launch digest (§14.2)', () => {
  it('reproduces the §18.1 per-directive digests and the --native-zero value', () => {
    const m = measureIgvm(example(), { ledger: true })[0]!;
    expect(m.ledger!.map((e) => toHex(e.value!).toUpperCase())).toEqual([
      'C0F2FB71777E0183FBCCAC13C661F7E95B4A8F66EE2E7CE2F8018B1BBAF92420F8BFB979AF2C191AC322FAD7D44B652F',
      '3E981DAB40C341096CA7364B53ECDCF25A378A047C7A0969E742CA528BDA48790B4F6FC9D395512CCCCB0D0E6B066483',
      'F672ACB5DE98066676F7CFA453DD85218F6989C0445C6BF01750F04E8BD33106B934162590779993DDA91BFF648EFFC9',
      'D464980F5899D09C1EC472F90371FAB2EDF4646B8D7A3B0B2F6C01C006D1DB044B47ABD7FA5F43015901B48ADC341A39',
      '1C0C964FDB72EEEE40A2BA67C2E153207EE99CDD9478872F2CEDC404F8239520292156D080BF1C646AD32A303AF5063E',
      '5D08DB28F7C4072030772CE368515874ECC7317DDEF6376582706E5C6949D3B1D418EBA8014F9FAB194D536781939E51',
      'DBE18888CAF00D590D055235F56F231A7804A36A0C343B41012178FC9093102C37D0ECFF42316229C7EA0D59E80657B0',
    ]);
    expect(m.ledger!.map((e) => e.type)).toEqual([
      'NORMAL',
      'NORMAL',
      'UNMEASURED',
      'SECRETS',
      'CPUID',
      'UNMEASURED',
      'VMSA',
    ]);
    expect(digest(example(), 'igvmmeasure')).toBe(toHex(m.digest)); // profiles agree on this file (§18.1)
    expect(digest(example(), 'native-zero').toUpperCase()).toBe(
      '384178F2A7B1B19F9AC6F25A2F9FF4F98512C7534784713108610D341F14DE7CA76EB9321C8D645674C3F04FD99AA929',
    );
  });

  it('§18.2 micro vectors: one zero NORMAL page, one UNMEASURED page at GPA 0', () => {
    expect(digest(model([SNP()], [page(0n)]))).toBe(
      '9d13634b6014bb21cf059b2dc694e7bff01a8a7137041100cd2b695f3d10fb687267b97808b27f8f471d943bc6f53a20',
    );
    expect(digest(model([SNP()], [page(0n, { flags: 2 })]))).toBe(
      'ed501ced343b88df8d4f114dc336e76fa53d3ad6ef71dab22a38755569189d2844af45f162ec25b45beefc8ea308cba7',
    );
  });

  it('shared pages: skipped by igvm, measured by igvmmeasure', () => {
    const withShared = model([SNP()], [page(0n), page(0x1000n, { flags: 4, data: patternPage() })]);
    const without = model([SNP()], [page(0n)]);
    const withAsNormal = model([SNP()], [page(0n), page(0x1000n, { data: patternPage() })]);
    expect(digest(withShared, 'igvm')).toBe(digest(without, 'igvm'));
    expect(digest(withShared, 'igvmmeasure')).toBe(digest(withAsNormal, 'igvmmeasure'));
    expect(digest(withShared, 'igvmmeasure')).not.toBe(digest(withShared, 'igvm'));
  });

  it('multi-page parameter areas: every page (igvm) vs the first page only (igvmmeasure)', () => {
    const src = model([SNP()], [area(0, 3n * 4096n), insert(0x40000n, 0)]);
    const ops = (p: SnpProfile) => snpOps(src, SNP(), snpOptions(p)).ops.map((o) => o.gpa);
    expect(ops('igvm')).toEqual([0x40000n, 0x41000n, 0x42000n]);
    expect(ops('igvmmeasure')).toEqual([0x40000n]);
    const threeUnmeasured = model(
      [SNP()],
      [page(0x40000n, { flags: 2 }), page(0x41000n, { flags: 2 }), page(0x42000n, { flags: 2 })],
    );
    expect(digest(src, 'igvm')).toBe(digest(threeUnmeasured, 'igvm'));
  });

  it('an SNP VMSA under a non-SNP mask: ignored by igvm, measured by igvmmeasure', () => {
    const src = model([SNP(), platform(PT.SEV_ES, 2)], [page(0n), vmsa(0xfffffffff000n, exampleVmsa(), 2)]);
    expect(digest(src, 'igvm')).toBe(digest(model([SNP()], [page(0n)]), 'igvm'));
    const withVmsa = model([SNP()], [page(0n), vmsa(0xfffffffff000n, exampleVmsa(), 1)]);
    expect(digest(src, 'igvmmeasure')).toBe(digest(withVmsa, 'igvmmeasure'));
  });

  it('zero pages: NORMAL with the zero-page hash by default, ZERO type under native-zero', () => {
    const src = model([SNP()], [page(0x1000n)]);
    const normal = SnpChain.measure(snpOps(src, SNP(), snpOptions('igvmmeasure')).ops).ledger()[0]!;
    expect(normal.type).toBe('NORMAL');
    expect(toHex(normal.contentHash!)).toBe(toHex(sha384Of(new Uint8Array(4096))));
    const native = SnpChain.measure(snpOps(src, SNP(), snpOptions('native-zero')).ops).ledger()[0]!;
    expect(native.type).toBe('ZERO');
    expect(native.contentHash).toBeUndefined();
  });

  it('2MB pages: one update (igvm) vs 512 4K updates when empty (igvmmeasure); data → diagnostic', () => {
    const src = model([SNP()], [page(0x200000n, { flags: 1 })]);
    expect(snpOps(src, SNP(), snpOptions('igvm')).ops).toHaveLength(1);
    const expanded = snpOps(src, SNP(), snpOptions('igvmmeasure')).ops;
    expect(expanded).toHaveLength(512);
    expect(expanded.at(-1)!.gpa).toBe(0x200000n + 511n * 4096n);
    const withData = snpOps(
      model([SNP()], [page(0x200000n, { flags: 1, data: patternPage() })]),
      SNP(),
      snpOptions('igvmmeasure'),
    );
    expect(withData.ops).toHaveLength(1);
    expect(withData.diagnostics.map((d) => d.code)).toContain('SNP_2MB_PAGE_WITH_DATA');
  });

  it('single variants override a profile', () => {
    const src = model([SNP()], [page(0n), page(0x1000n, { flags: 4 })]);
    const a = measureIgvm(src, { snpProfile: 'igvm', snp: { sharedPages: 'measure' } })[0]!;
    expect(a.steps).toBe(2);
    expect(a.snpOptions!.parameterInsertPages).toBe('all');
  });

  it('requires a GUEST_POLICY under the igvm profile only', () => {
    const src = model([SNP()], [page(0n)], false);
    expect(measureIgvm(src)[0]!.diagnostics.map((d) => d.code)).toContain('SNP_MISSING_GUEST_POLICY');
    expect(measureIgvm(src, { snpProfile: 'igvmmeasure' })[0]!.diagnostics).toHaveLength(0);
  });

  it('--check-kvm rules become diagnostics (§16.3)', () => {
    const codes = (dirs: Parameters<typeof model>[1]) =>
      measureIgvm(model([SNP()], dirs), { snpProfile: 'igvmmeasure', checkKvm: true })[0]!.diagnostics.map(
        (d) => d.code,
      );
    expect(codes([area(0, 4096n), insert(0x5000n, 0), vmsa(0xfffffffff000n, exampleVmsa())])).toEqual([]);
    expect(codes([vmsa(0x1000n, exampleVmsa())])).toEqual(['KVM_INVALID_VMSA_GPA']);
    expect(codes([vmsa(0xfffffffff000n, exampleVmsa(0x11))])).toEqual(['KVM_INVALID_VMSA_CR0']);
    expect(codes([vmsa(0xfffffffff000n, exampleVmsa()), vmsa(0xfffffffff000n, exampleVmsa())])).toEqual([
      'KVM_INVALID_VMSA_COUNT',
    ]);
    expect(codes([area(0, 4096n), vmsa(0xfffffffff000n, exampleVmsa()), insert(0x5000n, 0)])).toEqual([
      'KVM_INVALID_VMSA_ORDER',
    ]);
  });

  it('caps hostile sizes instead of allocating what a field says', () => {
    const src = model([SNP()], [area(0, 1n << 60n), insert(0n, 0)]);
    const t = snpOps(src, SNP(), snpOptions('igvm'));
    // Capped at MAX_RANGE_PAGES, then, being refused, cut to the prefix the ledger shows (nothing more is hashed).
    expect(Math.min(MAX_RANGE_PAGES, MAX_MEASURE_OPS)).toBeGreaterThan(REFUSED_PREFIX_OPS);
    expect(t.ops).toHaveLength(REFUSED_PREFIX_OPS);
    expect(t.diagnostics.map((d) => d.code)).toEqual(expect.arrayContaining(['MEASURE_SIZE_TOO_LARGE', 'MEASURE_REFUSED_PREFIX']));
  });

  it('compares with the SNP ID block ld', () => {
    const src = example();
    const ld = measureIgvm(src)[0]!.digest;
    const idBlock = (bytes: Uint8Array) =>
      ({
        kind: 'SnpIdBlock',
        type: 0x30b,
        index: 99,
        offset: 0,
        length: 704,
        bodyLength: 696,
        compatibilityMask: 1,
        ld: bytes,
      }) as never;
    expect(measureIgvm({ ...src, directives: [...src.directives, idBlock(ld)] })[0]!.idBlock).toMatchObject({
      matches: true,
      headerIndex: 99,
    });
    expect(
      measureIgvm({ ...src, directives: [...src.directives, idBlock(new Uint8Array(48))] })[0]!.idBlock!
        .matches,
    ).toBe(false);
  });
});

describe('SNP engine: incremental recompute and precomputed content hashes', () => {
  const pages = Array.from({ length: 64 }, (_, i) =>
    page(BigInt(i) * 4096n, { data: Uint8Array.from({ length: 4096 }, (_, j) => (i * 7 + j) & 0xff) }),
  );
  const src = model([SNP()], [...pages, page(0x100000n, { flags: 2 }), vmsa(0xfffffffff000n, exampleVmsa())]);
  const ops = () => snpOps(src, SNP(), snpOptions('igvm')).ops;

  it('updatePage re-chains from the changed step and equals a full recompute', () => {
    const chain = SnpChain.measure(ops());
    const before = chain.digestAfter(9);
    const changed = new Uint8Array(pages[10]!.kind === 'PageData' ? pages[10]!.data! : []);
    changed[123] ^= 1;
    const r = chain.updatePage(10, changed);
    expect(r.firstChangedStep).toBe(10);
    expect(toHex(chain.digestAfter(9))).toBe(toHex(before));
    const full = ops();
    full[10] = { ...full[10]!, data: changed };
    expect(toHex(r.digest)).toBe(toHex(SnpChain.measure(full).digest));
    expect(chain.stepOfGpa(0xa000n)).toBe(10);
  });

  it('an UNMEASURED step or identical bytes change nothing', () => {
    const chain = SnpChain.measure(ops());
    const d = toHex(chain.digest);
    expect(chain.updatePage(64, new Uint8Array(4096).fill(9))).toMatchObject({ firstChangedStep: 66 });
    expect(chain.updatePage(3, (pages[3] as { data: Uint8Array }).data).firstChangedStep).toBe(66);
    expect(toHex(chain.digest)).toBe(d);
  });

  it('measureWithContentHashes equals hashing in the engine (array or flat hashes)', () => {
    const o = ops();
    const { steps, pages: toHash } = collectPagesToHash(o);
    expect(steps).toHaveLength(65); // 64 data pages + the VMSA
    const hashes = toHash.map((p) => sha384Of(p));
    const flat = new Uint8Array(hashes.length * 48);
    hashes.forEach((h, k) => flat.set(h, k * 48));
    const want = toHex(SnpChain.measure(o).digest);
    expect(toHex(SnpChain.withContentHashes(o, hashes).digest)).toBe(want);
    expect(toHex(SnpChain.withContentHashes(o, flat).digest)).toBe(want);
    expect(() => SnpChain.withContentHashes(o, hashes.slice(1))).toThrow(RangeError);
  });

  it('ledger entries coalesce into runs of contiguous same-type pages', () => {
    const runs = coalesceLedger(SnpChain.measure(ops()).ledger());
    expect(runs.map((r) => [r.type, r.count])).toEqual([
      ['NORMAL', 64],
      ['UNMEASURED', 1],
      ['VMSA', 1],
    ]);
    expect(runs[0]!.bytes).toBe(64 * 4096);
  });
});
