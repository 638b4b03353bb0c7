import { describe, expect, it } from 'vitest';
import { put16, put32, toHex } from '../bytes/bytes';
import { sha256Of } from '../hash/hash';
import { corpusAvailable, manifest, readCorpus, type Manifest } from '../../test-support/corpus';
import { parsePe, sectionBytes, findSection, peChecksum } from './index';

const entries = (): Manifest[] => (corpusAvailable() ? (manifest().pe as Manifest[]) : []);
const hex = (n: number | bigint): string => '0x' + n.toString(16);
const codes = (b: Uint8Array): string[] => parsePe(b).diagnostics.map((d) => d.code);

describe.runIf(corpusAvailable())('parsePe on every corpus PE (pe_headers from pefile)', () => {
  for (const e of entries().filter((x) => x.pe_headers)) {
    it(e.path, () => {
      const b = readCorpus(e.path);
      const pe = parsePe(b);
      const h = e.pe_headers;
      expect(pe.ok).toBe(true);
      expect(pe.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(hex(pe.coff!.machine)).toBe(h.machine);
      expect(pe.coff!.timeDateStamp).toBe(h.timestamp);
      expect(pe.coff!.numberOfSections).toBe(h.number_of_sections);
      expect(hex(pe.optional!.magic)).toBe(h.pe_magic);
      expect(hex(pe.optional!.imageBase)).toBe(h.image_base);
      expect(pe.optional!.sectionAlignment).toBe(h.section_alignment);
      expect(pe.optional!.fileAlignment).toBe(h.file_alignment);
      expect(pe.optional!.sizeOfImage).toBe(h.size_of_image);
      expect(pe.optional!.sizeOfHeaders).toBe(h.size_of_headers);
      expect(pe.optional!.subsystem).toBe(h.subsystem);
      expect(hex(pe.optional!.addressOfEntryPoint)).toBe(h.entry_point);
      expect(hex(pe.optional!.checkSum)).toBe(h.checksum);
      const cert = pe.dataDirectories[4]!;
      expect([cert.virtualAddress, cert.size]).toEqual(h.security_dir);
      expect(pe.sections.length).toBe(h.sections.length);
      h.sections.forEach((s: Manifest, i: number) => {
        const p = pe.sections[i]!;
        expect(p.name).toBe(s.name);
        expect(hex(p.virtualAddress)).toBe(s.virtual_address);
        expect(p.virtualSize).toBe(s.virtual_size);
        expect(hex(p.pointerToRawData)).toBe(s.pointer_to_raw_data);
        expect(p.sizeOfRawData).toBe(s.size_of_raw_data);
        expect(hex(p.characteristics)).toBe(s.characteristics);
        expect(toHex(sha256Of(sectionBytes(b, p)))).toBe(s.sha256_virtual_size_content);
        expect(p.offset).toBe(pe.sectionTable!.offset + 40 * i);
      });
    });
  }

  it('the signed kernel: certificate table at the end, one PKCS#7 record', () => {
    const b = readCorpus('inputs/kernel/vmlinuz-6.1.0-56-cloud-amd64');
    const pe = parsePe(b);
    expect(pe.certificates).toHaveLength(1);
    expect(pe.certificateTable!.offset + pe.certificateTable!.length).toBe(b.length);
    expect(pe.certificates[0]!.certificateType).toBe(2);
    expect(pe.overlay).toBeUndefined();
  });

  it('the 252 stub: symbol table found, unaligned old layout flagged but no errors', () => {
    const b = readCorpus('inputs/stub/252/linuxx64.efi.stub');
    const pe = parsePe(b);
    expect(pe.symbolTable!.offset).toBe(pe.coff!.pointerToSymbolTable);
    expect(pe.symbolTable!.offset + pe.symbolTable!.length).toBe(b.length);
    expect(codes(b)).toContain('PE_HAS_SYMBOL_TABLE');
    expect(findSection(pe, '.sdmagic')).toBeDefined();
  });
});

describe.runIf(corpusAvailable())('parsePe diagnostics on damaged files', () => {
  const base = (): Uint8Array => new Uint8Array(readCorpus('inputs/stub/262/addonx64.efi.stub'));
  const secOff = (b: Uint8Array, i: number): number => parsePe(b).sections[i]!.offset;

  it('not a PE', () => {
    expect(codes(new Uint8Array(10))).toEqual(['PE_NO_MZ']);
    const b = base();
    put32(b, 0x3c, 0xfffffff0);
    expect(codes(b)).toEqual(['PE_NO_SIGNATURE']);
  });
  it('bad optional header magic', () => {
    const b = base();
    put16(b, 0x40 + 24, 0x999);
    expect(codes(b)).toContain('PE_BAD_OPTIONAL_MAGIC');
    expect(parsePe(b).ok).toBe(false);
  });
  it('raw data past the end and overlapping sections', () => {
    const b = base();
    put32(b, secOff(b, 1) + 20, 0x400); // .sdmagic raw data now overlaps .text
    expect(codes(b)).toContain('PE_SECTIONS_OVERLAP');
    const c = base();
    put32(c, secOff(c, 1) + 16, 0x10000);
    expect(codes(c)).toContain('PE_SECTION_PAST_END');
  });
  it('bad alignment, VA overlap, SizeOfImage', () => {
    const b = base();
    put32(b, secOff(b, 1) + 20, 0x601);
    put32(b, secOff(b, 1) + 12, 0x1004);
    put32(b, 0x40 + 24 + 56, 0x1000);
    const c = codes(b);
    expect(c).toEqual(
      expect.arrayContaining([
        'PE_SECTION_UNALIGNED',
        'PE_SECTION_VA_UNALIGNED',
        'PE_SECTIONS_VA_OVERLAP',
        'PE_SIZE_OF_IMAGE_TOO_SMALL',
      ]),
    );
  });
  it('section table that does not fit, too many sections', () => {
    const b = base();
    put16(b, 0x40 + 4 + 2, 60000);
    const c = codes(b);
    expect(c).toContain('PE_TOO_MANY_SECTIONS');
    expect(c).toContain('PE_SECTION_TABLE_TRUNCATED');
  });
  it('misplaced certificate table (inside section data) and bad record length', () => {
    const b = base();
    const dir = 0x40 + 24 + 112 + 4 * 8;
    put32(b, dir, 0x600);
    put32(b, dir + 4, 16);
    put32(b, 0x600, 4000);
    const c = codes(b);
    expect(c).toEqual(
      expect.arrayContaining(['PE_CERT_TABLE_MISPLACED', 'PE_CERT_TABLE_NOT_AT_END', 'PE_CERT_BAD_LENGTH']),
    );
    put32(b, dir, 0x10000);
    expect(codes(b)).toContain('PE_CERT_TABLE_PAST_END');
  });
  it('PE checksum of an image whose CheckSum field is set', () => {
    const b = base();
    const pe = parsePe(b);
    const sum = peChecksum(b, pe.optional!.checkSumOffset);
    put32(b, pe.optional!.checkSumOffset, sum);
    expect(peChecksum(b, pe.optional!.checkSumOffset)).toBe(sum);
    b[0x700] = b[0x700]! ^ 1;
    expect(peChecksum(b, pe.optional!.checkSumOffset)).not.toBe(sum);
  });
});
