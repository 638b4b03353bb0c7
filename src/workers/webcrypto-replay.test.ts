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
import { DEFAULT_MIN_BYTES, withWebCryptoHashes } from './webcrypto-replay';

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
      const run = (hash: HashBackend) => {
        const auth = authenticodeDigests(file, pe, hash)!;
        const sigs = embeddedSignatures(file, pe, 'pad8', hash).map((s) => s.matches);
        const pcr = model.kind === 'uki' ? ukiPcr11(file, model, { hash }) : undefined;
        return JSON.stringify({
          auth: Object.entries(auth.digests).map(([a, d]) => [a, toHex(d.pad8), toHex(d.none)]),
          sigs,
          pcr: pcr && pcr.phases.map((p) => [p.path, Object.values(p.values).map((v) => v && toHex(v))]),
        });
      };
      const { result, stats } = await withWebCryptoHashes(run);
      expect(result).toBe(run(nobleBackend));
      expect(stats.deferred).toBeGreaterThan(4);
      expect(stats.fallbacks).toBe(0);
    });
});
