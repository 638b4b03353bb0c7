// Hash backends. src/core is host-neutral: it hashes through a HashBackend, @noble/hashes by default
// (synchronous, streaming, works everywhere). The CLI injects node:crypto (src/cli/node-hash.ts);
// the browser worker may precompute page digests with WebCrypto and pass them in.
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import type { Bytes } from '../bytes/bytes';

export type HashAlgorithm = 'sha1' | 'sha256' | 'sha384' | 'sha512';

export const DIGEST_LENGTH: Record<HashAlgorithm, number> = { sha1: 20, sha256: 32, sha384: 48, sha512: 64 };

export interface IncrementalHash {
  update(data: Uint8Array): IncrementalHash;
  digest(): Bytes;
}

export interface HashBackend {
  readonly name: string;
  digest(alg: HashAlgorithm, data: Uint8Array): Bytes;
  create(alg: HashAlgorithm): IncrementalHash;
  /**
   * Optional: the digest of `data` written to `out` at `offset` (same bytes as `digest`), for hot loops that keep
   * digests in one flat array (the SNP chain: 2 × 65k SHA-384s for a 256 MiB IGVM) and so allocate nothing per call.
   */
  digestInto?(alg: HashAlgorithm, data: Uint8Array, out: Uint8Array, offset: number): void;
}

/** `hash.digestInto` where the backend has it, else `digest` copied into `out`. */
export function digestInto(hash: HashBackend, alg: HashAlgorithm, data: Uint8Array, out: Uint8Array, offset: number): void {
  if (hash.digestInto) hash.digestInto(alg, data, out, offset);
  else out.set(hash.digest(alg, data), offset);
}

const NOBLE = { sha1, sha256, sha384, sha512 };

export const nobleBackend: HashBackend = {
  name: 'noble',
  digest: (alg, data) => NOBLE[alg](data) as Bytes,
  create(alg) {
    const h = NOBLE[alg].create();
    const wrapper: IncrementalHash = {
      update(d) {
        h.update(d);
        return wrapper;
      },
      digest: () => h.digest() as Bytes,
    };
    return wrapper;
  },
};

let current: HashBackend = nobleBackend;

/** The process-wide default backend (the CLI swaps in node:crypto at start-up). */
export function defaultHash(): HashBackend {
  return current;
}
export function setDefaultHash(backend: HashBackend): void {
  current = backend;
}

export const sha256Of = (d: Uint8Array, h: HashBackend = current): Bytes => h.digest('sha256', d);
export const sha384Of = (d: Uint8Array, h: HashBackend = current): Bytes => h.digest('sha384', d);
