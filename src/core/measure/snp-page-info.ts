// AMD SEV-SNP launch digest primitives: the PAGE_INFO structure and the chained update
// (igvm-format-and-measurement.md §14.2.1-§14.2.2; AMD SEV-SNP ABI spec, SNP_LAUNCH_UPDATE / PAGE_INFO).
import { put16, put64, type Bytes } from '../bytes/bytes';
import {
  bytesf,
  checkTable,
  decodeTable,
  reservedf,
  tableSize,
  u16f,
  u64f,
  u8f,
  type DecodedField,
} from '../fields/field-table';
import { defaultHash, type HashBackend } from '../hash/hash';

/** Page types (AMD SNP ABI, Table "PAGE_TYPE"); 0 is reserved. */
export const SNP_PAGE_TYPE = {
  NORMAL: 1,
  VMSA: 2,
  ZERO: 3,
  UNMEASURED: 4,
  SECRETS: 5,
  CPUID: 6,
} as const;
export type SnpPageType = (typeof SNP_PAGE_TYPE)[keyof typeof SNP_PAGE_TYPE];

export const SNP_PAGE_TYPE_NAME: Record<number, string> = {
  1: 'NORMAL',
  2: 'VMSA',
  3: 'ZERO',
  4: 'UNMEASURED',
  5: 'SECRETS',
  6: 'CPUID',
};

/** A page type's name for a ledger (`TYPE_<n>` for a value the table does not name). */
export function snpPageTypeName(pageType: number): string {
  return SNP_PAGE_TYPE_NAME[pageType] ?? `TYPE_${pageType}`;
}

/**
 * PAGE_INFO (§14.2.1), declared once: the writer below, the incremental chain (snp-chain.ts) and any display take
 * their offsets from this table.
 */
export const PAGE_INFO_FIELDS = checkTable('PAGE_INFO', [
  bytesf('digest_cur', 0x00, 48, 'current launch digest'),
  bytesf('contents', 0x30, 48, 'SHA-384 of the page (NORMAL, VMSA); zero otherwise'),
  u16f('length', 0x60, 'PAGE_INFO length, 0x70'),
  u8f('page_type', 0x62, 'AMD page type (§14.2.2)'),
  u8f('imi_page', 0x63, 'bit 0: IMI page (0)'),
  reservedf('vmpl_perms', 0x64, 4),
  u64f('gpa', 0x68, 'page GPA'),
]);
const at = (name: string): number => PAGE_INFO_FIELDS.find((f) => f.name === name)!.offset;
/** PAGE_INFO field offsets, from PAGE_INFO_FIELDS. */
export const PAGE_INFO_AT = {
  digestCur: at('digest_cur'),
  contents: at('contents'),
  length: at('length'),
  pageType: at('page_type'),
  imiPage: at('imi_page'),
  vmplPerms: at('vmpl_perms'),
  gpa: at('gpa'),
} as const;

/** PAGE_INFO is 0x70 bytes (§14.2.1). */
export const PAGE_INFO_LENGTH = tableSize(PAGE_INFO_FIELDS);
export const SNP_DIGEST_LENGTH = 48;
export const PAGE_SIZE = 4096;

/** CONTENTS for page types that carry no content hash (ZERO, UNMEASURED, SECRETS, CPUID). */
export const ZERO_CONTENTS: Bytes = new Uint8Array(SNP_DIGEST_LENGTH);

/** Builds PAGE_INFO (PAGE_INFO_FIELDS): DIGEST_CUR, CONTENTS, LENGTH, PAGE_TYPE, IMI_PAGE 0, VMPL perms 0, GPA. */
export function snpPageInfo(
  digestCur: Uint8Array,
  contents: Uint8Array,
  pageType: number,
  gpa: bigint,
): Bytes {
  return writeSnpPageInfo(new Uint8Array(PAGE_INFO_LENGTH), digestCur, contents, pageType, gpa);
}

/** Fills a reusable 0x70-byte PAGE_INFO buffer (hot loops avoid one allocation per page); returns it. */
export function writeSnpPageInfo<T extends Uint8Array>(
  info: T,
  digestCur: Uint8Array,
  contents: Uint8Array,
  pageType: number,
  gpa: bigint,
): T {
  const A = PAGE_INFO_AT;
  info.set(digestCur.subarray(0, SNP_DIGEST_LENGTH), A.digestCur);
  info.set(contents.subarray(0, SNP_DIGEST_LENGTH), A.contents);
  put16(info, A.length, PAGE_INFO_LENGTH);
  info[A.pageType] = pageType;
  info[A.imiPage] = 0;
  info.fill(0, A.vmplPerms, A.vmplPerms + 4);
  put64(info, A.gpa, gpa);
  return info;
}

/** The fields of a PAGE_INFO (a ledger step's input, for display and tests). */
export function decodePageInfo(info: Uint8Array): DecodedField[] {
  return decodeTable(info, 0, PAGE_INFO_FIELDS);
}

/** One SNP_LAUNCH_UPDATE step: LD' = SHA-384(PAGE_INFO(LD, contents, type, gpa)). */
export function snpExtend(
  digestCur: Uint8Array,
  contents: Uint8Array,
  pageType: number,
  gpa: bigint,
  hash: HashBackend = defaultHash(),
): Bytes {
  return hash.digest('sha384', snpPageInfo(digestCur, contents, pageType, gpa));
}

/** SHA-384 of one 4 KiB page, the data zero-padded to 4096 bytes. */
export function snpPageContents(data: Uint8Array, hash: HashBackend = defaultHash()): Bytes {
  if (data.length === PAGE_SIZE) return hash.digest('sha384', data);
  const page = new Uint8Array(PAGE_SIZE);
  page.set(data.subarray(0, PAGE_SIZE));
  return hash.digest('sha384', page);
}

let zeroPageHashCache: Bytes | undefined;
/** SHA-384 of 4096 zero bytes (§14.2.3, "c0e59a3e…d774"), computed once rather than stored as a literal. */
export function zeroPageContents(): Bytes {
  zeroPageHashCache ??= defaultHash().digest('sha384', new Uint8Array(PAGE_SIZE));
  return zeroPageHashCache;
}
