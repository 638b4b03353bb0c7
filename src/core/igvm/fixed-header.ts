// Fixed header v1 (24 bytes) / v2 (32 bytes) and the checks the Rust parser makes on it (§2.1, §2.2, §2.4).
import { crc32Update } from '../bytes/crc32';
import { u32 } from '../bytes/bytes';
import type { Diagnostics } from '../diagnostics';
import {
  IGVM_FIXED_HEADER_V1_SIZE,
  IGVM_FIXED_HEADER_V2_SIZE,
  IGVM_MAGIC,
  IGVM_PAGE_SIZE,
  type IgvmArchitecture,
  type IgvmFixedHeader,
} from './types';
import { SPEC } from './context';

export interface FixedHeaderResult {
  header: IgvmFixedHeader;
  formatVersion: 1 | 2;
  architecture: IgvmArchitecture;
  pageSize: number;
  /** Clamped to the input: where the variable header section starts and ends. */
  vhStart: number;
  vhEnd: number;
  fileDataOffset: number;
  computedChecksum: number;
}

const spec = (s: string) => ({ offset: 0, spec: `${SPEC} §${s}` });

/** CRC-32 of the fixed header struct with checksum 0, then the variable header bytes (§2.3). */
export function igvmChecksum(fixed: Uint8Array, variableHeaders: Uint8Array): number {
  const copy = fixed.slice();
  copy.fill(0, 0x14, 0x18);
  return crc32Update(crc32Update(0, copy), variableHeaders);
}

/**
 * Undefined when the bytes are not an IGVM file we can frame at all (too short, bad magic, unknown version). `b` is
 * the file, or its start (a sliced parse, sliced.ts: `fileSize` is then the file's size and `b` reaches at least to
 * the end of the variable header section, or to the end of the file).
 */
export function parseFixedHeader(b: Uint8Array, diags: Diagnostics, fileSize = b.length): FixedHeaderResult | undefined {
  if (fileSize < IGVM_FIXED_HEADER_V1_SIZE) {
    diags.error('IGVM_TRUNCATED', `file is ${fileSize} bytes, shorter than the 24-byte fixed header`, spec('2.4'));
    return undefined;
  }
  const magic = u32(b, 0);
  if (magic !== IGVM_MAGIC) {
    diags.error('IGVM_BAD_MAGIC', `magic 0x${magic.toString(16)} is not "IGVM" (0x4d564749)`, spec('2.1'));
    return undefined;
  }
  const version = u32(b, 4);
  if (version !== 1 && version !== 2) {
    diags.error('IGVM_BAD_VERSION', `format_version ${version} is neither 1 nor 2`, spec('2.4'));
    return undefined;
  }
  if (version === 2 && fileSize < IGVM_FIXED_HEADER_V2_SIZE) {
    diags.error('IGVM_TRUNCATED', `a v2 file needs a 32-byte fixed header, file is ${fileSize} bytes`, spec('2.4'));
    return undefined;
  }
  const size = version === 1 ? IGVM_FIXED_HEADER_V1_SIZE : IGVM_FIXED_HEADER_V2_SIZE;
  const header: IgvmFixedHeader = {
    offset: 0,
    length: size,
    magic,
    formatVersion: version,
    variableHeaderOffset: u32(b, 8),
    variableHeaderSize: u32(b, 12),
    totalFileSize: u32(b, 16),
    checksum: u32(b, 20),
  };
  let architecture: IgvmArchitecture = 'X64';
  let pageSize = IGVM_PAGE_SIZE;
  if (version === 2) {
    header.architecture = u32(b, 0x18);
    header.pageSize = u32(b, 0x1c);
    if (header.architecture === 1) architecture = 'AArch64';
    else if (header.architecture !== 0)
      diags.error('IGVM_BAD_ARCHITECTURE', `architecture ${header.architecture} is neither 0 (X64) nor 1 (AArch64); read as X64`, spec('2.2'));
    pageSize = header.pageSize;
    if (pageSize !== IGVM_PAGE_SIZE)
      diags.error('IGVM_UNSUPPORTED_PAGE_SIZE', `page_size ${pageSize}: only 4096 is supported`, spec('2.2'));
  }
  if (header.totalFileSize !== fileSize)
    diags.error('IGVM_BAD_TOTAL_SIZE', `total_file_size ${header.totalFileSize} differs from the file length ${fileSize}`, spec('2.4'));

  const vho = header.variableHeaderOffset;
  if (vho < size || vho % 8 !== 0)
    diags.warning(
      'IGVM_ODD_VH_OFFSET',
      `variable_header_offset ${vho} should be ≥ ${size} and 8-aligned (the Rust parser does not check it)`,
      spec('2.1'),
    );
  const end = vho + header.variableHeaderSize; // both u32: exact in a double
  if (vho >= fileSize) diags.error('IGVM_VH_OFFSET_OUT_OF_RANGE', `variable_header_offset ${vho} is not inside the file`, spec('2.4'));
  else if (end > fileSize)
    diags.error('IGVM_VH_SECTION_OUT_OF_RANGE', `the variable header section ends at ${end}, past the end of the file (${fileSize})`, spec('2.4'));
  else if (end === fileSize)
    diags.warning(
      'IGVM_EMPTY_FILE_DATA',
      'the file data section is empty; well-formed per the spec, but the igvm crate parser rejects it (file_data_start must be < file size)',
      spec('2.4'),
    );
  const vhStart = Math.min(Math.max(vho, 0), fileSize);
  const vhEnd = Math.min(end, fileSize);
  const computedChecksum = igvmChecksum(b.subarray(0, size), b.subarray(vhStart, Math.max(vhStart, vhEnd)));
  if (computedChecksum !== header.checksum)
    diags.error(
      'IGVM_BAD_CHECKSUM',
      `checksum 0x${header.checksum.toString(16).padStart(8, '0')} does not match the computed CRC-32 0x${computedChecksum.toString(16).padStart(8, '0')}`,
      spec('2.3'),
    );
  return { header, formatVersion: version, architecture, pageSize, vhStart, vhEnd, fileDataOffset: end, computedChecksum };
}
