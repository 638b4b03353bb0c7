// Initial VMSA pages as KVM creates them for a classic (`-bios`) SEV-ES/SNP launch, per VMM type
// (fuki-uki-kernel-hashes.md §4.5; values as in sev-snp-measure vmsa.py, which mirrors QEMU/KVM, EC2 and GCE).
import { put16, put32, put64, type Bytes } from '../bytes/bytes';
import { VMSA_FIELD_BY_NAME, VMSA_SIZE } from './layout';

export type VmmType = 'QEMU' | 'ec2' | 'gce';
/** sev-snp-measure's spellings of `--vmm-type`. */
export const VMM_TYPES: readonly VmmType[] = ['QEMU', 'ec2', 'gce'];

/** The BSP starts at the reset vector (§4.5). */
export const BSP_EIP = 0xfffffff0;
/** KVM's VMSA GPA (u64 −1, page aligned, bits above 51 cleared) used in PAGE_INFO for VMSA pages (§4.5). */
export const VMSA_GPA = 0xfffffffff000n;

/** G_PAT power-on value (AMD APM vol. 2 §A.3); GCE overwrites it. */
const DEFAULT_G_PAT = 0x0007040600070406n;
const GCE_G_PAT = 0x00070106n;

export interface VmsaOptions {
  eip: number;
  /** SEV_FEATURES: SNP guest features (0x1 default), 0 for SEV-ES. */
  sevFeatures: bigint;
  /** CPUID(1).EAX signature placed in RDX (QEMU only; EC2/GCE use 0x600). */
  vcpuSig: number;
  vmm: VmmType;
}

interface Segment {
  selector: number;
  attrib: number;
  limit: number;
  base: bigint;
}

function offsetOf(name: string): number {
  return VMSA_FIELD_BY_NAME.get(name)!.offset;
}

function putSegment(page: Uint8Array, name: string, s: Segment): void {
  const o = offsetOf(name);
  put16(page, o, s.selector);
  put16(page, o + 2, s.attrib);
  put32(page, o + 4, s.limit);
  put64(page, o + 8, s.base);
}

/** Register values that differ between VMMs (§4.5 "EC2 differences", "GCE"). */
function vmmValues(o: VmsaOptions) {
  switch (o.vmm) {
    case 'QEMU':
      return { cs: 0x9b, ss: 0x93, tr: 0x8b, rdx: o.vcpuSig, mxcsr: 0x1f80, fcw: 0x37f, gPat: DEFAULT_G_PAT };
    case 'ec2':
      return {
        cs: o.eip === BSP_EIP ? 0x9a : 0x9b,
        ss: 0x92,
        tr: 0x83,
        rdx: 0x600,
        mxcsr: 0,
        fcw: 0,
        gPat: DEFAULT_G_PAT,
      };
    case 'gce':
      return { cs: 0x9b, ss: 0x93, tr: 0x8b, rdx: 0x600, mxcsr: 0, fcw: 0, gPat: GCE_G_PAT };
  }
}

/** Everything a VMSA builder sets; all other bytes stay zero. */
interface VmsaRegisters {
  segments: Record<'es' | 'cs' | 'ss' | 'ds' | 'fs' | 'gs' | 'gdtr' | 'ldtr' | 'idtr' | 'tr', Segment>;
  cr0: number;
  rip: number;
  gPat: bigint;
  rdx: number;
  sevFeatures: bigint;
  mxcsr: number;
  fcw: number;
}

function writeVmsa(r: VmsaRegisters): Bytes {
  const page = new Uint8Array(VMSA_SIZE);
  for (const [name, seg] of Object.entries(r.segments)) putSegment(page, name, seg);
  const u64s: [string, bigint | number][] = [
    ['efer', 0x1000], // KVM sets EFER.SVME
    ['cr4', 0x40], // KVM sets CR4.MCE
    ['cr0', r.cr0],
    ['dr7', 0x400],
    ['dr6', 0xffff0ff0],
    ['rflags', 0x2],
    ['rip', r.rip],
    ['g_pat', r.gPat],
    ['rdx', r.rdx],
    ['sev_features', r.sevFeatures],
    ['xcr0', 0x1],
  ];
  for (const [name, value] of u64s) put64(page, offsetOf(name), value);
  put32(page, offsetOf('mxcsr'), r.mxcsr);
  put16(page, offsetOf('x87_fcw'), r.fcw);
  return page;
}

const seg = (selector: number, attrib: number, limit: number, base = 0n): Segment => ({
  selector,
  attrib,
  limit,
  base,
});

/** Real-mode reset state of a BSP (eip = reset vector) or an AP (eip from the SEV-ES reset block) (§4.5). */
export function buildVmsa(o: VmsaOptions): Bytes {
  const v = vmmValues(o);
  const data = seg(0, 0x93, 0xffff);
  return writeVmsa({
    segments: {
      es: data,
      cs: seg(0xf000, v.cs, 0xffff, BigInt((o.eip & 0xffff0000) >>> 0)),
      ss: seg(0, v.ss, 0xffff),
      ds: data,
      fs: data,
      gs: data,
      gdtr: seg(0, 0, 0xffff),
      ldtr: seg(0, 0x82, 0xffff),
      idtr: seg(0, 0, 0xffff),
      tr: seg(0, v.tr, 0xffff),
    },
    cr0: 0x10,
    rip: o.eip & 0xffff,
    gPat: v.gPat,
    rdx: v.rdx,
    sevFeatures: o.sevFeatures,
    mxcsr: v.mxcsr,
    fcw: v.fcw,
  });
}

/**
 * The VMSA of every vCPU of a coconut-svsm launch (`--mode snp:svsm`): 32-bit protected mode with flat segments at
 * the SVSM entry point, SEV_FEATURES 0x1 (as sev-snp-measure vmsa.py VMSA_SVSM). x87 FCW stays 0: sev-snp-measure
 * passes it under a name its structure does not have, so it is never set; we reproduce its digests.
 */
export function buildSvsmVmsa(eip: number, vcpuSig: number): Bytes {
  const flat = seg(16, 0xc93, 0xffffffff);
  return writeVmsa({
    segments: {
      es: flat,
      cs: seg(8, 0xc9b, 0xffffffff),
      ss: flat,
      ds: flat,
      fs: flat,
      gs: seg(0, 0x93, 0xffff),
      gdtr: seg(0, 0, 0xffff),
      ldtr: seg(0, 0x82, 0xffff),
      idtr: seg(0, 0, 0xffff),
      tr: seg(0, 0x8b, 0xffff),
    },
    cr0: 0x11,
    rip: eip,
    gPat: DEFAULT_G_PAT,
    rdx: vcpuSig,
    sevFeatures: 0x1n,
    mxcsr: 0x1f80,
    fcw: 0,
  });
}

/**
 * One VMSA per vCPU: vCPU 0 is the BSP at the reset vector, the others are APs at `apEip` (from the SEV-ES
 * reset block). Throws when APs are requested without an AP EIP.
 */
export function buildVmsaPages(
  vcpus: number,
  apEip: number | undefined,
  o: Omit<VmsaOptions, 'eip'>,
): Bytes[] {
  if (vcpus > 1 && !apEip)
    throw new RangeError('APs need the SEV-ES AP reset address from the firmware, which is missing or 0');
  const bsp = buildVmsa({ ...o, eip: BSP_EIP });
  const ap = vcpus > 1 ? buildVmsa({ ...o, eip: apEip! }) : undefined;
  return Array.from({ length: vcpus }, (_, i) => (i === 0 ? bsp : ap!));
}
