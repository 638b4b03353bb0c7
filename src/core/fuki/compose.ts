// The hash-page route (fuki-uki-kernel-hashes.md §5.2): firmware + kernel + initrd + command line → an IGVM that
// holds the firmware pages, its SEV metadata pages and the kernel-hashes page, plus the launch digests it will
// produce. A ComposeSession keeps everything that does not depend on the command line or initrd, so an edit of
// those re-hashes only the command line and the one kernel-hashes page (§1.6: add-ons change exactly those).
import { equalBytes, toHex, type Bytes } from '../bytes/bytes';
import { Diagnostics, type Diagnostic } from '../diagnostics';
import { parseFirmware, type ParsedFirmware } from '../firmware/firmware';
import { defaultHash, type HashAlgorithm, type HashBackend } from '../hash/hash';
import { parseIgvm } from '../igvm/parse';
import { serializeIgvm } from '../igvm/serialize';
import {
  IGVM_PLATFORM_TYPE,
  supportedPlatforms,
  type IgvmFile,
  type IgvmFileInput,
  type IgvmHeaderInput,
  type IgvmPageData,
} from '../igvm/types';
import { cmdlineBytes, type KernelHashes } from '../kernel-hashes/kernel-hashes';
import { findKernelHashesSection, placeKernelHashes } from '../kernel-hashes/placement';
import { measurePlatform, type PlatformMeasurement } from '../measure/measure-igvm';
import type { SnpChain } from '../measure/snp-chain';
import type { SnpProfile, TdxOrder } from '../measure/options';
import type { VmmType } from '../vmsa/build';
import { DigestCache } from './digest-cache';
import type { BootBlobs } from './inputs';
import { composeReceipt, type Receipt, type ReceiptBlob } from './receipt';
import { planSnpDirectives, type FukiProfile } from './snp-plan';
import { planTdxDirectives } from './tdx-plan';
import { appendAll } from '../append';
import { LAUNCH_DEFAULTS } from '../settings/launch-settings';
import { VCPU_TYPES } from '../vmsa/vcpu-types';

export type FukiPlatform = 'SEV_SNP' | 'TDX';

export interface ComposeSettings {
  profile: FukiProfile;
  vcpus: number;
  /** CPUID(1).EAX signature of the vCPU model (see vmsa/vcpu-types). */
  vcpuSig: number;
  /** The name it came from, for the receipt. */
  vcpuType?: string;
  vmm: VmmType;
  /** SEV_FEATURES of the VMSAs (qemu-igvm forces 0x1, §5.3). */
  guestFeatures: bigint;
  /** SNP guest policy for GUEST_POLICY (§6.1; 0x30000 = SMT allowed + reserved bit 17). */
  snpPolicy: bigint;
  /** TDX policy (§6.1), 0 by default. */
  tdxPolicy: bigint;
  /** Platforms to include; default: every one the firmware supports (SNP with ASEV metadata, TDX with TDVF). */
  platforms?: readonly FukiPlatform[];
  /** Hash the output IGVM for the receipt (the live UI skips it until a download is asked for). */
  hashOutputs?: boolean;
}

/** The defaults of settings/launch-settings.ts as ComposeSettings (what parseComposeSettings({}) returns). */
export const DEFAULT_SETTINGS: ComposeSettings = {
  profile: LAUNCH_DEFAULTS.profile,
  vcpus: LAUNCH_DEFAULTS.vcpus,
  vcpuSig: VCPU_TYPES[LAUNCH_DEFAULTS.vcpuType]!,
  vcpuType: LAUNCH_DEFAULTS.vcpuType,
  vmm: LAUNCH_DEFAULTS.vmm,
  guestFeatures: LAUNCH_DEFAULTS.guestFeatures,
  snpPolicy: LAUNCH_DEFAULTS.snpPolicy,
  tdxPolicy: LAUNCH_DEFAULTS.tdxPolicy,
};

export interface ComposeInput {
  firmware: Uint8Array;
  /** Direct-boot blobs; undefined = a firmware-only IGVM (the kernel-hashes page stays a zero page). */
  boot?: BootBlobs;
  settings: ComposeSettings;
  /** The inputs' file names, for the receipt (the bytes carry none). */
  names?: { firmware?: string; kernel?: string; initrds?: string[]; uki?: string };
}

export interface ComposeResult {
  igvm?: Bytes;
  /** The model that was serialized (for the UI's inspector without a re-parse). */
  file?: IgvmFileInput;
  measurements: PlatformMeasurement[];
  kernelHashes?: KernelHashes;
  kernelHashesPage?: { gpa: bigint; offsetInPage: number; table: Bytes; page: Bytes };
  receipt?: Receipt;
  diagnostics: Diagnostic[];
}

/** The SNP profile of the measure engine that computes what each FUKI profile's loader measures. */
export const MEASURE_PROFILE: Record<FukiProfile, SnpProfile> = {
  'qemu-igvm': 'igvm',
  'classic-equivalent': 'native-zero',
};

/** The composition profile whose SNP digests the measure engine computes with `p` (for labels). */
export function composeProfileOf(p: string | undefined): FukiProfile | undefined {
  return (Object.keys(MEASURE_PROFILE) as FukiProfile[]).find((k) => MEASURE_PROFILE[k] === p);
}

const MASK = { SEV_SNP: 0x1, TDX: 0x2 } as const;

/** Everything that depends only on the firmware and the settings, not on the boot blobs' contents. */
interface Structure {
  key: string;
  bytes: Bytes;
  file: IgvmFileInput;
  parsed: IgvmFile;
  snp?: { measurement: PlatformMeasurement; chain: SnpChain; khStep?: number; khFileOffset?: number };
  tdx: PlatformMeasurement[];
  /** Warnings raised while building, repeated on every reuse so an edit never hides them. */
  buildDiagnostics: Diagnostic[];
}

export class ComposeSession {
  readonly cache: DigestCache;
  private readonly firmwares = new Map<string, ParsedFirmware>();
  private structure?: Structure;

  readonly hash: HashBackend;

  /** `cache`: share input digests with another session (the add-on matrix runs one session per SNP profile). */
  constructor(hash: HashBackend = defaultHash(), cache?: DigestCache) {
    this.hash = hash;
    this.cache = cache ?? new DigestCache(hash);
  }

  parsedFirmware(fw: Uint8Array): ParsedFirmware {
    const id = this.cache.keyOf(fw);
    let p = this.firmwares.get(id);
    if (!p) {
      p = parseFirmware(fw);
      this.firmwares.set(id, p);
    }
    return p;
  }

  /**
   * The input digests compose() will take from the cache (kernel, initrds, firmware; SHA-256 and SHA-384) that
   * are not there yet: a host with a faster asynchronous hash computes them and primes the cache first.
   */
  missingInputDigests(input: { firmware: Uint8Array; boot?: BootBlobs }): { alg: HashAlgorithm; parts: Uint8Array[] }[] {
    const inputs = [[input.firmware], ...(input.boot ? [[input.boot.kernel], input.boot.initrds] : [])];
    const out: { alg: HashAlgorithm; parts: Uint8Array[] }[] = [];
    for (const parts of inputs)
      for (const alg of ['sha256', 'sha384'] as const) if (!this.cache.has(alg, parts)) out.push({ alg, parts });
    return out;
  }

  kernelHashesOf(boot: BootBlobs): KernelHashes {
    return {
      kernel: this.cache.of('sha256', [boot.kernel]),
      initrd: this.cache.of('sha256', boot.initrds),
      cmdline: this.hash.digest('sha256', cmdlineBytes(boot.cmdline)),
    };
  }

  compose(input: ComposeInput): ComposeResult {
    const diags = new Diagnostics();
    const settings = { ...input.settings };
    const fw = input.firmware;
    const parsed = this.parsedFirmware(fw);
    for (const d of parsed.diagnostics) if (d.severity === 'error') diags.add(d);

    const platforms = this.choosePlatforms(parsed, settings, diags);
    if (!platforms) return { measurements: [], diagnostics: diags.done() };
    if (settings.profile === 'qemu-igvm' && platforms.includes('SEV_SNP')) {
      if (settings.guestFeatures !== 0x1n) {
        diags.warning(
          'FUKI_FEATURES_FORCED',
          `QEMU's IGVM loader accepts SEV_FEATURES exactly 0x1; 0x${settings.guestFeatures.toString(16)} replaced (use classic-equivalent for other values)`,
          { spec: 'fuki §5.3' },
        );
        settings.guestFeatures = 0x1n;
      }
      if (settings.vmm !== 'QEMU') {
        diags.warning('FUKI_VMM_FORCED', `the qemu-igvm profile models QEMU; VMM type ${settings.vmm} replaced`, {
          spec: 'fuki §5.3',
        });
        settings.vmm = 'QEMU';
      }
    }
    const kernel = input.boot ? this.kernelHashesOf(input.boot) : undefined;
    if (kernel && !platforms.includes('SEV_SNP'))
      diags.warning(
        'FUKI_TDX_NO_KERNEL_HASHES',
        'TDX has no kernel-hashes page: MRTD covers the firmware only (the kernel is measured into RTMRs at boot)',
        { spec: 'fuki §4' },
      );
    if (kernel && platforms.includes('SEV_SNP') && !findKernelHashesSection(parsed)) {
      diags.error(
        'FUKI_NO_KERNEL_HASHES_SECTION',
        "the firmware's SEV metadata has no SNP_KERNEL_HASHES section: it cannot carry a kernel-hashes page (use an AmdSev build or OVMF ≥ edk2-stable202511)",
        { spec: 'fuki §4.3' },
      );
      return { measurements: [], diagnostics: diags.done() };
    }

    const key = [
      this.cache.keyOf(fw),
      settings.profile,
      settings.vcpus,
      settings.vcpuSig,
      settings.vmm,
      settings.guestFeatures,
      settings.snpPolicy,
      settings.tdxPolicy,
      platforms.join('+'),
      kernel ? 'kh' : 'nokh',
    ].join('|');

    let structure = this.structure?.key === key ? this.structure : undefined;
    let bytes: Bytes;
    let khPage: ComposeResult['kernelHashesPage'];
    let rebuilt = false;
    if (structure && kernel && structure.snp?.khStep !== undefined && structure.snp.khFileOffset !== undefined) {
      // Only the kernel-hashes page changes: patch it into a copy and re-chain from its step.
      const placed = placeKernelHashes(parsed, findKernelHashesSection(parsed)!, kernel, diags);
      if (!placed) return { measurements: [], diagnostics: diags.done() };
      bytes = new Uint8Array(structure.bytes);
      bytes.set(placed.page, structure.snp.khFileOffset);
      structure.snp.chain.updatePage(structure.snp.khStep, placed.page);
      khPage = { gpa: BigInt(placed.gpa), offsetInPage: placed.offsetInPage, table: placed.table, page: placed.page };
    } else if (structure && (!kernel || !structure.snp)) {
      // Nothing measured depends on the boot blobs (no kernel, or TDX only): reuse the whole build.
      bytes = structure.bytes;
    } else {
      const buildDiags = new Diagnostics();
      const built = this.build(key, fw, parsed, settings, platforms, kernel, buildDiags);
      for (const d of buildDiags.list) diags.add(d);
      if (!built) return { measurements: [], diagnostics: diags.done() };
      structure = built.structure;
      structure.buildDiagnostics = buildDiags.list.filter((d) => d.severity !== 'error');
      rebuilt = true;
      bytes = structure.bytes;
      khPage = built.khPage;
      this.structure = structure;
    }
    if (!rebuilt) for (const d of structure.buildDiagnostics) diags.add(d);

    const measurements: PlatformMeasurement[] = [];
    if (structure.snp) {
      const m = structure.snp.measurement;
      measurements.push({ ...m, digest: structure.snp.chain.digest, ledger: structure.snp.chain.ledger() });
    }
    appendAll(measurements, structure.tdx);
    for (const m of measurements) for (const d of m.diagnostics) diags.add(softenKvmCheck(d));
    const receipt = this.receipt(input, settings, parsed, bytes, measurements, kernel, khPage);
    return {
      igvm: bytes,
      file: structure.file,
      measurements,
      kernelHashes: kernel,
      kernelHashesPage: khPage,
      receipt,
      diagnostics: diags.done(),
    };
  }

  private choosePlatforms(
    parsed: ParsedFirmware,
    settings: ComposeSettings,
    diags: Diagnostics,
  ): FukiPlatform[] | undefined {
    const available: FukiPlatform[] = [];
    if (parsed.sevMetadata) available.push('SEV_SNP');
    if (parsed.tdxMetadata) available.push('TDX');
    const wanted = settings.platforms ?? available;
    for (const p of wanted) {
      if (!available.includes(p)) {
        diags.error(
          'FUKI_PLATFORM_UNSUPPORTED',
          p === 'SEV_SNP'
            ? 'the firmware has no SEV metadata (ASEV): it cannot be launched as an SEV-SNP IGVM'
            : 'the firmware has no TDX metadata (TDVF): it cannot be launched as a TDX IGVM',
          { spec: 'fuki §4.2' },
        );
      }
    }
    if (diags.hasErrors) return undefined;
    if (wanted.length === 0) {
      diags.error(
        'FUKI_NO_PLATFORM',
        'the firmware has neither SEV metadata nor TDX metadata in its OVMF footer table: not a confidential-VM firmware',
        { spec: 'fuki §4.2.1' },
      );
      return undefined;
    }
    return [...wanted];
  }

  private build(
    key: string,
    fw: Uint8Array,
    parsed: ParsedFirmware,
    settings: ComposeSettings,
    platforms: FukiPlatform[],
    kernel: KernelHashes | undefined,
    diags: Diagnostics,
  ): { structure: Structure; khPage?: ComposeResult['kernelHashesPage'] } | undefined {
    const platformHeaders: IgvmHeaderInput[] = [];
    const init: IgvmHeaderInput[] = [];
    const directives: IgvmHeaderInput[] = [];
    let khPage: ComposeResult['kernelHashesPage'];
    if (platforms.includes('SEV_SNP')) {
      const plan = planSnpDirectives({
        firmware: fw,
        parsed,
        kernel,
        vcpus: settings.vcpus,
        vcpuSig: settings.vcpuSig,
        vmm: settings.vmm,
        guestFeatures: settings.guestFeatures,
        mask: MASK.SEV_SNP,
      });
      for (const d of plan.diagnostics.list) diags.add(d);
      if (plan.diagnostics.hasErrors) return undefined;
      platformHeaders.push(platformHeader(MASK.SEV_SNP, IGVM_PLATFORM_TYPE.SEV_SNP));
      init.push({ kind: 'GuestPolicy', compatibilityMask: MASK.SEV_SNP, policy: settings.snpPolicy, reserved: 0 });
      appendAll(directives, plan.directives);
      if (plan.kernelHashesPage) {
        const offsetInPage = parsed.sevHashTable!.gpa & 0xfff;
        khPage = { ...plan.kernelHashesPage, offsetInPage };
      }
      if (settings.profile === 'qemu-igvm' && settings.vcpus > 1)
        diags.warning(
          'FUKI_QEMU_AP_VMSAS',
          `QEMU/KVM takes only the first vCPU's VMSA from an IGVM file (igvmmeasure --check-kvm); the ${settings.vcpus - 1} AP VMSAs here are measured as written, which KVM may not reproduce`,
          { spec: 'igvm-format §14.7' },
        );
    }
    if (platforms.includes('TDX')) {
      const plan = planTdxDirectives(fw, parsed, MASK.TDX);
      for (const d of plan.diagnostics.list) diags.add(d);
      if (plan.diagnostics.hasErrors) return undefined;
      platformHeaders.push(platformHeader(MASK.TDX, IGVM_PLATFORM_TYPE.TDX));
      init.push({ kind: 'GuestPolicy', compatibilityMask: MASK.TDX, policy: settings.tdxPolicy, reserved: 0 });
      appendAll(directives, plan.directives);
    }
    const file: IgvmFileInput = { formatVersion: 1, platforms: platformHeaders, initialization: init, directives };
    let bytes: Bytes;
    try {
      bytes = serializeIgvm(file);
    } catch (e) {
      diags.error('FUKI_SERIALIZE', `the IGVM could not be written: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
    const reparsed = parseIgvm(bytes);
    if (!reparsed.file || reparsed.diagnostics.some((d) => d.severity === 'error')) {
      for (const d of reparsed.diagnostics) if (d.severity === 'error') diags.add(d);
      diags.error('FUKI_OUTPUT_INVALID', 'the composed IGVM does not parse cleanly (a bug: please report it)');
      return undefined;
    }
    const parsedIgvm = reparsed.file;
    const structure: Structure = { key, bytes, file, parsed: parsedIgvm, tdx: [], buildDiagnostics: [] };
    for (const p of supportedPlatforms(parsedIgvm)) {
      if (p.platformType === IGVM_PLATFORM_TYPE.SEV_SNP) {
        const m = measurePlatform(parsedIgvm, p, {
          snpProfile: MEASURE_PROFILE[settings.profile],
          checkKvm: settings.profile === 'qemu-igvm',
          ledger: false,
          hash: this.hash,
        });
        if (!m.chain) {
          diags.error('FUKI_MEASURE', 'the SNP measurement engine returned no chain');
          return undefined;
        }
        let khStep: number | undefined;
        let khFileOffset: number | undefined;
        if (khPage) {
          khStep = m.chain.stepOfGpa(khPage.gpa);
          const header = parsedIgvm.directives.find(
            (h): h is IgvmPageData =>
              h.kind === 'PageData' && h.gpa === khPage.gpa && (h.compatibilityMask & MASK.SEV_SNP) !== 0,
          );
          // Patch in place only if no other header shares the blob (the serializer de-duplicates contents).
          const shared = parsedIgvm.directives.some(
            (h) => h !== header && 'fileOffset' in h && h.fileOffset === header?.fileOffset,
          );
          if (header && !shared && header.data && equalBytes(header.data, khPage.page)) khFileOffset = header.fileOffset;
        }
        structure.snp = { measurement: m, chain: m.chain, khStep, khFileOffset };
      } else if (p.platformType === IGVM_PLATFORM_TYPE.TDX) {
        for (const order of ['single-pass', 'two-pass'] as TdxOrder[])
          structure.tdx.push(measurePlatform(parsedIgvm, p, { tdxOrder: order, ledger: true, hash: this.hash }));
      }
    }
    return { structure, khPage };
  }

  private blob(parts: readonly Uint8Array[]): ReceiptBlob {
    return {
      size: parts.reduce((n, p) => n + p.length, 0),
      sha256: toHex(this.cache.of('sha256', parts)),
      sha384: toHex(this.cache.of('sha384', parts)),
    };
  }

  /** The facts of this composition for receipt.ts (input digests from the cache, so nothing is hashed twice). */
  private receipt(
    input: ComposeInput,
    settings: ComposeSettings,
    parsed: ParsedFirmware,
    igvm: Bytes,
    measurements: PlatformMeasurement[],
    kernel: KernelHashes | undefined,
    khPage: ComposeResult['kernelHashesPage'],
  ): Receipt {
    const names = input.names ?? {};
    const hashed = settings.hashOutputs !== false;
    return composeReceipt({
      settings,
      firmware: { ...this.blob([input.firmware]), name: names.firmware, note: parsed.features.flavour },
      kernel: input.boot && { ...this.blob([input.boot.kernel]), name: names.kernel ?? (names.uki && `${names.uki} .linux`), source: input.boot.provenance.kernel },
      initrd: input.boot && {
        ...this.blob(input.boot.initrds),
        name: names.initrds?.join(' + ') || undefined,
        source: input.boot.provenance.initrds.join(' + ') || 'none (hashed as empty input)',
      },
      cmdline: { text: input.boot?.cmdline ?? '', sha256: kernel?.cmdline, source: input.boot?.provenance.cmdline ?? 'none' },
      kernelHashes: khPage && { ...khPage, pageSha256: this.hash.digest('sha256', khPage.page) },
      igvm: {
        size: igvm.length,
        sha256: hashed ? this.hash.digest('sha256', igvm) : undefined,
        sha384: hashed ? this.hash.digest('sha384', igvm) : undefined,
      },
      measurements,
    });
  }
}

/**
 * The composed VMSA has CR0 = 0x10, as sev-snp-measure writes it for a classic launch; igvmmeasure's KVM check
 * wants 0x30/0x31 in an IGVM VMSA because KVM replaces CR0 in the VMSA it measures (igvm-format §14.7, §16.3;
 * fuki §5.3, §6 item 10: unresolved without hardware). That is not a fault of the user's inputs, so instead of
 * the checker's failure text every composition carries one plain note: what is known, and what to check.
 */
export const VMSA_CR0_NOTE_CODE = 'VMSA_CR0_UNVERIFIED';

function softenKvmCheck(d: Diagnostic): Diagnostic {
  if (d.code !== 'KVM_INVALID_VMSA_CR0') return d;
  return {
    ...d,
    severity: 'info',
    code: VMSA_CR0_NOTE_CODE,
    message:
      "Known: this VMSA sets CR0 = 0x10, as sev-snp-measure does for a classic launch, and the SEV-SNP digest is computed from it. " +
      'Not known: KVM rebuilds the VMSA it measures and may put its own CR0 (0x30/0x31) there for an IGVM launch, which would change the digest. ' +
      'Check: launch this IGVM once on your SEV-SNP host and compare the attestation report MEASUREMENT with this digest before you use it as a reference value.',
    spec: 'igvm-format §14.7',
  };
}

function platformHeader(mask: number, platformType: number): IgvmHeaderInput {
  return {
    kind: 'SupportedPlatform',
    compatibilityMask: mask,
    highestVtl: 0,
    platformType,
    platformVersion: 1,
    sharedGpaBoundary: 0n,
  };
}
