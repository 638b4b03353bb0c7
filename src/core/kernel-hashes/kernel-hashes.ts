// QEMU's SEV kernel-hashes table and the 4 KiB page that carries it (fuki-uki-kernel-hashes.md §4.1, §4.2.3;
// QEMU target/i386/sev.c, sev-snp-measure sev_hashes.py). The three SHA-256 values can be supplied
// precomputed, so a composer that caches kernel and initrd digests only rehashes the command line.
import { guidFromString, guidToString, put16, textEncoder, u16, type Bytes } from '../bytes/bytes';
import type { Diagnostics } from '../diagnostics';
import { defaultHash, type HashBackend } from '../hash/hash';

const SPEC = 'fuki §4.1';

export const SEV_HASH_TABLE_GUID = '9438d606-4f22-4cc9-b479-a793d411fd21';
export const SEV_CMDLINE_ENTRY_GUID = '97d02dd8-bd20-4c94-aa78-e7714d36ab2a';
export const SEV_INITRD_ENTRY_GUID = '44baf731-3a2f-4bd7-9af1-41e29169781d';
export const SEV_KERNEL_ENTRY_GUID = '4de79437-abd2-427f-b835-d5b172d2045b';

/** Entry: GUID (16) ‖ u16 length ‖ SHA-256 (32). */
export const HASH_ENTRY_LENGTH = 50;
/** Header (GUID ‖ u16 length) + 3 entries; the value stored in the length field. */
export const HASH_TABLE_LENGTH = 16 + 2 + 3 * HASH_ENTRY_LENGTH;
/** The table as written to guest memory, rounded up to a multiple of 16. */
export const PADDED_HASH_TABLE_LENGTH = Math.ceil(HASH_TABLE_LENGTH / 16) * 16;
export const HASH_PAGE_SIZE = 4096;

/** The three SHA-256 digests the table carries. */
export interface KernelHashes {
  kernel: Bytes;
  initrd: Bytes;
  cmdline: Bytes;
}

/** A blob given either as its bytes or as its SHA-256 (e.g. cached by the composer). */
export type BlobOrDigest = Uint8Array | { sha256: Uint8Array };

/**
 * The bytes QEMU hashes for `-append`: the UTF-8 string plus its terminating NUL; no (or an empty) command line
 * is the single byte 00 (§4.1).
 */
export function cmdlineBytes(append: string | undefined): Bytes {
  const s = textEncoder.encode(append ?? '');
  const out = new Uint8Array(s.length + 1);
  out.set(s);
  return out;
}

function digestOf(blob: BlobOrDigest | undefined, hash: HashBackend): Bytes {
  if (blob === undefined) return hash.digest('sha256', new Uint8Array(0));
  if (blob instanceof Uint8Array) return hash.digest('sha256', blob);
  if (blob.sha256.length !== 32)
    throw new RangeError(`a SHA-256 digest has 32 bytes, got ${blob.sha256.length}`);
  return new Uint8Array(blob.sha256);
}

/** No initrd hashes as empty input (§4.1). */
export function kernelHashes(
  input: { kernel: BlobOrDigest; initrd?: BlobOrDigest; append?: string },
  hash: HashBackend = defaultHash(),
): KernelHashes {
  return {
    kernel: digestOf(input.kernel, hash),
    initrd: digestOf(input.initrd, hash),
    cmdline: hash.digest('sha256', cmdlineBytes(input.append)),
  };
}

/** Same hashes with a different command line: only the cmdline digest is recomputed. */
export function withCmdline(
  h: KernelHashes,
  append: string | undefined,
  hash: HashBackend = defaultHash(),
): KernelHashes {
  return { ...h, cmdline: hash.digest('sha256', cmdlineBytes(append)) };
}

function putEntry(out: Uint8Array, offset: number, guid: string, digest: Uint8Array): void {
  out.set(guidFromString(guid), offset);
  put16(out, offset + 16, HASH_ENTRY_LENGTH);
  out.set(digest.subarray(0, 32), offset + 18);
}

/** The 176-byte padded table: header, then cmdline, initrd, kernel entries (QEMU order), then zero padding. */
export function buildKernelHashesTable(h: KernelHashes): Bytes {
  const out = new Uint8Array(PADDED_HASH_TABLE_LENGTH);
  out.set(guidFromString(SEV_HASH_TABLE_GUID), 0);
  put16(out, 16, HASH_TABLE_LENGTH);
  putEntry(out, 18, SEV_CMDLINE_ENTRY_GUID, h.cmdline);
  putEntry(out, 18 + HASH_ENTRY_LENGTH, SEV_INITRD_ENTRY_GUID, h.initrd);
  putEntry(out, 18 + 2 * HASH_ENTRY_LENGTH, SEV_KERNEL_ENTRY_GUID, h.kernel);
  return out;
}

/** A zero page with the table at `offsetInPage` (= hash-table GPA & 0xFFF, 0xC00 for OVMF) (§4.2.3). */
export function buildKernelHashesPage(table: Uint8Array, offsetInPage: number): Bytes {
  if (!Number.isInteger(offsetInPage) || offsetInPage < 0 || offsetInPage + table.length > HASH_PAGE_SIZE) {
    throw new RangeError(
      `hash table of ${table.length} bytes does not fit in the page at offset 0x${offsetInPage.toString(16)}`,
    );
  }
  const page = new Uint8Array(HASH_PAGE_SIZE);
  page.set(table, offsetInPage);
  return page;
}

export interface DecodedHashEntry {
  offset: number;
  length: number;
  guid: string;
  name: 'cmdline' | 'initrd' | 'kernel' | undefined;
  declaredLength: number;
  sha256: Bytes;
}

export interface DecodedKernelHashesTable {
  offset: number;
  length: number;
  declaredLength: number;
  entries: DecodedHashEntry[];
}

const ENTRY_NAME: Record<string, DecodedHashEntry['name']> = {
  [SEV_CMDLINE_ENTRY_GUID]: 'cmdline',
  [SEV_INITRD_ENTRY_GUID]: 'initrd',
  [SEV_KERNEL_ENTRY_GUID]: 'kernel',
};

/**
 * Decodes a table found in memory (e.g. a hash page inside an IGVM file). Entries are walked by their own
 * length field, as OVMF's BlobVerifierLibSevHashes does; returns undefined if the table GUID is absent.
 */
export function decodeKernelHashesTable(
  b: Uint8Array,
  offset: number,
  diags: Diagnostics,
): DecodedKernelHashesTable | undefined {
  if (offset < 0 || offset + 18 > b.length || guidToString(b, offset) !== SEV_HASH_TABLE_GUID)
    return undefined;
  const declaredLength = u16(b, offset + 16);
  let end = offset + declaredLength;
  if (end > b.length || declaredLength < 18) {
    diags.error('KH_BAD_TABLE_LENGTH', `kernel-hashes table length ${declaredLength} is impossible here`, {
      offset: offset + 16,
      length: 2,
      spec: SPEC,
    });
    end = Math.min(b.length, Math.max(offset + 18, end));
  }
  const entries: DecodedHashEntry[] = [];
  let at = offset + 18;
  while (at + 18 <= end) {
    const guid = guidToString(b, at);
    const len = u16(b, at + 16);
    if (len < 18 || at + len > end) {
      diags.error('KH_BAD_ENTRY_LENGTH', `kernel-hashes entry ${guid} has length ${len}`, {
        offset: at + 16,
        length: 2,
        index: entries.length,
        spec: SPEC,
      });
      break;
    }
    if (len !== HASH_ENTRY_LENGTH)
      diags.warning(
        'KH_ENTRY_NOT_SHA256',
        `entry ${guid} is ${len} bytes, not ${HASH_ENTRY_LENGTH}: OVMF rejects it`,
        { offset: at, length: len, spec: SPEC },
      );
    entries.push({
      offset: at,
      length: len,
      guid,
      name: ENTRY_NAME[guid],
      declaredLength: len,
      sha256: new Uint8Array(b.subarray(at + 18, at + len)),
    });
    at += len;
  }
  return { offset, length: end - offset, declaredLength, entries };
}
