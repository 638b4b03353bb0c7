// Defaults, limits and shared messages of the classic measurements (fuki-uki-kernel-hashes.md §4.3, §4.5).

/** SNP guest features default of sev-snp-measure's CLI (§4.5: SNPActive only). */
export const DEFAULT_GUEST_FEATURES = 0x1n;

/** Which OVMF builds carry the kernel-hashes area (fuki §4.3). */
export const NO_KERNEL_HASHES_HINT =
  'this OVMF build has no kernel-hashes area: use an AmdSev build (OvmfPkg/AmdSev/AmdSevX64.dsc, e.g. OVMF.amdsev.fd) ' +
  'or OvmfPkgX64 from edk2-stable202511 on';

/** KVM_MAX_VCPUS on x86 (Linux arch/x86/include/asm/kvm_host.h); also bounds the VMSA loop. */
export const MAX_VCPUS = 4096;

/** Upper bound on pages the SEV metadata may ask us to measure (16 GiB), so a hostile table cannot stall us. */
export const MAX_METADATA_PAGES = 1 << 22;
