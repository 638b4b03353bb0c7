// Profile differences pinned on small synthetic files written by the codec's builder and read back by parseIgvm,
// so the whole path (serialize → parse → directive translation → digest) is covered.
import { describe, expect, it } from 'vitest';
import { toHex } from '../bytes/bytes';
import { IgvmBuilder, parseIgvm } from '../igvm';
import { exampleVmsa, patternPage } from './fixtures.test-util';
import { measureIgvm } from './measure-igvm';
import type { SnpProfile } from './options';

function file(build: (b: IgvmBuilder, snp: number, other: number) => void) {
  const b = new IgvmBuilder();
  const snp = b.platform({ type: 'SEV_SNP' });
  const other = b.platform({ type: 'SEV_ES' });
  b.guestPolicy(0x30000n, snp);
  build(b, snp, other);
  const r = parseIgvm(b.build());
  expect(r.file).toBeDefined();
  return r.file!;
}

const run = (f: ReturnType<typeof file>, profile: SnpProfile) =>
  measureIgvm(f, { platforms: ['SEV_SNP'], snpProfile: profile, ledger: true })[0]!;
const types = (f: ReturnType<typeof file>, profile: SnpProfile) =>
  run(f, profile).ledger!.map((e) => `${e.type}@${e.gpa.toString(16)}`);

describe('SNP profiles on builder-made files', () => {
  it('shared page: igvm skips it, igvmmeasure measures it', () => {
    const f = file((b, snp) => {
      b.page({ gpa: 0, mask: snp, data: patternPage() });
      b.page({ gpa: 0x1000, mask: snp, data: patternPage(), flags: { shared: true } });
    });
    expect(types(f, 'igvm')).toEqual(['NORMAL@0']);
    expect(types(f, 'igvmmeasure')).toEqual(['NORMAL@0', 'NORMAL@1000']);
  });

  it('three-page parameter area: three UNMEASURED pages (igvm) vs one (igvmmeasure)', () => {
    const f = file((b, snp) => {
      const i = b.parameterArea({ size: 3 * 4096 });
      b.parameter('VpCount', i, 0);
      b.parameterInsert({ gpa: 0x40000, mask: snp, index: i });
    });
    expect(types(f, 'igvm')).toEqual(['UNMEASURED@40000', 'UNMEASURED@41000', 'UNMEASURED@42000']);
    expect(types(f, 'igvmmeasure')).toEqual(['UNMEASURED@40000']);
  });

  it('SEV-ES VMSA: ignored by igvm for SNP, measured by igvmmeasure', () => {
    const f = file((b, snp, es) => {
      b.page({ gpa: 0, mask: snp });
      b.snpVpContext({ gpa: 0xfffffffff000n, mask: es, vmsa: exampleVmsa() });
    });
    expect(types(f, 'igvm')).toEqual(['NORMAL@0']);
    expect(types(f, 'igvmmeasure')).toEqual(['NORMAL@0', 'VMSA@fffffffff000']);
  });

  it('zero page: NORMAL (igvm, igvmmeasure) vs ZERO (native-zero), and the digests differ accordingly', () => {
    const f = file((b, snp) => b.page({ gpa: 0x1000, mask: snp }));
    expect(types(f, 'igvmmeasure')).toEqual(['NORMAL@1000']);
    expect(types(f, 'native-zero')).toEqual(['ZERO@1000']);
    expect(toHex(run(f, 'igvm').digest)).toBe(toHex(run(f, 'igvmmeasure').digest));
    expect(toHex(run(f, 'native-zero').digest)).not.toBe(toHex(run(f, 'igvm').digest));
  });

  it('empty 2MB page: one update (igvm) vs 512 (igvmmeasure)', () => {
    const f = file((b, snp) => b.page({ gpa: 0x200000, mask: snp, flags: { is2MbPage: true } }));
    expect(run(f, 'igvm').steps).toBe(1);
    const m = run(f, 'igvmmeasure');
    expect(m.steps).toBe(512);
    expect(m.ledger!.at(-1)!.gpa).toBe(0x200000n + 511n * 4096n);
  });
});
