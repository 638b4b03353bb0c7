// The sliced SNP path against the whole-file one, on every corpus IGVM and the builder's odd and large files: a
// detached model (core/igvm/detach.ts) whose pages are read in slices that align with neither pages nor headers
// gives the same CONTENTS and running digest at every step, and the same launch digest, as SnpChain.measure over
// the whole file (noble and WebAssembly backends). A failed or short read rejects: no digest at all.
import { beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../core/bytes/bytes';
import { nobleBackend, type HashBackend } from '../core/hash/hash';
import { loadWasmHash } from '../core/hash/wasm';
import { detachPageData, parseIgvm, supportedPlatforms, IGVM_PLATFORM_TYPE } from '../core/igvm';
import { oddBuilderIgvm, slicedPathFiles } from '../test-support/igvm-layouts';
import { measurePlatform } from '../core/measure';
import { corpusAvailable } from '../test-support/corpus';
import { measureSnpFromFile } from './measure-sliced';
import { answerPageHashRequest, inThreadHasher, PageHashPool, syncHasher, type HashWorker, type PageHasher, type PageHashReply, type PageHashRequest } from './page-hash-pool';
import { blobSlices, sha384PagesFromFile, SliceReadError, type FileSlices } from './slice-reader';

/** A PageHasher that hashes with noble and reports its chunks of `chunk` pages last first (or not at all). */
function outOfOrderHasher(chunk: number, stream = true): PageHasher {
  return {
    async sha384Pages(pages, onChunk) {
      const out = new Uint8Array(pages.length * 48);
      pages.forEach((p, i) => {
        expect(p.length).toBe(4096);
        out.set(nobleBackend.digest('sha384', p), i * 48);
      });
      await Promise.resolve();
      if (stream) for (let first = Math.floor((pages.length - 1) / chunk) * chunk; first >= 0; first -= chunk) onChunk?.(first, out.slice(first * 48, Math.min(pages.length, first + chunk) * 48));
      return out;
    },
  };
}

/** A page-hash worker stand-in for PageHashPool: each message answered asynchronously by the worker's handler. */
function fakeWorker(): HashWorker {
  const w: HashWorker = {
    onmessage: null,
    onerror: null,
    postMessage(req: PageHashRequest) {
      void answerPageHashRequest(req).then((reply) => w.onmessage?.({ data: reply } as MessageEvent<PageHashReply>));
    },
    terminate() {},
  };
  return w;
}

/** FileSlices over bytes in memory that records every read (to check that reads are what the hashes came from). */
function memorySlices(bytes: Uint8Array, reads: [number, number][] = []): FileSlices {
  return {
    size: bytes.length,
    async read(offset, length) {
      await Promise.resolve();
      reads.push([offset, length]);
      return bytes.slice(offset, offset + length);
    },
  };
}

function memorySlicesFailingFrom(bytes: Uint8Array, from: number): FileSlices {
  return {
    size: bytes.length,
    async read(offset, length) {
      await Promise.resolve();
      if (offset + length > from) throw new SliceReadError(offset, length, 'NotReadableError: changed on disk');
      return bytes.slice(offset, offset + length);
    },
  };
}

const files = slicedPathFiles();

let wasm: HashBackend;
beforeAll(async () => {
  const w = await loadWasmHash();
  expect(w).toBeDefined();
  wasm = w!;
});

describe('sliced SNP measurement equals the whole-file one', () => {
  it('has the corpus IGVMs to compare', () => {
    expect(files.length).toBeGreaterThanOrEqual(corpusAvailable() ? 10 : 2);
  });
  for (const [name, bytesOf] of files) {
    it(name, async () => {
      const bytes = bytesOf();
      const file = parseIgvm(bytes, { keepRaw: false }).file!;
      const det = detachPageData(file).file;
      const snp = supportedPlatforms(file).filter((p) => p.platformType === IGVM_PLATFORM_TYPE.SEV_SNP);
      if (!snp.length) return; // no SNP platform: the detach test covers the refusal of the others
      const pool = new PageHashPool(2, fakeWorker);
      for (const p of snp)
        for (const [profile, hash, slice, hasher, hasherName] of [
          ['igvm', nobleBackend, 5000, syncHasher(nobleBackend), 'sync noble'],
          ['igvmmeasure', nobleBackend, 16 << 20, syncHasher(nobleBackend), 'sync noble'],
          ['igvm', wasm, 4097, syncHasher(wasm), 'sync wasm'],
          ['igvmmeasure', wasm, 1000, syncHasher(wasm), 'sync wasm'],
          ['igvm', wasm, 12345, syncHasher(wasm), 'sync wasm'],
          ['igvm', wasm, 3 << 20, pool, 'pool of WebCrypto workers'],
          ['igvmmeasure', nobleBackend, 1 << 20, pool, 'pool of WebCrypto workers'],
          ['igvm', wasm, 65537, inThreadHasher, 'in-thread WebCrypto'],
          ['igvm', nobleBackend, 777, outOfOrderHasher(3), 'out of order'],
          ['igvmmeasure', wasm, 200_003, outOfOrderHasher(100), 'out of order'],
          ['igvm', wasm, 9000, outOfOrderHasher(1, false), 'not streaming'],
        ] as const) {
          const whole = measurePlatform(file, p, { snpProfile: profile, hash });
          const reads: [number, number][] = [];
          const m = await measureSnpFromFile(det, p, { snpProfile: profile, hash }, memorySlices(bytes, reads), hasher, slice);
          const label = `${profile} ${hash.name} slice ${slice} ${hasherName}`;
          expect(toHex(m.digest), label).toBe(toHex(whole.digest));
          expect(toHex(m.chain!.contents), label).toBe(toHex(whole.chain!.contents));
          expect(toHex(m.chain!.digests), label).toBe(toHex(whole.chain!.digests));
          expect(m.diagnostics).toEqual(whole.diagnostics);
          expect(m.idBlock?.matches).toBe(whole.idBlock?.matches);
          // Every read is inside the file and no longer than a slice.
          for (const [o, n] of reads) expect(o >= 0 && n > 0 && n <= slice && o + n <= bytes.length).toBe(true);
        }
      pool.close();
    }, 300_000);
  }
});

describe('sha384PagesFromFile', () => {
  const bytes = oddBuilderIgvm();
  const pages = [8192, 4096, 12288, 4096, 5000, 0];
  const want = pages.map((o) => toHex(nobleBackend.digest('sha384', bytes.subarray(o, o + 4096))));

  it('hashes pages in any order, repeated and unaligned, from slices of any size', async () => {
    for (const hasher of [syncHasher(nobleBackend), outOfOrderHasher(2), outOfOrderHasher(1, false), inThreadHasher])
      for (const slice of [1, 100, 4095, 4096, 4097, 9999, 1 << 20]) {
        const got: string[] = [];
        const reads: [number, number][] = [];
        await sha384PagesFromFile(memorySlices(bytes, reads), pages, hasher, (k, h) => (got[k] = (got[k] === undefined ? '' : 'twice ') + toHex(h)), slice);
        expect(got, `slice ${slice}`).toEqual(want);
        // No read longer than a slice.
        for (const [, n] of reads) expect(n <= slice).toBe(true);
      }
  });

  it('a hasher that returns the wrong count, reports pages twice or outside the slice is an error', async () => {
    const wrong = (f: (pages: readonly Uint8Array[], out: Uint8Array, onChunk?: (first: number, h: Uint8Array) => void) => Uint8Array): PageHasher => ({
      async sha384Pages(ps, onChunk) {
        const out = new Uint8Array(ps.length * 48);
        ps.forEach((p, i) => out.set(nobleBackend.digest('sha384', p), i * 48));
        return f(ps, out, onChunk);
      },
    });
    const cases: [string, PageHasher, RegExp][] = [
      ['one hash short', wrong((_, out) => out.subarray(48)), /returned/],
      ['one hash more', wrong((_, out) => new Uint8Array([...out, ...out.subarray(0, 48)])), /returned/],
      ['a page twice', wrong((_, out, on) => (on?.(0, out), on?.(0, out.subarray(0, 48)), out)), /twice/],
      ['past the slice', wrong((ps, out, on) => (on?.(ps.length, out.subarray(0, 48)), out)), /reported/],
      ['part of a hash', wrong((_, out, on) => (on?.(0, out.subarray(0, 47)), out)), /reported/],
    ];
    // One slice holds every page: the pool-like hasher sees them in one call.
    for (const [name, h, err] of cases) await expect(sha384PagesFromFile(memorySlices(bytes), pages, h, () => undefined), name).rejects.toThrow(err);
  });

  it('a failed read rejects and the pages after it get no hash', async () => {
    const failing: FileSlices = {
      size: bytes.length,
      async read(offset, length) {
        if (offset + length > 9000) throw new SliceReadError(offset, length, 'NotReadableError: changed on disk');
        return bytes.slice(offset, offset + length);
      },
    };
    const got: number[] = [];
    await expect(
      sha384PagesFromFile(failing, [0, 4096, 8192, 12288], syncHasher(nobleBackend), (k) => got.push(k), 3000),
    ).rejects.toThrow(SliceReadError);
    // Slices 0–3000, 3000–6000, 6000–9000 arrive: pages 0 and 4096 are whole; page 8192 needs the slice from 9000,
    // whose read fails: it and the page after it get no hash.
    expect(got).toEqual([0, 1]);
  });

  it('refuses a page outside the file', async () => {
    await expect(sha384PagesFromFile(memorySlices(bytes), [bytes.length - 100], syncHasher(nobleBackend), () => undefined)).rejects.toThrow(/outside the file/);
  });
});

describe('blobSlices', () => {
  const bytes = oddBuilderIgvm();
  it('reads exactly the bytes asked for', async () => {
    const f = blobSlices(new Blob([bytes as Uint8Array<ArrayBuffer>]));
    expect(f.size).toBe(bytes.length);
    expect(toHex(await f.read(1234, 5000))).toBe(toHex(bytes.subarray(1234, 6234)));
    await expect(f.read(bytes.length - 10, 11)).rejects.toThrow(SliceReadError);
  });
  it('a rejected read (NotReadableError) and a short read are SliceReadErrors', async () => {
    const notReadable = { size: 100, slice: () => ({ arrayBuffer: () => Promise.reject(new DOMException('file changed', 'NotReadableError')) }) } as unknown as Blob;
    await expect(blobSlices(notReadable).read(0, 10)).rejects.toThrow(/NotReadableError/);
    const short = { size: 100, slice: () => ({ arrayBuffer: () => Promise.resolve(new ArrayBuffer(5)) }) } as unknown as Blob;
    await expect(blobSlices(short).read(0, 10)).rejects.toThrow(/short read/);
  });
  it('a failed read makes the sliced SNP measurement reject (no digest of part of the file)', async () => {
    const file = parseIgvm(bytes, { keepRaw: false }).file!;
    const det = detachPageData(file).file;
    const p = supportedPlatforms(file).find((x) => x.platformType === IGVM_PLATFORM_TYPE.SEV_SNP)!;
    const gone = { size: bytes.length, slice: () => ({ arrayBuffer: () => Promise.reject(new DOMException('file changed', 'NotReadableError')) }) } as unknown as Blob;
    await expect(measureSnpFromFile(det, p, {}, blobSlices(gone), syncHasher(nobleBackend))).rejects.toThrow(SliceReadError);
    // A short read too, and a read that fails once the first slices arrived (the next one in flight as they hash).
    const short: FileSlices = { size: bytes.length, read: async (o, n) => bytes.slice(o, o + n - (o > 0 ? 1 : 0)) };
    await expect(measureSnpFromFile(det, p, {}, short, syncHasher(nobleBackend), 10_000)).rejects.toThrow(/short read/);
    const later = memorySlicesFailingFrom(bytes, 20_000);
    await expect(measureSnpFromFile(det, p, {}, later, new PageHashPool(2, fakeWorker), 10_000)).rejects.toThrow(SliceReadError);
  });
});
