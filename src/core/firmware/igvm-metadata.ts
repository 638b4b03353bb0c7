// edk2 IGVM metadata, signature `IGVM` (fuki-uki-kernel-hashes.md §5.4; edk2
// OvmfPkg/ResetVector/X64/IgvmMetadata.nasm.inc, edk2-stable202511+): same header as ASEV, entries
// {u32 a, u32 b, u32 type}; for the areas a/b are GPA/size, for the parameters they are offset/size inside the
// parameter area.
import { u32 } from '../bytes/bytes';
import type { Diagnostics } from '../diagnostics';
import { readMetadataEntries, type MetadataFormat, type MetadataHeader } from './metadata-header';

const SPEC = 'fuki §5.4';
export const IGVM_METADATA_ENTRY_LENGTH = 12;
const FORMAT: MetadataFormat = {
  signature: 'IGVM',
  entrySize: IGVM_METADATA_ENTRY_LENGTH,
  code: 'FW_IGVM_METADATA',
  spec: SPEC,
};

export const IGVM_METADATA_TYPE = {
  PARAM_AREA: 0x100,
  MEMORY_MAP: 0x101,
  VP_COUNT: 0x102,
  HOB_AREA: 0x200,
} as const;

export const IGVM_METADATA_TYPE_NAME: Record<number, string> = {
  0x100: 'PARAM_AREA',
  0x101: 'MEMORY_MAP',
  0x102: 'VP_COUNT',
  0x200: 'HOB_AREA',
};

export interface IgvmMetadataEntry {
  index: number;
  offset: number;
  length: number;
  /** GPA for PARAM_AREA / HOB_AREA; byte offset inside the parameter area for MEMORY_MAP / VP_COUNT. */
  location: number;
  size: number;
  type: number;
  typeName: string | undefined;
  /** True when `location` is a GPA (an area), false when it is an offset in the parameter area. */
  isArea: boolean;
}

export interface IgvmMetadata extends MetadataHeader {
  entries: IgvmMetadataEntry[];
}

export function parseIgvmMetadata(
  fw: Uint8Array,
  offsetFromEnd: number,
  diags: Diagnostics,
): IgvmMetadata | undefined {
  const read = readMetadataEntries(fw, offsetFromEnd, FORMAT, diags, (offset, index): IgvmMetadataEntry => {
    const type = u32(fw, offset + 8);
    const typeName = IGVM_METADATA_TYPE_NAME[type];
    if (typeName === undefined) {
      const where = { offset: offset + 8, length: 4, index, spec: SPEC };
      diags.warning(
        'FW_IGVM_UNKNOWN_ENTRY',
        `IGVM metadata entry type 0x${type.toString(16)} is unknown`,
        where,
      );
    }
    const isArea = type === IGVM_METADATA_TYPE.PARAM_AREA || type === IGVM_METADATA_TYPE.HOB_AREA;
    const length = IGVM_METADATA_ENTRY_LENGTH;
    return {
      index,
      offset,
      length,
      location: u32(fw, offset),
      size: u32(fw, offset + 4),
      type,
      typeName,
      isArea,
    };
  });
  return read && { ...read.header, entries: read.entries };
}
