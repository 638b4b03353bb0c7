// node:crypto hash backend for the CLI (OpenSSL underneath: the fastest path on Node).
import { createHash, hash as oneShotHash, type BinaryToTextEncoding } from 'node:crypto';
import type { Bytes } from '../core/bytes/bytes';
import type { HashBackend, IncrementalHash } from '../core/hash/hash';

/**
 * @types/node lists only hex/base64/base64url/binary here, but Node takes any string encoding; 'binary' (its alias)
 * goes through normalizeEncoding's slow path again (~0.2 µs per call), so the canonical name it is.
 */
const LATIN1 = 'latin1' as BinaryToTextEncoding;

/**
 * Copies the digest bytes of a latin1 string (one char per byte) into `out` at `offset`. Node's 'buffer' output
 * encoding takes a slow path per call (normalizeEncoding → slowCases, then a Buffer object): asking for latin1 and
 * copying the ≤ 64 chars into an array of our own is ~0.35 µs cheaper per 112-byte PAGE_INFO and ~1.3 µs per 4 KiB
 * page (profile of `fukiscope measure` on a 256 MiB IGVM: 131k calls). Same bytes: node-hash.test.ts compares both
 * encodings.
 */
function copyLatin1(s: string, out: Uint8Array, offset: number): void {
  for (let i = 0; i < s.length; i++) out[offset + i] = s.charCodeAt(i);
}

function latin1Bytes(s: string): Bytes {
  const out = new Uint8Array(s.length);
  copyLatin1(s, out, 0);
  return out;
}

export const nodeHashBackend: HashBackend = {
  name: 'node:crypto',
  // crypto.hash (Node ≥ 20.12) skips the Hash object: ~25% less per call for the 27k small PAGE_INFO hashes
  // of a 14 MiB IGVM.
  digest: (alg, data) => latin1Bytes(oneShotHash(alg, data, LATIN1)),
  digestInto(alg, data, out, offset) {
    const s = oneShotHash(alg, data, LATIN1);
    if (offset < 0 || offset + s.length > out.length) throw new RangeError(`no room for a ${alg} digest at ${offset}`);
    copyLatin1(s, out, offset);
  },
  create(alg) {
    const h = createHash(alg);
    const wrapper: IncrementalHash = {
      update(d) {
        h.update(d);
        return wrapper;
      },
      digest: () => latin1Bytes(h.digest(LATIN1)),
    };
    return wrapper;
  },
};
