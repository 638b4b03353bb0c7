// Test-only: a hash backend that counts the bytes it hashes (checks that cached paths hash nothing large) and its
// calls (one-shot digests and incremental hashes created): the work units of a measurement.
import type { HashBackend } from '../core/hash/hash';

export function countingBackend(inner: HashBackend): HashBackend & { bytes: number; calls: number } {
  const c = {
    name: 'counting',
    bytes: 0,
    calls: 0,
    digest(alg: Parameters<HashBackend['digest']>[0], data: Uint8Array) {
      c.bytes += data.length;
      c.calls++;
      return inner.digest(alg, data);
    },
    create(alg: Parameters<HashBackend['create']>[0]) {
      const h = inner.create(alg);
      c.calls++;
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
