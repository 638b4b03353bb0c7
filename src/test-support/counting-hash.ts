// Test-only: a hash backend that counts the bytes it hashes (checks that cached paths hash nothing large).
import type { HashBackend } from '../core/hash/hash';

export function countingBackend(inner: HashBackend): HashBackend & { bytes: number } {
  const c = {
    name: 'counting',
    bytes: 0,
    digest(alg: Parameters<HashBackend['digest']>[0], data: Uint8Array) {
      c.bytes += data.length;
      return inner.digest(alg, data);
    },
    create(alg: Parameters<HashBackend['create']>[0]) {
      const h = inner.create(alg);
      const w = {
        update(d: Uint8Array) {
          c.bytes += d.length;
          h.update(d);
          return w;
        },
        digest: () => h.digest(),
      };
      return w;
    },
  };
  return c;
}
