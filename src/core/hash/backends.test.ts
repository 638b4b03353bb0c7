// The WebAssembly backend gives the same bytes as @noble/hashes (its fallback) and node:crypto on every corpus file,
// one-shot and streamed in odd chunks with other streams interleaved; and the measurements built on it (every
// corpus IGVM, every platform; the classic OVMF cases; UKI Authenticode and PCR 11) are the same with either.
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../bytes/bytes';
import { CORPUS_DIR, corpusAvailable, manifest, readCorpus } from '../../test-support/corpus';
import { parseIgvm } from '../igvm';
import { measureIgvm } from '../measure';
import { parsePe } from '../pe';
import { authenticodeDigests } from '../authenticode';
import { parseUki } from '../uki/model';
import { ukiPcr11 } from '../uki/pcr';
import { nobleBackend, type HashAlgorithm, type HashBackend } from './hash';
import { loadWasmHash } from './wasm';

const ALGS: HashAlgorithm[] = ['sha1', 'sha256', 'sha384', 'sha512'];

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(relative(CORPUS_DIR, p));
  }
  return out;
}

const files = corpusAvailable() ? walk(CORPUS_DIR) : [];
let wasm: HashBackend;

beforeAll(async () => {
  const b = await loadWasmHash();
  expect(b, 'WebAssembly backend loads in Node').toBeDefined();
  wasm = b!;
});

/** Streams `data` through `h` in chunks of 1, 63, 4096, 17 bytes… with a second stream of every algorithm open. */
function streamed(h: HashBackend, alg: HashAlgorithm, data: Uint8Array): string {
  const main = h.create(alg);
  const others = ALGS.map((a) => h.create(a));
  const sizes = [1, 63, 4096, 17, 65536, 129, 1 << 20];
  let at = 0;
  for (let i = 0; at < data.length; i++) {
    const n = sizes[i % sizes.length]!;
    main.update(data.subarray(at, at + n));
    others[i % others.length]!.update(data.subarray(at, at + 1));
    // a one-shot digest in between must not disturb the open streams
    if (i % 5 === 0) h.digest(alg, data.subarray(0, 3));
    at += n;
  }
  for (const o of others) o.digest();
  return toHex(main.digest());
}

describe('WebAssembly and noble hash backends', () => {
  it('known answers (FIPS 180-2 "abc", the empty string)', () => {
    const abc = new Uint8Array([0x61, 0x62, 0x63]);
    for (const alg of ALGS) {
      const want = createHash(alg).update(abc).digest('hex');
      expect(toHex(wasm.digest(alg, abc)), alg).toBe(want);
      expect(toHex(wasm.digest(alg, new Uint8Array(0))), alg).toBe(createHash(alg).digest('hex'));
    }
  });

  it('a stream digested twice is refused', () => {
    const s = wasm.create('sha256');
    s.digest();
    expect(() => s.digest()).toThrow();
  });

  describe.skipIf(!corpusAvailable())('every corpus file', () => {
    it('has files', () => expect(files.length).toBeGreaterThan(50));
    for (const rel of files) {
      it(rel, () => {
        const data = readCorpus(rel);
        for (const alg of ALGS) {
          const want = createHash(alg).update(data).digest('hex');
          expect(toHex(wasm.digest(alg, data)), `wasm ${alg}`).toBe(want);
          expect(toHex(nobleBackend.digest(alg, data)), `noble ${alg}`).toBe(want);
          expect(streamed(wasm, alg, data), `wasm streamed ${alg}`).toBe(want);
        }
      });
    }
  });

  describe.skipIf(!corpusAvailable())('measurements with either backend', () => {
    it('every corpus IGVM, every declared platform', () => {
      const igvms = manifest().igvm as { path: string }[];
      expect(igvms.length).toBeGreaterThan(0);
      for (const e of igvms) {
        const file = parseIgvm(readCorpus(e.path)).file!;
        const a = measureIgvm(file, { hash: nobleBackend }).map((m) => `${m.platform} ${toHex(m.digest)}`);
        const b = measureIgvm(file, { hash: wasm }).map((m) => `${m.platform} ${toHex(m.digest)}`);
        expect(b, e.path).toEqual(a);
        expect(a.length, e.path).toBeGreaterThan(0);
      }
    });

    it('every corpus PE: Authenticode (4 algorithms, both paddings) and, for UKIs, PCR 11 in every bank', () => {
      const pes = files.filter((f) => f.startsWith('pe/') && /\.efi$/i.test(f));
      expect(pes.length).toBeGreaterThan(0);
      for (const rel of pes) {
        const bytes = readCorpus(rel);
        const pe = parsePe(bytes);
        if (!pe.ok) continue;
        const view = (h: HashBackend) => {
          const auth = authenticodeDigests(bytes, pe, h);
          const out: string[] = Object.entries(auth?.digests ?? {}).map(([alg, d]) => `${alg} ${toHex(d.pad8)} ${toHex(d.none)}`);
          const model = parseUki(bytes, pe);
          if (model.kind === 'uki') {
            const p = ukiPcr11(bytes, model, { hash: h });
            for (const [bank, v] of Object.entries(p.sections)) if (v) out.push(`pcr11 ${bank} ${toHex(v)}`);
          }
          return out;
        };
        expect(view(wasm), rel).toEqual(view(nobleBackend));
      }
    });
  });
});
