// The OVMF reset-vector GUID table (fuki-uki-kernel-hashes.md §4.2.1). It ends 32 bytes before the end of the
// image with a footer entry {u16 total length, footer GUID}; the entries before it are laid out as
// data ‖ u16 entry length ‖ GUID and are walked backwards from the footer, like QEMU and sev-snp-measure do.
import { guidToString, ownBytes, u16, type Bytes } from '../bytes/bytes';
import type { Diagnostics } from '../diagnostics';
import { FOOTER_GUID_NAME, OVMF_TABLE_FOOTER_GUID } from './guids';

const SPEC = 'fuki §4.2.1';
/** {u16 length, GUID}: the part every entry ends with. */
export const FOOTER_ENTRY_HEADER_LENGTH = 18;
/** The footer entry sits this many bytes before the end of the image (the last 32 bytes are the reset vector). */
export const FOOTER_TAIL_LENGTH = 32;

export interface FooterEntry {
  guid: string;
  /** Known name, or undefined for an unknown GUID (kept, not dropped). */
  name: string | undefined;
  /** Whole entry (data ‖ length ‖ GUID) in the file. */
  offset: number;
  length: number;
  /** The entry's data part. */
  dataOffset: number;
  data: Bytes;
}

export interface FooterTable {
  /** From the first entry's data up to and including the footer entry. */
  offset: number;
  length: number;
  footerOffset: number;
  /** In file order (the walk goes backwards; this list is reversed back). */
  entries: FooterEntry[];
}

/** Returns undefined when the image has no footer table (not an error: plain firmware has none). */
export function parseFooterTable(fw: Uint8Array, diags: Diagnostics): FooterTable | undefined {
  const footerOffset = fw.length - FOOTER_TAIL_LENGTH - FOOTER_ENTRY_HEADER_LENGTH;
  if (footerOffset < 0) {
    diags.warning('FW_TOO_SMALL', `${fw.length} bytes is too small to hold an OVMF footer table`, {
      spec: SPEC,
    });
    return undefined;
  }
  if (guidToString(fw, footerOffset + 2) !== OVMF_TABLE_FOOTER_GUID) {
    diags.info(
      'FW_NO_FOOTER_TABLE',
      'no OVMF footer GUID table at end − 0x30: not an SEV/TDX-capable OVMF image',
      {
        offset: footerOffset + 2,
        length: 16,
        spec: SPEC,
      },
    );
    return undefined;
  }
  const totalLength = u16(fw, footerOffset);
  let tableLength = totalLength - FOOTER_ENTRY_HEADER_LENGTH;
  if (tableLength < 0) {
    diags.error(
      'FW_FOOTER_BAD_LENGTH',
      `footer table length ${totalLength} is shorter than its own 18-byte footer`,
      { offset: footerOffset, length: 2, spec: SPEC },
    );
    tableLength = 0;
  }
  if (tableLength > footerOffset) {
    diags.error(
      'FW_FOOTER_BAD_LENGTH',
      `footer table length ${totalLength} reaches before the start of the file`,
      { offset: footerOffset, length: 2, spec: SPEC },
    );
    tableLength = footerOffset;
  }
  const start = footerOffset - tableLength;
  const entries: FooterEntry[] = [];
  let end = footerOffset; // exclusive end of the part not yet walked
  while (end - start >= FOOTER_ENTRY_HEADER_LENGTH) {
    const headerOffset = end - FOOTER_ENTRY_HEADER_LENGTH;
    const length = u16(fw, headerOffset);
    const guid = guidToString(fw, headerOffset + 2);
    if (length < FOOTER_ENTRY_HEADER_LENGTH) {
      diags.error(
        'FW_FOOTER_BAD_ENTRY_LENGTH',
        `footer entry ${guid} has length ${length} (< 18); the rest of the table is skipped`,
        {
          offset: headerOffset,
          length: 2,
          index: entries.length,
          spec: SPEC,
        },
      );
      break;
    }
    if (length > end - start) {
      diags.error(
        'FW_FOOTER_BAD_ENTRY_LENGTH',
        `footer entry ${guid} has length ${length}, more than the ${end - start} bytes left in the table`,
        {
          offset: headerOffset,
          length: 2,
          index: entries.length,
          spec: SPEC,
        },
      );
      break;
    }
    const offset = end - length;
    if (entries.some((e) => e.guid === guid)) {
      diags.warning(
        'FW_FOOTER_DUPLICATE_GUID',
        `footer GUID ${guid} occurs twice; lookups use the one nearest the end (as QEMU does)`,
        { offset, length, spec: SPEC },
      );
    }
    entries.push({
      guid,
      name: FOOTER_GUID_NAME[guid],
      offset,
      length,
      dataOffset: offset,
      data: ownBytes(fw.subarray(offset, headerOffset)),
    });
    end = offset;
  }
  if (end !== start) {
    diags.warning(
      'FW_FOOTER_SLACK',
      `${end - start} bytes at the start of the footer table belong to no entry`,
      { offset: start, length: end - start, spec: SPEC },
    );
  }
  entries.reverse();
  return { offset: start, length: tableLength + FOOTER_ENTRY_HEADER_LENGTH, footerOffset, entries };
}

/** The entry for `guid` nearest the end of the table (QEMU `pc_system_ovmf_table_find` order). */
export function findFooterEntry(table: FooterTable | undefined, guid: string): FooterEntry | undefined {
  if (!table) return undefined;
  for (let i = table.entries.length - 1; i >= 0; i--)
    if (table.entries[i]!.guid === guid) return table.entries[i];
  return undefined;
}
