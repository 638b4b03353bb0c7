// detectFileKind: what a dropped or named file is, from magic bytes only (cheap: reads at most 4 KiB).
// 'pe' covers UKIs, add-ons and kernels (told apart later by the PE module).
import { guidToString, u32 } from './bytes/bytes';
import { FOOTER_ENTRY_HEADER_LENGTH, FOOTER_TAIL_LENGTH } from './firmware/footer-table';
import { OVMF_TABLE_FOOTER_GUID } from './firmware/guids';
import { IGVM_MAGIC } from './igvm/types';
import { looksLikeSnpReport } from './attest/snp-report';
import { looksLikeTdxQuote } from './attest/tdx-quote';

export type FileKind = 'igvm' | 'pe' | 'firmware' | 'evidence' | 'cpio' | 'gzip' | 'text' | 'unknown';

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
  if (isCpio(b)) return 'cpio';
  if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) return 'gzip';
  if (looksLikeText(b)) return 'text';
  return 'unknown';
}
