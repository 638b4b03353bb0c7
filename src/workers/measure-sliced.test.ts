// The sliced SNP path against the whole-file one, on every corpus IGVM and the builder's odd and large files: a
// detached model (core/igvm/detach.ts) whose pages are read in slices that align with neither pages nor headers
// gives the same CONTENTS and running digest at every step, and the same launch digest, as SnpChain.measure over
// the whole file (noble and WebAssembly backends). A failed or short read rejects: no digest at all.
import { beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../core/bytes/bytes';
import { nobleBackend, type HashBackend } from '../core/hash/hash';
import { loadWasmHash } from '../core/hash/wasm';
import { detachPageData, parseIgvm, supportedPlatforms, IGVM_PLATFORM_TYPE } from '../core/igvm';
import { largeBuilderIgvm, oddBuilderIgvm } from '../test-support/igvm-layouts';
import { measurePlatform } from '../core/measure';
import { corpusAvailable, manifest, readCorpus } from '../test-support/corpus';
import { measureSnpFromFile } from './measure-sliced';
import { blobSlices, sha384PagesFromFile, SliceReadError, type FileSlices } from './slice-reader';

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

const files: [string, () => Uint8Array][] = [
  ['builder: odd layout', oddBuilderIgvm],
  ['builder: 3 MiB of pages', () => largeBuilderIgvm(3)],
];
if (corpusAvailable())
  for (const e of manifest().igvm as { path: string }[]) files.push([e.path, () => readCorpus(e.path)]);

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
      for (const p of snp)
        for (const [profile, hash, slice] of [
          ['igvm', nobleBackend, 5000],
          ['igvmmeasure', nobleBackend, 16 << 20],
          ['igvm', wasm, 4097],
          ['igvmmeasure', wasm, 1000],
          ['igvm', wasm, 12345],
        ] as const) {
          const whole = measurePlatform(file, p, { snpProfile: profile, hash });
          const reads: [number, number][] = [];
          const m = await measureSnpFromFile(det, p, { snpProfile: profile, hash }, memorySlices(bytes, reads), slice);
          const label = `${profile} ${hash.name} slice ${slice}`;
          expect(toHex(m.digest), label).toBe(toHex(whole.digest));
          expect(toHex(m.chain!.contents), label).toBe(toHex(whole.chain!.contents));
          expect(toHex(m.chain!.digests), label).toBe(toHex(whole.chain!.digests));
          expect(m.diagnostics).toEqual(whole.diagnostics);
          expect(m.idBlock?.matches).toBe(whole.idBlock?.matches);
          // Every read is inside the file and no longer than a slice.
          for (const [o, n] of reads) expect(o >= 0 && n > 0 && n <= slice && o + n <= bytes.length).toBe(true);
        }
    });
  }
});

describe('sha384PagesFromFile', () => {
  const bytes = oddBuilderIgvm();
  const pages = [8192, 4096, 12288, 4096, 5000, 0];
  const want = pages.map((o) => toHex(nobleBackend.digest('sha384', bytes.subarray(o, o + 4096))));

  it('hashes pages in any order, repeated and unaligned, from slices of any size', async () => {
    for (const slice of [1, 100, 4095, 4096, 4097, 9999, 1 << 20]) {
      const got: string[] = [];
      await sha384PagesFromFile(memorySlices(bytes), pages, (p) => nobleBackend.digest('sha384', p), (k, h) => (got[k] = toHex(h)), slice);
      expect(got, `slice ${slice}`).toEqual(want);
    }
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
      sha384PagesFromFile(failing, [0, 4096, 8192, 12288], (p) => nobleBackend.digest('sha384', p), (k) => got.push(k), 3000),
    ).rejects.toThrow(SliceReadError);
    // Slices 0–3000, 3000–6000, 6000–9000 arrive: pages 0 and 4096 are whole; page 8192 needs the slice from 9000,
    // whose read fails: it and the page after it get no hash.
    expect(got).toEqual([0, 1]);
  });

  it('refuses a page outside the file', async () => {
    await expect(sha384PagesFromFile(memorySlices(bytes), [bytes.length - 100], (p) => p, () => undefined)).rejects.toThrow(/outside the file/);
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
    await expect(measureSnpFromFile(det, p, {}, blobSlices(gone))).rejects.toThrow(SliceReadError);
  });
});
