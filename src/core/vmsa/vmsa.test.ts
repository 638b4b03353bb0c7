import { describe, expect, it } from 'vitest';
import { equalBytes } from '../bytes/bytes';
import { corpusAvailable, manifest, readCorpus, type Manifest } from '../../test-support/corpus';
import {
  diffVmsa,
  BSP_EIP,
  buildVmsa,
  buildVmsaPages,
  cpuSig,
  decodeCpuSig,
  decodeVmsa,
  VCPU_TYPE_NAMES,
  VCPU_TYPES,
  VMSA_FIELDS,
  fieldSize,
} from './index';

describe('vCPU signatures (fuki §4.5)', () => {
  it('named types map to the documented signatures', () => {
    expect(VCPU_TYPES['EPYC']).toBe(0x800f12);
    for (const n of ['EPYC-v1', 'EPYC-v2', 'EPYC-v3', 'EPYC-v4', 'EPYC-IBPB'])
      expect(VCPU_TYPES[n]).toBe(0x800f12);
    expect(VCPU_TYPES['EPYC-Rome']).toBe(0x830f10);
    expect(VCPU_TYPES['EPYC-Milan']).toBe(0xa00f11);
    expect(VCPU_TYPES['EPYC-Genoa']).toBe(0xa10f10);
    expect(VCPU_TYPES['EPYC-Turin']).toBe(0xb00f00);
    expect(VCPU_TYPE_NAMES).toHaveLength(16);
  });
  it('cpuSig and decodeCpuSig round-trip', () => {
    for (const [f, m, s] of [
      [23, 1, 2],
      [25, 17, 0],
      [26, 0, 0],
      [6, 0x55, 7],
      [0xf, 0xff, 0xf],
    ] as const) {
      expect(decodeCpuSig(cpuSig(f, m, s))).toEqual({ family: f, model: m, stepping: s });
    }
  });
});

describe('VMSA layout and builder', () => {
  it('fields do not overlap and fit in the page', () => {
    const used = new Uint8Array(4096);
    for (const f of VMSA_FIELDS) {
      for (let i = f.offset; i < f.offset + fieldSize(f); i++) {
        expect(used[i], `${f.name} overlaps at 0x${i.toString(16)}`).toBe(0);
        used[i] = 1;
      }
    }
  });
  it('BSP VMSA decodes to the §4.5 table values (QEMU)', () => {
    const v = decodeVmsa(buildVmsa({ eip: BSP_EIP, sevFeatures: 0x21n, vcpuSig: 0xa00f11, vmm: 'QEMU' }));
    const r = v.registers;
    expect(r.cs!.value).toEqual({ selector: 0xf000, attrib: 0x9b, limit: 0xffff, base: 0xffff0000n });
    expect(r.rip!.value).toBe(0xfff0n);
    expect(r.cr0!.value).toBe(0x10n);
    expect(r.efer!.value).toBe(0x1000n);
    expect(r.g_pat!.value).toBe(0x0007040600070406n);
    expect(r.rdx!.value).toBe(0xa00f11n);
    expect(r.mxcsr!.value).toBe(0x1f80);
    expect(r.x87_fcw!.value).toBe(0x37f);
    expect(r.rdx!.offset).toBe(0x310);
    expect(v.sevFeatureNames).toEqual(['SNPActive', 'DebugSwap']);
    expect(v.reservedNonZero).toEqual([]);
    expect(v.diagnostics).toEqual([]);
  });
  it('EC2 and GCE differences', () => {
    const ec2 = decodeVmsa(
      buildVmsa({ eip: BSP_EIP, sevFeatures: 1n, vcpuSig: 0xa00f11, vmm: 'ec2' }),
    ).registers;
    expect((ec2.cs!.value as { attrib: number }).attrib).toBe(0x9a);
    expect((ec2.ss!.value as { attrib: number }).attrib).toBe(0x92);
    expect(ec2.rdx!.value).toBe(0x600n);
    expect(ec2.mxcsr).toBeUndefined();
    const ec2Ap = decodeVmsa(buildVmsa({ eip: 0x80b004, sevFeatures: 1n, vcpuSig: 0, vmm: 'ec2' })).registers;
    expect((ec2Ap.cs!.value as { attrib: number; base: bigint }).attrib).toBe(0x9b);
    expect((ec2Ap.cs!.value as { base: bigint }).base).toBe(0x800000n);
    const gce = decodeVmsa(
      buildVmsa({ eip: BSP_EIP, sevFeatures: 1n, vcpuSig: 0xa00f11, vmm: 'gce' }),
    ).registers;
    expect(gce.g_pat!.value).toBe(0x00070106n);
  });
  it('APs need an AP EIP', () => {
    expect(() => buildVmsaPages(2, 0, { sevFeatures: 1n, vcpuSig: 1, vmm: 'QEMU' })).toThrow(RangeError);
    const pages = buildVmsaPages(3, 0x80b004, { sevFeatures: 1n, vcpuSig: 1, vmm: 'QEMU' });
    expect(pages).toHaveLength(3);
    expect(equalBytes(pages[1]!, pages[2]!)).toBe(true);
    expect(equalBytes(pages[0]!, pages[1]!)).toBe(false);
  });
  it('decodeVmsa reports truncation and reserved bytes', () => {
    const p = buildVmsa({ eip: BSP_EIP, sevFeatures: 1n, vcpuSig: 1, vmm: 'QEMU' });
    p[0xc8] = 1;
    p[0xc9] = 2;
    const d = decodeVmsa(p);
    expect(d.reservedNonZero).toEqual([{ offset: 0xc8, length: 2 }]);
    expect(d.diagnostics.map((x) => x.code)).toEqual(['VMSA_RESERVED_SET']);
    expect(decodeVmsa(p.subarray(0, 100)).diagnostics[0]!.code).toBe('VMSA_TRUNCATED');
  });
});

describe.runIf(corpusAvailable())('decodeVmsa on sev-snp-measure VMSA dumps', () => {
  it('every dump decodes cleanly with the mode-specific SEV_FEATURES', () => {
    const cases = (manifest().ovmf_measure as Manifest[]).filter((c) => c.vmsa_dumps);
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) {
      for (const [i, dump] of (c.vmsa_dumps as Manifest[]).entries()) {
        const v = decodeVmsa(readCorpus(dump.path));
        expect(v.diagnostics).toEqual([]);
        expect(v.sevFeatures).toBe(c.params.mode === 'seves' ? 0n : BigInt(c.params.guest_features ?? 1));
        expect(v.registers.rdx!.value).toBe(BigInt(VCPU_TYPES[c.params.vcpu_type]!));
        expect(v.registers.rip!.value).toBe(i === 0 ? 0xfff0n : 0xb004n);
      }
    }
  });
});

describe('diffVmsa', () => {
  it('names the registers that differ between QEMU and EC2 BSP VMSAs', () => {
    const q = buildVmsa({ eip: BSP_EIP, sevFeatures: 1n, vcpuSig: 0xa00f11, vmm: 'QEMU' });
    const e = buildVmsa({ eip: BSP_EIP, sevFeatures: 1n, vcpuSig: 0xa00f11, vmm: 'ec2' });
    const d = diffVmsa(q, e);
    expect(d.equal).toBe(false);
    expect(d.fields.map((f) => f.name).sort()).toEqual(['cs', 'mxcsr', 'rdx', 'ss', 'tr', 'x87_fcw']);
    expect(d.fields.find((f) => f.name === 'rdx')).toMatchObject({ a: 0xa00f11n, b: 0x600n });
    expect(diffVmsa(q, q).equal).toBe(true);
    const r = new Uint8Array(q);
    r[0xc8] = 7;
    expect(diffVmsa(q, r).reservedOffsets).toEqual([0xc8]);
  });
});
