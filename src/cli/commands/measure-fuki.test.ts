// Issue 10 item 3: FUKIs first-class. `fukiscope measure fuki.efi` measures the IGVM in its .efifw and equals the
// measurement of that IGVM as a file; the engine's UKI view shows the same digests; an OVMF payload (corpus
// uki-262-efifw.efi) is measured with the stated defaults and equals sev-snp-measure's value for them (manifest).
import { describe, expect, it } from 'vitest';
import { equalBytes } from '../../core/bytes/bytes';
import { captureIo } from '../../test-support/cli';
import { corpusAvailable, corpusPath, manifest, readCorpus } from '../../test-support/corpus';
import { Engine } from '../../workers/engine';
import { main } from '../main';

interface MeasureJson {
  source?: { efifwIndex: number; fwid: string };
  platforms: { platform: string; digest: string | null }[];
}

describe.skipIf(!corpusAvailable())('fukiscope measure of a FUKI', () => {
  it('a composed FUKI measures to the IGVM inside it; the UKI view agrees; entry choice options', async () => {
    const io = captureIo();
    const rc = await main(
      ['compose', '--firmware', corpusPath('inputs/ovmf/sid/OVMF.amdsev.fd'), '--uki', corpusPath('pe/uki-262.efi'),
        '--igvm-out', 'out.igvm', '--fuki-out', 'out.efi', '--fwid', 'my-fw'],
      io,
    );
    expect(rc, io.stderr).toBe(0);
    const files = { 'out.igvm': io.written['out.igvm'] as Uint8Array, 'out.efi': io.written['out.efi'] as Uint8Array };

    const igvm = captureIo(files);
    expect(await main(['measure', 'out.igvm', '--json'], igvm)).toBe(0);
    const fuki = captureIo(files);
    expect(await main(['measure', 'out.efi', '--json'], fuki), fuki.stderr).toBe(0);
    const a = JSON.parse(igvm.stdout) as MeasureJson;
    const b = JSON.parse(fuki.stdout) as MeasureJson;
    expect(b.source).toMatchObject({ efifwIndex: 0, fwid: 'my-fw' });
    expect(b.platforms.map((p) => [p.platform, p.digest])).toEqual(a.platforms.map((p) => [p.platform, p.digest]));
    expect(a.platforms.every((p) => /^[0-9a-f]{96}$/.test(p.digest!))).toBe(true);

    // Text: a source line naming the entry, then the same labelled lines as for the IGVM file.
    const text = captureIo(files);
    expect(await main(['measure', 'out.efi'], text)).toBe(0);
    const igvmText = captureIo(files);
    await main(['measure', 'out.igvm'], igvmText);
    expect(text.stdout).toBe(`source: .efifw entry 0 of 1 (fwid 'my-fw', IGVM, ${files['out.igvm'].length} bytes at ${text.stdout.match(/at (0x[0-9a-f]+)/)![1]})\n` + igvmText.stdout);

    expect(await main(['measure', 'out.efi', '--fwid', 'my-fw'], captureIo(files))).toBe(0);
    expect(await main(['measure', 'out.efi', '--efifw-index', '1'], captureIo(files))).toBe(2);
    expect(await main(['measure', 'out.efi', '--fwid', 'other'], captureIo(files))).toBe(2);
    expect(await main(['measure', 'out.igvm', '--fwid', 'my-fw'], captureIo(files))).toBe(2);

    const engine = new Engine();
    const view = await engine.open('f', 'out.efi', files['out.efi']);
    const entry = view.pe!.uki!.efifw[0]!;
    expect(entry.payload?.kind).toBe('igvm');
    expect(entry.payload!.measurements.map((m) => [m.platform, m.digest])).toEqual(a.platforms.map((p) => [p.platform, p.digest]));
    const payload = engine.efifwPayload('f', 0);
    expect(equalBytes(payload.bytes, files['out.igvm'])).toBe(true);
    expect(payload.name).toMatch(/\.igvm$/);
  }, 60_000);

  it('corpus uki-262-efifw.efi: OVMF payload, measured with the stated defaults = sev-snp-measure (manifest)', async () => {
    const cli = captureIo();
    expect(await main(['measure', corpusPath('pe/uki-262-efifw.efi'), '--json'], cli), cli.stderr).toBe(0);
    const out = JSON.parse(cli.stdout) as MeasureJson & { source: { kind: string } };
    expect(out.source.kind).toBe('firmware');
    const engine = new Engine();
    const view = await engine.open('u', 'uki-262-efifw.efi', readCorpus('pe/uki-262-efifw.efi'));
    const entry = view.pe!.uki!.efifw[0]!;
    expect(entry.payload!.kind).toBe('firmware');
    expect(entry.payload!.measurements.map((m) => m.digest)).toEqual(out.platforms.map((p) => p.digest));
    // The payload is a corpus OVMF: its SNP value with 1 vCPU EPYC-v4 is the one sev-snp-measure computed.
    const payload = engine.efifwPayload('u', 0).bytes;
    const c = (manifest().ovmf_measure as { expected?: string; params: Record<string, unknown> }[]).find((x) => {
      const p = x.params as { mode: string; vcpus: number; vcpu_type: string; ovmf: { path: string } };
      return p.mode === 'snp' && p.vcpus === 1 && p.vcpu_type === 'EPYC-v4' && Object.keys(p).length === 4 && x.expected && equalBytes(readCorpus(p.ovmf.path), payload);
    });
    expect(c, 'the payload is one of the corpus OVMF images').toBeDefined();
    expect(out.platforms.find((p) => p.platform === 'snp')!.digest).toBe(c!.expected);
  }, 60_000);
});
