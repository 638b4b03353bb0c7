// Input digests computed once per input: the composer re-runs on every edit (command line, add-on toggles), and
// the kernel, initrds and firmware do not change with those edits. Keyed by array identity: callers keep the
// same Uint8Array for the same input (the UI and CLI load each file once).
import type { Bytes } from '../bytes/bytes';
import type { HashAlgorithm, HashBackend } from '../hash/hash';

export class DigestCache {
  private readonly ids = new WeakMap<Uint8Array, number>();
  private nextId = 1;
  private readonly digests = new Map<string, Bytes>();
  /** Bytes actually hashed by this cache (a test hook: edits that should hit the cache leave it unchanged). */
  bytesHashed = 0;

  readonly hash: HashBackend;

  constructor(hash: HashBackend) {
    this.hash = hash;
  }

  idOf(b: Uint8Array): number {
    let id = this.ids.get(b);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(b, id);
    }
    return id;
  }

  /** Digest of the concatenation of `parts` (one part: the part itself). */
  of(alg: HashAlgorithm, parts: readonly Uint8Array[]): Bytes {
    const key = `${alg}:${parts.map((p) => this.idOf(p)).join(',')}`;
    let d = this.digests.get(key);
    if (!d) {
      const h = this.hash.create(alg);
      for (const p of parts) {
        h.update(p);
        this.bytesHashed += p.length;
      }
      d = h.digest();
      this.digests.set(key, d);
    }
    return d;
  }
}
