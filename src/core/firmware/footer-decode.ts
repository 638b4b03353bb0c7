// What each known OVMF footer GUID entry's data means (fuki-uki-kernel-hashes.md §4.2.1, the GUID table), so the
// firmware view can say "GPA 0x810c00, 0x400 bytes" instead of showing only the GUID.
import { u32 } from '../bytes/bytes';
import type { FooterEntry } from './footer-table';
import { FOOTER_GUID } from './guids';

const hex = (v: number) => '0x' + v.toString(16);

/** A plain-words reading of the entry's data, or undefined for an unknown GUID or a too-short entry. */
export function describeFooterEntry(e: FooterEntry, fileLength: number): string | undefined {
  const d = e.data;
  const word = (at: number) => (d.length >= at + 4 ? u32(d, at) : undefined);
  const a = word(0);
  const b = word(4);
  if (a === undefined) return undefined;
  const fromEnd = (what: string) =>
    `${what} at file offset ${hex(fileLength - a)} (${hex(a)} from the end of the image)`;
  switch (e.guid) {
    case FOOTER_GUID.SEV_ES_RESET_BLOCK:
      // u32 AP reset address: CS base = value & 0xFFFF0000, IP = value & 0xFFFF.
      return `AP reset address ${hex(a)} (CS base ${hex(a & 0xffff0000)}, IP ${hex(a & 0xffff)})`;
    case FOOTER_GUID.SEV_HASH_TABLE:
      if (b === undefined) return undefined;
      return a === 0 && b === 0
        ? 'no kernel-hashes table (base 0, size 0: this build does not verify kernel hashes)'
        : `kernel-hashes table at GPA ${hex(a)}, ${hex(b)} bytes`;
    case FOOTER_GUID.SEV_SECRET:
      if (b === undefined) return undefined;
      return `launch secret page at GPA ${hex(a)}, ${hex(b)} bytes`;
    case FOOTER_GUID.SEV_METADATA:
      return fromEnd('SEV metadata (ASEV header)');
    case FOOTER_GUID.TDX_METADATA:
      return fromEnd('TDVF metadata');
    case FOOTER_GUID.IGVM_METADATA:
      return fromEnd('IGVM metadata');
    default:
      return undefined;
  }
}
