// The two-thread page hashing of `fukiscope measure` (page-hash-thread.ts): whoever computes a page's SHA-384 (the
// worker, this thread, or a mix), the measurements are those of the one-thread core with @noble/hashes, a second
// SHA-384 implementation; and a page that is not one of the worker's windows is hashed here, not looked up.
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toHex } from '../core/bytes/bytes';
import { nobleBackend } from '../core/hash/hash';
import { IgvmBuilder, parseIgvm } from '../core/igvm';
import { measureIgvm } from '../core/measure';
import { captureIo } from '../test-support/cli';
import { corpusAvailable, corpusPath, manifest } from '../test-support/corpus';
import { main } from './main';
import { readIgvmShared } from './page-hash-thread';

const dir = mkdtempSync(join(tmpdir(), 'fukiscope-page-hash-thread-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An SNP IGVM of `pages` distinct pseudo-random 4 KiB pages, a GUEST_POLICY and one VMSA. */
function snpIgvm(pages: number, seed: number): Uint8Array {
  const b = new IgvmBuilder();
  const mask = b.platform({ type: 'SEV_SNP' });
  b.guestPolicy(0x30000n, mask);
  const data = new Uint8Array(pages * 4096);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < data.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    data[i] = x & 0xff;
  }
  b.pages({ gpa: 0x100000n, mask, data });
  b.snpVpContext({ gpa: 0xfffffffff000n, mask, vmsa: new Uint8Array(4096).fill(seed & 0xff) });
  return b.build();
}

function write(name: string, bytes: Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

/** Every platform's digest, measured on one thread with noble. */
function oneThread(bytes: Uint8Array): string[] {
  return measureIgvm(parseIgvm(bytes).file!, { hash: nobleBackend }).map((r) => `${r.platform} ${toHex(r.digest)}`);
}

describe('page hashes from the worker thread', () => {
  it('every page from the worker: same digest as one thread with noble, and the worker did hash them', async () => {
    const file = write('a.igvm', snpIgvm(600, 7));
    const shared = readIgvmShared(file, 0)!;
    expect(shared).toBeDefined();
    expect(Buffer.compare(Buffer.from(shared.bytes), readFileSync(file))).toBe(0);
    await shared.workerExited; // it exits once every batch is claimed: all hashed there
    const got = measureIgvm(parseIgvm(shared.bytes).file!, { hash: shared.backend });
    shared.stop();
    expect(got.map((r) => `${r.platform} ${toHex(r.digest)}`)).toEqual(oneThread(readFileSync(file)));
    expect(shared.fromWorker).toBe(601); // 600 pages + the VMSA, each a window of the file data section
  });

  it('worker stopped at once: this thread hashes every page, same digest', () => {
    const file = write('b.igvm', snpIgvm(300, 9));
    const shared = readIgvmShared(file, 0)!;
    shared.stop();
    const got = measureIgvm(parseIgvm(shared.bytes).file!, { hash: shared.backend });
    expect(got.map((r) => `${r.platform} ${toHex(r.digest)}`)).toEqual(oneThread(readFileSync(file)));
  });

  it('hashes a view off the window grid, another length or another buffer itself', async () => {
    const file = write('c.igvm', snpIgvm(80, 3));
    const shared = readIgvmShared(file, 0)!;
    await shared.workerExited;
    const b = shared.bytes;
    const sha384 = (d: Uint8Array) => createHash('sha384').update(d).digest('hex');
    for (const view of [b.subarray(b.length - 4097, b.length - 1), b.subarray(8192, 8192 + 4095), b.slice(b.length - 4096)]) {
      expect(toHex(shared.backend.digest('sha384', view))).toBe(sha384(view));
      const out = new Uint8Array(50);
      shared.backend.digestInto!('sha384', view, out, 1);
      expect(toHex(out.subarray(1, 49))).toBe(sha384(view));
    }
    expect(shared.fromWorker).toBe(0);
    shared.stop();
  });

  it('is not used for a small file or one that is not IGVM', () => {
    expect(readIgvmShared(write('d.igvm', snpIgvm(4, 1)))).toBeUndefined(); // below SHARED_READ_MIN
    expect(readIgvmShared(write('e.bin', new Uint8Array(8192).fill(0x41)), 0)).toBeUndefined();
  });
});

describe.skipIf(!corpusAvailable())('corpus IGVMs through the shared read', () => {
  it('every platform of every corpus IGVM measures as on one thread with noble', async () => {
    const entries = manifest().igvm as { path: string }[];
    expect(entries.length).toBeGreaterThanOrEqual(8);
    for (const e of entries) {
      const shared = readIgvmShared(corpusPath(e.path), 0)!;
      expect(shared, e.path).toBeDefined();
      await shared.workerExited;
      const got = measureIgvm(parseIgvm(shared.bytes).file!, { hash: shared.backend });
      shared.stop();
      expect(got.map((r) => `${r.platform} ${toHex(r.digest)}`), e.path).toEqual(oneThread(readFileSync(corpusPath(e.path))));
    }
  });
});

describe('fukiscope measure of a large IGVM (over the shared-read size) through the file system', () => {
  const big = snpIgvm(9000, 5); // 35 MiB
  const io = () => Object.assign(captureIo(), { fileSystem: true });

  it('prints the one-thread digest', async () => {
    const file = write('big.igvm', big);
    const c = io();
    expect(await main(['measure', file, '--platform', 'snp', '--json'], c)).toBe(0);
    const digest = JSON.parse(c.stdout).platforms[0].digest;
    expect(`SEV_SNP ${digest}`).toBe(oneThread(big)[0]);
  });

  it('a bad checksum: exit 1 and no digest', async () => {
    const bad = big.slice();
    bad[20]! ^= 1;
    const file = write('bad.igvm', bad);
    const c = io();
    expect(await main(['measure', file, '--platform', 'snp'], c)).toBe(1);
    expect(c.stdout).not.toMatch(/[0-9a-f]{96}/);
  });
});
