import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { equalBytes, fromHex, textEncoder, toHex, type Bytes } from '../bytes/bytes';
import { sha256Of } from '../hash/hash';
import { kernelHashes } from '../kernel-hashes/kernel-hashes';
import { SNP_PAGE_TYPE } from '../measure/snp-page-info';
import { VCPU_TYPES } from '../vmsa/vcpu-types';
import type { VmmType } from '../vmsa/build';
import { corpusAvailable, manifest, readCorpus, type Manifest } from '../../test-support/corpus';
import { measureClassic, type ClassicMode, type ClassicOptions } from './index';

function fixture(): Bytes {
  const b = readFileSync(new URL('../firmware/testdata/ovmf_AmdSev_suffix.bin', import.meta.url));
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength) as Bytes;
}
const enc = (s: string) => textEncoder.encode(s);
const hex = (b: Uint8Array | undefined) => (b ? toHex(b) : undefined);
const codes = (r: { diagnostics: { code: string }[] }) => r.diagnostics.map((d) => d.code);

describe('classic digests: fuki §8.3 vectors on the sev-snp-measure AmdSev fixture', () => {
  const fw = fixture();
  const kernel = kernelHashes({ kernel: enc('KERNEL'), initrd: enc('INITRD'), append: 'console=ttyS0' });
  const cases: [string, ClassicOptions, string][] = [
    [
      'SNP 1 vCPU Milan, kernel',
      { mode: 'snp', firmware: fw, vcpus: 1, vcpuSig: 0xa00f11, guestFeatures: 1n, kernel },
      '45b6dd210dc727c27d4ce439781ebbe7c3d0f93159e5fce5f58aea06579aedff1c1dfbd750a0ccb1696812d97e3e7ff8',
    ],
    [
      'SNP 1 vCPU Milan, no kernel',
      { mode: 'snp', firmware: fw, vcpus: 1, vcpuSig: 0xa00f11, guestFeatures: 1n },
      '93f767a2bff8fc050ed48cfe6e2dc9bb4c45b2313c48df0159a6b22fdc5633307f93a7ec31cf6fc92a61a2ace3cb9679',
    ],
    [
      'SNP 2 vCPUs EPYC-v4, kernel',
      { mode: 'snp', firmware: fw, vcpus: 2, vcpuSig: VCPU_TYPES['EPYC-v4']!, kernel },
      'f4d18f543e827d40779ce6e084e118101b3822918d524860459156c1a4b1beac3c5aa0bdf5b3d1a0c8255edb0bbadc3c',
    ],
    [
      'SEV-ES 1 vCPU Milan, kernel',
      { mode: 'seves', firmware: fw, vcpus: 1, vcpuSig: VCPU_TYPES['EPYC-Milan']!, kernel },
      '091a68f9f866fc958314c2115c83e3488dda880bbc9a83d14a25cc28083ab61f',
    ],
    [
      'SEV, kernel',
      { mode: 'sev', firmware: fw, kernel },
      '2a398c0a849f22caa4426c482d3e40f4190a43cfdb1f9fc5917e8c1ebf66643a',
    ],
  ];
  for (const [name, opts, expected] of cases) {
    it(name, () => {
      const r = measureClassic(opts);
      expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(hex(r.digest)).toBe(expected);
    });
  }
  it('the ledger reproduces the digest and shows the §4.5 order', () => {
    const r = measureClassic({ mode: 'snp', firmware: fw, vcpus: 2, vcpuSig: 0xa00f11, kernel });
    const types = r.steps.map((s) => s.pageType);
    expect(r.steps[0]).toMatchObject({
      source: 'firmware',
      gpa: 0xfffff000n,
      pageType: SNP_PAGE_TYPE.NORMAL,
    });
    expect(types.slice(-2)).toEqual([SNP_PAGE_TYPE.VMSA, SNP_PAGE_TYPE.VMSA]);
    const hashPage = r.steps.find((s) => s.source === 'kernel-hashes')!;
    expect(hashPage).toMatchObject({ gpa: 0x810000n, pageType: SNP_PAGE_TYPE.NORMAL });
    expect(equalBytes(r.steps[r.steps.length - 1]!.digestAfter!, r.digest!)).toBe(true);
    // 1 firmware page + 9+3 SEC_MEM + secrets + cpuid + caa + hash page + 15 SEC_MEM + 2 VMSAs
    expect(r.steps).toHaveLength(1 + 12 + 3 + 1 + 15 + 2);
    expect(r.kernelHashesPage!.length).toBe(4096);
  });
  it('snp:ovmf-hash then continuation with the seed equals the one-shot digest', () => {
    const seed = measureClassic({ mode: 'snp:ovmf-hash', firmware: fw }).digest!;
    const oneShot = measureClassic({ mode: 'snp', firmware: fw, vcpus: 1, vcpuSig: 0xa00f11, kernel });
    const seeded = measureClassic({
      mode: 'snp',
      firmware: fw,
      vcpus: 1,
      vcpuSig: 0xa00f11,
      kernel,
      snpOvmfHash: seed,
    });
    expect(hex(seeded.digest)).toBe(hex(oneShot.digest));
    expect(seeded.steps[0]!.source).toBe('seed');
  });
  it('VMM types change the digest; ec2 defers CPUID, gce makes SEC_MEM unmeasured', () => {
    const base = { mode: 'snp' as const, firmware: fw, vcpus: 1, vcpuSig: 0xa00f11 };
    const q = measureClassic(base);
    const ec2 = measureClassic({ ...base, vmm: 'ec2' });
    const gce = measureClassic({ ...base, vmm: 'gce' });
    expect(new Set([hex(q.digest), hex(ec2.digest), hex(gce.digest)]).size).toBe(3);
    const ec2Types = ec2.steps.filter((s) => s.source !== 'firmware').map((s) => s.pageType);
    expect(ec2Types[ec2Types.length - 2]).toBe(SNP_PAGE_TYPE.CPUID);
    expect(gce.steps.some((s) => s.pageType === SNP_PAGE_TYPE.UNMEASURED)).toBe(true);
    expect(codes(ec2)).toContain('CLASSIC_IGNORED_INPUT');
  });
});

describe('classic errors and warnings (mirroring sev-snp-measure)', () => {
  const fw = fixture();
  it('errors', () => {
    expect(codes(measureClassic({ mode: 'snp', firmware: fw, vcpuSig: 1 }))).toContain('CLASSIC_NO_VCPUS');
    expect(codes(measureClassic({ mode: 'seves', firmware: fw, vcpus: 1 }))).toContain('CLASSIC_NO_VCPU_SIG');
    expect(measureClassic({ mode: 'seves', firmware: fw, vcpus: 1, vmm: 'gce' }).digest).toBeDefined();
    const notSnp = measureClassic({
      mode: 'seves',
      firmware: fw,
      vcpus: 1,
      vcpuSig: 1,
      snpOvmfHash: new Uint8Array(48),
    });
    expect(notSnp.diagnostics.find((d) => d.severity === 'error')!.message).toBe(
      'SNP OVMF hash only works with SNP',
    );
    expect(codes(measureClassic({ mode: 'snp', firmware: fw.slice(1), vcpus: 1, vcpuSig: 1 }))).toContain(
      'CLASSIC_FW_NOT_PAGES',
    );
    const plain = measureClassic({ mode: 'snp', firmware: new Uint8Array(8192), vcpus: 1, vcpuSig: 1 });
    expect(plain.digest).toBeUndefined();
    expect(plain.diagnostics.find((d) => d.severity === 'error')!.message).toBe(
      "Can't find SEV_ES_RESET_BLOCK_GUID entry in OVMF table",
    );
    expect(plain.diagnostics.find((d) => d.code === 'CLASSIC_HINT')!.message).toMatch(
      /no OVMF footer GUID table/,
    );
    const kernel = kernelHashes({ kernel: enc('K') });
    const sevNoTable = measureClassic({ mode: 'sev', firmware: new Uint8Array(8192), kernel });
    expect(sevNoTable.diagnostics.find((d) => d.severity === 'error')!.message).toBe(
      "Kernel specified but OVMF doesn't support kernel/initrd/cmdline measurement",
    );
  });
  it('warnings for inputs that a mode ignores', () => {
    const r = measureClassic({ mode: 'sev', firmware: fw, vcpus: 4, guestFeatures: 0x21n });
    expect(r.digest).toBeDefined();
    expect(r.diagnostics.filter((d) => d.code === 'CLASSIC_IGNORED_INPUT')).toHaveLength(2);
    expect(
      codes(measureClassic({ mode: 'seves', firmware: fw, vcpus: 1, vcpuSig: 1, guestFeatures: 0x21n })),
    ).toContain('CLASSIC_IGNORED_INPUT');
    expect(codes(measureClassic({ mode: 'snp:ovmf-hash', firmware: fw, vcpus: 1 }))).toContain(
      'CLASSIC_IGNORED_INPUT',
    );
    expect(codes(measureClassic({ mode: 'snp', firmware: fw, vcpus: 1, vcpuSig: 1 }))).not.toContain(
      'CLASSIC_IGNORED_INPUT',
    );
  });
});

/** sev-snp-measure's params (from the manifest) → our options. */
function optionsFromParams(p: Manifest): ClassicOptions {
  const kernel = p.kernel
    ? kernelHashes({
        kernel: readCorpus(p.kernel.path),
        initrd: p.initrd ? readCorpus(p.initrd.path) : undefined,
        append: p.append ?? undefined,
      })
    : undefined;
  return {
    mode: p.mode as ClassicMode,
    firmware: readCorpus(p.ovmf.path),
    vcpus: p.vcpus,
    vcpuSig:
      p.vcpu_sig !== undefined ? Number(p.vcpu_sig) : p.vcpu_type ? VCPU_TYPES[p.vcpu_type] : undefined,
    vmm: p.vmm_type as VmmType | undefined,
    guestFeatures: p.guest_features !== undefined ? BigInt(p.guest_features) : undefined,
    kernel,
  };
}

describe.runIf(corpusAvailable())('classic digests against sev-snp-measure (corpus ovmf_measure)', () => {
  const cases = corpusAvailable() ? (manifest().ovmf_measure as Manifest[]) : [];
  it('has cases', () => expect(cases.length).toBeGreaterThan(10));
  for (const c of cases) {
    it(c.id, () => {
      const r = measureClassic(optionsFromParams(c.params));
      if (c.expected_error) {
        expect(r.digest).toBeUndefined();
        const err = r.diagnostics.find((d) => d.severity === 'error')!;
        expect(c.expected_error).toBe(`Error: ${err.message}`);
        return;
      }
      expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(hex(r.digest)).toBe(c.expected);
      for (const [i, dump] of ((c.vmsa_dumps ?? []) as Manifest[]).entries()) {
        expect(equalBytes(r.vmsas[i]!, readCorpus(dump.path))).toBe(true);
        expect(toHex(sha256Of(r.vmsas[i]!))).toBe(dump.sha256);
      }
      if (c.vmsa_dumps) expect(r.vmsas).toHaveLength(c.vmsa_dumps.length);
    });
  }
  it('SEV with no kernel is the SHA-256 of the firmware file (manifest inputs sha256)', () => {
    const c = cases.find((x) => x.params.mode === 'sev' && !x.params.kernel)!;
    const input = Object.values(manifest().inputs as Record<string, Manifest>).find(
      (i) => i.path === c.params.ovmf.path,
    )!;
    expect(toHex(measureClassic(optionsFromParams(c.params)).digest!)).toBe(input.sha256);
  });
  it('snp:ovmf-hash of the corpus seeds the SNP case to the same digest', () => {
    const seedCase = cases.find((x) => x.params.mode === 'snp:ovmf-hash')!;
    const snpCase = cases.find(
      (x) => x.params.mode === 'snp' && x.params.ovmf.path === seedCase.params.ovmf.path && x.params.kernel,
    )!;
    const opts = optionsFromParams(snpCase.params);
    const r = measureClassic({ ...opts, snpOvmfHash: fromHex(seedCase.expected) });
    expect(hex(r.digest)).toBe(snpCase.expected);
  });
});

describe('classic limits against hostile input', () => {
  it('refuses absurd vCPU counts and metadata that covers too many pages', () => {
    const fw = fixture();
    expect(codes(measureClassic({ mode: 'snp', firmware: fw, vcpus: 1e9, vcpuSig: 1 }))).toContain(
      'CLASSIC_TOO_MANY_VCPUS',
    );
    const b = new Uint8Array(fw);
    const meta = fw.length - 0x554;
    for (let i = 0; i < 7; i++) b.set([0, 0xf0, 0xff, 0xff], meta + 16 + i * 12 + 4); // size 0xfffff000 each
    const r = measureClassic({ mode: 'snp', firmware: b, vcpus: 1, vcpuSig: 1 });
    expect(r.digest).toBeUndefined();
    expect(codes(r)).toContain('CLASSIC_TOO_MANY_PAGES');
  });
});
