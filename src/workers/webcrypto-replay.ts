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

/**
 * WebCrypto digests of the recorded requests. A request made of several chunks must be copied into one buffer for
 * WebCrypto; requests over the same chunks (Authenticode's four algorithms over the same ranges) share one copy,
 * and the same algorithm over the same bytes is hashed once.
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
  const joined = new Map<string, Uint8Array<ArrayBuffer>>();
  const digests = new Map<string, Promise<Bytes>>();
  return Promise.all(
    recorded.map((r) => {
      const key = keyOf(r);
      let d = digests.get(`${r.alg} ${key}`);
      if (!d) {
        let bytes = joined.get(key);
        if (!bytes) joined.set(key, (bytes = concat(r)));
        const data = bytes;
        d = crypto.subtle.digest(WEBCRYPTO_NAME[r.alg], data).then((b) => new Uint8Array(b) as Bytes);
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
