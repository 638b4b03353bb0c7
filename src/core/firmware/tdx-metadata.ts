// TDX metadata (TDVF descriptor), signature `TDVF` (fuki-uki-kernel-hashes.md §4.2.1 names its footer entry; layout
// from Intel "TDX Virtual Firmware Design Guide" §11, as parsed by QEMU hw/i386/tdvf.c): entries of 32 bytes
// {u32 DataOffset, u32 RawDataSize, u64 MemoryAddress, u64 MemoryDataSize, u32 Type, u32 Attributes}.
import { u32, u64 } from '../bytes/bytes';
import type { Diagnostics } from '../diagnostics';
import { readMetadataEntries, type MetadataFormat, type MetadataHeader } from './metadata-header';

const SPEC = 'TDVF design guide §11';
export const TDVF_ENTRY_LENGTH = 32;
const FORMAT: MetadataFormat = {
  signature: 'TDVF',
  entrySize: TDVF_ENTRY_LENGTH,
  code: 'FW_TDX_METADATA',
  spec: SPEC,
};

/** TDVF section types by value (TDVF design guide §11): BFV 0 … PayloadParam 6. */
export const TDVF_SECTION_NAME: Readonly<Record<number, string>> = ['BFV', 'CFV', 'TD_HOB', 'TempMem', 'PermMem', 'Payload', 'PayloadParam'];

/** Attributes bit 0: the pages are MR.EXTENDed into MRTD; bit 1: added with PAGE.AUG (not measured). */
export const TDVF_ATTRIBUTE_MR_EXTEND = 0x1;
export const TDVF_ATTRIBUTE_PAGE_AUG = 0x2;

export interface TdvfSection {
  index: number;
  offset: number;
  length: number;
  /** Where the section's initial data is in the firmware file (0/0 for memory-only sections). */
  rawOffset: number;
  rawSize: number;
  memBase: bigint;
  memSize: bigint;
  type: number;
  typeName: string | undefined;
  attributes: number;
  extendMr: boolean;
}

export interface TdxMetadata extends MetadataHeader {
  sections: TdvfSection[];
}

export function parseTdxMetadata(
  fw: Uint8Array,
  offsetFromEnd: number,
  diags: Diagnostics,
): TdxMetadata | undefined {
  const read = readMetadataEntries(fw, offsetFromEnd, FORMAT, diags, (offset, index): TdvfSection => {
    const type = u32(fw, offset + 24);
    const attributes = u32(fw, offset + 28);
    const section: TdvfSection = {
      index,
      offset,
      length: TDVF_ENTRY_LENGTH,
      rawOffset: u32(fw, offset),
      rawSize: u32(fw, offset + 4),
      memBase: u64(fw, offset + 8),
      memSize: u64(fw, offset + 16),
      type,
      typeName: TDVF_SECTION_NAME[type],
      attributes,
      extendMr: (attributes & TDVF_ATTRIBUTE_MR_EXTEND) !== 0,
    };
    const where = { offset, length: TDVF_ENTRY_LENGTH, index, spec: SPEC };
    if (section.typeName === undefined)
      diags.warning('FW_TDX_UNKNOWN_SECTION', `TDVF section type ${type} is unknown`, where);
    if (section.rawOffset + section.rawSize > fw.length) {
      diags.error(
        'FW_TDX_RAW_OUT_OF_FILE',
        `TDVF section ${index} data (0x${section.rawOffset.toString(16)} + 0x${section.rawSize.toString(16)}) runs past the end of the file`,
        where,
      );
    }
    if (BigInt(section.rawSize) > section.memSize) {
      diags.error(
        'FW_TDX_RAW_TOO_BIG',
        `TDVF section ${index} has more file data (0x${section.rawSize.toString(16)}) than memory (0x${section.memSize.toString(16)})`,
        where,
      );
    }
    if (section.memBase % 4096n !== 0n || section.memSize % 4096n !== 0n) {
      diags.error(
        'FW_TDX_SECTION_UNALIGNED',
        `TDVF section ${index} memory range is not 4 KiB aligned`,
        where,
      );
    }
    return section;
  });
  return read && { ...read.header, sections: read.entries };
}
