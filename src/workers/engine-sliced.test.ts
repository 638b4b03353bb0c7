// The engine's sliced path (SLICED_FROM forced to 0, slices that align with neither pages nor headers) against its
// whole-file path, on every corpus IGVM and the builder's odd and large files: the same open result, measurements
// for every platform and profile (digest, ledger, runs, diagnostics), what-if edits, hex reads, header details and
// SHA-256 — while the engine holds none of the file's bytes. A failed read is an error and no digest.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { corpusAvailable } from '../test-support/corpus';
import { largeBuilderIgvm, slicedPathFiles } from '../test-support/igvm-layouts';
import { Engine, SLICED_FROM } from './engine';
import { IgvmBuilder } from '../core/igvm/builder';
import { MAX_SLICED_DATA_BYTES } from '../core/igvm/sliced';
import { headerRowList } from './header-columns';
import type { MeasureResult, OpenResult } from './protocol';
import { blobSlices, SliceReadError, type FileSlices } from './slice-reader';

function memorySlices(bytes: Uint8Array, fail?: (offset: number, length: number) => boolean): FileSlices {
  return {
    size: bytes.length,
    async read(offset, length) {
      await Promise.resolve();
      if (fail?.(offset, length)) throw new SliceReadError(offset, length, 'NotReadableError: the file changed on disk');
      return bytes.slice(offset, offset + length);
    },
  };
}

/**
 * `x` with every typed array as one hex string (with its type): toEqual walks a large typed array element by element,
 * which took minutes on a 14 MiB IGVM's header and ledger columns.
 */
function norm(x: unknown): unknown {
  if (ArrayBuffer.isView(x)) return `${x.constructor.name}:${Buffer.from(x.buffer, x.byteOffset, x.byteLength).toString('hex')}`;
  if (Array.isArray(x)) return x.map(norm);
  if (typeof x === 'object' && x !== null) return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, norm(v)]));
  return x;
}

const noMs = (r: MeasureResult) => norm({ ...r, ms: 0 });

const files = slicedPathFiles();

describe('engine: sliced IGVM path equals the whole-file path', () => {
  it('defaults to 64 MiB and has the corpus to compare', () => {
    expect(SLICED_FROM).toBe(64 << 20);
    expect(files.length).toBeGreaterThanOrEqual(corpusAvailable() ? 10 : 2);
  });
  for (const [name, bytesOf] of files) {
    for (const how of ['detached after a whole open', 'opened from the file'] as const) {
      it(`${name} (${how})`, async () => {
        const bytes = bytesOf();
        const whole = new Engine();
        const sliced = new Engine();
        const a = await whole.open('f', name, bytes);
        const reads: number[] = [];
        const source = memorySlices(bytes, (_, length) => (reads.push(length), false));
        let b;
        // deferIgvmTables as the worker asks: the tables come after (igvmTables), built from the detached model, with
        // the same data offsets as the whole open's.
        const withTables = (r: OpenResult | undefined) => {
          expect(r?.igvm?.tablesPending).toBe(true);
          const { tablesPending: _, ...view } = r!.igvm!;
          return { ...r!, igvm: { ...view, ...sliced.igvmTables('f') } };
        };
        if (how === 'detached after a whole open') {
          b = withTables(await sliced.open('f', name, bytes.slice(), undefined, { source, slicedFrom: 0, sliceBytes: 5003, deferIgvmTables: true }));
        } else {
          // The worker's path for a large IGVM (engine.worker open): never the whole file.
          b = withTables(await sliced.openFromFile('f', name, source, undefined, { slicedFrom: 0, sliceBytes: 5003, deferIgvmTables: true }));
          // No read of the whole file: the SHA-256's slices, the header section (variable_header_offset +
          // variable_header_size, + 7) and the non-page data; about one pass over the file in all.
          const dv = new DataView(bytes.buffer, bytes.byteOffset);
          const headerSection = dv.getUint32(8, true) + dv.getUint32(12, true) + 7;
          expect(Math.max(...reads)).toBeLessThanOrEqual(Math.max(5003, 64 << 10, headerSection));
          expect(reads.reduce((x, y) => x + y, 0)).toBeLessThan(bytes.length + headerSection + (64 << 10) + (1 << 20));
        }
        expect(norm(b)).toEqual(norm(a));
        // Nothing of the file is held: every whole-file use needs holdWhole() first.
        expect(() => sliced.bytesOf('f')).toThrow(/not held/);
        expect(await sliced.sha256Of('f')).toBe(await whole.sha256Of('f'));
        for (const [off, len] of [[0, 100], [4095, 4099], [bytes.length - 7, 100], [12345, 1 << 20]] as const)
          expect(norm(await sliced.readAsync('f', off, len))).toEqual(norm(whole.read('f', off, len)));
        const rows = headerRowList(a.igvm!.headers!);
        const sample = rows.filter((h, i) => h.kind !== 'PageData' || i % 97 === 0 || i < 40);
        for (const h of sample) expect(norm(await sliced.headerDetailAsync('f', h.index)), `header ${h.index}`).toEqual(norm(whole.headerDetail('f', h.index)));
        for (const m of a.measurable) {
          for (const profile of m.profiles.length ? m.profiles : [undefined]) {
            const o = { platform: m.platform, ...(profile && { profile }) };
            const w = await whole.measureAsync('f', o);
            const s = await sliced.measureAsync('f', o);
            expect(noMs(s), `${m.platform} ${profile ?? ''}`).toEqual(noMs(w));
          }
        }
        if (a.measurable.some((m) => m.platform === 'SEV_SNP') && !a.diagnostics.some((d) => d.severity === 'error')) {
          // What-if edits on a few measured pages: the same result, and the session restored after each.
          const pages = rows.filter((h) => h.kind === 'PageData' && h.dataOffset !== undefined);
          for (const p of [pages[0], pages[Math.floor(pages.length / 2)], pages.at(-1)].filter((x) => x !== undefined)) {
            let want;
            try {
              want = { ...whole.whatIf('f', p.index, 4000), ms: 0 };
            } catch (e) {
              await expect(sliced.whatIfAsync('f', p.index, 4000)).rejects.toThrow((e as Error).message);
              continue;
            }
            expect({ ...(await sliced.whatIfAsync('f', p.index, 4000)), ms: 0 }).toEqual(want);
          }
          const again = await sliced.measureAsync('f', { platform: 'SEV_SNP' });
          expect(again.digest).toBe((await whole.measureAsync('f', { platform: 'SEV_SNP' })).digest);
        }
        // holdWhole() gives the whole-file operations their bytes back.
        await sliced.holdWhole(sliced.openIdsIn({ source: { ukiId: 'f' }, other: ['nope'] }));
        expect(norm(sliced.bytesOf('f'))).toEqual(norm(bytes));

      }, 300_000);
    }
  }
});

describe('engine: sliced IGVM read failures', () => {
  const bytes = largeBuilderIgvm(1);
  it('a read that fails during the SNP measurement is FILE_READ_FAILED and no digest', async () => {
    let broken = false;
    const e = new Engine();
    await e.open('f', 'x.igvm', bytes, undefined, { source: memorySlices(bytes, () => broken), slicedFrom: 0, sliceBytes: 65537 });
    const ok = await e.measureAsync('f', { platform: 'SEV_SNP' });
    expect(ok.digest).toMatch(/^[0-9a-f]{96}$/);
    broken = true;
    const r = await e.measureAsync('f', { platform: 'SEV_SNP', profile: 'igvmmeasure' });
    expect(r.digest).toBe('');
    expect(r.withheld).toBeDefined();
    expect(r.diagnostics.map((d) => d.code)).toContain('FILE_READ_FAILED');
    expect(r.ledger.length).toBe(0);
    // Forced, there is still nothing to show: no digest was computed from part of the file.
    const forced = await e.measureAsync('f', { platform: 'SEV_SNP', force: true });
    expect(forced.digest).toBe('');
    expect(forced.withheld?.forcedDigest).toBeUndefined();
  });
  it('a read failing part-way (after some slices arrived) gives no digest either', async () => {
    const e = new Engine();
    await e.open('f', 'x.igvm', bytes, undefined, { source: memorySlices(bytes, (o) => o > 600_000), slicedFrom: 0, sliceBytes: 100_000 });
    const r = await e.measureAsync('f', { platform: 'SEV_SNP' });
    expect(r.digest).toBe('');
    expect(r.diagnostics.map((d) => d.code)).toContain('FILE_READ_FAILED');
  });
  it('a what-if edit of a page that changed on disk since the measurement is refused', async () => {
    const changed = bytes.slice();
    const e = new Engine();
    const r = await e.open('f', 'x.igvm', bytes, undefined, { source: memorySlices(changed), slicedFrom: 0 });
    await e.measureAsync('f', { platform: 'SEV_SNP' });
    const page = headerRowList(r.igvm!.headers!).filter((h) => h.kind === 'PageData' && h.dataOffset !== undefined)[3]!;
    changed[page.dataOffset! + 17] ^= 1;
    await expect(e.whatIfAsync('f', page.index, 0)).rejects.toThrow(/changed on disk/);
  });
  it('reads a Blob (the dropped File) the same way', async () => {
    const e = new Engine();
    const w = new Engine();
    await e.open('f', 'x.igvm', bytes, undefined, { source: blobSlices(new Blob([bytes as Uint8Array<ArrayBuffer>])), slicedFrom: 0, sliceBytes: 300_001 });
    await w.open('f', 'x.igvm', bytes);
    expect(noMs(await e.measureAsync('f', { platform: 'SEV_SNP' }))).toEqual(noMs(await w.measureAsync('f', { platform: 'SEV_SNP' })));
  });
  it('a read failing during the sliced open is FILE_READ_FAILED: no view of part of the file, no digest', async () => {
    // The first read, a slice of the SHA-256, the non-page data (the VMSA's page, read after the headers).
    const fails: ((offset: number, length: number) => boolean)[] = [() => true, (o) => o > 200_000, (o, l) => o > 0 && l === 4096];
    for (const fail of fails) {
      const e = new Engine();
      const r = await e.openFromFile('f', 'x.igvm', memorySlices(bytes, fail), undefined, { slicedFrom: 0, sliceBytes: 65537 });
      expect(r?.diagnostics.map((d) => [d.severity, d.code])).toEqual([['error', 'FILE_READ_FAILED']]);
      // Said as a failed read of the file itself (not a re-read: nothing of it was shown).
      expect(r?.diagnostics[0]?.message).toMatch(/^reading the file failed \(.+\): nothing of it is shown or measured/);
      expect(r?.igvm).toBeUndefined();
      expect(r?.measurable).toEqual([]);
      const m = await e.measureAsync('f', { platform: 'SEV_SNP' });
      expect(m.digest).toBe('');
      expect(m.withheld).toBeDefined();
    }
  });
  it('leaves smaller files, other kinds and IGVMs past the sliced parse limits to open() (undefined, nothing read whole)', async () => {
    const pe = new Uint8Array(1 << 20);
    pe.set([0x4d, 0x5a]);
    const e = new Engine();
    expect(await e.openFromFile('f', 'x.igvm', memorySlices(bytes))).toBeUndefined(); // below SLICED_FROM
    expect(await e.openFromFile('f', 'x.efi', memorySlices(pe), undefined, { slicedFrom: 0 })).toBeUndefined();
    // Non-page data over MAX_SLICED_DATA_BYTES: parsed whole by open() (and detached after it, as before).
    const b = new IgvmBuilder();
    b.platform({ type: 'SEV_SNP' });
    b.parameterArea({ size: MAX_SLICED_DATA_BYTES + 4096, data: new Uint8Array(MAX_SLICED_DATA_BYTES + 4096).fill(1) });
    const big = b.build();
    const reads: number[] = [];
    expect(await e.openFromFile('g', 'big.igvm', memorySlices(big, (_, l) => (reads.push(l), false)), undefined, { slicedFrom: 0 })).toBeUndefined();
    expect(Math.max(...reads)).toBeLessThan(big.length);
    expect(() => e.bytesOf('g')).toThrow(/not open/);
  });
  it('keeps the whole-file path below the threshold', async () => {
    const e = new Engine();
    await e.open('f', 'x.igvm', bytes, undefined, { source: memorySlices(bytes, () => true) });
    expect(e.bytesOf('f')).toBe(bytes);
    expect((await e.measureAsync('f', { platform: 'SEV_SNP' })).digest).toMatch(/^[0-9a-f]{96}$/);
  });
});

describe('engine: a detached IGVM keeps nothing of its bytes', () => {
  it('the buffer open() was given is collectable once open() returned', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const e = new Engine();
    // The bytes only in this function's scope: once it returned, the engine is the only thing that could keep them.
    const openIt = async (): Promise<WeakRef<ArrayBufferLike>> => {
      const bytes = largeBuilderIgvm(2);
      await e.open('f', 'x.igvm', bytes, undefined, { source: memorySlices(bytes.slice()), slicedFrom: 0, deferSha256: true });
      return new WeakRef(bytes.buffer);
    };
    const ref = await openIt();
    await e.measureAsync('f', { platform: 'SEV_SNP' });
    for (let i = 0; i < 4 && ref.deref(); i++) {
      await new Promise((r) => setTimeout(r, 10));
      gc();
    }
    // (A closure made next to detachPageData's `move` kept the input alive through its shared context.)
    expect(ref.deref()).toBeUndefined();
  });
});
