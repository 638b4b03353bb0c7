// Page SHA-384s for the SNP launch digest in the browser (igvm-format-and-measurement.md §14.2.5: CONTENTS of a
// measured page is the SHA-384 of its 4 KiB): WebCrypto `crypto.subtle.digest` per page, a few thousand promises
// at a time, spread over a small pool of workers. The PAGE_INFO chain itself stays synchronous (SnpChain).
import type { HashBackend } from '../core/hash/hash';

/**
 * SHA-384 of every 4096-byte page, as one flat array of pages.length × 48 bytes in page order. `onChunk`, when
 * given, sees each chunk's hashes as soon as they are known (`first` = index of its first page; chunks may arrive
 * out of order), so the caller can start chaining before the last page is hashed.
 */
export interface PageHasher {
  sha384Pages(pages: readonly Uint8Array[], onChunk?: ChunkListener): Promise<Uint8Array>;
}
export type ChunkListener = (first: number, hashes: Uint8Array) => void;

const PAGE = 4096;
const SHA384 = 48;
/** Pages whose digests are awaited together (one Promise.all): bounds the promises and copies in flight. */
export const HASH_BATCH = 2048;

/** Hashes `count` consecutive 4 KiB pages of `pages` (a packed buffer) with WebCrypto, in batches. */
export async function sha384Packed(pages: Uint8Array, subtle: SubtleCrypto = crypto.subtle): Promise<Uint8Array<ArrayBuffer>> {
  const count = Math.floor(pages.length / PAGE);
  const out = new Uint8Array(count * SHA384);
  for (let start = 0; start < count; start += HASH_BATCH) {
    const end = Math.min(count, start + HASH_BATCH);
    const batch: Promise<ArrayBuffer>[] = [];
    for (let i = start; i < end; i++) batch.push(subtle.digest('SHA-384', pages.subarray(i * PAGE, i * PAGE + PAGE) as Uint8Array<ArrayBuffer>));
    const digests = await Promise.all(batch);
    for (let i = 0; i < digests.length; i++) out.set(new Uint8Array(digests[i]!), (start + i) * SHA384);
  }
  return out;
}

/** `sha384Packed` with a synchronous backend. */
export function sha384PackedWith(pages: Uint8Array, hash: HashBackend): Uint8Array<ArrayBuffer> {
  const count = Math.floor(pages.length / PAGE);
  const out = new Uint8Array(count * SHA384);
  for (let i = 0; i < count; i++) out.set(hash.digest('sha384', pages.subarray(i * PAGE, i * PAGE + PAGE)), i * SHA384);
  return out;
}

/** Copies pages[from, to) into one transferable buffer (each page must be exactly 4096 bytes). */
export function packPages(pages: readonly Uint8Array[], from: number, to: number): Uint8Array<ArrayBuffer> {
  const packed = new Uint8Array((to - from) * PAGE);
  for (let i = from; i < to; i++) {
    const p = pages[i]!;
    if (p.length !== PAGE) throw new RangeError(`page ${i} is ${p.length} bytes, not ${PAGE}`);
    packed.set(p, (i - from) * PAGE);
  }
  return packed;
}

/** In the calling thread (Node, tests, or when workers cannot start), one chunk per batch. */
export const inThreadHasher: PageHasher = {
  async sha384Pages(pages, onChunk) {
    const out = new Uint8Array(pages.length * SHA384);
    for (let from = 0; from < pages.length; from += HASH_BATCH) {
      const h = await sha384Packed(packPages(pages, from, Math.min(pages.length, from + HASH_BATCH)));
      out.set(h, from * SHA384);
      onChunk?.(from, h);
    }
    return out;
  },
};

/**
 * In the calling thread with a synchronous backend (the WebAssembly SHA-384): every page hashed where it lies, no
 * copy, no message, one chunk reported per CHUNK_PAGES pages. The engine worker uses this when the WebAssembly
 * backend loaded: the pool's copies (every page packed into a transferable buffer) were garbage the size of the
 * file for each measurement, and on a 2-core machine shared with other work two pool workers hash no faster.
 */
export function syncHasher(hash: HashBackend): PageHasher {
  return {
    async sha384Pages(pages, onChunk) {
      const out = new Uint8Array(pages.length * SHA384);
      for (let from = 0; from < pages.length; from += CHUNK_PAGES) {
        const to = Math.min(pages.length, from + CHUNK_PAGES);
        for (let i = from; i < to; i++) {
          const p = pages[i]!;
          if (p.length !== PAGE) throw new RangeError(`page ${i} is ${p.length} bytes, not ${PAGE}`);
          out.set(hash.digest('sha384', p), i * SHA384);
        }
        onChunk?.(from, out.subarray(from * SHA384, to * SHA384));
      }
      return out;
    },
  };
}

/** Request and reply of page-hash.worker.ts. */
export interface PageHashRequest {
  id: number;
  pages: ArrayBuffer;
}
export interface PageHashReply {
  id: number;
  hashes?: ArrayBuffer;
  error?: string;
}

/** The part of a Worker the pool uses (a fake one in Node tests). */
export interface HashWorker {
  postMessage(message: PageHashRequest, transfer: Transferable[]): void;
  onmessage: ((ev: MessageEvent<PageHashReply>) => unknown) | null;
  onerror: ((ev: ErrorEvent) => unknown) | null;
  terminate(): void;
}

/** Pool size: one worker per core, at least 1, at most 4 (2 on a 2-core machine). */
export function poolSize(cores = typeof navigator === 'undefined' ? 1 : navigator.hardwareConcurrency || 1): number {
  return Math.max(1, Math.min(4, cores));
}

/** Fewer pages than this are hashed in the calling thread (a round trip costs more than it saves). */
export const MIN_POOLED_PAGES = 256;
/** Pages per request: small enough that the first hashes come back early and chaining overlaps hashing. */
export const CHUNK_PAGES = 512;
/** Requests a worker has queued at once (one hashing while the next is being copied and posted). */
export const IN_FLIGHT = 2;

function spawnPageHashWorker(): HashWorker {
  return new Worker(new URL('./page-hash.worker.ts', import.meta.url), { type: 'module', name: 'page-hash' }) as unknown as HashWorker;
}

export class PageHashPool implements PageHasher {
  private readonly workers: (HashWorker | undefined)[] = [];
  private readonly pending = new Map<number, { resolve: (h: Uint8Array) => void; reject: (e: Error) => void }>();
  private nextId = 1;

  readonly size: number;
  private readonly spawn: () => HashWorker;

  constructor(size = poolSize(), spawn: () => HashWorker = spawnPageHashWorker) {
    this.size = size;
    this.spawn = spawn;
  }

  async sha384Pages(pages: readonly Uint8Array[], onChunk?: ChunkListener): Promise<Uint8Array> {
    if (pages.length < MIN_POOLED_PAGES) return inThreadHasher.sha384Pages(pages, onChunk);
    const seen = new Uint8Array(Math.ceil(pages.length / CHUNK_PAGES));
    try {
      return await this.pooled(pages, (first, h) => {
        seen[first / CHUNK_PAGES] = 1;
        onChunk?.(first, h);
      });
    } catch {
      // Workers unavailable (no nested workers, blocked, crashed): the chunks still missing, in this thread.
      const out = new Uint8Array(pages.length * SHA384);
      await inThreadHasher.sha384Pages(pages, (first, h) => {
        out.set(h, first * SHA384);
        for (let c = first; c < first + h.length / SHA384; c += CHUNK_PAGES) {
          if (seen[c / CHUNK_PAGES]) continue;
          onChunk?.(c, h.subarray((c - first) * SHA384, Math.min(h.length, (c - first + CHUNK_PAGES) * SHA384)));
        }
      });
      return out;
    }
  }

  /**
   * Chunks of CHUNK_PAGES pages taken in order by the workers, so the low chunks come back first. Each worker has
   * at most IN_FLIGHT packed chunks at a time: the copies in flight stay a few MiB whatever the file's size (all
   * chunks packed at once doubled a 512 MiB IGVM in memory).
   */
  private async pooled(pages: readonly Uint8Array[], onChunk: ChunkListener): Promise<Uint8Array> {
    const out = new Uint8Array(pages.length * SHA384);
    const chunks = Math.ceil(pages.length / CHUNK_PAGES);
    const workers = Math.min(this.size, chunks);
    let next = 0;
    const lane = async (w: number): Promise<void> => {
      while (next < chunks) {
        const from = next++ * CHUNK_PAGES;
        const h = await this.run(w, packPages(pages, from, Math.min(pages.length, from + CHUNK_PAGES)));
        out.set(h, from * SHA384);
        onChunk(from, h);
      }
    };
    const lanes: Promise<void>[] = [];
    for (let w = 0; w < workers; w++) for (let k = 0; k < IN_FLIGHT; k++) lanes.push(lane(w));
    await Promise.all(lanes);
    return out;
  }

  /** Stops every worker; pending requests fail. */
  close(): void {
    for (const w of this.workers) w?.terminate();
    this.workers.length = 0;
    this.failAll(new Error('page-hash pool closed'));
  }

  private run(index: number, packed: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
    const worker = this.worker(index);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, pages: packed.buffer }, [packed.buffer]);
    });
  }

  private worker(index: number): HashWorker {
    let w = this.workers[index];
    if (w) return w;
    w = this.spawn();
    w.onmessage = (ev) => {
      const { id, hashes, error } = ev.data;
      const p = this.pending.get(id);
      if (!p) return;
      this.pending.delete(id);
      if (hashes) p.resolve(new Uint8Array(hashes));
      else p.reject(new Error(error ?? 'page-hash worker failed'));
    };
    w.onerror = (ev) => {
      // A worker that cannot start or crashes: drop it (the next call spawns a fresh one) and fail what is pending.
      if (this.workers[index] === w) this.workers[index] = undefined;
      w!.terminate();
      this.failAll(new Error(`page-hash worker error: ${ev.message ?? 'unknown'}`));
    };
    this.workers[index] = w;
    return w;
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}

/**
 * The worker side: answers one request (used by page-hash.worker.ts, and by fake workers in tests). With a
 * synchronous backend (the WebAssembly one) every page is hashed in place, no promise per page; WebCrypto otherwise.
 */
export async function answerPageHashRequest(
  req: PageHashRequest,
  subtle: SubtleCrypto = crypto.subtle,
  sync?: HashBackend,
): Promise<PageHashReply> {
  try {
    const hashes = sync ? sha384PackedWith(new Uint8Array(req.pages), sync) : await sha384Packed(new Uint8Array(req.pages), subtle);
    return { id: req.id, hashes: hashes.buffer };
  } catch (e) {
    return { id: req.id, error: e instanceof Error ? e.message : String(e) };
  }
}
