// OVMF SEV metadata, signature `ASEV` (fuki-uki-kernel-hashes.md §4.2.2; edk2
// OvmfPkg/ResetVector/X64/OvmfSevMetadata.nasm.inc): entries {u32 GPA, u32 size, u32 type}.
import { u32 } from '../bytes/bytes';
import type { Diagnostics } from '../diagnostics';
import { readMetadataEntries, type MetadataFormat, type MetadataHeader } from './metadata-header';

const SPEC = 'fuki §4.2.2';
export const SEV_METADATA_ENTRY_LENGTH = 12;
const FORMAT: MetadataFormat = {
  signature: 'ASEV',
  entrySize: SEV_METADATA_ENTRY_LENGTH,
  code: 'FW_SEV_METADATA',
  spec: SPEC,
};

/** Section types (§4.2.2). */
export const SEV_SECTION = {
  SNP_SEC_MEM: 1,
  SNP_SECRETS: 2,
  CPUID: 3,
  SVSM_CAA: 4,
  SNP_KERNEL_HASHES: 0x10,
} as const;

export const SEV_SECTION_NAME: Record<number, string> = {
  1: 'SNP_SEC_MEM',
  2: 'SNP_SECRETS',
  3: 'CPUID',
  4: 'SVSM_CAA',
  0x10: 'SNP_KERNEL_HASHES',
};

export interface SevMetadataSection {
  index: number;
  offset: number;
  length: number;
  gpa: number;
  size: number;
  type: number;
  /** undefined for a type this tool does not know (kept, with a warning). */
  typeName: string | undefined;
}

export interface SevMetadata extends MetadataHeader {
  sections: SevMetadataSection[];
}

export function parseSevMetadata(
  fw: Uint8Array,
  offsetFromEnd: number,
  diags: Diagnostics,
): SevMetadata | undefined {
  const read = readMetadataEntries(fw, offsetFromEnd, FORMAT, diags, (offset, index): SevMetadataSection => {
    const type = u32(fw, offset + 8);
    const section = {
      index,
      offset,
      length: SEV_METADATA_ENTRY_LENGTH,
      gpa: u32(fw, offset),
      size: u32(fw, offset + 4),
      type,
      typeName: SEV_SECTION_NAME[type],
    };
    const where = { offset, length: SEV_METADATA_ENTRY_LENGTH, index, spec: SPEC };
    if (section.typeName === undefined) {
      diags.warning(
        'FW_SEV_UNKNOWN_SECTION',
        `SEV metadata section type 0x${type.toString(16)} is unknown`,
        where,
      );
    }
    if (section.gpa % 4096 !== 0 || section.size % 4096 !== 0) {
      const range = `GPA 0x${section.gpa.toString(16)}, size 0x${section.size.toString(16)}`;
      diags.warning(
        'FW_SEV_SECTION_UNALIGNED',
        `SEV metadata section ${index} (${range}) is not 4 KiB aligned`,
        where,
      );
    }
    return section;
  });
  return read && { ...read.header, sections: read.entries };
}
