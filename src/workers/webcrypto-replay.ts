// Runs a synchronous src/core computation with WebCrypto doing its large hashes.
//
// src/core hashes through a synchronous HashBackend (noble by default); WebCrypto is asynchronous and several
// times faster on large inputs. A UKI's Authenticode digests (4 algorithms, 2 padding conventions) and its
// PCR 11 prediction (4 banks) hash the whole file about a dozen times, which in noble is most of the time it
// takes to open a 14 MiB UKI. So the computation runs twice:
//  1. a recording pass: inputs under `minBytes` are hashed at once with noble (PCR extends, names, headers);
//     larger ones are recorded (by reference: the file's bytes, never copied) and answered with zeros;
//  2. every recorded input is hashed with WebCrypto, all at once;
//  3. the replay pass: the same computation, answered in call order from step 2. Each answer is used only if
//     the request is the same one (algorithm, length, and chunk for chunk the same bytes: the same view of
//     the same buffer, or equal contents); otherwise that input is hashed with noble. So a path that depends
//     on a digest's value (pass 1 saw zeros) still gets exact digests, only slower.
// The computation must be pure: it runs twice, and the inputs must not change between or during the passes.
import { defaultHash, type HashAlgorithm, type HashBackend, type IncrementalHash } from '../core/hash';
import { DIGEST_LENGTH } from '../core/hash/hash';
import { toHex, type Bytes } from '../core/bytes/bytes';

const WEBCRYPTO_NAME: Record<HashAlgorithm, string> = {
  sha1: 'SHA-1',
  sha256: 'SHA-256',
  sha384: 'SHA-384',
  sha512: 'SHA-512',
};

/** Below this many bytes noble answers at once (WebCrypto's per-call cost is larger than the hashing). */
export const DEFAULT_MIN_BYTES = 64 * 1024;

interface Request {
  alg: HashAlgorithm;
  chunks: Uint8Array[];
  length: number;
}

export interface ReplayStats {
  /** Inputs hashed with WebCrypto between the passes. */
  deferred: number;
  deferredBytes: number;
  /** Replay requests that did not match the recorded one and were hashed with noble instead. */
  fallbacks: number;
}

/** Small and unmatched inputs: the default backend (the WebAssembly SHA-2 in the engine worker, else noble). */
function nobleOf(alg: HashAlgorithm, chunks: Uint8Array[]): Bytes {
  const b = defaultHash();
  if (chunks.length === 1) return b.digest(alg, chunks[0]!);
  const h = b.create(alg);
  for (const c of chunks) h.update(c);
  return h.digest();
}

/** A backend whose large inputs go to `large`; small ones are hashed with noble right away. */
function backend(minBytes: number, large: (r: Request) => Bytes): HashBackend {
  const finish = (r: Request) => (r.length < minBytes ? nobleOf(r.alg, r.chunks) : large(r));
  return {
    name: 'webcrypto-replay',
    digest: (alg, data) => finish({ alg, chunks: [data], length: data.length }),
    create(alg) {
      const r: Request = { alg, chunks: [], length: 0 };
      const h: IncrementalHash = {
        update(d) {
          if (d.length > 0) {
            r.chunks.push(d);
            r.length += d.length;
          }
          return h;
        },
        digest: () => finish(r),
      };
      return h;
    },
  };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  if (a.buffer === b.buffer && a.byteOffset === b.byteOffset) return true;
  let i = 0;
  // Four bytes at a time where both views allow it (a copy of a 14 MiB section: ~4 ms instead of ~15).
  if (a.byteOffset % 4 === 0 && b.byteOffset % 4 === 0) {
    const words = a.length >>> 2;
    const wa = new Int32Array(a.buffer, a.byteOffset, words);
    const wb = new Int32Array(b.buffer, b.byteOffset, words);
    for (; i < words; i++) if (wa[i] !== wb[i]) return false;
    i = words * 4;
  }
  for (; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameRequest(a: Request, b: Request): boolean {
  if (a.alg !== b.alg || a.length !== b.length) return false;
  // Compare as one byte stream: the chunk boundaries may differ while the bytes do not.
  if (a.chunks.length === b.chunks.length && a.chunks.every((c, i) => sameBytes(c, b.chunks[i]!))) return true;
  return sameBytes(concat(a), concat(b));
}

function concat(r: Request): Uint8Array<ArrayBuffer> {
  const only = r.chunks[0];
  if (r.chunks.length === 1 && only && only.buffer instanceof ArrayBuffer) return only as Uint8Array<ArrayBuffer>;
  const out = new Uint8Array(r.length);
  let at = 0;
  for (const c of r.chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

async function webCryptoDigest(r: Request): Promise<Bytes> {
  return new Uint8Array(await crypto.subtle.digest(WEBCRYPTO_NAME[r.alg], concat(r)));
}

/** `alg` over the concatenation of `parts`, with WebCrypto. */
export function webCryptoDigestOf(alg: HashAlgorithm, parts: Uint8Array[]): Promise<Bytes> {
  return webCryptoDigest({ alg, chunks: parts, length: parts.reduce((n, p) => n + p.length, 0) });
}

/** SHA-256 of `bytes` with WebCrypto, lowercase hex (a file's identity in the app). */
export async function webCryptoSha256Hex(bytes: Uint8Array): Promise<string> {
  return toHex(await webCryptoDigestOf('sha256', [bytes]));
}

/** A prefix longer than this is not spliced (splicedDigest): the request is joined into one buffer instead. */
export const MAX_SPLICE_BYTES = 64 * 1024;

/**
 * Where `r` can be hashed by WebCrypto straight from the buffer its chunks view, without joining it into a copy of its
 * length: every chunk views the same (non-shared) ArrayBuffer, the chunks after the first `prefix` follow each
 * other without a gap (the tail), and the prefix chunks, together at most MAX_SPLICE_BYTES, fit in front of the tail.
 * An Authenticode request is this: the headers without CheckSum and the certificate directory entry (a few KiB in
 * three pieces), then the sections and trailing data back to back. Undefined otherwise.
 */
export function spliceOf(r: { chunks: Uint8Array[]; length: number }): { buffer: ArrayBuffer; prefix: number; at: number } | undefined {
  const first = r.chunks[0];
  const buffer = first?.buffer;
  if (!first || !(buffer instanceof ArrayBuffer) || !r.chunks.every((c) => c.buffer === buffer)) return undefined;
  let tail = r.chunks.length - 1;
  while (tail > 0 && r.chunks[tail - 1]!.byteOffset + r.chunks[tail - 1]!.length === r.chunks[tail]!.byteOffset) tail--;
  let prefix = 0;
  for (let i = 0; i < tail; i++) prefix += r.chunks[i]!.length;
  const at = r.chunks[tail]!.byteOffset - prefix;
  if (prefix > MAX_SPLICE_BYTES || at < 0) return undefined;
  return { buffer, prefix, at };
}

/**
 * WebCrypto `alg` of `r` without a copy of its length, where spliceOf allows: the prefix chunks are written, for the
 * duration of the digest() call only, into the bytes just before the tail, so that one view of the buffer holds the
 * request's bytes in order; those bytes are restored before anything else runs. This is exact because digest() takes
 * its copy of the data before it returns (WebCrypto §14.3.5 step 2, "getting a copy of the bytes held by the data
 * parameter") and nothing else can touch the buffer in between (one thread, not a SharedArrayBuffer).
 */
function splicedDigest(alg: HashAlgorithm, r: Request, splice: { buffer: ArrayBuffer; prefix: number; at: number }): Promise<ArrayBuffer> {
  const { buffer, prefix, at } = splice;
  if (prefix === 0) return crypto.subtle.digest(WEBCRYPTO_NAME[alg], new Uint8Array(buffer, at, r.length));
  // The prefix is read out first: its chunks (the headers) may lie inside the bytes it is written over.
  const head = new Uint8Array(prefix);
  let n = 0;
  for (const c of r.chunks) {
    if (n + c.length > prefix) break;
    head.set(c, n);
    n += c.length;
  }
  const over = new Uint8Array(buffer, at, prefix);
  const saved = over.slice();
  over.set(head);
  try {
    return crypto.subtle.digest(WEBCRYPTO_NAME[alg], new Uint8Array(buffer, at, r.length));
  } finally {
    over.set(saved);
  }
}

/**
 * Whether this WebCrypto takes its copy of the data inside digest(), as splicedDigest relies on: a spliced digest of
 * a small request, checked against the default backend over the same bytes (once per worker).
 */
let spliceChecked: Promise<boolean> | undefined;
export function spliceWorks(): Promise<boolean> {
  return (spliceChecked ??= (async () => {
    const buffer = new ArrayBuffer(256);
    const all = new Uint8Array(buffer);
    for (let i = 0; i < all.length; i++) all[i] = (i * 131 + 7) & 0xff;
    const r: Request = { alg: 'sha256', chunks: [all.subarray(0, 20), all.subarray(40, 60), all.subarray(100, 256)], length: 196 };
    const want = toHex(nobleOf('sha256', r.chunks));
    const before = all.slice();
    try {
      const got = toHex(new Uint8Array(await splicedDigest('sha256', r, spliceOf(r)!)));
      return got === want && all.every((b, i) => b === before[i]);
    } catch {
      return false;
    }
  })());
}

/**
 * WebCrypto digests of the recorded requests. A request made of several chunks is hashed from its buffer in place
 * where splicedDigest can (the Authenticode ranges of a PE); otherwise it is copied into one buffer for WebCrypto, and
 * requests over the same chunks (Authenticode's four algorithms over the same ranges) share one copy. The same
 * algorithm over the same bytes is hashed once.
 */
async function digestAll(recorded: Request[]): Promise<Bytes[]> {
  const bufferIds = new Map<ArrayBufferLike, number>();
  const keyOf = (r: Request) =>
    r.chunks
      .map((c) => {
        let id = bufferIds.get(c.buffer);
        if (id === undefined) bufferIds.set(c.buffer, (id = bufferIds.size));
        return `${id}:${c.byteOffset}:${c.length}`;
      })
      .join(',');
  const splice = recorded.some((r) => r.chunks.length > 1) && (await spliceWorks());
  const joined = new Map<string, Uint8Array<ArrayBuffer>>();
  const digests = new Map<string, Promise<Bytes>>();
  return Promise.all(
    recorded.map((r) => {
      const key = keyOf(r);
      let d = digests.get(`${r.alg} ${key}`);
      if (!d) {
        const inPlace = splice && r.chunks.length > 1 ? spliceOf(r) : undefined;
        let pending: Promise<ArrayBuffer>;
        if (inPlace) pending = splicedDigest(r.alg, r, inPlace);
        else {
          let bytes = joined.get(key);
          if (!bytes) joined.set(key, (bytes = concat(r)));
          pending = crypto.subtle.digest(WEBCRYPTO_NAME[r.alg], bytes);
        }
        d = pending.then((b) => new Uint8Array(b) as Bytes);
        digests.set(`${r.alg} ${key}`, d);
      }
      return d;
    }),
  );
}

/** `run(hash)` with WebCrypto computing the digests of its inputs of `minBytes` or more (see the top). */
export async function withWebCryptoHashes<T>(
  run: (hash: HashBackend) => T,
  minBytes = DEFAULT_MIN_BYTES,
): Promise<{ result: T; stats: ReplayStats }> {
  const recorded: Request[] = [];
  run(
    backend(minBytes, (r) => {
      recorded.push(r);
      return new Uint8Array(DIGEST_LENGTH[r.alg]);
    }),
  );
  const digests = await digestAll(recorded);
  const stats: ReplayStats = {
    deferred: recorded.length,
    deferredBytes: recorded.reduce((n, r) => n + r.length, 0),
    fallbacks: 0,
  };
  // Answers are taken in call order; if the replay asks for something else (a path that depended on a digest's
  // value), the next recorded request that matches is taken, and an unmatched one is hashed with noble.
  let next = 0;
  const result = run(
    backend(minBytes, (r) => {
      for (let i = next; i < recorded.length; i++) {
        const then = recorded[i]!;
        if (then.alg === r.alg && then.length === r.length && sameRequest(then, r)) {
          next = i + 1;
          return digests[i]!.slice();
        }
      }
      stats.fallbacks++;
      return nobleOf(r.alg, r.chunks);
    }),
  );
  return { result, stats };
}
