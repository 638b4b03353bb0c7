// The engine's side of issue 10 item 1: a damaged corpus IGVM opens with error diagnostics, shows no VP registers
// it does not hold, and every measurement comes back withheld (digest '', the reason, the codes); `force` adds the
// damaged value as withheld.forcedDigest only. The undamaged file still gives the manifest's digest.
import { describe, expect, it } from 'vitest';
import { corpusAvailable, manifest, readCorpus } from '../test-support/corpus';
import { Engine } from './engine';

describe.skipIf(!corpusAvailable())('engine: damaged IGVMs get no digest', () => {
  it('truncated and bad-checksum copies of every igvm-crate corpus file', async () => {
    const engine = new Engine();
    const list = (manifest().igvm as { path: string }[]).map((e) => e.path).filter((p) => p.includes('igvm-crate'));
    expect(list.length).toBeGreaterThan(3);
    for (const rel of list) {
      const good = readCorpus(rel);
      const bad = good.slice();
      bad[20] ^= 1;
      for (const [what, bytes] of [
        ['truncated', good.slice(0, 5000)],
        ['bad checksum', bad],
      ] as const) {
        const id = `${rel} ${what}`;
        const r = await engine.open(id, 'x.igvm', bytes);
        expect(r.diagnostics.some((d) => d.severity === 'error'), id).toBe(true);
        expect(r.measurable.length, id).toBeGreaterThan(0);
        for (const m of r.measurable) {
          const out = engine.measure(id, { platform: m.platform });
          expect(out.digest, id).toBe('');
          expect(out.withheld?.codes.length, id).toBeGreaterThan(0);
          expect(out.withheld?.forcedDigest, id).toBeUndefined();
          const forced = engine.measure(id, { platform: m.platform, force: true });
          expect(forced.digest, id).toBe('');
          expect(forced.withheld?.forcedDigest, id).toMatch(/^[0-9a-f]{64,}$/);
        }
        if (what === 'truncated')
          for (const vp of r.igvm?.vpContexts ?? []) {
            // The data lies past the 5000 bytes: no registers are made up from zeros or the file header.
            expect(vp.groups, id).toEqual([]);
            expect(vp.unavailable, id).toMatch(/^Registers not decoded/);
          }
        await expect(engine.measureAsync(id, { platform: r.measurable[0]!.platform })).resolves.toMatchObject({ digest: '' });
        engine.close(id);
      }
    }
  }, 60_000);

  it('the undamaged file still measures to the manifest value', async () => {
    const engine = new Engine();
    const rel = 'igvm/igvm-crate/lib-snp.igvm';
    await engine.open('ok', 'ok.igvm', readCorpus(rel));
    const e = (manifest().igvm as { path: string; measurements: Record<string, Record<string, { value: string }>> }[]).find((x) => x.path === rel)!;
    const out = engine.measure('ok', { platform: 'SEV_SNP' });
    expect(out.withheld).toBeUndefined();
    expect(out.digest).toBe(e.measurements.SEV_SNP!.snp_launch_digest!.value.toLowerCase());
  });
});
