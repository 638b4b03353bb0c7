// The SNP composition profiles (fuki-uki-kernel-hashes.md §5.3, §6 item 9), apart from the hash-page route that
// implements them (snp-plan.ts): the launch-settings parser needs only the names, and importing snp-plan for them
// brought the whole IGVM codec (its header tables built at module load) into every bundle that parses settings,
// `fukiscope measure-ovmf` included (~3-5 ms of module evaluation per run, issue 16).

/**
 * `qemu-igvm`: what QEMU's IGVM loader accepts (SEV_FEATURES exactly 0x1; zero pages are measured as normal zero
 * pages, §5.3). `classic-equivalent`: SEC_MEM/CAA as native ZERO pages, so the file measured with zero pages as
 * SNP ZERO type (igvmmeasure `--native-zero`) equals the classic `-bios` digest of the same inputs (§6 item 9).
 */
export type FukiProfile = 'qemu-igvm' | 'classic-equivalent';
export const FUKI_PROFILES: readonly FukiProfile[] = ['qemu-igvm', 'classic-equivalent'];
