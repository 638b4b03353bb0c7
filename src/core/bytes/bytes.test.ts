import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { crc32 } from './crc32';
import { fromHex, guidFromString, guidToString, toHex, u64, put64 } from './bytes';
import { ByteWriter } from './writer';
import { nobleBackend } from '../hash/hash';

describe('bytes', () => {
  it('crc32 matches the standard check value', () => {
    // "123456789" → 0xCBF43926 is the CRC-32/ISO-HDLC check value from the CRC catalogue.
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
  it('hex round trip', () => {
    const b = fromHex('00ff10ab');
    expect(toHex(b)).toBe('00ff10ab');
    // every byte value, short and long inputs (two code paths), against Node's own hex
    const all = Uint8Array.from({ length: 512 }, (_, i) => (i * 7) & 0xff);
    for (const n of [0, 1, 15, 16, 17, 48, 255, 512]) expect(toHex(all.subarray(0, n))).toBe(Buffer.from(all.subarray(0, n)).toString('hex'));
    expect(() => fromHex('abc')).toThrow();
  });
  it('u64 round trip with values above 2^53', () => {
    const b = new Uint8Array(8);
    put64(b, 0, 0xfedcba9876543210n);
    expect(u64(b, 0)).toBe(0xfedcba9876543210n);
  });
  it('GUID mixed-endian layout', () => {
    const g = '96b582de-1fb2-45f7-baea-a366c55a082d';
    expect(guidToString(guidFromString(g), 0)).toBe(g);
    expect(toHex(guidFromString(g)).slice(0, 8)).toBe('de82b596');
  });
  it('writer grows and aligns', () => {
    const w = new ByteWriter(16);
    w.u32(1).u64(2n).align(8).bytes(new Uint8Array(40).fill(7)).u16(0xbeef);
    const out = w.finish();
    expect(out.length).toBe(16 + 40 + 2);
    expect(out[56]).toBe(0xef);
  });
  it('noble backend equals node:crypto', () => {
    const data = new Uint8Array(10000).map((_, i) => i * 7);
    for (const alg of ['sha1', 'sha256', 'sha384', 'sha512'] as const) {
      expect(toHex(nobleBackend.digest(alg, data))).toBe(createHash(alg).update(data).digest('hex'));
      const inc = nobleBackend.create(alg).update(data.subarray(0, 777)).update(data.subarray(777)).digest();
      expect(toHex(inc)).toBe(createHash(alg).update(data).digest('hex'));
    }
  });
});
