// detachPageData on every corpus IGVM and on builder files with odd layouts: the detached model equals the parsed one
// header for header (PAGE_DATA data → `deferred`), keeps no view of the input, gives the same page map and the same
// SNP plan (a deferred page's op names the file offset of exactly the bytes the whole-file op hashed), and the
// engines that cannot read a deferred page refuse it instead of measuring zeros.
import { describe, expect, it } from 'vitest';
import { toHex } from '../bytes/bytes';
import { corpusAvailable } from '../../test-support/corpus';
import { measurePlatform, snpPlan, SnpChain } from '../measure';
import { detachPageData, hasDeferredPages } from './detach';
import { slicedPathFiles } from '../../test-support/igvm-layouts';
import { plain, viewsOf } from '../../test-support/byte-views';
import { igvmPageMap } from './page-map';
import { parseIgvm } from './parse';
import { serializeIgvm } from './serialize';
import { supportedPlatforms, IGVM_PLATFORM_TYPE, type IgvmFile } from './types';

const files = slicedPathFiles();

describe('detachPageData', () => {
  it('has the corpus IGVMs to compare', () => {
    expect(files.length).toBeGreaterThanOrEqual(corpusAvailable() ? 10 : 2);
  });
  for (const [name, bytesOf] of files) {
    it(`${name}: same headers, page map and SNP plan; no view of the input kept`, () => {
      const bytes = bytesOf();
      const parsed = parseIgvm(bytes, { keepRaw: false });
      const file = parsed.file!;
      expect(file).toBeDefined();
      const d = detachPageData(file);
      const det = d.file;
      // No view of the input's buffer anywhere in the model.
      for (const v of viewsOf(det)) expect(v.buffer).not.toBe(bytes.buffer);
      expect(det.bytes.length).toBe(Math.min(bytes.length, file.fileDataOffset));
      // Header for header: the same, with a 4 KiB page's data replaced by `deferred`.
      let deferred = 0;
      expect(det.headers.length).toBe(file.headers.length);
      file.headers.forEach((h, i) => {
        const g = det.headers[i]!;
        if (h.kind === 'PageData' && h.data) {
          expect(g.kind === 'PageData' && g.deferred && g.data === undefined).toBe(true);
          deferred++;
          const { data: _d, ...want } = h;
          const { data: _g, deferred: _f, ...got } = g as typeof h;
          expect(plain(got)).toEqual(plain(want));
        } else expect(plain(g)).toEqual(plain(h));
        // Every view keeps its file offset (header fields and copied data, as the field rows show them).
        const hv = viewsOf(h).filter((v) => v.buffer === bytes.buffer);
        const gv = viewsOf(g);
        if (!(h.kind === 'PageData')) {
          expect(gv.length).toBe(viewsOf(h).length);
          viewsOf(h).forEach((v, k) => {
            if (v.buffer === bytes.buffer) expect(d.offsetOf(gv[k]!)).toBe(v.byteOffset - bytes.byteOffset);
          });
        } else expect(hv.length).toBeGreaterThanOrEqual(gv.length);
      });
      expect(d.deferredPages).toBe(deferred);
      expect(hasDeferredPages(det)).toBe(deferred > 0);
      expect(det.platforms.map((h) => h.index)).toEqual(file.platforms.map((h) => h.index));
      expect(det.initialization.map((h) => h.index)).toEqual(file.initialization.map((h) => h.index));
      expect(det.directives.map((h) => h.index)).toEqual(file.directives.map((h) => h.index));
      for (const p of supportedPlatforms(file)) {
        expect(igvmPageMap(det, p.compatibilityMask)).toEqual(igvmPageMap(file, p.compatibilityMask));
        if (p.platformType !== IGVM_PLATFORM_TYPE.SEV_SNP) {
          if (deferred > 0) expect(() => measurePlatform(det, p)).toThrow(/page data/);
          continue;
        }
        for (const profile of ['igvm', 'igvmmeasure'] as const) {
          const whole = snpPlan(file, p, { snpProfile: profile });
          const part = snpPlan(det, p, { snpProfile: profile });
          expect(part.translation.diagnostics).toEqual(whole.translation.diagnostics);
          expect(part.translation.ops.length).toBe(whole.translation.ops.length);
          // Each op as one string: its fields, and the bytes it hashes (a deferred op's read from the file at its offset).
          const key = (o: (typeof whole.translation.ops)[number], fromFile: boolean) =>
            `${o.header} ${o.offset} ${o.gpa} ${o.pageType} ${o.content} ` +
            (fromFile && o.fileOffset !== undefined
              ? `file:${toHex(bytes.subarray(o.fileOffset, o.fileOffset + 4096))}`
              : o.data
                ? `file:${toHex(o.data)}`
                : '-');
          expect(part.translation.ops.map((o) => key(o, true))).toEqual(whole.translation.ops.map((o) => key(o, false)));
          expect(part.translation.ops.every((o) => o.fileOffset === undefined || o.data === undefined)).toBe(true);
          // A deferred page is never hashed as zeros: the chain refuses to hash what it does not hold.
          if (part.translation.ops.some((o) => o.fileOffset !== undefined))
            expect(() => SnpChain.measure(part.translation.ops)).toThrow(/was not read/);
        }
      }
      if (deferred > 0) expect(() => serializeIgvm(det as IgvmFile)).toThrow(/not read/);
    });
  }
});
