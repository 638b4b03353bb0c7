// The hash-page route for SEV-SNP (fuki-uki-kernel-hashes.md §5.2): a raw OVMF image with SEV metadata, plus the
// kernel-hashes page, as IGVM directives. The page order is the classic `-bios` launch order of §4.5 (firmware pages,
// SEV metadata sections in table order, VMSAs), taken from the classic ledger so both can never drift apart.
import type { Bytes } from '../bytes/bytes';
import { Diagnostics } from '../diagnostics';
import type { ParsedFirmware } from '../firmware/firmware';
import type { HashBackend, IncrementalHash } from '../hash/hash';
import { measureClassic } from '../classic/classic';
import type { ClassicStep } from '../classic/types';
import type { KernelHashes } from '../kernel-hashes/kernel-hashes';
import { IGVM_PAGE_DATA_TYPE, IGVM_PAGE_FLAG, type IgvmHeaderInput } from '../igvm/types';
import { PAGE_SIZE, SNP_PAGE_TYPE } from '../measure/snp-page-info';
import type { VmmType } from '../vmsa/build';

export { FUKI_PROFILES, type FukiProfile } from './profiles';

export interface SnpPlanInput {
  firmware: Uint8Array;
  parsed: ParsedFirmware;
  /** Digests for the kernel-hashes page; undefined = no direct boot (the page stays a zero page). */
  kernel: KernelHashes | undefined;
  vcpus: number;
  vcpuSig: number;
  vmm: VmmType;
  guestFeatures: bigint;
  /** Compatibility mask bit of the SNP platform header. */
  mask: number;
}

export interface SnpPlan {
  directives: IgvmHeaderInput[];
  /** The 4 KiB kernel-hashes page and its GPA, when a kernel was given. */
  kernelHashesPage?: { gpa: bigint; page: Bytes; table: Bytes };
  /** The classic `-bios` ledger this plan mirrors (steps without digests: see planOnlyHash). */
  steps: ClassicStep[];
  vmsas: Bytes[];
  diagnostics: Diagnostics;
}

/**
 * A HashBackend that hashes nothing: the classic ledger run with it yields the step plan (source, GPA, page type)
 * at no cost. Its digests are zero-filled and never used.
 */
const planOnlyHash: HashBackend = {
  name: 'plan-only',
  digest: (alg) => new Uint8Array(alg === 'sha384' ? 48 : alg === 'sha256' ? 32 : alg === 'sha1' ? 20 : 64),
  create(alg) {
    const h: IncrementalHash = { update: () => h, digest: () => planOnlyHash.digest(alg, new Uint8Array(0)) };
    return h;
  },
};

function zeroPage(gpa: bigint, mask: number, flags = 0, dataType: number = IGVM_PAGE_DATA_TYPE.NORMAL): IgvmHeaderInput {
  return { kind: 'PageData', compatibilityMask: mask, gpa, fileOffset: 0, flags, dataType, reserved: 0 };
}

function dataPage(gpa: bigint, mask: number, data: Uint8Array): IgvmHeaderInput {
  return { kind: 'PageData', compatibilityMask: mask, gpa, fileOffset: 0, flags: 0, dataType: 0, reserved: 0, data };
}

export function planSnpDirectives(input: SnpPlanInput): SnpPlan {
  const diagnostics = new Diagnostics();
  const classic = measureClassic(
    {
      mode: 'snp',
      firmware: input.firmware,
      parsed: input.parsed,
      vcpus: input.vcpus,
      vcpuSig: input.vcpuSig,
      vmm: input.vmm,
      guestFeatures: input.guestFeatures,
      kernel: input.kernel,
    },
    planOnlyHash,
  );
  for (const d of classic.diagnostics) diagnostics.add(d);
  if (classic.digest === undefined) return { directives: [], steps: classic.steps, vmsas: [], diagnostics };

  const { mask } = input;
  const directives: IgvmHeaderInput[] = [];
  const base = BigInt(input.parsed.baseGpa);
  for (const step of classic.steps) {
    const gpa = step.gpa!;
    switch (step.pageType) {
      case SNP_PAGE_TYPE.NORMAL:
        if (step.source === 'firmware') {
          const off = Number(gpa - base);
          // Always with data, even an all-zero firmware page: it is a NORMAL page in the classic launch.
          directives.push(dataPage(gpa, mask, input.firmware.subarray(off, off + PAGE_SIZE)));
        } else if (step.source === 'kernel-hashes') {
          directives.push(dataPage(gpa, mask, classic.kernelHashesPage!));
        } else {
          diagnostics.error('FUKI_UNEXPECTED_STEP', `unexpected NORMAL step from ${step.source}`);
        }
        break;
      case SNP_PAGE_TYPE.ZERO:
        directives.push(zeroPage(gpa, mask));
        break;
      case SNP_PAGE_TYPE.UNMEASURED:
        directives.push(zeroPage(gpa, mask, IGVM_PAGE_FLAG.UNMEASURED));
        break;
      case SNP_PAGE_TYPE.SECRETS:
        directives.push(zeroPage(gpa, mask, 0, IGVM_PAGE_DATA_TYPE.SECRETS));
        break;
      case SNP_PAGE_TYPE.CPUID:
        directives.push(zeroPage(gpa, mask, 0, IGVM_PAGE_DATA_TYPE.CPUID_DATA));
        break;
      case SNP_PAGE_TYPE.VMSA:
        directives.push({
          kind: 'SnpVpContext',
          compatibilityMask: mask,
          gpa,
          fileOffset: 0,
          vpIndex: step.vcpu ?? 0,
          reserved: 0,
          vmsa: classic.vmsas[step.vcpu ?? 0]!,
        });
        break;
      default:
        diagnostics.error('FUKI_UNEXPECTED_STEP', `unexpected classic step type ${step.pageType} (${step.label})`);
    }
  }
  const khSection = classic.kernelHashesPage
    ? classic.steps.find((s) => s.source === 'kernel-hashes')
    : undefined;
  return {
    directives,
    kernelHashesPage: khSection
      ? { gpa: khSection.gpa!, page: classic.kernelHashesPage!, table: classic.kernelHashesTable! }
      : undefined,
    steps: classic.steps,
    vmsas: classic.vmsas,
    diagnostics,
  };
}
