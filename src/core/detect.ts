// detectFileKind: what a dropped or named file is, from magic bytes only (cheap: reads at most 4 KiB).
// 'pe' covers UKIs, add-ons and kernels (told apart later by the PE module).
import { guidToString, u32 } from './bytes/bytes';
import { FOOTER_ENTRY_HEADER_LENGTH, FOOTER_TAIL_LENGTH } from './firmware/footer-table';
import { OVMF_TABLE_FOOTER_GUID } from './firmware/guids';
import { IGVM_MAGIC } from './igvm/types';
import { looksLikeSnpReport } from './attest/snp-report';
import { looksLikeTdxQuote } from './attest/tdx-quote';
import { looksLikeCcelTable, looksLikeEventLog } from './eventlog/sniff';

export type FileKind =
  | 'igvm'
  | 'pe'
  | 'firmware'
  | 'evidence'
  /** A TCG PC Client event log (SHA-1 or crypto-agile) or a TDX CCEL log area. */
  | 'eventlog'
  /** The ACPI CCEL table that locates a TDX CCEL log area. */
  | 'ccel-table'
  | 'cpio'
  | 'gzip'
  | 'text'
  | 'unknown';

/** "MZ" with e_lfanew pointing at "PE\0\0" (PE/COFF spec). */
function isPe(b: Uint8Array): boolean {
  if (b.length < 0x40 || b[0] !== 0x4d || b[1] !== 0x5a) return false;
  const lfanew = u32(b, 0x3c);
  return lfanew + 4 <= b.length && u32(b, lfanew) === 0x00004550;
}

/** OVMF footer GUID at end − 0x30 (fuki-uki-kernel-hashes.md §4.2.1). */
function hasOvmfFooter(b: Uint8Array): boolean {
  const at = b.length - FOOTER_TAIL_LENGTH - FOOTER_ENTRY_HEADER_LENGTH + 2;
  return at >= 0 && guidToString(b, at) === OVMF_TABLE_FOOTER_GUID;
}

/** newc / crc cpio: ASCII "070701" or "070702". */
function isCpio(b: Uint8Array): boolean {
  if (b.length < 6) return false;
  const m = [0x30, 0x37, 0x30, 0x37, 0x30];
  return m.every((c, i) => b[i] === c) && (b[5] === 0x31 || b[5] === 0x32);
}

/** Printable ASCII/UTF-8 with ordinary whitespace in the first 4 KiB (a command line, a config). */
function looksLikeText(b: Uint8Array): boolean {
  const n = Math.min(b.length, 4096);
  if (n === 0) return false;
  for (let i = 0; i < n; i++) {
    const c = b[i]!;
    if (c < 0x09 || (c > 0x0d && c < 0x20 && c !== 0x1b) || c === 0x7f) return false;
  }
  return true;
}

export function detectFileKind(b: Uint8Array): FileKind {
  if (b.length >= 4 && u32(b, 0) === IGVM_MAGIC) return 'igvm';
  if (isPe(b)) return 'pe';
  if (hasOvmfFooter(b)) return 'firmware';
  if (looksLikeSnpReport(b) || looksLikeTdxQuote(b)) return 'evidence';
  if (looksLikeEventLog(b)) return 'eventlog';
  if (looksLikeCcelTable(b)) return 'ccel-table';
  if (isCpio(b)) return 'cpio';
  if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) return 'gzip';
  if (looksLikeText(b)) return 'text';
  return 'unknown';
}

/** Magic numbers of common file types that are not firmware, so "unknown" can name what a file is instead. */
const FOREIGN: { label: string; at?: number; magic: number[] }[] = [
  { label: 'PNG image', magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { label: 'JPEG image', magic: [0xff, 0xd8, 0xff] },
  { label: 'GIF image', magic: [0x47, 0x49, 0x46, 0x38] },
  { label: 'PDF document', magic: [0x25, 0x50, 0x44, 0x46, 0x2d] },
  { label: 'ZIP archive', magic: [0x50, 0x4b, 0x03, 0x04] },
  { label: 'ZIP archive (empty)', magic: [0x50, 0x4b, 0x05, 0x06] },
  { label: 'ELF binary', magic: [0x7f, 0x45, 0x4c, 0x46] },
  { label: 'tar archive', at: 257, magic: [0x75, 0x73, 0x74, 0x61, 0x72] },
  { label: 'qcow2 disk image', magic: [0x51, 0x46, 0x49, 0xfb] },
  { label: 'SQLite database', magic: [0x53, 0x51, 0x4c, 0x69, 0x74, 0x65, 0x20, 0x66] },
  // Compressors an initrd may use (the kernel unpacks them); named "…-compressed" so callers can tell them apart.
  { label: 'xz-compressed data', magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] },
  { label: 'zstd-compressed data', magic: [0x28, 0xb5, 0x2f, 0xfd] },
  { label: 'LZ4-compressed data', magic: [0x04, 0x22, 0x4d, 0x18] },
  { label: 'LZ4-compressed data (legacy)', magic: [0x02, 0x21, 0x4c, 0x18] },
  { label: 'bzip2-compressed data', magic: [0x42, 0x5a, 0x68] },
  { label: 'LZMA-compressed data', magic: [0x5d, 0x00, 0x00] },
];

/**
 * What an 'unknown' file is, when that can be named: "empty file", a common non-firmware type (PNG, ZIP, ELF,
 * PDF…), or a compressor. undefined = nothing recognisable.
 */
export function describeUnknown(b: Uint8Array): string | undefined {
  if (b.length === 0) return 'empty file';
  for (const f of FOREIGN) {
    const at = f.at ?? 0;
    if (b.length >= at + f.magic.length && f.magic.every((m, i) => b[at + i] === m)) return f.label;
  }
  return undefined;
}
