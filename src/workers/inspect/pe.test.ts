// The PE view's digest gate (issue 10 item 1): a damaged PE — truncated, or a hostile section table — shows no
// Authenticode digest, no section SHA-256, no PCR 11 prediction, no kernel or .efifw payload digest, each withheld
// with the reason; the intact file still shows the manifest's values, and a signature that does not cover the file
// does not withhold the file's own Authenticode digest.
import { describe, expect, it } from 'vitest';
import { put32 } from '../../core/bytes/bytes';
import { findSection } from '../../core/pe/access';
import { parsePe } from '../../core/pe/parse';
import { corpusAvailable, manifest, readCorpus } from '../../test-support/corpus';
import { forgeSignedPe } from '../../test-support/forge';
import { manySections } from '../../test-support/hostile-pe';
import type { OpenResult } from '../protocol';
import { inspectPe, peMoreDigests } from './pe';

type PeEntry = { path: string; authenticode: Record<string, Record<string, string>> };
const peEntry = (path: string) => (manifest().pe as PeEntry[]).find((e) => e.path === path)!;

function expectAllWithheld(r: Pick<OpenResult, 'pe' | 'diagnostics'>, what: string): void {
  const pe = r.pe!;
  expect(r.diagnostics.some((d) => d.severity === 'error'), what).toBe(true);
  expect(pe.withheld?.reason, what).toMatch(/^no digest: .*; digests computed from a damaged file would look right and be wrong$/);
  expect(pe.withheld?.codes.length, what).toBeGreaterThan(0);
  expect(pe.authenticode, what).toEqual([]);
  expect(pe.pendingAlgorithms, `${what}: no further digests offered`).toBeUndefined();
  expect(pe.sections.length, what).toBeGreaterThan(0);
  expect(pe.sections.filter((s) => s.sha256 !== undefined), what).toEqual([]);
  if (pe.uki) {
    expect(pe.uki.pcr11, what).toEqual([]);
    if (pe.uki.kind === 'uki') expect(pe.uki.pcr11Withheld?.codes, what).toEqual(pe.withheld?.codes);
    else expect(pe.uki.pcr11Withheld, `${what}: an add-on has no PCR 11 prediction to withhold`).toBeUndefined();
    expect(pe.uki.kernel?.authenticodeSha256, what).toBeUndefined();
    for (const f of pe.uki.efifw) {
      expect(f.payload, what).toBeUndefined();
      expect(f.payloadWithheld?.reason, what).toMatch(/^no digest/);
    }
  }
  // No 64-hex-digit value anywhere in the view a user could take for a digest of this file.
  // (Signature rows quote the signed values they carry, which are not computed from the file.)
  const json = JSON.stringify({
    ...pe,
    signatures: [],
    uki: pe.uki && { ...pe.uki, kernel: pe.uki.kernel && { ...pe.uki.kernel, signatures: [] } },
  });
  expect(json.match(/[0-9a-f]{64}/g), what).toBeNull();
}

describe.runIf(corpusAvailable())('inspectPe: damaged PEs get no digests', () => {
  it('truncated copies of every small corpus PE (add-ons, profile PE, stubs)', async () => {
    const small = (manifest().pe as { path: string; size: number }[]).filter((e) => e.size < 1 << 20);
    expect(small.length).toBeGreaterThan(4);
    for (const e of small) {
      const good = readCorpus(e.path);
      const intact = await inspectPe(good);
      expect(intact.pe!.withheld, e.path).toBeUndefined();
      expect(intact.pe!.authenticode.map((a) => a.algorithm), e.path).toEqual(['sha256']);
      expect(intact.pe!.pendingAlgorithms?.length, e.path).toBe(3);
      const cut = good.slice(0, Math.floor(good.length * 0.6));
      expectAllWithheld(await inspectPe(cut), `${e.path} truncated`);
    }
  });

  it('a truncated UKI: no Authenticode, no section hash, no PCR 11, no kernel digest', async () => {
    const path = 'pe/uki-262.efi';
    const good = readCorpus(path);
    const intact = await inspectPe(good);
    expect(intact.pe!.authenticode.find((a) => a.algorithm === 'sha256')!.pad8).toBe(
      peEntry(path).authenticode.sha256!['systemd-pcrlock 262 lock-pe'],
    );
    expect(intact.pe!.uki!.pcr11.length).toBe(1);
    expect(intact.pe!.uki!.kernel!.authenticodeSha256).toMatch(/^[0-9a-f]{64}$/);
    const r = await inspectPe(good.slice(0, 8_000_000));
    expectAllWithheld(r, 'uki truncated');
    expect(r.pe!.withheld!.codes).toContain('PE_SECTION_PAST_END');
    expect(r.pe!.uki!.kernel!.authenticodeWithheld?.reason).toMatch(/^no digest/);
    // Nor when the other banks are asked for directly (Engine.peDigests).
    expect(await peMoreDigests(good.slice(0, 8_000_000), ['sha1', 'sha384'])).toEqual({ authenticode: [], pcr11: [] });
    const more = await peMoreDigests(good, ['sha1']);
    expect(more.authenticode.map((a) => a.algorithm)).toEqual(['sha1']);
    expect(more.pcr11[0]!.sections.sha1).toMatch(/^[0-9a-f]{40}$/);
  });

  it('a damaged FUKI: its intact .efifw payload is not measured from the damaged file', async () => {
    const good = readCorpus('pe/uki-262-efifw.efi');
    const intact = await inspectPe(good);
    expect(intact.pe!.uki!.efifw[0]!.payload!.measurements.some((m) => m.digest !== '')).toBe(true);
    // .initrd's SizeOfRawData made to run past the end of the file; .efifw itself stays intact.
    const bad = good.slice();
    put32(bad, findSection(parsePe(good), '.initrd')!.offset + 16, 0x40000000);
    const r = await inspectPe(bad);
    expectAllWithheld(r, 'fuki with .initrd past the end');
    expect(r.pe!.uki!.efifw.length).toBe(1);
    // And cut inside .efifw: the entry is not even listed, so nothing is measured.
    const efifw = findSection(parsePe(good), '.efifw')!;
    expectAllWithheld(await inspectPe(good.slice(0, efifw.pointerToRawData + 4096)), 'fuki cut inside .efifw');
  }, 30_000);

  it('a hostile section table (NumberOfSections 65535) withholds every digest', async () => {
    const r = await inspectPe(manySections(readCorpus('pe/addon-262-cmdline.addon.efi')));
    expectAllWithheld(r, 'many sections');
  });

  it('a signature that does not cover the file leaves its Authenticode digest (the verdict says so)', async () => {
    const kernel = 'inputs/kernel/vmlinuz-6.1.0-56-cloud-amd64';
    const r = await inspectPe(forgeSignedPe(readCorpus(kernel)));
    expect(r.diagnostics.map((d) => d.code)).toContain('AUTHENTICODE_MESSAGE_DIGEST_MISMATCH');
    expect(r.pe!.signatures[0]!.verdict.covers).toBe(false);
    expect(r.pe!.withheld).toBeUndefined();
    // The forged file's own digest, which the (forged) signature's signed digest equals: check 1 passes.
    expect(r.pe!.signatures[0]!.matches).toBe(true);
    expect(r.pe!.authenticode.find((a) => a.algorithm === 'sha256')!.pad8).toMatch(/^[0-9a-f]{64}$/);
  }, 30_000);
});
