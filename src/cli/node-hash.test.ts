// The CLI's node:crypto backend (latin1 output copied into arrays of our own) and the streamed file digest give the
// bytes @noble/hashes gives, for every algorithm and sizes around block and read-chunk boundaries, with every byte
// value (latin1 must keep 0x80–0xFF).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toHex } from '../core/bytes/bytes';
import { nobleBackend, type HashAlgorithm } from '../core/hash/hash';
import { fileDigest, HASH_CHUNK, processIo, type CliIo } from './io';
import { nodeHashBackend } from './node-hash';

const ALGS: HashAlgorithm[] = ['sha1', 'sha256', 'sha384', 'sha512'];

function bytes(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  let x = seed | 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

const dir = mkdtempSync(join(tmpdir(), 'fukiscope-node-hash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('nodeHashBackend', () => {
  it.each(ALGS)('%s one-shot and streamed = noble', (alg) => {
    for (const n of [0, 1, 55, 111, 112, 127, 128, 4096, 65537]) {
      const data = bytes(n, n + 7);
      const want = toHex(nobleBackend.digest(alg, data));
      const one = nodeHashBackend.digest(alg, data);
      expect(toHex(one)).toBe(want);
      expect(one.byteOffset).toBe(0);
      expect(one.buffer.byteLength).toBe(one.length);
      const s = nodeHashBackend.create(alg);
      s.update(data.subarray(0, n >> 1)).update(data.subarray(n >> 1));
      expect(toHex(s.digest())).toBe(want);
    }
  });
  it.each(ALGS)('%s digestInto writes the digest at the offset and nothing else', (alg) => {
    const data = bytes(4096, 5);
    const want = nobleBackend.digest(alg, data);
    const out = new Uint8Array(want.length + 20).fill(0xee);
    nodeHashBackend.digestInto!(alg, data, out, 7);
    expect(toHex(out.subarray(7, 7 + want.length))).toBe(toHex(want));
    expect([...out.subarray(0, 7), ...out.subarray(7 + want.length)].every((x) => x === 0xee)).toBe(true);
    expect(() => nodeHashBackend.digestInto!(alg, data, out, out.length - want.length + 1)).toThrow(RangeError);
  });
  it('a digest with every high byte survives the latin1 round trip', () => {
    // Some digest among these has bytes ≥ 0x80 (overwhelmingly likely; asserted so the test cannot pass vacuously).
    const ds = Array.from({ length: 16 }, (_, i) => nodeHashBackend.digest('sha512', bytes(64, i + 1)));
    expect(ds.some((d) => d.some((x) => x >= 0x80))).toBe(true);
    ds.forEach((d, i) => expect(toHex(d)).toBe(toHex(nobleBackend.digest('sha512', bytes(64, i + 1)))));
  });
});

describe('fileDigest', () => {
  it.each(ALGS)('%s of a file streamed in HASH_CHUNK reads = noble over its bytes', (alg) => {
    const C = HASH_CHUNK;
    for (const n of [0, 1, C - 1, C, C + 1, 3 * C + 12345, (1 << 20) + 1]) {
      const data = bytes(n, n + 3);
      const p = join(dir, `f${n}`);
      writeFileSync(p, data);
      expect(toHex(fileDigest(processIo, p, alg)), `${n} bytes`).toBe(toHex(nobleBackend.digest(alg, data)));
    }
  });
  it('an io without hashFile is read whole', () => {
    const data = bytes(5000, 9);
    let reads = 0;
    const io: CliIo = { out: () => {}, err: () => {}, writeFile: () => {}, readFile: () => (reads++, data as never) };
    expect(toHex(fileDigest(io, 'x', 'sha256'))).toBe(toHex(nobleBackend.digest('sha256', data)));
    expect(reads).toBe(1);
  });
});
