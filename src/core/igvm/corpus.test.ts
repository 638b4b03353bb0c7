// Corpus conformance: every IGVM file in the manifest parses without error diagnostics, its platforms and
// header counts equal what the independent tools reported, and igvm-crate files re-serialize byte-identically.
import { describe, expect, it } from 'vitest';
import { corpusAvailable, manifest, readCorpus } from '../../test-support/corpus';
import { parseIgvm } from './parse';
import { serializeIgvm } from './serialize';
import { summarizeIgvm } from './summary';
import { supportedPlatforms } from './types';
import { equalBytes } from '../bytes/bytes';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Entry = any;
const entries: Entry[] = corpusAvailable() ? (manifest().igvm as Entry[]) : [];

describe.skipIf(!corpusAvailable())('IGVM corpus conformance', () => {
  it('has IGVM entries from both producers', () => {
    expect(entries.some((e) => e.path.includes('igvmgen'))).toBe(true);
    expect(entries.some((e) => e.path.includes('igvm-crate'))).toBe(true);
  });

  for (const e of entries) {
    describe(e.path, () => {
      const bytes = readCorpus(e.path);
      const { file, diagnostics } = parseIgvm(bytes);

      it('parses with no error diagnostics', () => {
        expect(file).toBeDefined();
        expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        expect(bytes.length).toBe(e.size);
      });

      it('declares the manifest platforms', () => {
        const got = supportedPlatforms(file!).map((p) => ({
          compatibility_mask: p.compatibilityMask,
          highest_vtl: p.highestVtl,
          platform_type: p.platformName,
          platform_version: p.platformVersion,
          shared_gpa_boundary: `0x${p.sharedGpaBoundary.toString(16)}`,
        }));
        expect(got).toEqual(e.platforms);
      });

      it('has the manifest directive and initialization counts', () => {
        const s = summarizeIgvm(file!);
        expect(s.directiveCounts).toEqual(e.directive_counts);
        expect(s.initializationCounts).toEqual(e.initialization_counts);
        expect(s.directiveTotal).toBe(Object.values(e.directive_counts as Record<string, number>).reduce((a, b) => a + b, 0));
      });

      it(`re-serializes ${e.igvm_crate_reserialize_identical ? 'byte-identically' : 'to an equivalent file'}`, () => {
        const out = serializeIgvm(file!);
        if (e.igvm_crate_reserialize_identical) {
          expect(out.length).toBe(bytes.length);
          expect(equalBytes(out, bytes)).toBe(true);
        } else {
          // igvmgen does not de-duplicate data and pads with '0': the canonical output differs but means the same.
          const again = parseIgvm(out);
          expect(again.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
          expect({ ...summarizeIgvm(again.file!), size: 0 }).toEqual({ ...summarizeIgvm(file!), size: 0 });
          expect(out.length).toBeLessThan(bytes.length);
          const a = file!.directives;
          const b = again.file!.directives;
          let same = a.length === b.length;
          for (let i = 0; same && i < a.length; i++) {
            const x = a[i]!;
            const y = b[i]!;
            if (x.kind === 'PageData' && y.kind === 'PageData')
              same = x.gpa === y.gpa && x.flags === y.flags && (x.data === undefined ? y.data === undefined : y.data !== undefined && equalBytes(x.data, y.data));
            else if (x.kind === 'SnpVpContext' && y.kind === 'SnpVpContext') same = equalBytes(x.vmsa, y.vmsa) && x.gpa === y.gpa;
            else same = x.kind === y.kind;
          }
          expect(same).toBe(true);
        }
      });

      it('re-serializes byte-identically with the preserve layout (igvmgen included); canonical only where the crate agrees', () => {
        expect(equalBytes(serializeIgvm(file!), bytes)).toBe(e.igvm_crate_reserialize_identical);
        const preserved = serializeIgvm(file!, { layout: 'preserve' });
        expect(preserved.length).toBe(bytes.length);
        expect(equalBytes(preserved, bytes)).toBe(true);
      });
    });
  }
});
