// Where a firmware image wants the kernel-hashes page: the SNP_KERNEL_HASHES section of its SEV metadata gives the
// page GPA, the footer table's hash-table location gives the table's offset in that page (GPA & 0xFFF)
// (fuki-uki-kernel-hashes.md §4.2.2–§4.2.3). Used by the classic SNP digest and by IGVM composition (§5.2 step 4).
import type { Bytes } from '../bytes/bytes';
import type { Diagnostics } from '../diagnostics';
import type { ParsedFirmware } from '../firmware/firmware';
import { SEV_SECTION, type SevMetadataSection } from '../firmware/sev-metadata';
import {
  buildKernelHashesPage,
  buildKernelHashesTable,
  HASH_PAGE_SIZE,
  PADDED_HASH_TABLE_LENGTH,
  type KernelHashes,
} from './kernel-hashes';

export interface PlacedKernelHashes {
  /** GPA of the 4 KiB page. */
  gpa: number;
  offsetInPage: number;
  table: Bytes;
  page: Bytes;
}

export function findKernelHashesSection(fw: ParsedFirmware): SevMetadataSection | undefined {
  return fw.sevMetadata?.sections.find((s) => s.type === SEV_SECTION.SNP_KERNEL_HASHES);
}

/** The page for `section` (normally findKernelHashesSection's); undefined with an error if it cannot be built. */
export function placeKernelHashes(
  fw: ParsedFirmware,
  section: SevMetadataSection,
  hashes: KernelHashes,
  diags: Diagnostics,
): PlacedKernelHashes | undefined {
  if (!fw.sevHashTable) {
    diags.error('KH_NO_HASH_TABLE_GUID', "Can't find SEV_HASH_TABLE_RV_GUID entry in OVMF table", {
      spec: 'fuki §4.2.3',
    });
    return undefined;
  }
  if (section.size !== HASH_PAGE_SIZE) {
    const size = `0x${section.size.toString(16)}`;
    diags.error(
      'KH_SECTION_SIZE',
      `SNP_KERNEL_HASHES section is ${size} bytes; the hash page is exactly one 4 KiB page`,
      {
        index: section.index,
        spec: 'fuki §4.2.2',
      },
    );
    return undefined;
  }
  const offsetInPage = fw.sevHashTable.gpa & 0xfff;
  if (offsetInPage + PADDED_HASH_TABLE_LENGTH > HASH_PAGE_SIZE) {
    // The footer's hash-table GPA is file data: near a page end the table would run into the next page.
    diags.error(
      'KH_TABLE_CROSSES_PAGE',
      `the SEV hash table at GPA 0x${fw.sevHashTable.gpa.toString(16)} (offset 0x${offsetInPage.toString(16)} in its page) does not leave room for the ${PADDED_HASH_TABLE_LENGTH}-byte table before the page ends`,
      { offset: fw.sevHashTable.offset, length: fw.sevHashTable.length, spec: 'fuki §4.2.3' },
    );
    return undefined;
  }
  const table = buildKernelHashesTable(hashes);
  return { gpa: section.gpa, offsetInPage, table, page: buildKernelHashesPage(table, offsetInPage) };
}
