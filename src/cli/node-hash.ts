// node:crypto hash backend for the CLI (OpenSSL underneath: the fastest path on Node).
import { createHash, hash as oneShotHash } from 'node:crypto';
import type { Bytes } from '../core/bytes/bytes';
import type { HashBackend, IncrementalHash } from '../core/hash/hash';

const asBytes = (b: Buffer): Bytes => new Uint8Array(b.buffer, b.byteOffset, b.byteLength) as Bytes;

export const nodeHashBackend: HashBackend = {
  name: 'node:crypto',
  // crypto.hash (Node ≥ 20.12) skips the Hash object: ~25% less per call for the 27k small PAGE_INFO hashes
  // of a 14 MiB IGVM.
  digest: (alg, data) => asBytes(oneShotHash(alg, data, 'buffer')),
  create(alg) {
    const h = createHash(alg);
    const wrapper: IncrementalHash = {
      update(d) {
        h.update(d);
        return wrapper;
      },
      digest: () => asBytes(h.digest()),
    };
    return wrapper;
  },
};
