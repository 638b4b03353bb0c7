// The engine's evidence API (what the Evidence view calls): open a report and its certificates, verify with the
// other open files, compare with an open firmware and search.
import { describe, expect, it } from 'vitest';
import { corpusAvailable, manifest, readCorpus, type Manifest } from '../test-support/corpus';
import { Engine } from './engine';

describe.runIf(corpusAvailable())('Engine evidence API', () => {
  it('opens an SNP report as evidence with field offsets and verifies it with the open certificates', async () => {
    const e = (manifest().attest.snp_reports as Manifest[]).find((x) => x.signer === 'VCEK')!;
    const engine = new Engine();
    const r = await engine.open('r', 'report.bin', readCorpus(e.path));
    expect(r.kind).toBe('evidence');
    expect(r.evidence!.fields.find((f) => f.label === 'measurement')).toMatchObject({ value: e.fields.measurement, offset: 0x90, length: 48 });
    const none = await engine.verifyEvidence('r', { at: e.valid_at });
    expect(none.checks.find((c) => c.id === 'snp.signature')!.status).toBe('not-checked');
    await engine.open('c1', 'vcek.der', readCorpus(e.signer_cert));
    await engine.open('c2', 'chain.pem', readCorpus(e.cert_chain));
    const v = await engine.verifyEvidence('r', { at: e.valid_at });
    expect(v.certificateFiles.sort()).toEqual(['chain.pem', 'vcek.der']);
    // The certificate files open as certificates (not "unknown data" with an error), naming their subject.
    const der = await engine.open('c3', 'again.der', readCorpus(e.signer_cert));
    expect(der.kindLabel).toBe('X.509 certificate');
    expect(der.diagnostics).toEqual([]);
    expect(der.summary.find((f) => f.label === 'Subject')!.value).toMatch(/VCEK|VLEK|SEV/);
    const pem = await engine.open('c4', 'again.pem', readCorpus(e.cert_chain));
    expect(pem.kindLabel).toMatch(/^X\.509 certificates \(\d+\)$/);
    expect(v.checks.filter((c) => c.status !== 'pass')).toEqual([]);
  });

  it('searches the launch options against an open firmware', async () => {
    // A claimed measurement is not a file; use a real report whose firmware is not in the corpus: expect "none".
    const e = (manifest().attest.snp_reports as Manifest[])[0]!;
    const engine = new Engine();
    await engine.open('r', 'report.bin', readCorpus(e.path));
    await engine.open('fw', 'OVMF.amdsev.fd', readCorpus('inputs/ovmf/sid/OVMF.amdsev.fd'));
    const cmp = await engine.verifyEvidence('r', { compareWith: 'fw', at: e.valid_at });
    expect(cmp.checks.find((c) => c.id === 'launch.measurement')!.status).toBe('not-checked');
    let progress = 0;
    const s = await engine.searchEvidence('r', 'fw', () => progress++);
    expect(s.found).toBe(false);
    expect(s.tried).toBe(s.total);
    expect(progress).toBeGreaterThan(10);
    expect(s.explanation).toMatch(/^none of/);
  }, 60_000);

  it('searches SNP profiles and vCPU counts against an open IGVM (VMSA replication)', async () => {
    const e = (manifest().attest.snp_reports as Manifest[])[0]!;
    const g = (manifest().igvm as Manifest[]).find((x) => x.path.endsWith('lib-snp.igvm'))!;
    const engine = new Engine();
    await engine.open('r', 'report.bin', readCorpus(e.path));
    await engine.open('g', 'lib-snp.igvm', readCorpus(g.path));
    const cmp = await engine.verifyEvidence('r', { compareWith: 'g', at: e.valid_at, vcpus: 3 });
    expect(cmp.checks.find((c) => c.id === 'launch.measurement')!.detail).toMatch(/--vcpus 3/);
    expect(cmp.match).toBe(false);
    const s = await engine.searchEvidence('r', 'g', undefined, {});
    expect(s.found).toBe(false);
    expect(s.tried).toBe(s.total);
    expect(s.total).toBe(3 * 512);
    expect(s.searchedWith).toBe('lib-snp.igvm');
    // Bytes passed in (the composer's IGVM, built in the worker) compare exactly like the open file.
    const viaBytes = await engine.verifyEvidence('r', { at: e.valid_at, vcpus: 3 }, { name: "the composer's result", bytes: readCorpus(g.path) });
    expect(viaBytes.checks.map((c) => c.status)).toEqual(cmp.checks.map((c) => c.status));
    expect(viaBytes.checks.find((c) => c.id === 'launch.measurement')!.detail).toBe(cmp.checks.find((c) => c.id === 'launch.measurement')!.detail);
  });

  it('opens a TDX quote as evidence and verifies its chain; the collateral among the open files gives the TCB status', async () => {
    const q = (manifest().attest.tdx_quotes as Manifest[]).find((x) => x.collateral)!;
    const engine = new Engine();
    const r = await engine.open('q', 'quote.dat', readCorpus(q.path));
    expect(r.evidence!.kind).toBe('tdx-quote');
    expect(r.evidence!.fields.find((f) => f.label === 'mrtd')!.value).toBe(q.fields.mrtd);
    await engine.open('col', 'collateral.json', readCorpus(q.collateral));
    expect((await engine.open('col2', 'again.json', readCorpus(q.collateral))).kindLabel).toMatch(/PCS collateral/);
    const v = await engine.verifyEvidence('q');
    expect(v.collateralFile).toBe('collateral.json');
    expect(v.checks.filter((c) => c.status !== 'pass')).toEqual([]);
  });
});
