// The engine's digest gate (issue 10): a truncated or bad-checksum copy of every corpus IGVM, a truncated OVMF, a
// direct boot with a damaged kernel and a composition with a damaged input give no digest, no ledger values and no
// register view read from garbage; forced, the value only ever arrives as withheld.forcedDigest.
import { describe, expect, it } from 'vitest';
import { nodeHashBackend } from '../cli/node-hash';
import { corpusAvailable, manifest, readCorpus } from '../test-support/corpus';
import { ComposeService, type ComposeRequest } from './compose';
import { QEMU_IGVM_SETTINGS } from '../test-support/compose-settings';
import { Engine } from './engine';
import { headerRowList } from './header-columns';
import type { MeasureResult } from './protocol';
import { ledgerEntries } from './ledger-columns';

const HEX = /^[0-9a-f]{64,96}$/;

function truncated(bytes: Uint8Array): Uint8Array {
  return bytes.slice(0, 5000);
}
function badChecksum(bytes: Uint8Array): Uint8Array {
  const b = bytes.slice();
  b[20] ^= 0x01; // fixed header checksum field (igvm-format §2.3)
  return b;
}

function expectWithheld(out: MeasureResult, what: string): void {
  expect(out.digest, what).toBe('');
  expect(out.withheld?.codes.length, what).toBeGreaterThan(0);
  expect(out.withheld?.reason, what).toMatch(/^no digest/);
  expect(out.withheld?.forcedDigest, what).toBeUndefined();
  expect(
    ledgerEntries(out.ledger).some((e) => e.running !== ''),
    `${what}: ledger running values`,
  ).toBe(false);
  expect(out.idBlock, what).toBeUndefined();
}

const d = corpusAvailable() ? describe : describe.skip;

d('digest gate in the engine', () => {
  const igvms = () => (manifest().igvm as { path: string; size: number }[]).filter((f) => f.size < 1 << 20);

  it('a truncated and a bad-checksum copy of every (small) corpus IGVM: no digest on any platform, and the intact file still measures', async () => {
    const engine = new Engine();
    expect(igvms().length).toBeGreaterThan(3);
    for (const f of igvms()) {
      const good = readCorpus(f.path);
      const intact = await engine.open('ok', f.path, good);
      for (const c of intact.measurable)
        expect((await engine.measureAsync('ok', { platform: c.platform })).digest, f.path).toMatch(HEX);
      for (const [how, bytes] of [
        ['truncated', truncated(good)],
        ['bad checksum', badChecksum(good)],
      ] as const) {
        const r = await engine.open(how, f.path, bytes);
        expect(
          r.diagnostics.some((x) => x.severity === 'error'),
          `${f.path} ${how}`,
        ).toBe(true);
        for (const c of r.measurable) {
          expectWithheld(
            await engine.measureAsync(how, { platform: c.platform }),
            `${f.path} ${how} ${c.platform} (async)`,
          );
          expectWithheld(engine.measure(how, { platform: c.platform }), `${f.path} ${how} ${c.platform}`);
        }
        if (r.measurable.some((c) => c.platform === 'SEV_SNP')) {
          const header = headerRowList(r.igvm!.headers!).find((h) => h.kind === 'PageData' && h.dataLength)?.index ?? 0;
          expect(() => engine.whatIf(how, header, 0)).toThrow(/no digest/);
        }
      }
    }
  });

  it('force gives the damaged value as withheld.forcedDigest only, never as digest', async () => {
    const engine = new Engine();
    const f = igvms().find((x) => x.path.endsWith('lib-snp.igvm'))!;
    await engine.open('bad', f.path, badChecksum(readCorpus(f.path)));
    const out = await engine.measureAsync('bad', { platform: 'SEV_SNP', force: true });
    expect(out.digest).toBe('');
    expect(out.withheld?.codes).toEqual(['IGVM_BAD_CHECKSUM']);
    expect(out.withheld?.forcedDigest).toMatch(HEX);
  });

  it('does not decode VP-context registers of a truncated file (they would come from the file header)', async () => {
    const engine = new Engine();
    const f = igvms().find((x) => x.path.endsWith('lib-snp.igvm'))!;
    const intact = await engine.open('ok', f.path, readCorpus(f.path));
    expect(intact.igvm!.vpContexts.length).toBeGreaterThan(0);
    for (const vp of intact.igvm!.vpContexts) expect(vp.unavailable).toBeUndefined();
    const r = await engine.open('cut', f.path, truncated(readCorpus(f.path)));
    expect(r.igvm!.vpContexts.length).toBe(intact.igvm!.vpContexts.length);
    for (const vp of r.igvm!.vpContexts) {
      expect(vp.groups).toEqual([]);
      expect(vp.unavailable).toMatch(/IGVM_DATA_OUT_OF_RANGE/);
    }
  });

  it('a damaged OVMF and a direct boot with a truncated kernel give no digest', async () => {
    const m = manifest();
    const c = (m.ovmf_measure as { params: Record<string, unknown> }[]).find(
      (x) => x.params.mode === 'snp' && x.params.kernel,
    )!;
    const fwPath = (c.params.ovmf as { path: string }).path;
    const kernelPath = (c.params.kernel as { path: string }).path;
    const engine = new Engine();
    await engine.open('fw', fwPath, readCorpus(fwPath));
    await engine.open('kernel', kernelPath, readCorpus(kernelPath));
    expect(engine.measure('fw', { platform: 'snp', kernelFile: 'kernel' }).digest).toMatch(HEX);
    // The SEV metadata header ('ASEV', OVMF's SEV metadata) declares a length too short for its entries.
    const fw = readCorpus(fwPath).slice();
    const asev = Buffer.from(fw).indexOf('ASEV');
    expect(asev).toBeGreaterThan(0);
    fw.set([16, 0, 0, 0], asev + 4);
    const bad = await engine.open('fw-bad', fwPath, fw);
    expect(bad.kind).toBe('firmware');
    expect(bad.diagnostics.some((x) => x.severity === 'error')).toBe(true);
    expect(bad.measurable.length).toBeGreaterThan(0);
    for (const ch of bad.measurable)
      expectWithheld(engine.measure('fw-bad', { platform: ch.platform }), `damaged OVMF ${ch.platform}`);
    const k = readCorpus(kernelPath);
    const cutK = await engine.open('kernel-cut', kernelPath, k.slice(0, k.length >> 1));
    expect(cutK.diagnostics.some((x) => x.severity === 'error')).toBe(true);
    expectWithheld(engine.measure('fw', { platform: 'snp', kernelFile: 'kernel-cut' }), 'truncated kernel');
  });
});

d('digest gate in the composer', () => {
  const engine = new Engine();
  const service = new ComposeService(
    (id) => engine.bytesOf(id),
    nodeHashBackend,
    (id) => engine.diagnosticsOf(id),
  );
  const request = (firmwareId: string, ukiId: string): ComposeRequest => ({
    firmwareId,
    source: { kind: 'uki', ukiId, addons: [] },
    settings: QEMU_IGVM_SETTINGS,
  });

  it('a damaged firmware or UKI: no measurements, no receipt, and outputs() refuses', async () => {
    const fw = readCorpus('inputs/ovmf/sid/OVMF.amdsev.fd');
    const uki = readCorpus('pe/uki-262.efi');
    await engine.open('fw', 'OVMF.amdsev.fd', fw);
    await engine.open('uki', 'uki-262.efi', uki);
    await engine.open('uki-cut', 'uki-262.efi', uki.slice(0, uki.length >> 1));
    const ok = service.compose(request('fw', 'uki'));
    expect(ok.ok).toBe(true);
    expect(ok.withheld).toBeUndefined();
    expect(ok.measurements[0]!.digest).toMatch(HEX);

    const bad = service.compose(request('fw', 'uki-cut'));
    expect(bad.ok).toBe(false);
    expect(bad.withheld?.reason).toMatch(/UKI/);
    expect(bad.measurements).toEqual([]);
    expect(bad.receipt).toBeUndefined();
    expect(() => service.outputs(request('fw', 'uki-cut'), { fwid: 'x' })).toThrow(/Nothing written/);
  });
});
