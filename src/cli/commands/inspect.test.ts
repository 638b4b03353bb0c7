import { describe, expect, it } from 'vitest';
import { put32 } from '../../core/bytes/bytes';
import { workedExample } from '../../core/igvm/examples';
import { captureIo } from '../../test-support/cli';
import { corpusAvailable, corpusPath, manifest, type Manifest } from '../../test-support/corpus';
import { main } from '../main';

describe.runIf(corpusAvailable())('fukiscope inspect (corpus IGVM files)', () => {
  for (const e of corpusAvailable() ? (manifest().igvm as Manifest[]) : []) {
    it(`${e.path} --json: manifest platforms and counts, exit 0`, async () => {
      const io = captureIo();
      expect(await main(['inspect', corpusPath(e.path), '--json'], io)).toBe(0);
      const j = JSON.parse(io.stdout);
      expect(j.kind).toBe('igvm');
      expect(j.summary.platforms.map((p: Manifest) => p.platform)).toEqual(
        e.platforms.map((p: Manifest) => p.platform_type),
      );
      expect(j.summary.directiveCounts).toEqual(e.directive_counts);
      expect(j.summary.initializationCounts).toEqual(e.initialization_counts);
      expect(j.summary.size).toBe(e.size);
      expect(j.diagnostics.filter((d: Manifest) => d.severity === 'error')).toEqual([]);
    });
  }

  it('--json --headers lists every header with its declared fields, read back from the file at their offsets', async () => {
    const e = (manifest().igvm as Manifest[]).find((x) => x.path.endsWith('rich-v2.igvm'))!;
    const io = captureIo();
    expect(await main(['inspect', corpusPath(e.path), '--json', '--headers'], io)).toBe(0);
    const j = JSON.parse(io.stdout);
    const bytes = io.readFile(corpusPath(e.path));
    expect(j.headers).toHaveLength(j.summary.headerTotal);
    const hex = (o: number, n: number) =>
      Array.from(bytes.subarray(o, o + n), (x) => x.toString(16).padStart(2, '0')).join('');
    let checked = 0;
    for (const h of j.headers as Manifest[])
      for (const f of h.fields as Manifest[]) {
        // Integers are 0x… (bigint) or numbers, byte fields hex in file order: both must be the bytes at the offset.
        const le = hex(f.offset, f.length).match(/../g)!.reverse().join('');
        if (typeof f.value === 'number')
          expect(BigInt(f.value), `${h.kind}.${f.name}`).toBe(BigInt('0x' + le));
        else if (f.value.startsWith('0x'))
          expect(BigInt(f.value), `${h.kind}.${f.name}`).toBe(BigInt('0x' + le));
        else expect(f.value, `${h.kind}.${f.name}`).toBe(hex(f.offset, f.length));
        checked++;
      }
    expect(checked).toBeGreaterThan(j.headers.length);
  });

  it('text output names the version, platforms and directive total', async () => {
    const e = (manifest().igvm as Manifest[]).find((x) => x.path.endsWith('rich-v2.igvm'))!;
    const io = captureIo();
    expect(await main(['inspect', corpusPath(e.path)], io)).toBe(0);
    const total = Object.values(e.directive_counts as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(io.stdout).toMatch(/^kind: igvm\nIGVM v2 /);
    expect(io.stdout).toContain(`directives total: ${total}\n`);
    for (const p of e.platforms as Manifest[]) expect(io.stdout).toContain(p.platform_type);
  });

  it('dispatches an OVMF image to the firmware summarizer', async () => {
    const fw = (manifest().tdx_ovmf as Manifest[])[0]!.firmware.path as string;
    const io = captureIo();
    expect(await main(['inspect', corpusPath(fw), '--json'], io)).toBe(0);
    const j = JSON.parse(io.stdout);
    expect(j.kind).toBe('firmware');
    expect(j.summary.size).toBe(captureIo().readFile(corpusPath(fw)).length);
    expect(j.summary.features).toBeDefined();
  });

  it('dispatches a PE to the PE summarizer', async () => {
    const pe = (manifest().pe as Manifest[])[0]!;
    const io = captureIo();
    await main(['inspect', corpusPath(pe.path), '--json'], io);
    const j = JSON.parse(io.stdout);
    expect(j.kind).toBe('pe');
    expect(j.summary.sha256).toBe(pe.sha256);
  });
});

describe('fukiscope inspect (synthetic files)', () => {
  it('exits 1 and lists the diagnostic when the checksum is wrong', async () => {
    const bytes = workedExample().build();
    put32(bytes, 20, 0x12345678);
    const io = captureIo({ 'bad.igvm': bytes });
    expect(await main(['inspect', 'bad.igvm'], io)).toBe(1);
    expect(io.stdout).toMatch(/diagnostics:\n {2}error: IGVM_\w*CHECKSUM/);
  });

  it('exits 0 on a clean built file; an unknown kind is reported by size and exits 1 (issue 10 item 8)', async () => {
    const io = captureIo({ 'ok.igvm': workedExample().build(), 'blob.bin': new Uint8Array([0, 1, 2, 0xff]) });
    expect(await main(['inspect', 'ok.igvm'], io)).toBe(0);
    expect(io.stdout).not.toContain('diagnostics:');
    const io2 = captureIo({ 'blob.bin': new Uint8Array([0, 1, 2, 0xff]) });
    expect(await main(['inspect', 'blob.bin', '--json'], io2)).toBe(1);
    expect(JSON.parse(io2.stdout)).toMatchObject({
      kind: 'unknown',
      summary: { size: 4 },
      diagnostics: [{ code: 'UNKNOWN_FILE_KIND' }],
    });
    const empty = captureIo({ 'empty.bin': new Uint8Array(0) });
    expect(await main(['inspect', 'empty.bin'], empty)).toBe(1);
    expect(empty.stdout).toContain('empty file');
  });

  it('rejects a missing or extra FILE argument as a usage error', async () => {
    expect(await main(['inspect'], captureIo())).toBe(2);
    expect(await main(['inspect', 'a', 'b'], captureIo())).toBe(2);
  });
});
