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

describe('MR.EXTEND sections bounded by the file (issue 11: found by the compose fuzz family)', () => {
  it('a 64 KiB firmware whose BFV declares 2 GiB of memory is refused by tdvfMrtd and by the composer, before hashing', async () => {
    const { amdSevFixtureSmall } = await import('../../test-support/firmware-fixture');
    const { planTdxDirectives } = await import('../fuki/tdx-plan');
    const ok = amdSevFixtureSmall();
    const bfv = parseFirmware(ok).tdxMetadata!.sections.find((s) => s.extendMr)!;
    expect(tdvfMrtd(ok, 'single-pass').diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(planTdxDirectives(ok, parseFirmware(ok), 2).diagnostics.hasErrors).toBe(false);
    const fw = ok.slice();
    new DataView(fw.buffer).setBigUint64(bfv.offset + 16, 0x80010000n, true); // MemoryDataSize: 2 GiB + 64 KiB
    const parsed = parseFirmware(fw);
    const r = tdvfMrtd(fw, 'single-pass', parsed);
    expect(r.mrtd).toBeUndefined();
    expect(r.pagesExtended).toBe(0);
    expect(r.diagnostics.find((d) => d.code === 'TDVF_TOO_MANY_PAGES')?.message).toMatch(/more than 2 × the 65536-byte file/);
    const plan = planTdxDirectives(fw, parsed, 2);
    expect(plan.directives).toEqual([]);
    expect(plan.diagnostics.done().map((d) => d.code)).toContain('FUKI_TDVF_TOO_LARGE');
  });
});
