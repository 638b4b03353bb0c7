// AMD SEV-SNP launch digest primitives: the PAGE_INFO structure and the chained update
// (igvm-format-and-measurement.md §14.2.1-§14.2.2; AMD SEV-SNP ABI spec, SNP_LAUNCH_UPDATE / PAGE_INFO).
import { put16, put64, type Bytes } from '../bytes/bytes';
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

/** PAGE_INFO is 0x70 bytes (§14.2.1). */
export const PAGE_INFO_LENGTH = 0x70;
export const SNP_DIGEST_LENGTH = 48;
export const PAGE_SIZE = 4096;

/** CONTENTS for page types that carry no content hash (ZERO, UNMEASURED, SECRETS, CPUID). */
export const ZERO_CONTENTS: Bytes = new Uint8Array(SNP_DIGEST_LENGTH);

/**
 * Builds PAGE_INFO: DIGEST_CUR[48] ‖ CONTENTS[48] ‖ LENGTH u16 ‖ PAGE_TYPE u8 ‖ IMI_PAGE u8 ‖
 * VMPL3/2/1 perms + reserved (4 bytes, zero) ‖ GPA u64.
 */
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
  info.set(digestCur.subarray(0, SNP_DIGEST_LENGTH), 0);
  info.set(contents.subarray(0, SNP_DIGEST_LENGTH), 0x30);
  put16(info, 0x60, PAGE_INFO_LENGTH);
  info[0x62] = pageType;
  info[0x63] = 0; // IMI_PAGE
  info.fill(0, 0x64, 0x68); // VMPL permissions / reserved (§14.2.1)
  put64(info, 0x68, gpa);
  return info;
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
