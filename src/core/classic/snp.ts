// Classic SEV-SNP launch digest of OVMF (+ kernel hashes) under QEMU/EC2/GCE (fuki-uki-kernel-hashes.md §4.5;
// the step order is sev-snp-measure's guest.py: firmware pages, SEV metadata sections in table order, VMSAs).
import type { Bytes } from '../bytes/bytes';
import type { Diagnostics } from '../diagnostics';
import type { ParsedFirmware } from '../firmware/firmware';
import { SEV_SECTION, type SevMetadataSection } from '../firmware/sev-metadata';
import type { KernelHashes } from '../kernel-hashes/kernel-hashes';
import { placeKernelHashes } from '../kernel-hashes/placement';
import { PAGE_SIZE, SNP_PAGE_TYPE, ZERO_CONTENTS } from '../measure/snp-page-info';
import { VMSA_GPA, type VmmType } from '../vmsa/build';
import { SnpLedger } from './snp-ledger';
import { MAX_METADATA_PAGES, NO_KERNEL_HASHES_HINT } from './constants';

const SPEC = 'fuki §4.5';

/** Step 1 of §4.5: the firmware image as NORMAL pages, mapped to end at 4 GiB. */
export function measureFirmwarePages(ledger: SnpLedger, fw: Uint8Array, parsed: Pick<ParsedFirmware, 'baseGpa'>): void {
  ledger.normalPages(BigInt(parsed.baseGpa), fw, { source: 'firmware', label: 'firmware page' });
}

export interface SnpMetadataInput {
  parsed: ParsedFirmware;
  vmm: VmmType;
  kernel: KernelHashes | undefined;
}

export interface SnpMetadataOutput {
  kernelHashesTable?: Bytes;
  kernelHashesPage?: Bytes;
}

function sectionLabel(s: SevMetadataSection): string {
  return `${s.typeName ?? 'type ' + s.type} @0x${s.gpa.toString(16)}`;
}

/**
 * Step 2 of §4.5. Returns undefined after adding an error when sev-snp-measure (or QEMU) would reject the input.
 */
export function measureSevMetadata(
  ledger: SnpLedger,
  input: SnpMetadataInput,
  diags: Diagnostics,
): SnpMetadataOutput | undefined {
  const { parsed, vmm, kernel } = input;
  const sections = parsed.sevMetadata?.sections ?? [];
  const out: SnpMetadataOutput = {};
  const pages = sections.reduce((n, s) => n + Math.ceil(s.size / PAGE_SIZE), 0);
  if (pages > MAX_METADATA_PAGES) {
    diags.error(
      'CLASSIC_TOO_MANY_PAGES',
      `SEV metadata sections cover ${pages} pages, more than the ${MAX_METADATA_PAGES} this tool measures`,
      { spec: SPEC },
    );
    return undefined;
  }
  for (const s of sections) {
    const info = { source: 'sev-metadata' as const, label: sectionLabel(s), metadataIndex: s.index };
    const gpa = BigInt(s.gpa);
    if (s.size % PAGE_SIZE !== 0) {
      diags.error(
        'CLASSIC_SECTION_NOT_PAGES',
        `SEV metadata section ${s.index} size 0x${s.size.toString(16)} is not a whole number of pages`,
        { index: s.index, spec: SPEC },
      );
      return undefined;
    }
    switch (s.type) {
      case SEV_SECTION.SNP_SEC_MEM:
        ledger.emptyPages(vmm === 'gce' ? SNP_PAGE_TYPE.UNMEASURED : SNP_PAGE_TYPE.ZERO, gpa, s.size, info);
        break;
      case SEV_SECTION.SNP_SECRETS:
        ledger.update(SNP_PAGE_TYPE.SECRETS, gpa, ZERO_CONTENTS, info);
        break;
      case SEV_SECTION.CPUID:
        if (vmm !== 'ec2') ledger.update(SNP_PAGE_TYPE.CPUID, gpa, ZERO_CONTENTS, info);
        break;
      case SEV_SECTION.SVSM_CAA:
        ledger.emptyPages(SNP_PAGE_TYPE.ZERO, gpa, s.size, info);
        break;
      case SEV_SECTION.SNP_KERNEL_HASHES:
        if (kernel) {
          const placed = placeKernelHashes(parsed, s, kernel, diags);
          if (!placed) return undefined;
          out.kernelHashesTable = placed.table;
          out.kernelHashesPage = placed.page;
          ledger.normalPages(gpa, placed.page, {
            ...info,
            source: 'kernel-hashes',
            label: `kernel-hashes page @0x${s.gpa.toString(16)}`,
          });
        } else {
          ledger.emptyPages(SNP_PAGE_TYPE.ZERO, gpa, s.size, info);
        }
        break;
      default:
        diags.error(
          'CLASSIC_UNKNOWN_SECTION',
          `unknown OVMF metadata section type 0x${s.type.toString(16)} (sev-snp-measure and QEMU reject it)`,
          { index: s.index, spec: 'fuki §4.2.2' },
        );
        return undefined;
    }
  }
  // EC2 launches every CPUID page after all other sections (§4.5 step 2).
  if (vmm === 'ec2') {
    for (const s of sections) {
      if (s.type === SEV_SECTION.CPUID)
        ledger.update(SNP_PAGE_TYPE.CPUID, BigInt(s.gpa), ZERO_CONTENTS, {
          source: 'sev-metadata',
          label: `${sectionLabel(s)} (EC2: deferred)`,
          metadataIndex: s.index,
        });
    }
  }
  if (kernel && !sections.some((s) => s.type === SEV_SECTION.SNP_KERNEL_HASHES)) {
    diags.error(
      'CLASSIC_NO_SNP_KERNEL_HASHES',
      "Kernel specified but OVMF metadata doesn't include SNP_KERNEL_HASHES section",
      { spec: 'fuki §4.3' },
    );
    diags.warning('CLASSIC_HINT', NO_KERNEL_HASHES_HINT, { spec: 'fuki §4.3' });
    return undefined;
  }
  return out;
}

/** Step 3 of §4.5: one VMSA page per vCPU at KVM's fixed VMSA GPA. */
export function measureVmsas(ledger: SnpLedger, vmsas: Bytes[]): void {
  vmsas.forEach((page, vcpu) => {
    ledger.vmsaPage(VMSA_GPA, page, {
      source: 'vmsa',
      label: vcpu === 0 ? 'VMSA vCPU 0 (BSP)' : `VMSA vCPU ${vcpu} (AP)`,
      vcpu,
    });
  });
}
