import { describe, expect, it } from 'vitest';
import { main } from '../main';
import { captureIo } from '../../test-support/cli';
import { corpusAvailable, corpusPath, manifest, type Manifest } from '../../test-support/corpus';

describe.runIf(corpusAvailable())('fukiscope tdx-mrtd (corpus tdx_ovmf)', () => {
  for (const c of corpusAvailable() ? (manifest().tdx_ovmf as Manifest[]) : []) {
    it(c.firmware.path, async () => {
      const fw = corpusPath(c.firmware.path);
      const a = captureIo();
      expect(await main(['tdx-mrtd', fw], a)).toBe(0);
      expect(a.stdout).toBe(`${c.mrtd_single_pass}\n`);
      const b = captureIo();
      expect(await main(['tdx-mrtd', fw, '--order', 'two-pass', '--json'], b)).toBe(0);
      const j = JSON.parse(b.stdout);
      expect(j.mrtd).toBe(c.mrtd_two_pass);
      expect(j.sections.length).toBe(c.tdvf_sections.length);
    });
  }
  it('rejects bad options and non-TDX input', async () => {
    const io = captureIo();
    expect(await main(['tdx-mrtd'], io)).toBe(2);
    const io2 = captureIo();
    expect(
      await main(['tdx-mrtd', corpusPath('inputs/misc/cmdline.txt'), '--order', 'three-pass'], io2),
    ).toBe(2);
    const io3 = captureIo();
    expect(await main(['tdx-mrtd', corpusPath('inputs/misc/cmdline.txt')], io3)).toBe(1);
    expect(io3.stderr).toContain('TDVF_NO_METADATA');
  });
});
