import { describe, expect, it } from 'vitest';
import { equalBytes, toHex } from '../bytes/bytes';
import { measureClassic } from '../classic/classic';
import { parseIgvm } from '../igvm/parse';
import { serializeIgvm } from '../igvm/serialize';
import { kernelHashes } from '../kernel-hashes/kernel-hashes';
import { measureIgvm } from '../measure/measure-igvm';
import { VCPU_TYPES } from '../vmsa/vcpu-types';
import { nodeHashBackend } from '../../cli/node-hash';
import { countingBackend } from '../../test-support/counting-hash';
import { corpusAvailable, manifest, readCorpus } from '../../test-support/corpus';
import { ComposeSession, DEFAULT_SETTINGS, MEASURE_PROFILE, VMSA_CR0_NOTE_CODE, type ComposeSettings } from './compose';
import { directBootBlobs } from './inputs';

const haveCorpus = corpusAvailable();

/** Counts bytes hashed, so tests can prove what an edit re-hashes. */

function caseById(id: string) {
  return manifest().ovmf_measure.find((c: { id: string }) => c.id === id);
}

/** The kernel, initrd and -append of an ovmf_measure case, as direct-boot blobs. */
function directBootOf(c: { params: { kernel: { path: string }; initrd: { path: string }; append: string } }) {
  return directBootBlobs({
    kernel: readCorpus(c.params.kernel.path),
    initrd: readCorpus(c.params.initrd.path),
    cmdline: c.params.append,
  });
}

function settingsFor(params: Record<string, string | number>, profile: ComposeSettings['profile']): ComposeSettings {
  return {
    ...DEFAULT_SETTINGS,
    profile,
    vcpus: Number(params.vcpus),
    vcpuType: String(params.vcpu_type),
    vcpuSig: VCPU_TYPES[String(params.vcpu_type)]!,
    guestFeatures: params.guest_features ? BigInt(String(params.guest_features)) : 0x1n,
  };
}

/** Re-parses the bytes and measures them from scratch: the receipt must say the same. */
function remeasure(igvm: Uint8Array, profile: ComposeSettings['profile']) {
  const parsed = parseIgvm(igvm);
  expect(parsed.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(equalBytes(serializeIgvm(parsed.file!), igvm)).toBe(true);
  return measureIgvm(parsed.file!, { snpProfile: MEASURE_PROFILE[profile], hash: nodeHashBackend });
}

describe.skipIf(!haveCorpus)('FUKI hash-page route against the corpus', () => {
  it('classic-equivalent IGVM measures to the sev-snp-measure digest of the same direct boot', () => {
    const c = caseById('snp_amdsev_1vcpu_EPYC-v4_kernel_initrd_append');
    const boot = directBootOf(c);
    const session = new ComposeSession(nodeHashBackend);
    const r = session.compose({
      firmware: readCorpus(c.params.ovmf.path),
      boot,
      settings: settingsFor(c.params, 'classic-equivalent'),
    });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const snp = r.measurements.find((m) => m.platform === 'SEV_SNP')!;
    expect(toHex(snp.digest)).toBe(c.expected);
    expect(r.receipt!.measurements.find((m) => m.platform === 'SEV_SNP')!.digest).toBe(c.expected);
    const again = remeasure(r.igvm!, 'classic-equivalent');
    expect(toHex(again.find((m) => m.platform === 'SEV_SNP')!.digest)).toBe(c.expected);

    // The kernel-hashes page inside the IGVM equals sev-snp-measure's page byte for byte.
    const sh = manifest().sev_hashes.find(
      (h: { initrd?: { path: string }; append?: string }) =>
        h.initrd?.path === c.params.initrd.path && h.append === c.params.append,
    );
    const page = readCorpus(sh.page_file);
    const parsed = parseIgvm(r.igvm!).file!;
    const khHeader = parsed.directives.find((h) => h.kind === 'PageData' && h.gpa === r.kernelHashesPage!.gpa);
    expect(khHeader && 'data' in khHeader && khHeader.data && equalBytes(khHeader.data, page)).toBe(true);
  });

  it('4 vCPUs, EPYC-Milan, busybox initrd: equals the classic -bios digest of the same inputs', () => {
    // The corpus has no sev-snp-measure run for this combination; our classic engine (checked against every
    // sev-snp-measure case in src/core/classic) is the reference, and the hash page is checked against the corpus.
    const fw = readCorpus('inputs/ovmf/sid/OVMF.amdsev.fd');
    const sh = manifest().sev_hashes.find((h: { id: string }) => h.id === 'k+i_busybox+cmdline');
    const kernel = readCorpus(sh.kernel.path);
    const initrd = readCorpus(sh.initrd.path);
    const settings = settingsFor({ vcpus: 4, vcpu_type: 'EPYC-Milan' }, 'classic-equivalent');
    const session = new ComposeSession(nodeHashBackend);
    const r = session.compose({ firmware: fw, boot: directBootBlobs({ kernel, initrd, cmdline: sh.append }), settings });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const classic = measureClassic(
      {
        mode: 'snp',
        firmware: fw,
        vcpus: 4,
        vcpuSig: settings.vcpuSig,
        kernel: kernelHashes({ kernel, initrd, append: sh.append }, nodeHashBackend),
      },
      nodeHashBackend,
    );
    const snp = r.measurements.find((m) => m.platform === 'SEV_SNP')!;
    expect(toHex(snp.digest)).toBe(toHex(classic.digest!));
    expect(equalBytes(r.kernelHashesPage!.page, readCorpus(sh.page_file))).toBe(true);
    expect(toHex(remeasure(r.igvm!, 'classic-equivalent')[0]!.digest)).toBe(toHex(snp.digest));
  });

  it('qemu-igvm differs from the classic digest only by measuring zero pages as normal pages', () => {
    const c = caseById('snp_amdsev_1vcpu_EPYC-v4_kernel_initrd_append');
    const boot = directBootOf(c);
    const fw = readCorpus(c.params.ovmf.path);
    const session = new ComposeSession(nodeHashBackend);
    const q = session.compose({ firmware: fw, boot, settings: settingsFor(c.params, 'qemu-igvm') });
    expect(q.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const snp = q.measurements.find((m) => m.platform === 'SEV_SNP')!;
    expect(toHex(snp.digest)).not.toBe(c.expected);
    expect(toHex(remeasure(q.igvm!, 'qemu-igvm')[0]!.digest)).toBe(toHex(snp.digest));
    // Measured the native-zero way, the very same file gives the classic digest.
    const native = measureIgvm(parseIgvm(q.igvm!).file!, { snpProfile: 'native-zero', hash: nodeHashBackend });
    expect(toHex(native[0]!.digest)).toBe(c.expected);
  });

  it('the VMSA CR0 question is one plain info note (known / not known / check), not the KVM checker failure', () => {
    const c = caseById('snp_amdsev_1vcpu_EPYC-v4_kernel_initrd_append');
    const session = new ComposeSession(nodeHashBackend);
    const r = session.compose({
      firmware: readCorpus(c.params.ovmf.path),
      boot: directBootOf(c),
      settings: settingsFor(c.params, 'qemu-igvm'),
    });
    const codes = r.diagnostics.map((d) => d.code);
    expect(codes).not.toContain('KVM_INVALID_VMSA_CR0');
    const notes = r.diagnostics.filter((d) => d.code === VMSA_CR0_NOTE_CODE);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.severity).toBe('info');
    expect(notes[0]!.message).toMatch(/^Known: .*CR0 = 0x10.* Not known: .* Check: .*MEASUREMENT/);
  });

  it('changing only the command line re-hashes neither kernel nor firmware', () => {
    const counting = countingBackend(nodeHashBackend);
    const fw = readCorpus('inputs/ovmf/sid/OVMF.amdsev.fd');
    const kernel = readCorpus('inputs/kernel/vmlinuz-6.1.0-56-cloud-amd64');
    const initrd = readCorpus('inputs/initrd/initrd-small.cpio.gz');
    const settings: ComposeSettings = { ...DEFAULT_SETTINGS, profile: 'qemu-igvm', hashOutputs: false };
    const session = new ComposeSession(counting);
    const first = session.compose({ firmware: fw, boot: directBootBlobs({ kernel, initrd, cmdline: 'console=ttyS0' }), settings });
    expect(counting.bytes).toBeGreaterThan(kernel.length + fw.length);
    counting.bytes = 0;
    const second = session.compose({ firmware: fw, boot: directBootBlobs({ kernel, initrd, cmdline: 'console=ttyS0 quiet' }), settings });
    expect(counting.bytes).toBeLessThan(64 * 1024);
    const d1 = first.measurements[0]!.digest;
    const d2 = second.measurements[0]!.digest;
    expect(toHex(d1)).not.toBe(toHex(d2));
    // The cached path agrees with a fresh session and with a re-parse of the patched bytes.
    const fresh = new ComposeSession(nodeHashBackend).compose({
      firmware: fw,
      boot: directBootBlobs({ kernel, initrd, cmdline: 'console=ttyS0 quiet' }),
      settings,
    });
    expect(toHex(fresh.measurements[0]!.digest)).toBe(toHex(d2));
    expect(equalBytes(fresh.igvm!, second.igvm!)).toBe(true);
    // Warnings raised by the first build are repeated on the cached path.
    expect(second.diagnostics.map((d) => d.code).sort()).toEqual(fresh.diagnostics.map((d) => d.code).sort());
    expect(toHex(remeasure(second.igvm!, 'qemu-igvm')[0]!.digest)).toBe(toHex(d2));
  });

  it('on a firmware with SNP and TDX metadata, the command line changes the SNP digest, not the TDX MRTD, and the receipt says why', () => {
    const fw = readCorpus('inputs/ovmf/sid/OVMF.amdsev.fd');
    const kernel = readCorpus('inputs/kernel/vmlinuz-6.1.0-56-cloud-amd64');
    const initrd = readCorpus('inputs/initrd/initrd-small.cpio.gz');
    const settings: ComposeSettings = { ...DEFAULT_SETTINGS, profile: 'qemu-igvm', hashOutputs: false };
    const session = new ComposeSession(nodeHashBackend);
    const digests = (cmdline: string) => {
      const r = session.compose({ firmware: fw, boot: directBootBlobs({ kernel, initrd, cmdline }), settings });
      return { r, by: (p: string, o?: string) => toHex(r.measurements.find((m) => m.platform === p && m.tdxOrder === o)!.digest) };
    };
    const a = digests('console=ttyS0');
    const b = digests('console=ttyS0 quiet');
    expect(a.by('SEV_SNP')).not.toBe(b.by('SEV_SNP'));
    expect(a.by('TDX', 'single-pass')).toBe(b.by('TDX', 'single-pass'));
    expect(a.by('TDX', 'two-pass')).toBe(b.by('TDX', 'two-pass'));
    expect(a.r.receipt!.notes.some((n) => n.startsWith('TDX:') && n.includes('RTMR[2]'))).toBe(true);
    const snpOnly = session.compose({
      firmware: fw,
      boot: directBootBlobs({ kernel, initrd, cmdline: 'console=ttyS0' }),
      settings: { ...settings, platforms: ['SEV_SNP'] },
    });
    expect(snpOnly.receipt!.notes.some((n) => n.startsWith('TDX:'))).toBe(false);
  });

  it('refuses a kernel with a firmware that has no kernel-hashes section', () => {
    const r = new ComposeSession(nodeHashBackend).compose({
      firmware: readCorpus('inputs/ovmf/bookworm/OVMF.fd'),
      boot: directBootBlobs({ kernel: new Uint8Array([1, 2, 3]) }),
      settings: DEFAULT_SETTINGS,
    });
    expect(r.igvm).toBeUndefined();
    expect(r.diagnostics.some((d) => d.code === 'FUKI_NO_KERNEL_HASHES_SECTION')).toBe(true);
  });

  it('TDX variant from TDVF metadata gives the td-shim single-pass TDVF MRTD', () => {
    const fw = readCorpus('inputs/ovmf/sid/OVMF.inteltdx.ms.fd');
    const r = new ComposeSession(nodeHashBackend).compose({ firmware: fw, settings: DEFAULT_SETTINGS });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const t = manifest().tdx_ovmf.find((x: { firmware: { path: string } }) => x.firmware.path.includes('inteltdx'));
    const single = r.measurements.find((m) => m.platform === 'TDX' && m.tdxOrder === 'single-pass')!;
    expect(toHex(single.digest)).toBe(t.mrtd_single_pass);
    const twoPass = r.measurements.find((m) => m.platform === 'TDX' && m.tdxOrder === 'two-pass')!;
    // Two-pass over an IGVM adds every page of the file before extending any; quex-tech's TDVF two-pass works per
    // TDVF section, a boundary the IGVM does not carry. The two therefore differ, and the single-pass values agree.
    expect(toHex(twoPass.digest)).not.toBe(toHex(single.digest));
    expect(toHex(twoPass.digest)).not.toBe(t.mrtd_two_pass);
  });
});
