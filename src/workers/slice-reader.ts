// Reading an open file in slices instead of holding it whole (issue 16: a 512 MiB IGVM was one 512 MiB ArrayBuffer in
// the engine worker for as long as it was open). A read either returns exactly the bytes asked for, from a read that
// completed, or fails with a SliceReadError: Chromium rejects a File's read with NotReadableError once the file
// changed on disk after the drop, and a short read is a failure too. Callers turn the error into a FILE_READ_FAILED
// diagnostic and no digest; nothing is ever filled in for bytes that did not arrive.

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

/**
 * The SHA-384 of the 4096 bytes at each of `offsets` (any order, repeats allowed), read from `file` in slices of
 * `slice` bytes in rising file order; `onPage(k, hash)` as each page's hash is known (hash is a 48-byte view, valid
 * during the call). A page is hashed only once all of its 4096 bytes came from completed reads (one slice, or the
 * tail of one and the head of the next, copied together); gaps between pages are not read. Rejects with the
 * reader's SliceReadError: the caller then has no hashes to use.
 */
export async function sha384PagesFromFile(
  file: FileSlices,
  offsets: readonly number[],
  digest: (page: Uint8Array) => Uint8Array,
  onPage: (k: number, hash: Uint8Array) => void,
  slice = SLICE_BYTES,
): Promise<void> {
  const PAGE = 4096;
  if (!(slice >= 1)) throw new RangeError(`slice size ${slice}`);
  const order = Array.from(offsets.keys());
  let rising = true;
  for (let k = 1; k < offsets.length; k++) if (offsets[k]! < offsets[k - 1]!) rising = false;
  if (!rising) order.sort((a, b) => offsets[a]! - offsets[b]!);
  let buf: Uint8Array = new Uint8Array(0);
  let bufStart = 0;
  let lastOffset = -1;
  let lastHash: Uint8Array | undefined;
  const page = new Uint8Array(PAGE);
  for (const k of order) {
    const off = offsets[k]!;
    if (!(Number.isSafeInteger(off) && off >= 0 && off + PAGE <= file.size))
      throw new RangeError(`page at file offset ${off} is outside the file (${file.size} bytes)`);
    if (off === lastOffset && lastHash) {
      onPage(k, lastHash); // the same file page again (aliased PAGE_DATA): same bytes, same hash
      continue;
    }
    const bufEnd = bufStart + buf.length;
    let h: Uint8Array;
    if (off >= bufStart && off + PAGE <= bufEnd) h = digest(buf.subarray(off - bufStart, off - bufStart + PAGE));
    else {
      // Assemble the page from what the current slice holds of it, then from the next slice(s).
      let filled = 0;
      if (off >= bufStart && off < bufEnd) {
        page.set(buf.subarray(off - bufStart), 0);
        filled = bufEnd - off;
      }
      while (filled < PAGE) {
        const at = off + filled;
        const next = await file.read(at, Math.min(slice, file.size - at));
        if (next.length === 0) throw new RangeError(`empty read at ${at}`);
        buf = next;
        bufStart = at;
        const take = Math.min(PAGE - filled, buf.length);
        page.set(buf.subarray(0, take), filled);
        filled += take;
      }
      // The slice may start mid-page: from here on it serves the pages after this one.
      h = digest(page);
    }
    lastOffset = off;
    lastHash = h.slice();
    onPage(k, lastHash);
  }
}
