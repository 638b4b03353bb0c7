import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { put16, put32, type Bytes } from '../bytes/bytes';
import { formatFirmwareSummary, parseFirmware, summarizeFirmware } from './index';

function fixture(): Bytes {
  const b = readFileSync(new URL('./testdata/ovmf_AmdSev_suffix.bin', import.meta.url));
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength) as Bytes;
}

describe('summarizeFirmware / formatFirmwareSummary', () => {
  it('summarizes the AmdSev fixture', () => {
    const s = summarizeFirmware(parseFirmware(fixture()));
    expect(s.kind).toBe('firmware');
    expect(s.baseGpa).toBe('0xfffff000');
    expect(s.apResetEip).toBe('0x80b004');
    expect(s.sevHashTable).toEqual({ gpa: '0x810c00', size: 0x400 });
    expect(s.sevSections.map((x) => x.type)).toContain('SNP_KERNEL_HASHES');
    expect(s.footerTable!.entries.map((e) => e.name)).toContain('SEV-ES AP reset block');
    const text = formatFirmwareSummary(s);
    expect(text).toContain('SEV metadata (ASEV): 7 sections');
    expect(text).toContain('TDX metadata (TDVF): 6 sections');
    expect(text).not.toContain('FW_TDX_RAW_OUT_OF_FILE'); // listed once by the caller
    expect(s.diagnostics.map((d) => d.code)).toContain('FW_TDX_RAW_OUT_OF_FILE');
    expect(JSON.stringify(s)).toBeTruthy(); // no bigint left in the summary
  });
  it('keeps unknown footer GUIDs', () => {
    const b = new Uint8Array(fixture());
    const footer = b.length - 0x32;
    // Rewrite the GUID of the last entry before the footer into an unknown one.
    b[footer - 16] ^= 0xff;
    const p = parseFirmware(b);
    const unknown = p.footer!.entries.filter((e) => e.name === undefined);
    expect(unknown).toHaveLength(1);
    expect(summarizeFirmware(p).footerTable!.entries.some((e) => e.name === 'unknown')).toBe(true);
  });
});

describe('parser robustness properties (fast-check)', () => {
  it('arbitrary bytes never throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), (b) => {
        const p = parseFirmware(b);
        expect(p.size).toBe(b.length);
        formatFirmwareSummary(summarizeFirmware(p));
      }),
      { numRuns: 300 },
    );
  });
  it('a valid footer with arbitrary entry lengths, metadata offsets and counts never throws and stays in bounds', () => {
    const base = fixture();
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            at: fc.integer({ min: 0x32, max: 0x32 + 0x88 }),
            v: fc.integer({ min: 0, max: 0xffff }),
          }),
          { maxLength: 6 },
        ),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0, max: 0xffffffff }),
        (patches, sevOffset, count) => {
          const b = new Uint8Array(base);
          for (const { at, v } of patches) put16(b, b.length - at, v);
          const p0 = parseFirmware(b);
          const sev = p0.footer?.entries.find((e) => e.name === 'SEV metadata offset (ASEV)');
          if (sev && sev.data.length >= 4) put32(b, sev.dataOffset, sevOffset % 8192);
          if (p0.sevMetadata) put32(b, p0.sevMetadata.offset + 12, count);
          const p = parseFirmware(b);
          for (const e of p.footer?.entries ?? []) expect(e.offset + e.length).toBeLessThanOrEqual(b.length);
          if (p.sevMetadata)
            expect(p.sevMetadata.offset + p.sevMetadata.length).toBeLessThanOrEqual(b.length);
        },
      ),
      { numRuns: 300 },
    );
  });
});
