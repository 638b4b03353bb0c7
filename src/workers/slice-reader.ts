// Reading an open file in slices instead of holding it whole (issue 16: a 512 MiB IGVM was one 512 MiB ArrayBuffer in
// the engine worker for as long as it was open). A read either returns exactly the bytes asked for, from a read that
// completed, or fails with a SliceReadError: Chromium rejects a File's read with NotReadableError once the file
// changed on disk after the drop, and a short read is a failure too. Callers turn the error into a FILE_READ_FAILED
// diagnostic and no digest; nothing is ever filled in for bytes that did not arrive.
import type { PageHasher } from './page-hash-pool';

/** The bytes of an open file, read on demand. */
export interface FileSlices {
  readonly size: number;
  /** Exactly bytes [offset, offset + length) of the file, or a rejection (SliceReadError). */
  read(offset: number, length: number): Promise<Uint8Array>;
}

export class SliceReadError extends Error {
  readonly offset: number;
  readonly length: number;
  constructor(offset: number, length: number, why: string) {
    super(`reading bytes ${offset}–${offset + length} of the file failed: ${why}`);
    this.name = 'SliceReadError';
    this.offset = offset;
    this.length = length;
  }
}

/** A Blob's (a dropped File's) bytes in slices: Blob.slice + arrayBuffer per read. */
export function blobSlices(blob: Blob): FileSlices {
  const size = blob.size;
  return {
    size,
    async read(offset, length) {
      if (!(Number.isSafeInteger(offset) && Number.isSafeInteger(length) && offset >= 0 && length >= 0 && offset + length <= size))
        throw new SliceReadError(offset, length, `outside the file (${size} bytes)`);
      let buf: ArrayBuffer;
      try {
        buf = await blob.slice(offset, offset + length).arrayBuffer();
      } catch (e) {
        // NotReadableError: the file changed on disk (or went away) since it was dropped.
        throw new SliceReadError(offset, length, e instanceof Error ? `${e.name}: ${e.message}` : String(e));
      }
      if (buf.byteLength !== length) throw new SliceReadError(offset, length, `short read (${buf.byteLength} bytes)`);
      return new Uint8Array(buf);
    },
  };
}

/** Slices of this size from the sliced path's whole-file passes (SNP page hashing): 16 MiB, 0.6–0.8 s per 512 MiB. */
export const SLICE_BYTES = 16 << 20;

const PAGE = 4096;
const SHA384 = 48;

/** One read of the plan: the bytes [at, at + length), the page bytes copied out of it, the pages it completes. */
interface PlannedRead {
  at: number;
  length: number;
  /** Bytes [from, from + length) of this read into assembled page `slot` at `to`. */
  copies: { slot: number; from: number; length: number; to: number }[];
  /** Pages complete once this read arrived, in file order: a view of this read at `view`, or assembled page `slot`. */
  done: { k: number; view: number; slot: number }[];
}

/**
 * The reads `sha384PagesFromFile` makes, in order, and which pages each completes: pages in rising file order, a
 * page inside the current read is a view of it, a page that is not is assembled from what the current read holds of
 * it and the next read(s), each starting at the first byte still missing (gaps between pages are not read; a repeat
 * of the last page is the same page again).
 */
function planReads(size: number, offsets: readonly number[], slice: number): PlannedRead[] {
  const order = Array.from(offsets.keys());
  let rising = true;
  for (let k = 1; k < offsets.length; k++) if (offsets[k]! < offsets[k - 1]!) rising = false;
  if (!rising) order.sort((a, b) => offsets[a]! - offsets[b]!);
  const reads: PlannedRead[] = [];
  let cur: PlannedRead | undefined;
  let slots = 0;
  let lastOffset = -1;
  let last: { view: number; slot: number } | undefined;
  for (const k of order) {
    const off = offsets[k]!;
    if (!(Number.isSafeInteger(off) && off >= 0 && off + PAGE <= size))
      throw new RangeError(`page at file offset ${off} is outside the file (${size} bytes)`);
    if (off === lastOffset && last && cur) {
      cur.done.push({ k, ...last }); // the same file page again (aliased PAGE_DATA): same bytes, same hash
      continue;
    }
    const bufEnd = cur ? cur.at + cur.length : 0;
    if (cur && off >= cur.at && off + PAGE <= bufEnd) last = { view: off - cur.at, slot: -1 };
    else {
      const slot = slots++;
      let filled = 0;
      if (cur && off >= cur.at && off < bufEnd) {
        cur.copies.push({ slot, from: off - cur.at, length: bufEnd - off, to: 0 });
        filled = bufEnd - off;
      }
      while (filled < PAGE) {
        const at = off + filled;
        const length = Math.min(slice, size - at); // ≥ 1: at < off + PAGE ≤ size
        cur = { at, length, copies: [], done: [] };
        reads.push(cur);
        const take = Math.min(PAGE - filled, length);
        cur.copies.push({ slot, from: 0, length: take, to: filled });
        filled += take;
      }
      // The read may start mid-page: from here on it serves the pages after this one.
      last = { view: -1, slot };
    }
    cur!.done.push({ k, ...last });
    lastOffset = off;
  }
  return reads;
}

/**
 * The SHA-384 of the 4096 bytes at each of `offsets` (any order, repeats allowed), read from `file` in slices of at
 * most `slice` bytes in rising file order and hashed by `hasher` one slice at a time (the pages of the slice as views
 * of it, a page straddling slices as a copy assembled from them); `onPage(k, hash)` as each page's hash arrives
 * (hash is a 48-byte view, valid during the call). The next slice's read is in flight while a slice's pages hash.
 * A page is hashed only once all of its 4096 bytes came from completed reads. Rejects with the reader's
 * SliceReadError (or a short read's), or when the hasher reports pages outside the slice's, twice, or a result of
 * the wrong size: the caller then has no hashes to use.
 */
export async function sha384PagesFromFile(
  file: FileSlices,
  offsets: readonly number[],
  hasher: PageHasher,
  onPage: (k: number, hash: Uint8Array) => void,
  slice = SLICE_BYTES,
): Promise<void> {
  if (!(Number.isSafeInteger(slice) && slice >= 1)) throw new RangeError(`slice size ${slice}`);
  const reads = planReads(file.size, offsets, slice);
  const start = async (r: PlannedRead): Promise<Uint8Array> => {
    const b = await file.read(r.at, r.length);
    if (b.length !== r.length) throw new SliceReadError(r.at, r.length, `short read (${b.length} bytes)`);
    return b;
  };
  const assembled = new Map<number, { page: Uint8Array; filled: number }>();
  let pending = reads.length ? start(reads[0]!) : undefined;
  for (let r = 0; r < reads.length; r++) {
    const buf = await pending!;
    // The next read runs while this slice's pages hash (its failure is seen when it is awaited).
    pending = r + 1 < reads.length ? start(reads[r + 1]!) : undefined;
    pending?.catch(() => undefined);
    const read = reads[r]!;
    for (const c of read.copies) {
      let a = assembled.get(c.slot);
      if (!a) assembled.set(c.slot, (a = { page: new Uint8Array(PAGE), filled: 0 }));
      a.page.set(buf.subarray(c.from, c.from + c.length), c.to);
      a.filled += c.length;
    }
    if (!read.done.length) continue;
    const pages = read.done.map((d) => {
      if (d.slot < 0) return buf.subarray(d.view, d.view + PAGE);
      const a = assembled.get(d.slot);
      if (a?.filled !== PAGE) throw new Error(`page at file offset ${offsets[d.k]} incomplete (${a?.filled ?? 0} bytes)`);
      return a.page;
    });
    for (const d of read.done) if (d.slot >= 0) assembled.delete(d.slot);
    await hashPages(hasher, pages, (j, h) => onPage(read.done[j]!.k, h));
  }
}

/** hasher.sha384Pages with its result checked: every page's hash given to `onPage` exactly once. */
async function hashPages(hasher: PageHasher, pages: readonly Uint8Array[], onPage: (j: number, hash: Uint8Array) => void): Promise<void> {
  const seen = new Uint8Array(pages.length);
  // A throw inside the listener could be swallowed by a hasher that falls back on errors: kept and thrown after.
  let bad: Error | undefined;
  const all = await hasher.sha384Pages(pages, (first, hashes) => {
    const n = hashes.length / SHA384;
    if (bad) return;
    if (!(Number.isSafeInteger(first) && Number.isSafeInteger(n) && first >= 0 && first + n <= pages.length)) {
      bad = new RangeError(`page hasher reported ${hashes.length} bytes of hashes from page ${first} of ${pages.length}`);
      return;
    }
    for (let j = first; j < first + n; j++)
      if (seen[j]) {
        bad = new RangeError(`page hasher reported page ${j} twice`);
        return;
      }
    for (let j = first; j < first + n; j++) {
      seen[j] = 1;
      onPage(j, hashes.subarray((j - first) * SHA384, (j - first + 1) * SHA384));
    }
  });
  if (bad) throw bad;
  if (all.length !== pages.length * SHA384) throw new RangeError(`page hasher returned ${all.length / SHA384} of ${pages.length} page hashes`);
  // Pages no chunk reported (a hasher that does not stream): from the full result.
  for (let j = 0; j < pages.length; j++) if (!seen[j]) onPage(j, all.subarray(j * SHA384, (j + 1) * SHA384));
}
