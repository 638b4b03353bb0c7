// File-kind detection by content (magic bytes only). INTERIM: src/core/detect.ts (`detectFileKind`, owned by
// the IGVM codec helper) is the intended home; once it lands this module becomes a re-export of it.
import { guidToString, u32 } from '../core/bytes/bytes';
import { FOOTER_ENTRY_HEADER_LENGTH, FOOTER_TAIL_LENGTH } from '../core/firmware/footer-table';
import { OVMF_TABLE_FOOTER_GUID } from '../core/firmware/guids';
import type { FileKind } from './protocol';

const IGVM_MAGIC = 0x4d564749; // "IGVM", igvm-format §2.1

function isPe(b: Uint8Array): boolean {
  if (b.length < 0x40 || b[0] !== 0x4d || b[1] !== 0x5a) return false; // "MZ"
  const lfanew = u32(b, 0x3c);
  return lfanew + 4 <= b.length && u32(b, lfanew) === 0x00004550; // "PE\0\0"
}

function hasOvmfFooter(b: Uint8Array): boolean {
  const at = b.length - FOOTER_TAIL_LENGTH - FOOTER_ENTRY_HEADER_LENGTH + 2;
  return at >= 0 && guidToString(b, at) === OVMF_TABLE_FOOTER_GUID;
}

function looksLikeText(b: Uint8Array): boolean {
  const n = Math.min(b.length, 4096);
  if (n === 0) return false;
  for (let i = 0; i < n; i++) {
    const c = b[i]!;
    if (c < 0x09 || (c > 0x0d && c < 0x20 && c !== 0x1b)) return false;
  }
  return true;
}

export function detectFileKind(b: Uint8Array): FileKind {
  if (b.length >= 4 && u32(b, 0) === IGVM_MAGIC) return 'igvm';
  if (isPe(b)) return 'pe';
  if (hasOvmfFooter(b)) return 'firmware';
  if (b.length >= 6 && String.fromCharCode(...b.subarray(0, 6)).match(/^07070[12]$/)) return 'cpio';
  if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) return 'gzip';
  if (looksLikeText(b)) return 'text';
  return 'unknown';
}
