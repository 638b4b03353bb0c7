// Shared types of the classic (QEMU `-bios`, no IGVM) launch measurements.
import type { Bytes } from '../bytes/bytes';
import type { Diagnostic } from '../diagnostics';
import type { ParsedFirmware } from '../firmware/firmware';
import type { KernelHashes } from '../kernel-hashes/kernel-hashes';
import type { VmmType } from '../vmsa/build';

/** sev-snp-measure `--mode` values this module computes. */
export type ClassicMode = 'snp' | 'seves' | 'sev' | 'snp:ovmf-hash';
export const CLASSIC_MODES: readonly ClassicMode[] = ['snp', 'seves', 'sev', 'snp:ovmf-hash'];

export interface ClassicOptions {
  mode: ClassicMode;
  firmware: Uint8Array;
  /** The same firmware already parsed (saves a parse when the caller has one). */
  parsed?: ParsedFirmware;
  vcpus?: number;
  /** CPUID(1).EAX signature (see vmsa/vcpu-types). Required for SEV-ES/SNP under QEMU. */
  vcpuSig?: number;
  /** Default QEMU. */
  vmm?: VmmType;
  /** SNP SEV_FEATURES of the VMSAs; default 0x1. */
  guestFeatures?: bigint;
  /** Kernel/initrd/cmdline digests for the kernel-hashes table (direct boot with kernel-hashes=on). */
  kernel?: KernelHashes;
  /** SNP only: start from this launch digest instead of measuring the firmware pages (`--snp-ovmf-hash`). */
  snpOvmfHash?: Uint8Array;
}

export type ClassicStepSource = 'firmware' | 'seed' | 'sev-metadata' | 'kernel-hashes' | 'vmsa';

/** One entry of the ledger: what was measured, where, how. */
export interface ClassicStep {
  index: number;
  source: ClassicStepSource;
  label: string;
  /** Guest physical address; undefined for SEV-ES VMSAs (LAUNCH_UPDATE_VMSA carries none). */
  gpa: bigint | undefined;
  /** Bytes covered by the step. */
  length: number;
  /** SNP: PAGE_INFO page type and its name. */
  pageType?: number;
  pageTypeName?: string;
  /** SNP: the 48-byte CONTENTS field (SHA-384 of the page, or zeros). */
  contents?: Bytes;
  /** SNP: launch digest after this step. */
  digestAfter?: Bytes;
  /** Index of the SEV metadata section that produced the step. */
  metadataIndex?: number;
  vcpu?: number;
}

export interface ClassicResult {
  mode: ClassicMode;
  /** SHA-384 chain (SNP) or SHA-256 (SEV, SEV-ES); undefined when the inputs are rejected (see diagnostics). */
  digest: Bytes | undefined;
  algorithm: 'sha384-page-info-chain' | 'sha256';
  steps: ClassicStep[];
  /** The VMSA pages measured, vCPU order. */
  vmsas: Bytes[];
  /** The 176-byte table, when a kernel was given. */
  kernelHashesTable?: Bytes;
  /** SNP: the 4 KiB page carrying it. */
  kernelHashesPage?: Bytes;
  diagnostics: Diagnostic[];
}
