// A WebAssembly SHA-1/SHA-2 backend (hash-wasm) behind the same HashBackend as @noble/hashes. In the browser it is
// several times faster than noble on large inputs and, being synchronous, has none of WebCrypto's per-call cost
// (13.7k PAGE_INFO SHA-384s of 112 bytes per IGVM measurement). Loading is asynchronous (the modules compile once);
// after that every call is synchronous. Where WebAssembly is unavailable (no WebAssembly global, a CSP without
// 'wasm-unsafe-eval', a failed compile) loadWasmHash resolves to undefined and callers keep noble: both give the
// same bytes (src/core/hash/backends.test.ts checks every corpus file with both).
import { createSHA1, createSHA256, createSHA384, createSHA512, type IHasher } from 'hash-wasm';
import type { Bytes } from '../bytes/bytes';
import type { HashAlgorithm, HashBackend, IncrementalHash } from './hash';

/**
 * One wasm instance per algorithm, shared by every stream of that algorithm: a stream that finds the instance
 * holding another stream's state parks that state (`save`, ~200 bytes) and resumes its own (`load`). One-shot
 * digests, the common case, never park anything unless a stream is open.
 */
class Lane {
  private owner: Stream | undefined;
  private readonly hasher: IHasher;
  constructor(hasher: IHasher) {
    this.hasher = hasher;
  }

  /** The instance with `s`'s state in it (a fresh stream starts from init). */
  claim(s: Stream): IHasher {
    if (this.owner === s) return this.hasher;
    this.park();
    if (s.state) this.hasher.load(s.state);
    else this.hasher.init();
    s.state = undefined;
    this.owner = s;
    return this.hasher;
  }

  /** The instance for a one-shot digest (after the open stream's state is parked). */
  free(): IHasher {
    this.park();
    return this.hasher.init();
  }

  release(s: Stream): void {
    if (this.owner === s) this.owner = undefined;
  }

  private park(): void {
    const o = this.owner;
    if (!o) return;
    o.state = this.hasher.save();
    this.owner = undefined;
  }
}

class Stream implements IncrementalHash {
  state: Uint8Array | undefined;
  private done = false;
  private readonly lane: Lane;
  constructor(lane: Lane) {
    this.lane = lane;
  }

  update(data: Uint8Array): IncrementalHash {
    if (this.done) throw new Error('hash already finalised');
    if (data.length > 0) this.lane.claim(this).update(data);
    return this;
  }

  digest(): Bytes {
    if (this.done) throw new Error('hash already finalised');
    this.done = true;
    const d = this.lane.claim(this).digest('binary') as Bytes;
    this.lane.release(this);
    return d;
  }
}

function backendOf(lanes: Record<HashAlgorithm, Lane>): HashBackend {
  return {
    name: 'wasm',
    digest: (alg, data) => lanes[alg].free().update(data).digest('binary') as Bytes,
    create: (alg) => new Stream(lanes[alg]),
  };
}

let loading: Promise<HashBackend | undefined> | undefined;

/**
 * The WebAssembly backend, or undefined where WebAssembly cannot run here. Loaded once per realm (a worker, the
 * page, a Node process); never rejects.
 */
export function loadWasmHash(): Promise<HashBackend | undefined> {
  loading ??= (async () => {
    try {
      const [sha1, sha256, sha384, sha512] = await Promise.all([createSHA1(), createSHA256(), createSHA384(), createSHA512()]);
      const lanes = { sha1: new Lane(sha1), sha256: new Lane(sha256), sha384: new Lane(sha384), sha512: new Lane(sha512) };
      const backend = backendOf(lanes);
      // A known answer before anyone relies on it: SHA-384("abc") (FIPS 180-2 appendix D.1).
      const abc = backend.digest('sha384', new Uint8Array([0x61, 0x62, 0x63]));
      if (abc[0] !== 0xcb || abc[47] !== 0xa7) return undefined;
      return backend;
    } catch {
      return undefined;
    }
  })();
  return loading;
}
