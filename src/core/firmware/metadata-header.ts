// The header shared by the three OVMF metadata blocks reached from the footer table: `ASEV` (SEV),
// `TDVF` (TDX) and `IGVM` (edk2 IGVM): {4-byte signature, u32 total length, u32 version, u32 entry count},
// followed by fixed-size entries (fuki-uki-kernel-hashes.md §4.2.2, §5.4; TDVF spec "TDVF_DESCRIPTOR").
import { cString, inBounds, u32 } from '../bytes/bytes';
import type { Diagnostics } from '../diagnostics';

export const METADATA_HEADER_LENGTH = 16;

/** What distinguishes the three blocks: signature, entry size, diagnostic code prefix, spec reference. */
export interface MetadataFormat {
  signature: string;
  entrySize: number;
  code: 'FW_IGVM_METADATA' | 'FW_SEV_METADATA' | 'FW_TDX_METADATA';
  spec: string;
}

export interface MetadataHeader {
  /** File offset of the signature. */
  offset: number;
  /** Bytes from the signature to the end of the last entry that lies inside the file. */
  length: number;
  signature: string;
  declaredLength: number;
  version: number;
  declaredCount: number;
  /** Entries actually decodable: min(declared count, what fits in the declared length and the file). */
  count: number;
  entriesOffset: number;
}

/**
 * Locates and checks a metadata header that the footer table says lies `offsetFromEnd` bytes before the end of
 * the file. Returns undefined (with an error) when it cannot be read.
 */
export function readMetadataHeader(
  fw: Uint8Array,
  offsetFromEnd: number,
  format: MetadataFormat,
  diags: Diagnostics,
): MetadataHeader | undefined {
  const { signature: expected, entrySize, code, spec } = format;
  const offset = fw.length - offsetFromEnd;
  if (offsetFromEnd <= 0 || !inBounds(fw, offset, METADATA_HEADER_LENGTH)) {
    diags.error(
      `${code}_OUT_OF_FILE`,
      `${expected} metadata offset 0x${offsetFromEnd.toString(16)} from the end lies outside the file`,
      { spec },
    );
    return undefined;
  }
  const signature = cString(fw, offset, 4);
  if (signature !== expected) {
    diags.error(`${code}_BAD_SIGNATURE`, `expected signature '${expected}', found '${signature}'`, {
      offset,
      length: 4,
      spec,
    });
    return undefined;
  }
  const declaredLength = u32(fw, offset + 4);
  const version = u32(fw, offset + 8);
  const declaredCount = u32(fw, offset + 12);
  if (version !== 1)
    diags.warning(`${code}_VERSION`, `${expected} metadata version ${version} (only 1 is known)`, {
      offset: offset + 8,
      length: 4,
      spec,
    });
  const entriesOffset = offset + METADATA_HEADER_LENGTH;
  let count = declaredCount;
  const fitsInLength = Math.max(0, Math.floor((declaredLength - METADATA_HEADER_LENGTH) / entrySize));
  if (count > fitsInLength) {
    diags.error(
      `${code}_BAD_LENGTH`,
      `${declaredCount} entries of ${entrySize} bytes do not fit in the declared length ${declaredLength}`,
      {
        offset: offset + 4,
        length: 4,
        spec,
      },
    );
    count = fitsInLength;
  }
  const fitsInFile = Math.floor((fw.length - entriesOffset) / entrySize);
  if (count > fitsInFile) {
    diags.error(`${code}_TRUNCATED`, `${expected} metadata entries run past the end of the file`, {
      offset: entriesOffset,
      spec,
    });
    count = fitsInFile;
  }
  return {
    offset,
    length: METADATA_HEADER_LENGTH + count * entrySize,
    signature,
    declaredLength,
    version,
    declaredCount,
    count,
    entriesOffset,
  };
}

/** Reads the header, then decodes each of its `count` entries with `decodeEntry(fileOffset, index)`. */
export function readMetadataEntries<T>(
  fw: Uint8Array,
  offsetFromEnd: number,
  format: MetadataFormat,
  diags: Diagnostics,
  decodeEntry: (offset: number, index: number) => T,
): { header: MetadataHeader; entries: T[] } | undefined {
  const header = readMetadataHeader(fw, offsetFromEnd, format, diags);
  if (!header) return undefined;
  const entries: T[] = [];
  for (let index = 0; index < header.count; index++) {
    entries.push(decodeEntry(header.entriesOffset + index * format.entrySize, index));
  }
  return { header, entries };
}
