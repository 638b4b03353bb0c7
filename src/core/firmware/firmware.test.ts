import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { put16, put32, toHex, type Bytes } from '../bytes/bytes';
import { sha256Of } from '../hash/hash';
import { corpusAvailable, manifest, readCorpus } from '../../test-support/corpus';
import { FOOTER_GUID, parseFirmware, SEV_SECTION, type ParsedFirmware } from './index';

function fixture(): Bytes {
  const b = readFileSync(new URL('./testdata/ovmf_AmdSev_suffix.bin', import.meta.url));
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength) as Bytes;
}
const codes = (p: ParsedFirmware) => p.diagnostics.map((d) => d.code);

describe('parseFirmware on the sev-snp-measure AmdSev fixture (fuki §8.3)', () => {
  const fw = fixture();
  const p = parseFirmware(fw);
  it('is the documented fixture', () => {
    expect(toHex(sha256Of(fw))).toBe('8f765dfabc127fc0a938a0744a3103ec15864d7d794eb4c398aa976b6d6ab16c');
  });
  it('decodes the footer table as §8.3 lists it', () => {
    // The suffix is only the last page of a 4 MiB build, so the TDVF sections point outside it.
    expect(p.diagnostics.filter((d) => d.severity !== 'info' && !d.code.startsWith('FW_TDX_RAW'))).toEqual(
      [],
    );
    expect(codes(p)).toContain('FW_TDX_RAW_OUT_OF_FILE');
    expect(p.footer!.length).toBe(0x88);
    expect(p.apResetBlock!.eip).toBe(0x0080b004);
    expect(p.apResetBlock!.csBase).toBe(0x00800000);
    expect(p.apResetBlock!.ip).toBe(0xb004);
    expect(p.sevSecret).toMatchObject({ gpa: 0x810000, size: 0xc00 });
    expect(p.sevHashTable).toMatchObject({ gpa: 0x810c00, size: 0x400 });
    const sevEntry = p.footer!.entries.find((e) => e.guid === FOOTER_GUID.SEV_METADATA)!;
    expect(toHex(sevEntry.data)).toBe('54050000');
    expect(toHex(p.footer!.entries.find((e) => e.guid === FOOTER_GUID.TDX_METADATA)!.data)).toBe('d0090000');
    expect(p.sevMetadata!.offset).toBe(fw.length - 0x554);
    expect(toHex(fw.subarray(p.sevMetadata!.offset, p.sevMetadata!.offset + 16))).toBe(
      '41534556640000000100000007000000',
    );
    expect(p.footer!.entries.every((e) => e.name !== undefined)).toBe(true);
  });
  it('lists the 7 ASEV sections of §4.3 in table order', () => {
    expect(p.sevMetadata!.sections.map((s) => [s.gpa, s.size, s.type])).toEqual([
      [0x800000, 0x9000, SEV_SECTION.SNP_SEC_MEM],
      [0x80a000, 0x3000, SEV_SECTION.SNP_SEC_MEM],
      [0x80d000, 0x1000, SEV_SECTION.SNP_SECRETS],
      [0x80e000, 0x1000, SEV_SECTION.CPUID],
      [0x80f000, 0x1000, SEV_SECTION.SVSM_CAA],
      [0x810000, 0x1000, SEV_SECTION.SNP_KERNEL_HASHES],
      [0x811000, 0xf000, SEV_SECTION.SNP_SEC_MEM],
    ]);
    expect(p.features).toMatchObject({
      sevEs: true,
      snp: true,
      sevKernelHashes: true,
      snpKernelHashes: true,
      tdx: true,
    });
  });
  it('memory map is sorted and covers image and sections', () => {
    const m = p.memoryMap;
    for (let i = 1; i < m.length; i++) expect(m[i - 1]!.gpa <= m[i]!.gpa).toBe(true);
    expect(m.find((r) => r.source === 'image')).toMatchObject({ gpa: 0xfffff000n, size: 0x1000n });
    expect(m.filter((r) => r.source === 'sev-metadata')).toHaveLength(7);
  });
});

describe.runIf(corpusAvailable())('parseFirmware on corpus OVMF builds', () => {
  it('every tdx_ovmf firmware yields the TDVF sections td-shim/quex reported', () => {
    for (const c of manifest().tdx_ovmf) {
      const p = parseFirmware(readCorpus(c.firmware.path));
      expect(p.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const got = p.tdxMetadata!.sections.map((s) => ({
        rawOffset: s.rawOffset,
        rawSize: s.rawSize,
        memBase: '0x' + s.memBase.toString(16),
        memSize: '0x' + s.memSize.toString(16),
        type: s.typeName,
        extendMr: s.extendMr,
      }));
      expect(got).toEqual(c.tdvf_sections);
    }
  });
  it('every input OVMF parses without errors and is classified', () => {
    const inputs = manifest().inputs as Record<string, { path: string }>;
    const fws = Object.keys(inputs).filter((k) => k.startsWith('ovmf/'));
    expect(fws.length).toBeGreaterThanOrEqual(4);
    for (const k of fws) {
      const p = parseFirmware(readCorpus(inputs[k]!.path));
      expect(
        codes(p).filter(
          (c) => c.startsWith('FW_') && p.diagnostics.find((d) => d.code === c)!.severity === 'error',
        ),
      ).toEqual([]);
      expect(p.features.sevEs).toBe(true);
      expect(p.features.tdx).toBe(true);
    }
    const amd = parseFirmware(readCorpus(inputs['ovmf/sid/OVMF.amdsev.fd']!.path));
    expect(amd.features.snpKernelHashes).toBe(true);
    expect(amd.igvmMetadata!.entries.map((e) => e.typeName)).toEqual([
      'PARAM_AREA',
      'MEMORY_MAP',
      'VP_COUNT',
      'HOB_AREA',
    ]);
    const bookworm = parseFirmware(readCorpus(inputs['ovmf/bookworm/OVMF.fd']!.path));
    expect(bookworm.features.snpKernelHashes).toBe(false);
    expect(bookworm.features.sevKernelHashes).toBe(false);
    expect(bookworm.igvmMetadata).toBeUndefined();
  });
});

describe('parseFirmware on damaged input never throws', () => {
  const good = fixture();
  const end = good.length;
  const footerOffset = end - 0x32;
  it('empty and tiny inputs', () => {
    expect(codes(parseFirmware(new Uint8Array(0)))).toContain('FW_TOO_SMALL');
    expect(parseFirmware(new Uint8Array(10)).footer).toBeUndefined();
    const plain = parseFirmware(new Uint8Array(4096));
    expect(codes(plain)).toEqual(['FW_NO_FOOTER_TABLE']);
    expect(plain.features.flavour).toMatch(/no OVMF footer/);
  });
  it('truncated at the front keeps the footer but loses metadata beyond the start', () => {
    const cut = good.slice(good.length - 0x200);
    const p = parseFirmware(cut);
    expect(p.footer).toBeDefined();
    expect(codes(p)).toContain('FW_SEV_METADATA_OUT_OF_FILE');
    expect(p.apResetBlock!.eip).toBe(0x0080b004);
  });
  it('truncated at the end: no footer found', () => {
    const p = parseFirmware(good.slice(0, good.length - 100));
    expect(p.footer).toBeUndefined();
  });
  it('footer total length larger than the file is clipped with an error', () => {
    const b = new Uint8Array(good);
    put16(b, footerOffset, 0xffff);
    const p = parseFirmware(b);
    expect(codes(p)).toContain('FW_FOOTER_BAD_LENGTH');
  });
  it('footer total length below 18', () => {
    const b = new Uint8Array(good);
    put16(b, footerOffset, 4);
    const p = parseFirmware(b);
    expect(codes(p)).toContain('FW_FOOTER_BAD_LENGTH');
    expect(p.footer!.entries).toEqual([]);
  });
  it('an entry length below 18 stops the walk (sev-snp-measure: "Invalid entry size")', () => {
    const b = new Uint8Array(good);
    put16(b, footerOffset - 18, 3); // the last entry before the footer
    const p = parseFirmware(b);
    expect(codes(p)).toContain('FW_FOOTER_BAD_ENTRY_LENGTH');
    expect(p.footer!.entries).toEqual([]);
  });
  it('an entry length larger than the rest of the table', () => {
    const b = new Uint8Array(good);
    put16(b, footerOffset - 18, 0x400);
    expect(codes(parseFirmware(b))).toContain('FW_FOOTER_BAD_ENTRY_LENGTH');
  });
  it('bad ASEV signature, impossible count, unknown section type', () => {
    const p0 = parseFirmware(good);
    const at = p0.sevMetadata!.offset;
    const b1 = new Uint8Array(good);
    b1[at] = 0x58;
    expect(codes(parseFirmware(b1))).toContain('FW_SEV_METADATA_BAD_SIGNATURE');
    const b2 = new Uint8Array(good);
    put32(b2, at + 12, 0x7fffffff);
    const p2 = parseFirmware(b2);
    expect(codes(p2)).toContain('FW_SEV_METADATA_BAD_LENGTH');
    expect(p2.sevMetadata!.sections).toHaveLength(7);
    const b3 = new Uint8Array(good);
    put32(b3, at + 16 + 8, 0x77);
    const p3 = parseFirmware(b3);
    expect(codes(p3)).toContain('FW_SEV_UNKNOWN_SECTION');
    expect(p3.sevMetadata!.sections[0]!.typeName).toBeUndefined();
  });
  it('random corruption of the last 2 KiB never throws', () => {
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) & 0xff;
    for (let round = 0; round < 300; round++) {
      const b = new Uint8Array(good);
      for (let k = 0; k < 8; k++) b[end - 1 - (((rnd() << 3) | (rnd() & 7)) % 2048)] = rnd();
      expect(() => parseFirmware(b)).not.toThrow();
    }
  });
});
