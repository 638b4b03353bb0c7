// The mismatch search against the ovmf_measure corpus (digests from virtee/sev-snp-measure): given only the
// firmware (and the kernel inputs when the case has them), it must find the vCPU count, CPU type, VMM type and
// guest features the tool was run with — and report "none" for a random digest.
import { describe, expect, it } from 'vitest';
import { corpusAvailable, manifest, readCorpus, type Manifest } from '../../test-support/corpus';
import { fromHex } from '../bytes/bytes';
import { kernelHashes } from '../kernel-hashes/kernel-hashes';
import { VCPU_TYPES } from '../vmsa/vcpu-types';
import { guestFeatureCandidates, mergeOvmfSearches, searchOvmf } from './ovmf-search';

describe.runIf(corpusAvailable())('searchOvmf on the ovmf_measure corpus', () => {
  const cases = corpusAvailable() ? (manifest().ovmf_measure as Manifest[]).filter((c) => c.params.mode === 'snp' && c.expected) : [];
  it('has at least five SNP cases differing in vCPUs, CPU type, VMM type and guest features', () => {
    expect(cases.length).toBeGreaterThanOrEqual(5);
    expect(new Set(cases.map((c) => c.params.vcpus)).size).toBeGreaterThan(1);
    expect(new Set(cases.map((c) => c.params.vcpu_type)).size).toBeGreaterThan(1);
    expect(new Set(cases.map((c) => c.params.vmm_type ?? 'QEMU')).size).toBeGreaterThan(1);
    expect(new Set(cases.map((c) => c.params.guest_features ?? '0x1')).size).toBeGreaterThan(1);
  });
  for (const c of cases) {
    it(`finds the options of ${c.id}`, () => {
      const p = c.params;
      const kernel = p.kernel
        ? kernelHashes({ kernel: readCorpus(p.kernel.path), initrd: p.initrd ? readCorpus(p.initrd.path) : undefined, append: p.append })
        : undefined;
      const r = searchOvmf(fromHex(c.expected), { firmware: readCorpus(p.ovmf.path), kernel });
      expect(r.found, r.explanation).toBeDefined();
      const f = r.found!;
      expect(f.vcpus).toBe(p.vcpus);
      expect(f.vmm).toBe(p.vmm_type ?? 'QEMU');
      expect(f.guestFeatures).toBe(BigInt(p.guest_features ?? '0x1'));
      if (f.vmm === 'QEMU') expect(f.vcpuSig).toBe(VCPU_TYPES[p.vcpu_type]);
      expect(f.kernelHashes).toBe(!!kernel);
      expect(r.tried).toBeLessThanOrEqual(r.total);
    });
  }
  it('reports none of N for a random digest, with an explanation', () => {
    const c = cases.find((x) => x.params.ovmf.path.includes('amdsev') && !x.params.kernel)!;
    const random = new Uint8Array(48).map((_, i) => (i * 37 + 11) & 0xff);
    const r = searchOvmf(random, { firmware: readCorpus(c.params.ovmf.path) });
    expect(r.found).toBeUndefined();
    expect(r.tried).toBe(r.total);
    expect(r.total).toBeGreaterThan(128 * 512 * 3);
    expect(r.explanation).toMatch(/^none of \d+ candidates/);
  });
  it('a search split into parts and merged gives the unsplit answer (match and none)', () => {
    const c = cases.find((x) => x.id === 'snp_amdsev_2vcpu_EPYC-Milan_ec2')!;
    const firmware = readCorpus(c.params.ovmf.path);
    const whole = searchOvmf(fromHex(c.expected), { firmware, maxVcpus: 4 });
    expect(whole.found!.vmm).toBe('ec2');
    for (const count of [2, 3]) {
      const parts = Array.from({ length: count }, (_, index) => searchOvmf(fromHex(c.expected), { firmware, maxVcpus: 4, partition: { index, count } }));
      const merged = mergeOvmfSearches(parts);
      expect(merged.found).toEqual(whole.found);
      expect(merged.explanation).toBe(whole.explanation);
    }
    const random = Uint8Array.from({ length: 48 }, (_, i) => (i * 31 + 11) & 0xff);
    const all = searchOvmf(random, { firmware, maxVcpus: 8 });
    const parts = [0, 1].map((index) => searchOvmf(random, { firmware, maxVcpus: 8, partition: { index, count: 2 } }));
    expect(parts[0]!.total).toBeGreaterThan(0);
    expect(parts[1]!.total).toBeGreaterThan(0);
    const merged = mergeOvmfSearches(parts);
    expect(merged.found).toBeUndefined();
    expect([merged.tried, merged.total]).toEqual([all.total, all.total]);
    expect(merged.explanation).toBe(all.explanation);
    // A part told that a match exists earlier stops at it.
    const bounded = searchOvmf(random, { firmware, maxVcpus: 8, partition: { index: 1, count: 2 }, stopBeyond: () => 8 * 10 });
    expect(bounded.tried).toBeLessThan(parts[1]!.tried);
  });
  it('can be cancelled', () => {
    const c = cases[0]!;
    const r = searchOvmf(new Uint8Array(48), { firmware: readCorpus(c.params.ovmf.path), onProgress: (done) => done < 10000 });
    expect(r.cancelled).toBe(true);
    expect(r.tried).toBeLessThan(r.total);
  });
});

describe('guestFeatureCandidates', () => {
  it('is every low-8-bit combination with SNPActive, the given one first', () => {
    const g = guestFeatureCandidates(0x21n);
    expect(g[0]).toBe(0x21n);
    expect(g.length).toBe(128);
    expect(g.every((x) => (x & 1n) === 1n && x < 256n)).toBe(true);
    expect(guestFeatureCandidates(0x10001n).length).toBe(129);
  });
});
