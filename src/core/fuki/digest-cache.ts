// Input digests computed once per input: the composer re-runs on every edit (command line, add-on toggles), and
// the kernel, initrds and firmware do not change with those edits. Keyed by the bytes' place: the identity of
// the underlying ArrayBuffer plus offset and length, so a fresh view of the same section of the same file (the
// UKI's .linux, extracted again on each edit) is a hit. Callers never change input bytes (the UI and CLI load
// each file once and only read it).
import type { Bytes } from '../bytes/bytes';
import type { HashAlgorithm, HashBackend } from '../hash/hash';

export class DigestCache {
  private readonly ids = new WeakMap<ArrayBufferLike, number>();
  private nextId = 1;
  private readonly digests = new Map<string, Bytes>();
  /** Bytes actually hashed by this cache (a test hook: edits that should hit the cache leave it unchanged). */
  bytesHashed = 0;

  readonly hash: HashBackend;

  constructor(hash: HashBackend) {
    this.hash = hash;
  }

  /** Where the bytes live: buffer id, offset and length. */
  keyOf(b: Uint8Array): string {
    let id = this.ids.get(b.buffer);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(b.buffer, id);
    }
    return `${id}@${b.byteOffset}+${b.byteLength}`;
  }

  private keyFor(alg: HashAlgorithm, parts: readonly Uint8Array[]): string {
    return `${alg}:${parts.map((p) => this.keyOf(p)).join(',')}`;
  }

  has(alg: HashAlgorithm, parts: readonly Uint8Array[]): boolean {
    return this.digests.has(this.keyFor(alg, parts));
  }

  /**
   * Stores a digest computed elsewhere (the browser worker computes large ones with WebCrypto first). The
   * caller vouches that `digest` is `alg` over the concatenation of `parts`.
   */
  prime(alg: HashAlgorithm, parts: readonly Uint8Array[], digest: Bytes): void {
    this.digests.set(this.keyFor(alg, parts), digest);
  }

  /** Digest of the concatenation of `parts` (one part: the part itself). */
  of(alg: HashAlgorithm, parts: readonly Uint8Array[]): Bytes {
    const key = this.keyFor(alg, parts);
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
