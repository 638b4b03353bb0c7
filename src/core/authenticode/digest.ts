// Authenticode image digest (fuki-uki-kernel-hashes.md §3.3; Microsoft "Windows Authenticode Portable
// Executable Signature Format"; systemd src/shared/pe-binary.c pe_hash). Two conventions exist for files whose
// hashed length is not a multiple of 8 (§3.3 step 7, §6 item 13):
//   'none'  hash the file as is (pesign -h on an unsigned file);
//   'pad8'  add zero bytes up to a multiple of 8 after trailing data (systemd pe_hash, the digest sbsign
//           embeds and osslsigncode reports, pesign -P).
import type { Bytes } from '../bytes/bytes';
import type { Diagnostic } from '../diagnostics';
import { defaultHash, type HashAlgorithm, type HashBackend } from '../hash/hash';
import { hashedBytesLimit } from '../pe/constants';
import type { PeFile } from '../pe/types';

export type AuthenticodePadding = 'none' | 'pad8';
export const HASH_ALGORITHMS: readonly HashAlgorithm[] = ['sha1', 'sha256', 'sha384', 'sha512'];

/** One hashed file range (for display: what the digest covers). */
export interface HashedRange {
  offset: number;
  length: number;
  what: string;
  /** Zero bytes that are hashed but not in the file (padding). */
  zeros?: boolean;
}

/** The ranges Authenticode hashes, in order. Empty when the headers did not decode. */
export function authenticodeRanges(pe: PeFile, padding: AuthenticodePadding = 'pad8'): HashedRange[] {
  const opt = pe.optional;
  if (!pe.ok || !opt) return [];
  const size = pe.fileSize;
  const clip = (o: number, l: number): [number, number] => {
    const a = Math.min(Math.max(o, 0), size);
    return [a, Math.max(0, Math.min(o + l, size) - a)];
  };
  const out: HashedRange[] = [];
  const push = (o: number, l: number, what: string): void => {
    const [a, n] = clip(o, l);
    if (n > 0) out.push({ offset: a, length: n, what });
  };
  const headersEnd = Math.min(opt.sizeOfHeaders, size);
  push(0, opt.checkSumOffset, 'headers up to CheckSum');
  if (opt.certificateEntryOffset !== undefined) {
    push(
      opt.checkSumOffset + 4,
      opt.certificateEntryOffset - opt.checkSumOffset - 4,
      'headers up to the certificate directory',
    );
    push(opt.certificateEntryOffset + 8, headersEnd - opt.certificateEntryOffset - 8, 'rest of the headers');
  } else {
    push(opt.checkSumOffset + 4, headersEnd - opt.checkSumOffset - 4, 'rest of the headers');
  }
  let hashed = opt.sizeOfHeaders;
  const sorted = pe.sections
    .filter((s) => s.sizeOfRawData > 0)
    .sort((a, b) => a.pointerToRawData - b.pointerToRawData);
  for (const s of sorted) {
    push(s.pointerToRawData, s.sizeOfRawData, `section ${s.name}`);
    hashed += s.sizeOfRawData;
  }
  // Trailing data: everything after SUM_OF_BYTES_HASHED except the certificate table.
  const certSize = pe.certificateTable ? pe.certificateTable.length : 0;
  const trailingEnd = size - certSize;
  if (trailingEnd > hashed) {
    push(hashed, trailingEnd - hashed, 'data after the last section');
    if (padding === 'pad8' && trailingEnd % 8 !== 0)
      out.push({
        offset: trailingEnd,
        length: 8 - (trailingEnd % 8),
        what: 'zero padding to 8 bytes',
        zeros: true,
      });
  }
  return out;
}

/** How many bytes the Authenticode digest of `pe` hashes (its ranges may repeat bytes when sections alias). */
export const authenticodeHashedLength = (pe: PeFile, padding: AuthenticodePadding = 'pad8'): number =>
  authenticodeRanges(pe, padding).reduce((n, r) => n + r.length, 0);

/**
 * The diagnostic when the Authenticode digest of `pe` is refused: its ranges add up to more than
 * hashedBytesLimit(file size) (section headers that overlap or alias each other; a well-formed PE hashes at most
 * its own size + 7 bytes).
 */
export function authenticodeLimitDiagnostic(pe: PeFile): Diagnostic | undefined {
  if (!pe.ok) return undefined;
  const n = authenticodeHashedLength(pe, 'pad8');
  const limit = hashedBytesLimit(pe.fileSize);
  if (n <= limit) return undefined;
  return {
    severity: 'error',
    code: 'AUTHENTICODE_TOO_MUCH_DATA',
    message: `Authenticode digest not computed: its sections add up to ${n} bytes, more than ${limit} (2 × the file size + 64 KiB); the section headers overlap or alias each other`,
    offset: pe.sectionTable?.offset,
    spec: 'fuki §3.3',
  };
}

/** The Authenticode digest of a parsed PE; undefined when its headers did not decode or it exceeds the limit. */
export function authenticodeDigest(
  file: Uint8Array,
  pe: PeFile,
  alg: HashAlgorithm = 'sha256',
  padding: AuthenticodePadding = 'pad8',
  hash: HashBackend = defaultHash(),
): Bytes | undefined {
  if (!pe.ok) return undefined;
  const ranges = authenticodeRanges(pe, padding);
  if (ranges.reduce((n, r) => n + r.length, 0) > hashedBytesLimit(pe.fileSize)) return undefined;
  const h = hash.create(alg);
  for (const r of ranges)
    h.update(r.zeros ? new Uint8Array(r.length) : file.subarray(r.offset, r.offset + r.length));
  return h.digest();
}

export interface AuthenticodeDigests {
  /** True when the two padding conventions give different values (hashed length not a multiple of 8). */
  paddingMatters: boolean;
  /** Per algorithm: the padded (systemd/sbsign/osslsigncode) and unpadded (pesign -h) digests. */
  digests: Record<HashAlgorithm, { pad8: Bytes; none: Bytes }>;
}

/** Every algorithm, both padding conventions. */
export function authenticodeDigests(
  file: Uint8Array,
  pe: PeFile,
  hash: HashBackend = defaultHash(),
): AuthenticodeDigests | undefined {
  if (!pe.ok || authenticodeLimitDiagnostic(pe)) return undefined;
  const padded = authenticodeRanges(pe, 'pad8');
  const paddingMatters = padded.some((r) => r.zeros);
  const digests = {} as AuthenticodeDigests['digests'];
  for (const alg of HASH_ALGORITHMS) {
    const pad8 = authenticodeDigest(file, pe, alg, 'pad8', hash)!;
    digests[alg] = { pad8, none: paddingMatters ? authenticodeDigest(file, pe, alg, 'none', hash)! : pad8 };
  }
  return { paddingMatters, digests };
}
