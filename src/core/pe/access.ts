// Reading section contents and header facts from a parsed PE.
import type { Bytes } from '../bytes/bytes';
import { SCN_CNT_CODE } from './constants';
import type { PeFile, PeSection } from './types';

/**
 * A section's contents as systemd-stub measures them: VirtualSize bytes (fuki §2.1 "Measured bytes"). A file
 * reader has only min(VirtualSize, SizeOfRawData) bytes; with `zeroFill` the tail up to VirtualSize is zero
 * (what a loader maps, and what systemd's uki_hash does, fuki §3.3).
 */
export function sectionBytes(file: Uint8Array, s: PeSection, opts: { zeroFill?: boolean } = {}): Bytes {
  const view = file.subarray(s.data.offset, s.data.offset + s.data.length);
  if (!opts.zeroFill || s.data.length >= s.virtualSize) return new Uint8Array(view);
  // Never allocate more than the file itself for a section header's claim.
  const out = new Uint8Array(Math.min(s.virtualSize, file.length));
  out.set(view);
  return out;
}

/** A view (no copy) of the min(VirtualSize, SizeOfRawData) bytes a file holds for a section. */
export function sectionView(file: Uint8Array, s: PeSection): Uint8Array {
  return file.subarray(s.data.offset, s.data.offset + s.data.length);
}

/** The first section with this name (the stub's lookup rule, fuki §2.1). */
export function findSection(pe: PeFile, name: string): PeSection | undefined {
  return pe.sections.find((s) => s.name === name);
}

export const isCodeSection = (s: PeSection): boolean => (s.characteristics & SCN_CNT_CODE) !== 0;

/** True when the certificate directory points at a non-empty table. */
export const isSigned = (pe: PeFile): boolean => pe.certificates.length > 0;

/**
 * The PE image checksum (fuki §2.1): 16-bit LE words with end-around carry, the CheckSum field skipped,
 * plus the file length.
 */
export function peChecksum(file: Uint8Array, checkSumOffset: number): number {
  let sum = 0;
  const n = file.length;
  for (let i = 0; i < n; i += 2) {
    if (i === checkSumOffset || i === checkSumOffset + 2) continue;
    sum += file[i]! | ((i + 1 < n ? file[i + 1]! : 0) << 8);
    sum = (sum & 0xffff) + (sum >>> 16);
  }
  sum = (sum & 0xffff) + (sum >>> 16);
  return (sum + n) >>> 0;
}
