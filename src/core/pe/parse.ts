// PE/COFF parser (PE32 and PE32+): DOS stub, COFF and optional headers, data directories, section table,
// certificate table (fuki-uki-kernel-hashes.md §2.1, §2.2). Never throws on bad input: it decodes what it can
// and reports every problem as a diagnostic.
import { cString, inBounds, isPow2, u16, u32, u64, type Span } from '../bytes/bytes';
import { Diagnostics } from '../diagnostics';
import {
  COFF_HEADER_SIZE,
  DATA_DIRECTORY_NAMES,
  dataDirectoryStart,
  DIR_CERTIFICATE,
  DOS_E_LFANEW_OFFSET,
  DOS_MAGIC,
  MACHINE_NAMES,
  MAX_DATA_DIRECTORIES,
  MAX_SECTIONS,
  OPT_CHECKSUM,
  PE32_MAGIC,
  PE32PLUS_MAGIC,
  PE_SIGNATURE,
  SECTION_HEADER_SIZE,
  SPEC_PE,
  SYMBOL_SIZE,
} from './constants';
import { parseCertificateTable } from './certificates';
import type { CoffHeader, DataDirectory, OptionalHeader, PeFile, PeSection } from './types';


function parseCoff(b: Uint8Array, offset: number): CoffHeader {
  const machine = u16(b, offset);
  return {
    offset,
    length: COFF_HEADER_SIZE,
    machine,
    machineName: MACHINE_NAMES[machine] ?? `0x${machine.toString(16)}`,
    numberOfSections: u16(b, offset + 2),
    timeDateStamp: u32(b, offset + 4),
    pointerToSymbolTable: u32(b, offset + 8),
    numberOfSymbols: u32(b, offset + 12),
    sizeOfOptionalHeader: u16(b, offset + 16),
    characteristics: u16(b, offset + 18),
  };
}

/** The fixed part of the optional header; `o` is its file offset. PE32 differs in BaseOfData and ImageBase width. */
function parseOptional(b: Uint8Array, o: number, size: number, d: Diagnostics): OptionalHeader | undefined {
  const magic = u16(b, o);
  if (magic !== PE32_MAGIC && magic !== PE32PLUS_MAGIC) {
    d.error(
      'PE_BAD_OPTIONAL_MAGIC',
      `optional header magic 0x${magic.toString(16)} is neither PE32 (0x10b) nor PE32+ (0x20b)`,
      { offset: o, spec: SPEC_PE },
    );
    return undefined;
  }
  const pe32plus = magic === PE32PLUS_MAGIC;
  const dirStart = dataDirectoryStart(pe32plus);
  if (size < dirStart) {
    d.error(
      'PE_OPTIONAL_HEADER_TOO_SMALL',
      `SizeOfOptionalHeader ${size} is smaller than the fixed ${pe32plus ? 'PE32+' : 'PE32'} fields (${dirStart})`,
      { offset: o, spec: SPEC_PE },
    );
    return undefined;
  }
  const numberOfRvaAndSizes = u32(b, o + dirStart - 4);
  const certEntry = dirStart + DIR_CERTIFICATE * 8;
  return {
    offset: o,
    length: size,
    magic,
    pe32plus,
    sizeOfCode: u32(b, o + 4),
    sizeOfInitializedData: u32(b, o + 8),
    sizeOfUninitializedData: u32(b, o + 12),
    addressOfEntryPoint: u32(b, o + 16),
    baseOfCode: u32(b, o + 20),
    imageBase: pe32plus ? u64(b, o + 24) : BigInt(u32(b, o + 28)),
    sectionAlignment: u32(b, o + 32),
    fileAlignment: u32(b, o + 36),
    majorImageVersion: u16(b, o + 44),
    minorImageVersion: u16(b, o + 46),
    sizeOfImage: u32(b, o + 56),
    sizeOfHeaders: u32(b, o + 60),
    checkSum: u32(b, o + OPT_CHECKSUM),
    subsystem: u16(b, o + 68),
    dllCharacteristics: u16(b, o + 70),
    numberOfRvaAndSizes,
    checkSumOffset: o + OPT_CHECKSUM,
    certificateEntryOffset:
      numberOfRvaAndSizes > DIR_CERTIFICATE && certEntry + 8 <= size ? o + certEntry : undefined,
  };
}

function parseDataDirectories(b: Uint8Array, opt: OptionalHeader, d: Diagnostics): DataDirectory[] {
  const start = opt.offset + dataDirectoryStart(opt.pe32plus);
  const room = Math.floor((opt.offset + opt.length - start) / 8);
  let n = opt.numberOfRvaAndSizes;
  if (n > MAX_DATA_DIRECTORIES) {
    d.warning(
      'PE_TOO_MANY_DATA_DIRECTORIES',
      `NumberOfRvaAndSizes ${n} > ${MAX_DATA_DIRECTORIES}; reading ${MAX_DATA_DIRECTORIES}`,
      { offset: start - 4, spec: SPEC_PE },
    );
    n = MAX_DATA_DIRECTORIES;
  }
  if (n > room) {
    d.error(
      'PE_DATA_DIRECTORIES_TRUNCATED',
      `NumberOfRvaAndSizes ${n} does not fit in SizeOfOptionalHeader (room for ${room})`,
      { offset: start - 4, spec: SPEC_PE },
    );
    n = Math.max(0, room);
  }
  const out: DataDirectory[] = [];
  for (let i = 0; i < n; i++) {
    const offset = start + i * 8;
    out.push({
      offset,
      length: 8,
      index: i,
      name: DATA_DIRECTORY_NAMES[i] ?? `dir${i}`,
      virtualAddress: u32(b, offset),
      size: u32(b, offset + 4),
    });
  }
  return out;
}

function parseSection(b: Uint8Array, offset: number, index: number): PeSection {
  const virtualSize = u32(b, offset + 8);
  const sizeOfRawData = u32(b, offset + 16);
  const pointerToRawData = u32(b, offset + 20);
  const dataStart = Math.min(pointerToRawData, b.length);
  const dataLength = Math.max(0, Math.min(virtualSize, sizeOfRawData, b.length - dataStart));
  return {
    offset,
    length: SECTION_HEADER_SIZE,
    index,
    name: cString(b, offset, 8),
    virtualSize,
    virtualAddress: u32(b, offset + 12),
    sizeOfRawData,
    pointerToRawData,
    pointerToRelocations: u32(b, offset + 24),
    pointerToLinenumbers: u32(b, offset + 28),
    numberOfRelocations: u16(b, offset + 32),
    numberOfLinenumbers: u16(b, offset + 34),
    characteristics: u32(b, offset + 36),
    data: { offset: dataStart, length: dataLength },
  };
}

function checkSections(pe: PeFile, opt: OptionalHeader, d: Diagnostics): void {
  const fa = opt.fileAlignment;
  const sa = opt.sectionAlignment;
  let lastVaEnd = 0;
  for (const s of pe.sections) {
    const at = { offset: s.offset, index: s.index, spec: SPEC_PE };
    if (s.name.startsWith('/'))
      d.warning(
        'PE_LONG_SECTION_NAME',
        `section name ${s.name} refers to the COFF string table; images should not use long names (systemd-stub cannot)`,
        at,
      );
    if (s.sizeOfRawData > 0) {
      if (s.pointerToRawData + s.sizeOfRawData > pe.fileSize)
        d.error(
          'PE_SECTION_PAST_END',
          `section ${s.name}: raw data 0x${s.pointerToRawData.toString(16)}+0x${s.sizeOfRawData.toString(16)} runs past the end of the file (0x${pe.fileSize.toString(16)})`,
          at,
        );
      if (isPow2(fa) && (s.pointerToRawData % fa !== 0 || s.sizeOfRawData % fa !== 0))
        d.warning(
          'PE_SECTION_UNALIGNED',
          `section ${s.name}: PointerToRawData/SizeOfRawData not multiples of FileAlignment 0x${fa.toString(16)}`,
          at,
        );
      if (s.pointerToRawData < opt.sizeOfHeaders)
        d.error(
          'PE_SECTION_IN_HEADERS',
          `section ${s.name}: raw data starts inside the headers (SizeOfHeaders 0x${opt.sizeOfHeaders.toString(16)})`,
          at,
        );
    }
    if (isPow2(sa) && s.virtualAddress % sa !== 0)
      d.warning(
        'PE_SECTION_VA_UNALIGNED',
        `section ${s.name}: VirtualAddress 0x${s.virtualAddress.toString(16)} not a multiple of SectionAlignment`,
        at,
      );
    if (s.virtualAddress < lastVaEnd)
      d.error(
        'PE_SECTIONS_VA_OVERLAP',
        `section ${s.name}: VirtualAddress 0x${s.virtualAddress.toString(16)} overlaps the previous section (ends 0x${lastVaEnd.toString(16)}); sections must ascend in VA`,
        at,
      );
    lastVaEnd = Math.max(lastVaEnd, s.virtualAddress + (s.virtualSize || s.sizeOfRawData));
    if (s.virtualSize > s.sizeOfRawData && (s.characteristics & 0x80) === 0 && s.sizeOfRawData > 0)
      d.info(
        'PE_VIRTUAL_SIZE_EXCEEDS_RAW',
        `section ${s.name}: VirtualSize 0x${s.virtualSize.toString(16)} > SizeOfRawData 0x${s.sizeOfRawData.toString(16)}; the loader zero-fills the tail (systemd-stub ≥ PR #36263 rejects UKI sections like that)`,
        { ...at, spec: 'fuki §2.1' },
      );
  }
  // Raw-data overlap, in file order.
  const byRaw = pe.sections
    .filter((s) => s.sizeOfRawData > 0)
    .sort((a, b) => a.pointerToRawData - b.pointerToRawData);
  for (let i = 1; i < byRaw.length; i++) {
    const p = byRaw[i - 1]!;
    const s = byRaw[i]!;
    if (s.pointerToRawData < p.pointerToRawData + p.sizeOfRawData)
      d.error('PE_SECTIONS_OVERLAP', `sections ${p.name} and ${s.name} overlap in the file`, {
        offset: s.offset,
        index: s.index,
        spec: SPEC_PE,
      });
  }
  const last = pe.sections.reduce((m, s) => Math.max(m, s.virtualAddress + s.virtualSize), 0);
  if (isPow2(sa) && pe.sections.length > 0) {
    const want = Math.ceil(last / sa) * sa;
    if (opt.sizeOfImage < last)
      d.error(
        'PE_SIZE_OF_IMAGE_TOO_SMALL',
        `SizeOfImage 0x${opt.sizeOfImage.toString(16)} < end of the last section 0x${last.toString(16)}`,
        { offset: opt.offset + 56, spec: SPEC_PE },
      );
    else if (opt.sizeOfImage !== want)
      d.warning(
        'PE_SIZE_OF_IMAGE_MISMATCH',
        `SizeOfImage 0x${opt.sizeOfImage.toString(16)} != round_up(last VA + VirtualSize, SectionAlignment) = 0x${want.toString(16)}`,
        { offset: opt.offset + 56, spec: SPEC_PE },
      );
  }
}

/** End of the last section's raw data (clipped to the file), or SizeOfHeaders when there is none. */
export function endOfSectionData(pe: PeFile): number {
  let end = pe.optional?.sizeOfHeaders ?? 0;
  for (const s of pe.sections)
    if (s.sizeOfRawData > 0) end = Math.max(end, s.pointerToRawData + s.sizeOfRawData);
  return Math.min(end, pe.fileSize);
}

export function parsePe(b: Uint8Array): PeFile {
  const d = new Diagnostics();
  const pe: PeFile = {
    ok: false,
    fileSize: b.length,
    dataDirectories: [],
    sections: [],
    certificates: [],
    diagnostics: [],
  };
  const done = (): PeFile => {
    pe.diagnostics = d.done();
    return pe;
  };
  if (b.length < 0x40 || u16(b, 0) !== DOS_MAGIC) {
    d.error('PE_NO_MZ', b.length < 0x40 ? 'file too small for a DOS header' : 'no MZ signature at offset 0', {
      offset: 0,
      spec: SPEC_PE,
    });
    return done();
  }
  const eLfanew = u32(b, DOS_E_LFANEW_OFFSET);
  pe.dos = { offset: 0, length: 0x40, eLfanew };
  if (!inBounds(b, eLfanew, 4 + COFF_HEADER_SIZE) || u32(b, eLfanew) !== PE_SIGNATURE) {
    d.error('PE_NO_SIGNATURE', `no PE\\0\\0 signature at e_lfanew 0x${eLfanew.toString(16)}`, {
      offset: DOS_E_LFANEW_OFFSET,
      spec: SPEC_PE,
    });
    return done();
  }
  if (eLfanew % 8 !== 0)
    d.info('PE_LFANEW_UNALIGNED', `e_lfanew 0x${eLfanew.toString(16)} is not 8-byte aligned`, {
      offset: DOS_E_LFANEW_OFFSET,
      spec: SPEC_PE,
    });
  const coff = parseCoff(b, eLfanew + 4);
  pe.coff = coff;
  const optOffset = coff.offset + COFF_HEADER_SIZE;
  if (!inBounds(b, optOffset, coff.sizeOfOptionalHeader) || coff.sizeOfOptionalHeader < 2) {
    d.error(
      'PE_OPTIONAL_HEADER_TRUNCATED',
      `optional header (${coff.sizeOfOptionalHeader} bytes at 0x${optOffset.toString(16)}) is missing or runs past the end of the file`,
      { offset: coff.offset + 16, spec: SPEC_PE },
    );
    return done();
  }
  const opt = parseOptional(b, optOffset, coff.sizeOfOptionalHeader, d);
  if (!opt) return done();
  pe.optional = opt;
  pe.ok = true;
  pe.dataDirectories = parseDataDirectories(b, opt, d);

  if (!isPow2(opt.fileAlignment) || opt.fileAlignment > 0x10000)
    d.warning(
      'PE_BAD_FILE_ALIGNMENT',
      `FileAlignment 0x${opt.fileAlignment.toString(16)} is not a power of two ≤ 64 KiB`,
      { offset: optOffset + 36, spec: SPEC_PE },
    );
  if (!isPow2(opt.sectionAlignment) || opt.sectionAlignment < opt.fileAlignment)
    d.warning(
      'PE_BAD_SECTION_ALIGNMENT',
      `SectionAlignment 0x${opt.sectionAlignment.toString(16)} is not a power of two ≥ FileAlignment`,
      { offset: optOffset + 32, spec: SPEC_PE },
    );
  if (isPow2(opt.fileAlignment) && opt.sizeOfHeaders % opt.fileAlignment !== 0)
    d.warning(
      'PE_SIZE_OF_HEADERS_UNALIGNED',
      `SizeOfHeaders 0x${opt.sizeOfHeaders.toString(16)} is not a multiple of FileAlignment`,
      { offset: optOffset + 60, spec: SPEC_PE },
    );
  if (opt.sizeOfHeaders > b.length)
    d.error(
      'PE_HEADERS_PAST_END',
      `SizeOfHeaders 0x${opt.sizeOfHeaders.toString(16)} exceeds the file size`,
      { offset: optOffset + 60, spec: SPEC_PE },
    );

  // Section table.
  const tableOffset = optOffset + coff.sizeOfOptionalHeader;
  let n = coff.numberOfSections;
  const fit = Math.max(0, Math.floor((b.length - tableOffset) / SECTION_HEADER_SIZE));
  if (n > MAX_SECTIONS) {
    d.error('PE_TOO_MANY_SECTIONS', `NumberOfSections ${n} exceeds the limit ${MAX_SECTIONS}`, {
      offset: coff.offset + 2,
      spec: SPEC_PE,
    });
    n = MAX_SECTIONS;
  } else if (n > 96)
    d.warning('PE_MANY_SECTIONS', `NumberOfSections ${n} exceeds the Windows loader limit of 96`, {
      offset: coff.offset + 2,
      spec: SPEC_PE,
    });
  if (n > fit) {
    d.error(
      'PE_SECTION_TABLE_TRUNCATED',
      `section table of ${n} entries runs past the end of the file (${fit} fit)`,
      { offset: tableOffset, spec: SPEC_PE },
    );
    n = fit;
  }
  pe.sectionTable = { offset: tableOffset, length: n * SECTION_HEADER_SIZE };
  if (tableOffset + n * SECTION_HEADER_SIZE > opt.sizeOfHeaders)
    d.error(
      'PE_SECTION_TABLE_PAST_HEADERS',
      `section table ends at 0x${(tableOffset + n * SECTION_HEADER_SIZE).toString(16)}, after SizeOfHeaders 0x${opt.sizeOfHeaders.toString(16)}`,
      { offset: tableOffset, spec: SPEC_PE },
    );
  for (let i = 0; i < n; i++) pe.sections.push(parseSection(b, tableOffset + i * SECTION_HEADER_SIZE, i));
  checkSections(pe, opt, d);

  // Symbol table (ukify strips a trailing one; images should not carry it).
  if (coff.pointerToSymbolTable !== 0) {
    const symLen = coff.numberOfSymbols * SYMBOL_SIZE;
    const strAt = coff.pointerToSymbolTable + symLen;
    const strLen = inBounds(b, strAt, 4) ? u32(b, strAt) : 0;
    const span: Span = {
      offset: coff.pointerToSymbolTable,
      length: symLen + (strLen >= 4 && strAt + strLen <= b.length ? strLen : 0),
    };
    if (span.offset + span.length > b.length)
      d.warning(
        'PE_SYMBOL_TABLE_PAST_END',
        `COFF symbol table at 0x${span.offset.toString(16)} runs past the end of the file`,
        { offset: coff.offset + 8, spec: SPEC_PE },
      );
    else {
      pe.symbolTable = span;
      d.info(
        'PE_HAS_SYMBOL_TABLE',
        `image carries a COFF symbol table (${coff.numberOfSymbols} symbols); ukify strips it when it is at the end`,
        { offset: span.offset, length: span.length, spec: 'fuki §2.5' },
      );
    }
  }

  // Certificate table (data directory 4: a file offset, not an RVA).
  const certDir = pe.dataDirectories[DIR_CERTIFICATE];
  const sectionEnd = endOfSectionData(pe);
  if (certDir && (certDir.virtualAddress !== 0 || certDir.size !== 0)) {
    const r = parseCertificateTable(b, certDir, sectionEnd, d);
    pe.certificateTable = r.table;
    pe.certificates = r.certificates;
  }
  const overlayEnd =
    pe.certificateTable && pe.certificateTable.offset >= sectionEnd ? pe.certificateTable.offset : b.length;
  if (overlayEnd > sectionEnd) pe.overlay = { offset: sectionEnd, length: overlayEnd - sectionEnd };
  return done();
}
