// The record → WebCrypto → replay backend gives exactly the digests noble gives, on real UKIs and on
// computations whose path depends on a digest's value (the replay then falls back for what it was not asked).
import { describe, expect, it } from 'vitest';
import { authenticodeDigests, embeddedSignatures } from '../core/authenticode';
import { toHex } from '../core/bytes/bytes';
import { nobleBackend, type HashBackend } from '../core/hash';
import { parsePe } from '../core/pe';
import { parseUki } from '../core/uki/model';
import { ukiPcr11 } from '../core/uki/pcr';
import { corpusAvailable, readCorpus } from '../test-support/corpus';
import { sectionView } from '../core/pe/access';
import { authenticodeDigest } from '../core/authenticode';
import { DEFAULT_MIN_BYTES, MAX_SPLICE_BYTES, spliceOf, spliceWorks, withWebCryptoHashes } from './webcrypto-replay';

function pattern(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = ((Math.imul(i, 2654435761) >>> 24) ^ seed) & 0xff;
  return b;
}

describe('withWebCryptoHashes', () => {
  const big = pattern(300_000, 1);
  const other = pattern(200_000, 2);

  it('defers large one-shot and incremental inputs, hashes small ones at once, same digests as noble', async () => {
    const run = (h: HashBackend) =>
      [
        h.digest('sha256', big),
        h.digest('sha1', big.subarray(5)),
        h.create('sha384').update(big.subarray(0, 1000)).update(other).update(big.subarray(1000)).digest(),
        h.create('sha512').update(big).digest(),
        h.digest('sha256', big.subarray(0, 100)), // small: noble at once
      ].map(toHex);
    const { result, stats } = await withWebCryptoHashes(run);
    expect(result).toEqual(run(nobleBackend));
    expect(stats.deferred).toBe(4);
    expect(stats.deferredBytes).toBe(big.length * 4 - 5 + other.length);
    expect(stats.fallbacks).toBe(0);
  });

  it('a fresh copy of the same bytes in each pass is matched by content', async () => {
    const run = (h: HashBackend) => toHex(h.digest('sha384', new Uint8Array(big)));
    const { result, stats } = await withWebCryptoHashes(run);
    expect(result).toBe(run(nobleBackend));
    expect(stats.fallbacks).toBe(0);
  });

  it('a path that depends on a digest value still gets exact digests (fallback to noble for the unrecorded input)', async () => {
    // Pass 1 sees a zero digest and hashes `other`; the replay sees the real one and hashes `big` with SHA-512.
    const run = (h: HashBackend) => {
      const d = h.digest('sha256', big);
      const next = d.every((x) => x === 0) ? h.digest('sha512', other) : h.digest('sha512', big);
      return [toHex(d), toHex(next), toHex(h.digest('sha1', other))];
    };
    const { result, stats } = await withWebCryptoHashes(run);
    expect(result).toEqual(run(nobleBackend));
    expect(stats.fallbacks).toBe(1);
  });

  it('the same length with different bytes is never answered from the record', async () => {
    let pass = 0;
    const run = (h: HashBackend) => toHex(h.digest('sha256', pass++ === 0 ? big : pattern(big.length, 9)));
    const { result, stats } = await withWebCryptoHashes(run);
    expect(result).toBe(toHex(nobleBackend.digest('sha256', pattern(big.length, 9))));
    expect(stats.fallbacks).toBe(1);
  });

  it('chunks of one buffer, a short prefix in front of a gapless tail, are hashed in place: same digests, buffer unchanged', async () => {
    expect(await spliceWorks()).toBe(true);
    const file = pattern(400_000, 3);
    const before = file.slice();
    // Like Authenticode: the headers minus two holes, then the rest of the file back to back (the piece after the
    // second hole starts the gapless tail, so the prefix is the two pieces before it).
    const parts = (b: Uint8Array) => [b.subarray(0, 216), b.subarray(220, 408), b.subarray(416, 4096), b.subarray(4096, 300_000), b.subarray(300_000)];
    expect(spliceOf({ chunks: parts(file), length: 400_000 - 12 })).toEqual({ buffer: file.buffer, prefix: 216 + 188, at: 12 });
    const run = (h: HashBackend) =>
      ['sha1', 'sha256', 'sha384', 'sha512'].map((alg) => {
        const x = h.create(alg as 'sha256');
        for (const p of parts(file)) x.update(p);
        return toHex(x.digest());
      });
    const { result, stats } = await withWebCryptoHashes(run);
    expect(result).toEqual(run(nobleBackend));
    expect(stats.fallbacks).toBe(0);
    expect(file).toEqual(before);
  });

  it('what is not spliced: chunks of two buffers, a prefix over the limit or with no room in front of the tail', () => {
    const a = pattern(300_000, 4);
    const b = pattern(1000, 5);
    expect(spliceOf({ chunks: [b, a.subarray(100)], length: 1000 + a.length - 100 })).toBeUndefined();
    expect(spliceOf({ chunks: [a.subarray(200_000, 200_010), a.subarray(5, 300_000)], length: 10 + 299_995 })).toBeUndefined();
    const long = [a.subarray(0, MAX_SPLICE_BYTES + 1), a.subarray(MAX_SPLICE_BYTES + 10, 300_000)];
    expect(spliceOf({ chunks: long, length: MAX_SPLICE_BYTES + 1 + 300_000 - MAX_SPLICE_BYTES - 10 })).toBeUndefined();
    // One gapless run needs no splice at all (prefix 0), wherever it starts.
    expect(spliceOf({ chunks: [a.subarray(7, 100), a.subarray(100, 200_000)], length: 199_993 })).toEqual({ buffer: a.buffer, prefix: 0, at: 7 });
  });

  it('below minBytes nothing is deferred', async () => {
    const { stats } = await withWebCryptoHashes((h) => h.digest('sha256', big.subarray(0, DEFAULT_MIN_BYTES - 1)));
    expect(stats.deferred).toBe(0);
  });
});

describe.runIf(corpusAvailable())('withWebCryptoHashes on the corpus UKIs', () => {
  for (const path of ['pe/uki-262.efi', 'pe/uki-262-efifw.efi', 'inputs/kernel/vmlinuz-6.1.0-56-cloud-amd64'])
    it(`${path}: Authenticode (every algorithm, both paddings), signatures and PCR 11 equal noble's`, async () => {
      const file = readCorpus(path);
      const pe = parsePe(file);
      const model = parseUki(file, pe);
      const before = file.slice();
      const linux = model.base.find((x) => x.name === '.linux');
      const run = (hash: HashBackend) => {
        const auth = authenticodeDigests(file, pe, hash)!;
        // The kernel inside a UKI: its Authenticode ranges are views into the UKI's buffer at the .linux offset.
        const kernel = linux ? sectionView(file, linux.pe) : undefined;
        const kpe = kernel && parsePe(kernel);
        const sigs = embeddedSignatures(file, pe, 'pad8', hash).map((s) => s.matches);
        const pcr = model.kind === 'uki' ? ukiPcr11(file, model, { hash }) : undefined;
        return JSON.stringify({
          auth: Object.entries(auth.digests).map(([a, d]) => [a, toHex(d.pad8), toHex(d.none)]),
          sigs,
          kernel: kernel && kpe?.ok ? toHex(authenticodeDigest(kernel, kpe, 'sha256', 'pad8', hash)!) : undefined,
          pcr: pcr && pcr.phases.map((p) => [p.path, Object.values(p.values).map((v) => v && toHex(v))]),
        });
      };
      const { result, stats } = await withWebCryptoHashes(run);
      expect(result).toBe(run(nobleBackend));
      expect(stats.deferred).toBeGreaterThan(4);
      expect(stats.fallbacks).toBe(0);
      expect(Buffer.compare(file, before), 'the file bytes are as they were').toBe(0);
      if (linux) expect(JSON.parse(result).kernel).toMatch(/^[0-9a-f]{64}$/);
    });
});
