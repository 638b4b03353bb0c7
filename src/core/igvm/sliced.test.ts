// parseIgvmSliced against detachPageData(parseIgvm(whole)): on every corpus IGVM, the builder files of the sliced path,
// files with every kind of VP context, and damaged variants (truncated anywhere, header section past the end, data
// offsets past the end or into the headers, pages aliasing one offset, random header bytes): the same model, the same
// diagnostics, the same file offset for every view, while reading only the header section and the non-page data.
import { describe, expect, it } from 'vitest';
import { put32 } from '../bytes/bytes';
import { corpusAvailable } from '../../test-support/corpus';
import { oddBuilderIgvm, slicedPathFiles } from '../../test-support/igvm-layouts';
import { plain, viewsOf } from '../../test-support/byte-views';
import { IgvmBuilder } from './builder';
import { detachPageData, type DetachedIgvm } from './detach';
import { igvmChecksum } from './fixed-header';
import { parseIgvm } from './parse';
import {
  MAX_SLICED_DATA_BYTES,
  MAX_SLICED_HEAD_BYTES,
  parseIgvmSliced,
  type FileRange,
  type SlicedIgvmStep,
} from './sliced';
import type { Diagnostic } from '../diagnostics';

interface Sliced {
  step: Extract<SlicedIgvmStep, { kind: 'done' | 'too-large' }>;
  /** Every read [offset, end) made of the file. */
  reads: [number, number][];
  rounds: number;
}

/** The caller's loop (as the engine runs it): read what each step asks for, until done. */
function slicedParse(bytes: Uint8Array, firstRead = 4096): Sliced {
  const reads: [number, number][] = [];
  const read = (offset: number, length: number) => {
    expect(offset >= 0 && length >= 0 && offset + length <= bytes.length, `read ${offset}+${length}`).toBe(true);
    reads.push([offset, offset + length]);
    return bytes.slice(offset, offset + length);
  };
  let head = read(0, Math.min(firstRead, bytes.length));
  const data: FileRange[] = [];
  for (let rounds = 1; rounds <= 8; rounds++) {
    const step = parseIgvmSliced({ size: bytes.length, head, data }, { keepRaw: false });
    if (step.kind === 'done' || step.kind === 'too-large') return { step, reads, rounds };
    if (step.kind === 'head') {
      expect(step.length).toBeGreaterThan(head.length);
      head = read(0, step.length);
    } else {
      expect(step.ranges.length).toBeGreaterThan(0);
      for (const r of step.ranges) data.push({ offset: r.offset, bytes: read(r.offset, r.length) });
    }
  }
  throw new Error('the sliced parse did not finish in 8 rounds');
}

/** Asserts the sliced parse of `bytes` equals the whole-file parse, detached; returns what it read. */
function expectSameAsWhole(bytes: Uint8Array, firstRead?: number): Sliced {
  const whole = parseIgvm(bytes, { keepRaw: false });
  const s = slicedParse(bytes, firstRead);
  expect(s.step.kind).toBe('done');
  const step = s.step as Extract<SlicedIgvmStep, { kind: 'done' }>;
  expect(step.diagnostics).toEqual<Diagnostic[]>(whole.diagnostics);
  if (!whole.file) {
    expect(step.detached).toBeUndefined();
    return s;
  }
  const want: DetachedIgvm = detachPageData(whole.file);
  const got = step.detached!;
  expect(got).toBeDefined();
  expect(got.deferredPages).toBe(want.deferredPages);
  expect(plain(got.file)).toEqual(plain(want.file));
  // Same model, same views in the same places: each with the file offset detach gives it.
  const gv = viewsOf(got.file);
  const wv = viewsOf(want.file);
  expect(gv.length).toBe(wv.length);
  gv.forEach((v, i) => expect(got.offsetOf(v), `view ${i}`).toBe(want.offsetOf(wv[i]!)));
  // The header lists are the headers themselves, in file order.
  for (const list of ['platforms', 'initialization', 'directives'] as const)
    got.file[list].forEach((h) => expect(got.file.headers[h.index]).toBe(h));
  // Never a read of a deferred page that no other header's data needs: pages are read later, from the file.
  return s;
}

/** Bytes [a, b) overlapping any of `ranges`. */
const overlaps = (a: number, b: number, ranges: [number, number][]) => ranges.some(([x, y]) => x < b && a < y);

function fixCrc(b: Uint8Array): Uint8Array {
  const fixed = b[4] === 2 ? 32 : 24;
  const r = new DataView(b.buffer, b.byteOffset);
  const vho = r.getUint32(8, true);
  const vhs = r.getUint32(12, true);
  put32(b, 20, igvmChecksum(b.subarray(0, fixed), b.subarray(vho, Math.min(b.length, vho + vhs))));
  return b;
}

/** A file with a native, a VBS and a CCA-less set of contexts, a CoRIM document and parameter areas with data. */
function contextsIgvm(): Uint8Array {
  const b = new IgvmBuilder();
  const native = b.platform({ type: 'NATIVE' });
  const vbs = b.platform({ type: 'VSM_ISOLATION' });
  b.add({ kind: 'CorimDocument', compatibilityMask: vbs, fileOffset: 0, sizeBytes: 0, reserved: 0, data: new Uint8Array(300).fill(9) } as never);
  b.pages({ gpa: 0x100000n, mask: native | vbs, data: new Uint8Array(6 * 4096).fill(3) });
  const area = b.parameterArea({ size: 3 * 4096, data: new Uint8Array(5000).fill(6) });
  b.parameter('VpCount', area, 0);
  b.parameterInsert({ gpa: 0x300000n, mask: native, index: area });
  const z = 0n;
  b.nativeVpContext({
    mask: native,
    context: {
      rax: z, rcx: z, rdx: z, rbx: z, rsp: z, rbp: z, rsi: z, rdi: z, r8: z, r9: z, r10: z, r11: z, r12: z, r13: z, r14: z, r15: z,
      rip: 0xfff0n, rflags: 2n, idtrBase: z, idtrLimit: 0, reserved: [0, 0], gdtrLimit: 0, gdtrBase: z,
      codeSelector: 0, codeAttributes: 0x9b, codeBase: 0, codeLimit: 0xffffffff, dataSelector: 0, dataAttributes: 0x93, dataBase: 0, dataLimit: 0xffffffff,
      gsBase: z, cr0: 0x10n, cr3: z, cr4: z, efer: z,
    },
  });
  b.vbsVpContext({ mask: vbs, registers: Array.from({ length: 40 }, (_, i) => ({ name: 0x20010, value: BigInt(i) })) });
  return b.build();
}

const files: [string, () => Uint8Array][] = [...slicedPathFiles(), ['builder: native + VBS contexts, CoRIM, parameter data', contextsIgvm]];

describe('parseIgvmSliced equals detachPageData(parseIgvm(whole))', () => {
  it('has the corpus IGVMs to compare', () => {
    expect(files.length).toBeGreaterThanOrEqual(corpusAvailable() ? 11 : 3);
  });
  for (const [name, bytesOf] of files) {
    it(`${name}: same model, diagnostics and view offsets; no page read`, () => {
      const bytes = bytesOf();
      const s = expectSameAsWhole(bytes);
      const d = (s.step as Extract<SlicedIgvmStep, { kind: 'done' }>).detached!;
      // What was read: the header section (plus ≤ 7 bytes), and file data that is not a deferred page's, except where a
      // non-page view shares its bytes.
      const headEnd = Math.min(bytes.length, d.file.fileDataOffset + 7);
      const nonPage = viewsOf(d.file.headers.filter((h) => h.kind !== 'PageData'))
        .map((v) => d.offsetOf(v))
        .filter((o) => o !== undefined);
      let deferredRead = 0;
      for (const h of d.file.directives)
        if (h.kind === 'PageData' && h.deferred && overlaps(h.fileOffset, h.fileOffset + 4096, s.reads.slice(1)) && !nonPage.some((o) => o >= h.fileOffset - (64 << 10) && o < h.fileOffset + (64 << 10)))
          deferredRead++;
      expect(deferredRead).toBe(0);
      const total = s.reads.reduce((n, [a, b]) => n + b - a, 0);
      expect(total).toBeLessThanOrEqual(Math.max(4096, headEnd) + MAX_SLICED_DATA_BYTES);
      if (d.deferredPages >= 64) expect(total).toBeLessThan(bytes.length / 2);
    });
  }
  it('a VBS context takes one more round (its register count decides how much to read, §8.3)', () => {
    const b = new IgvmBuilder();
    const vbs = b.platform({ type: 'VSM_ISOLATION' });
    b.vbsVpContext({ mask: vbs, registers: Array.from({ length: 8 }, (_, i) => ({ name: 0x20010, value: BigInt(i) })) });
    const s = expectSameAsWhole(b.build(), 1 << 20);
    expect(s.rounds).toBe(3); // the context's 4-byte register count, then its registers, then done
    expect(s.reads.slice(1).map(([a, e]) => e - a)).toEqual([4, 8 * 32]);
  });
  it('a first read longer than the header section, or the whole file, changes nothing', () => {
    const bytes = oddBuilderIgvm();
    expectSameAsWhole(bytes, 1 << 20);
    expectSameAsWhole(bytes, 24);
    expectSameAsWhole(bytes, 0);
  });
});

/** The PAGE_DATA and other headers of `bytes`: record offset and kind, with their file_offset field's position. */
function records(bytes: Uint8Array) {
  return parseIgvm(bytes).file!.headers.map((h) => ({ kind: h.kind, at: h.offset, fileOffsetField: h.offset + 8 + 12, fileOffset: 'fileOffset' in h ? (h.fileOffset as number) : undefined }));
}

describe('parseIgvmSliced on damaged files: the whole-file diagnostics', () => {
  const base = oddBuilderIgvm();
  const fdo = parseIgvm(base).file!.fileDataOffset;
  const variants: [string, () => Uint8Array][] = [];
  for (const cut of [0, 3, 16, 23, 24, 31, 40, fdo >> 1, fdo - 9, fdo - 1, fdo, fdo + 3, fdo + 4096, base.length - 4097, base.length - 1])
    variants.push([`truncated to ${cut} bytes`, () => base.slice(0, cut)]);
  variants.push(['header section larger than the file', () => fixCrc(((b) => (put32(b, 12, b.length * 2), b))(base.slice()))]);
  variants.push(['header section ends 3 bytes into a record', () => fixCrc(((b) => (put32(b, 12, new DataView(b.buffer).getUint32(12, true) - 3), b))(base.slice()))]);
  variants.push(['variable_header_offset past the end', () => fixCrc(((b) => (put32(b, 8, b.length + 8), b))(base.slice()))]);
  variants.push(['variable_header_size 0xffffffff', () => fixCrc(((b) => (put32(b, 12, 0xffffffff), b))(base.slice()))]);
  const recs = records(base);
  const withOffset = (kind: string, value: (b: Uint8Array) => number) => () => {
    const b = base.slice();
    for (const r of recs) if (r.kind === kind && r.fileOffset) put32(b, r.fileOffsetField, value(b));
    return fixCrc(b);
  };
  variants.push(['PAGE_DATA into the header section', withOffset('PageData', () => 8)]);
  variants.push(['PAGE_DATA past the end', withOffset('PageData', (b) => b.length - 100)]);
  variants.push(['pages aliasing one offset', withOffset('PageData', () => fdo)]);
  variants.push(['VMSA past the end', withOffset('SnpVpContext', (b) => b.length - 10)]);
  variants.push(['VMSA into the header section', withOffset('SnpVpContext', () => 16)]);
  variants.push(['VMSA at the last byte', withOffset('SnpVpContext', (b) => b.length)]);
  variants.push(['VMSA on a page', withOffset('SnpVpContext', () => fdo)]);
  variants.push(['parameter data past the end', withOffset('ParameterArea', (b) => b.length - 10)]);
  variants.push([
    'parameter area of 2^40 bytes',
    () => {
      const b = base.slice();
      const r = recs.find((x) => x.kind === 'ParameterArea')!;
      new DataView(b.buffer).setBigUint64(r.at + 8, 1n << 40n, true);
      return fixCrc(b);
    },
  ]);
  const vbs = contextsIgvm();
  const vbsRec = records(vbs).find((r) => r.kind === 'X64VbsVpContext')!;
  variants.push(['VBS register count past the end', () => ((b) => (put32(b, vbsRec.fileOffset!, 0x100000), b))(vbs.slice())]);
  variants.push(['VBS register count 0', () => ((b) => (put32(b, vbsRec.fileOffset!, 0), b))(vbs.slice())]);
  variants.push(['VBS context in the last 8 bytes', () => fixCrc(((b) => (put32(b, vbsRec.fileOffsetField, b.length - 8), b))(vbs.slice()))]);
  // Each with a first read of 4 KiB (past the header section) and of nothing (each byte of it then asked for).
  for (const [name, make] of variants)
    it(name, () => {
      expectSameAsWhole(make());
      expectSameAsWhole(make(), 0);
    });

  it('random header bytes (200 seeded mutations of the header section)', () => {
    let seed = 0x5eed;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
    for (const src of [base, vbs]) {
      const end = parseIgvm(src).file!.fileDataOffset;
      for (let k = 0; k < 100; k++) {
        const b = src.slice();
        for (let m = 1 + rnd(4); m > 0; m--) b[8 + rnd(end - 8)] = rnd(3) === 0 ? 0xff : rnd(256);
        if (rnd(2)) fixCrc(b);
        expectSameAsWhole(b, rnd(2) ? 4096 : 0);
      }
    }
  });
});

describe('parseIgvmSliced limits', () => {
  it('a header section over MAX_SLICED_HEAD_BYTES is left to the whole-file parse', () => {
    const b = new Uint8Array(MAX_SLICED_HEAD_BYTES + 4096);
    b.set(oddBuilderIgvm().subarray(0, 32));
    put32(b, 12, MAX_SLICED_HEAD_BYTES);
    const step = parseIgvmSliced({ size: b.length, head: b.subarray(0, 32), data: [] });
    expect(step.kind).toBe('too-large');
  });
  it('non-page data over MAX_SLICED_DATA_BYTES is left to the whole-file parse', () => {
    const b = new IgvmBuilder();
    b.platform({ type: 'SEV_SNP' });
    b.parameterArea({ size: MAX_SLICED_DATA_BYTES + 4096, data: new Uint8Array(MAX_SLICED_DATA_BYTES + 4096).fill(1) });
    const bytes = b.build();
    expect(slicedParse(bytes).step.kind).toBe('too-large');
    // Just under it is read.
    const c = new IgvmBuilder();
    c.platform({ type: 'SEV_SNP' });
    c.parameterArea({ size: MAX_SLICED_DATA_BYTES - (1 << 20), data: new Uint8Array(MAX_SLICED_DATA_BYTES - (1 << 20)).fill(1) });
    expect(expectSameAsWhole(c.build()).step.kind).toBe('done');
  });
});
