import { describe, expect, it } from 'vitest';
import { put32, toHex } from '../bytes/bytes';
import { parseFirmware } from '../firmware/firmware';
import { corpusAvailable, manifest, readCorpus, type Manifest } from '../../test-support/corpus';
import { tdvfMrtd } from './tdvf-mrtd';

describe.runIf(corpusAvailable())('TDVF MRTD against td-shim (single-pass) and quex-tech (two-pass)', () => {
  const cases = corpusAvailable() ? (manifest().tdx_ovmf as Manifest[]) : [];
  it('has cases', () => expect(cases.length).toBeGreaterThan(0));
  for (const c of cases) {
    it(c.firmware.path, () => {
      const fw = readCorpus(c.firmware.path);
      const parsed = parseFirmware(fw);
      const single = tdvfMrtd(fw, 'single-pass', parsed);
      const two = tdvfMrtd(fw, 'two-pass', parsed);
      expect(single.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(toHex(single.mrtd!)).toBe(c.mrtd_single_pass);
      expect(toHex(two.mrtd!)).toBe(c.mrtd_two_pass);
      expect(single.pagesAdded).toBe(two.pagesAdded);
      expect(single.pagesExtended).toBe(two.pagesExtended);
    });
  }
});

describe('TDVF MRTD on damaged or non-TDX input', () => {
  it('no TDX metadata → error, no MRTD', () => {
    const r = tdvfMrtd(new Uint8Array(8192), 'single-pass');
    expect(r.mrtd).toBeUndefined();
    expect(r.diagnostics.map((d) => d.code)).toContain('TDVF_NO_METADATA');
  });
  it.runIf(corpusAvailable())('a huge memSize is refused instead of looping', () => {
    const c = (manifest().tdx_ovmf as Manifest[])[0]!;
    const fw = new Uint8Array(readCorpus(c.firmware.path));
    const parsed = parseFirmware(fw);
    const temp = parsed.tdxMetadata!.sections.find((s) => s.rawSize === 0)!;
    put32(fw, temp.offset + 20, 0x100); // memSize high dword → 2^40 bytes
    const r = tdvfMrtd(fw, 'two-pass');
    expect(r.mrtd).toBeUndefined();
    expect(r.diagnostics.map((d) => d.code)).toContain('TDVF_TOO_MANY_PAGES');
  });
});
