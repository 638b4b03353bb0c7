// IGVM directives → SNP page operations (igvm-format-and-measurement.md §14.2.3, §14.2.5), per profile (§20),
// plus igvmmeasure's --check-kvm rules (§16.3) as diagnostics.
import { u64 } from '../bytes/bytes';
import { Diagnostics, type Diagnostic } from '../diagnostics';
import {
  IGVM_PAGE_DATA_TYPE,
  IGVM_PAGE_FLAG,
  type IgvmHeader,
  type IgvmPageData,
  type IgvmSnpIdBlock,
  type IgvmSnpVpContext,
  type IgvmSupportedPlatform,
  appliesTo,
} from '../igvm/types';
import { MAX_MEASURE_OPS, type SnpOptions } from './options';
import type { SnpOp } from './snp-chain';
import { SNP_PAGE_TYPE } from './snp-page-info';
import { pagesOf, ParameterAreas, trimRefused, WorkBudget, type MeasureSource } from './source';

/** The GPA QEMU/KVM measures the boot VMSA at (§14.7, §16.3). */
export const KVM_VMSA_GPA = 0xfffffffff000n;
/** CR0 values KVM accepts in the file's VMSA (§16.3); CR0 is at VMSA offset 0x158 (§8.1). */
const KVM_VMSA_CR0 = [0x31n, 0x30n];
const VMSA_CR0_OFFSET = 0x158;
const PAGES_PER_2MB = 512;

export interface SnpTranslation {
  ops: SnpOp[];
  /** The last SNP_ID_BLOCK whose mask overlaps the platform (§15, §16.2), if any. */
  idBlock?: IgvmSnpIdBlock;
  diagnostics: Diagnostic[];
}

export interface SnpTranslateOptions extends SnpOptions {
  /** igvmmeasure --check-kvm (§16.3). */
  checkKvm?: boolean;
}

export function snpOps(
  src: MeasureSource,
  platform: IgvmSupportedPlatform,
  o: SnpTranslateOptions,
): SnpTranslation {
  const diags = new Diagnostics();
  const mask = platform.compatibilityMask;
  const ops: SnpOp[] = [];
  const areas = new ParameterAreas();
  let idBlock: IgvmSnpIdBlock | undefined;
  let vmsaCount = 0;
  const where = (h: IgvmHeader, spec: string) => ({ index: h.index, offset: h.offset, spec });
  const applies =
    o.maskTest === 'overlaps'
      ? (m: number) => (m & mask) !== 0
      : (m: number) => (m & mask) >>> 0 === mask >>> 0;

  if (
    o.requireGuestPolicy &&
    !src.initialization.some((h) => h.kind === 'GuestPolicy' && appliesTo(h, mask, o.maskTest))
  )
    diags.warning(
      'SNP_MISSING_GUEST_POLICY',
      'no GUEST_POLICY for SEV-SNP: the igvm crate refuses to measure this file (MissingGuestPolicy)',
      {
        spec: 'igvm-format §14.2.3',
      },
    );

  const push = (op: SnpOp): boolean => {
    if (ops.length >= MAX_MEASURE_OPS) return false;
    ops.push(op);
    return true;
  };
  /** A VMSA page: measured with its contents, after the VMSA-count checks (§14.2.3). */
  const vmsa = (h: IgvmSnpVpContext): void => {
    vmsaCount = vmsaCheck(h, vmsaCount, o, diags);
    push({
      header: h.index,
      offset: h.offset,
      gpa: h.gpa,
      pageType: SNP_PAGE_TYPE.VMSA,
      content: 'data',
      data: h.vmsa,
    });
  };
  const budget = new WorkBudget(src);

  for (const h of src.directives) {
    // A page with contents costs a 4 KiB SHA-384; VMSAs are pages with contents too (§14.2.3).
    if ((h.kind === 'PageData' && (h.data || h.deferred)) || h.kind === 'SnpVpContext')
      if (!budget.take(4096, h, diags)) break;
    if (ops.length >= MAX_MEASURE_OPS) {
      diags.error(
        'MEASURE_TOO_MANY_OPS',
        `more than ${MAX_MEASURE_OPS} page operations; measurement truncated`,
        where(h, 'igvm-format §14'),
      );
      break;
    }
    if (h.kind === 'ParameterArea') {
      areas.declare(h.parameterAreaIndex, h.numberOfBytes, h, diags);
      continue;
    }
    // igvmmeasure measures every SnpVpContext regardless of its mask (§14.2.3, §19.3).
    if (h.kind === 'SnpVpContext' && !o.vmsaMaskFilter) {
      vmsa(h);
      continue;
    }
    // PAGE_DATA dominates (one header per page): test its mask directly, no generic lookup.
    if (h.kind === 'PageData') {
      if (applies(h.compatibilityMask)) pageOps(h, o, diags, ops);
      continue;
    }
    if (!appliesTo(h, mask, o.maskTest)) continue;
    switch (h.kind) {
      case 'ParameterInsert': {
        if (o.checkKvm && vmsaCount > 0)
          diags.error(
            'KVM_INVALID_VMSA_ORDER',
            'KVM Check failed: InvalidVmsaOrder (PARAMETER_INSERT after the VMSA)',
            where(h, 'igvm-format §16.3'),
          );
        const pages =
          o.parameterInsertPages === 'first'
            ? 1
            : pagesOf(areas.size(h.parameterAreaIndex, h, diags), h, diags, 'igvm-format §7.5');
        for (let k = 0; k < pages; k++)
          if (
            !push({
              header: h.index,
              offset: h.offset,
              gpa: h.gpa + BigInt(k) * 4096n,
              pageType: SNP_PAGE_TYPE.UNMEASURED,
              content: 'none',
            })
          )
            break;
        break;
      }
      case 'SnpVpContext':
        vmsa(h);
        break;
      case 'SnpIdBlock':
        idBlock = h;
        break;
      default:
        break;
    }
  }
  return { ...trimRefused(ops, diags.done()), idBlock };
}

function vmsaCheck(
  h: IgvmHeader & { gpa: bigint; vmsa: Uint8Array },
  count: number,
  o: SnpTranslateOptions,
  diags: Diagnostics,
): number {
  if (!o.checkKvm) return count + 1;
  const at = { index: h.index, offset: h.offset, spec: 'igvm-format §16.3' };
  if (count >= 1)
    diags.error(
      'KVM_INVALID_VMSA_COUNT',
      'KVM Check failed: InvalidVmsaCount (QEMU/KVM takes one VMSA from the file)',
      at,
    );
  if (h.gpa !== KVM_VMSA_GPA)
    diags.error(
      'KVM_INVALID_VMSA_GPA',
      `KVM Check failed: InvalidVmsaGpa (0x${h.gpa.toString(16).toUpperCase().padStart(16, '0')})`,
      at,
    );
  const cr0 = h.vmsa.length >= VMSA_CR0_OFFSET + 8 ? u64(h.vmsa, VMSA_CR0_OFFSET) : 0n;
  if (!KVM_VMSA_CR0.includes(cr0))
    diags.error('KVM_INVALID_VMSA_CR0', `KVM Check failed: InvalidVmsaCr0 (cr0 0x${cr0.toString(16)})`, at);
  return count + 1;
}

/** One PAGE_DATA → 0, 1 or 512 operations pushed onto `out` (§14.2.3). Hot path: no intermediate arrays. */
function pageOps(h: IgvmPageData, o: SnpOptions, diags: Diagnostics, out: SnpOp[]): void {
  if ((h.flags & IGVM_PAGE_FLAG.SHARED) !== 0 && o.sharedPages === 'skip') return;
  let pageType: number;
  let content: SnpOp['content'] = 'none';
  switch (h.dataType) {
    case IGVM_PAGE_DATA_TYPE.SECRETS:
      pageType = SNP_PAGE_TYPE.SECRETS;
      break;
    case IGVM_PAGE_DATA_TYPE.CPUID_DATA:
    case IGVM_PAGE_DATA_TYPE.CPUID_XF:
      pageType = SNP_PAGE_TYPE.CPUID;
      break;
    case IGVM_PAGE_DATA_TYPE.NORMAL:
      if ((h.flags & IGVM_PAGE_FLAG.UNMEASURED) !== 0) pageType = SNP_PAGE_TYPE.UNMEASURED;
      else if (h.data || h.deferred) {
        pageType = SNP_PAGE_TYPE.NORMAL;
        content = 'data';
      } else if (o.zeroPages === 'native') pageType = SNP_PAGE_TYPE.ZERO;
      else {
        pageType = SNP_PAGE_TYPE.NORMAL;
        content = 'zero-page';
      }
      break;
    default:
      diags.warning('SNP_PAGE_DATA_TYPE_IGNORED', `page data type ${h.dataType} is not measured`, {
        index: h.index,
        offset: h.offset,
        spec: 'igvm-format §14.2.3',
      });
      return;
  }
  const data = content === 'data' ? h.data : undefined;
  // A detached model's page (detach.ts): its bytes are read from the file at this offset by the caller's hasher.
  const fileOffset = content === 'data' && h.deferred ? h.fileOffset : undefined;
  let count = 1;
  if ((h.flags & IGVM_PAGE_FLAG.IS_2MB_PAGE) !== 0 && o.twoMbPages === 'expand') {
    if (h.data || h.deferred)
      diags.error(
        'SNP_2MB_PAGE_WITH_DATA',
        'igvmmeasure panics on a 2MB page with file data (it expects 2MB of data); measured as one 4K page',
        {
          index: h.index,
          offset: h.offset,
          spec: 'igvm-format §14.2.3',
        },
      );
    else count = PAGES_PER_2MB;
  }
  for (let k = 0; k < count; k++)
    out.push({
      header: h.index,
      offset: h.offset,
      gpa: k === 0 ? h.gpa : h.gpa + BigInt(k) * 4096n,
      pageType,
      content,
      data,
      ...(fileOffset !== undefined && { fileOffset }),
    });
}
