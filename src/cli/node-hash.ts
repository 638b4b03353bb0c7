// node:crypto hash backend for the CLI (OpenSSL underneath: the fastest path on Node).
import { createHash } from 'node:crypto';
import type { Bytes } from '../core/bytes/bytes';
import type { HashBackend, IncrementalHash } from '../core/hash/hash';

const asBytes = (b: Buffer): Bytes => new Uint8Array(b.buffer, b.byteOffset, b.byteLength) as Bytes;

export const nodeHashBackend: HashBackend = {
  name: 'node:crypto',
  digest: (alg, data) => asBytes(createHash(alg).update(data).digest()),
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
