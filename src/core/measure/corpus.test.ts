// Corpus conformance: every IGVM in the manifest measures to the value the independent tools computed
// (igvm crate measurement module; igvmgen's own SNP measurement), for every platform it declares.
import { describe, expect, it } from 'vitest';
import { toHex } from '../bytes/bytes';
import { parseIgvm } from '../igvm';
import { corpusAvailable, manifest, readCorpus } from '../../test-support/corpus';
import { measureIgvm, type PlatformMeasurement } from './measure-igvm';

const KEY: Record<string, string> = {
  SEV_SNP: 'snp_launch_digest',
  TDX: 'tdx_mrtd',
  VSM_ISOLATION: 'vbs_boot_digest',
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const entries: any[] = corpusAvailable() ? manifest().igvm : [];

describe.skipIf(!corpusAvailable())('IGVM corpus measurements', () => {
  it('has IGVM entries with measurements', () => {
    expect(entries.length).toBeGreaterThanOrEqual(8);
  });
  for (const e of entries) {
    describe(e.path, () => {
      const parsed = () => {
        const r = parseIgvm(readCorpus(e.path));
        expect(r.file).toBeDefined();
        return r.file!;
      };
      it('measures every declared platform to the manifest value', () => {
        const file = parsed();
        const results = measureIgvm(file);
        const byPlatform = new Map<string, PlatformMeasurement>(results.map((r) => [r.platform, r]));
        const expected = Object.entries(
          e.measurements as Record<string, Record<string, { compatibility_mask: number; value: string }>>,
        );
        expect(expected.length).toBeGreaterThan(0);
        for (const [platform, m] of expected) {
          const want = m[KEY[platform]!]!;
          const got = byPlatform.get(platform);
          expect(got, platform).toBeDefined();
          expect(got!.compatibilityMask).toBe(want.compatibility_mask);
          expect(toHex(got!.digest), platform).toBe(want.value.toLowerCase());
        }
      });
      if (e.producer?.tool_reported_snp_measurement) {
        it("equals igvmgen's own reported SNP measurement and its ID block ld", () => {
          const snp = measureIgvm(parsed(), { platforms: ['SEV_SNP'] })[0]!;
          expect(toHex(snp.digest)).toBe(e.producer.tool_reported_snp_measurement.toLowerCase());
          expect(snp.idBlock?.matches).toBe(true);
        });
      }
    });
  }
});
