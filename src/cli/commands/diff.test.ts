import { describe, expect, it } from 'vitest';
import { main } from '../main';
import { captureIo } from '../../test-support/cli';
import { corpusAvailable, corpusPath, manifest } from '../../test-support/corpus';

const digestOf = (rel: string): string =>
  (
    manifest().igvm as { path: string; measurements: { SEV_SNP: { snp_launch_digest: { value: string } } } }[]
  )
    .find((e) => e.path === rel)!
    .measurements.SEV_SNP.snp_launch_digest.value.toLowerCase();

describe.runIf(corpusAvailable())('fukiscope diff', () => {
  it('two corpus IGVMs differ (exit 1); the JSON carries both SNP digests as the manifest has them', async () => {
    const [a, b] = ['igvm/igvm-crate/lib-snp.igvm', 'igvm/igvm-crate/rich-v1.igvm'];
    const io = captureIo();
    expect(await main(['diff', corpusPath(a), corpusPath(b), '--json'], io)).toBe(1);
    const j = JSON.parse(io.stdout);
    expect(j.different).toBe(true);
    expect(j.ledger.digestA).toBe(digestOf(a));
    expect(j.ledger.digestB).toBe(digestOf(b));
    expect(j.ledger.firstDiverging).toBeGreaterThanOrEqual(0);
    const t = captureIo();
    expect(await main(['diff', corpusPath(a), corpusPath(b)], t)).toBe(1);
    expect(t.stdout).toContain(`first diverging step: ${j.ledger.firstDiverging}`);
    expect(t.stdout).toContain(`digest B ${digestOf(b)}`);
  });

  it('a file against itself: exit 0, ledgers identical step for step', async () => {
    const p = corpusPath('igvm/igvm-crate/rich-v2.igvm');
    const io = captureIo();
    expect(await main(['diff', p, p], io)).toBe(0);
    expect(io.stdout).toContain('identical, step for step');
    expect(io.stdout).toContain('(no difference)');
  });

  it('two UKIs: sections by name (the .efifw only in one)', async () => {
    const io = captureIo();
    expect(await main(['diff', corpusPath('pe/uki-262.efi'), corpusPath('pe/uki-262-efifw.efi'), '--json'], io)).toBe(1);
    const j = JSON.parse(io.stdout);
    expect(j.parts.some((p: { label: string; a: string; b: string }) => p.label === 'section .efifw' && !p.a && p.b)).toBe(true);
  });

  it('usage errors and unreadable files exit 2 (1 means "different")', async () => {
    const io = captureIo();
    expect(await main(['diff', corpusPath('pe/uki-262.efi')], io)).toBe(2);
    const missing = captureIo();
    expect(await main(['diff', corpusPath('no-such-file'), corpusPath('pe/uki-262.efi')], missing)).toBe(2);
    expect(missing.stderr).toContain('no-such-file');
  });
});
