// Adding and replacing PE sections the way ukify does (fuki §2.5): strip a trailing COFF symbol table, align
// raw data to FileAlignment, append 40-byte headers into the header slack, place data at the next aligned
// file offset and VA, fix NumberOfSections / SizeOfInitializedData / SizeOfImage, CheckSum = 0. A section
// that outgrows its raw area or VA gap is laid out again together with every section after it (new file
// offsets and VAs), which is only allowed for data sections nothing in the image points into (not the
// stub's code, relocations, …).
import { alignUp, put16, put32, textEncoder, type Bytes } from '../bytes/bytes';
import { Diagnostics, type Diagnostic } from '../diagnostics';
import type { DiagnosticCode } from '../diagnostic-codes';
import { endOfSectionData, parsePe } from './parse';
import {
  FILE_LOCAL_SYMS_STRIPPED,
  SCN_CNT_CODE,
  SCN_CNT_INITIALIZED_DATA,
  SCN_MEM_EXECUTE,
  SCN_MEM_READ,
  SECTION_HEADER_SIZE,
  DIR_CERTIFICATE,
} from './constants';
import type { PeFile } from './types';

const SPEC = 'fuki §2.5';

export interface SectionEdit {
  name: string;
  data: Uint8Array;
  /** Default: `.linux` CODE|READ, everything else INITIALIZED_DATA|READ (§2.1). */
  characteristics?: number;
  /**
   * 'append' always adds a section; 'replace' needs an existing one; 'auto' (default) replaces the first
   * section of that name among the first `replaceScope` sections, else appends.
   */
  mode?: 'append' | 'replace' | 'auto';
}

export interface EditOptions {
  /** Only sections with an index below this are candidates for 'auto' replacement (ukify: the stub's own). */
  replaceScope?: number;
}

export interface EditResult {
  file?: Bytes;
  pe?: PeFile;
  diagnostics: Diagnostic[];
}

interface WorkSection {
  header: Uint8Array;
  name: string;
  va: number;
  vs: number;
  ptr: number;
  rawSize: number;
  characteristics: number;
  data: Uint8Array;
  movable: boolean;
}

export const defaultCharacteristics = (name: string): number =>
  name === '.linux' ? SCN_CNT_CODE | SCN_MEM_READ : SCN_CNT_INITIALIZED_DATA | SCN_MEM_READ;

function encodeName(name: string): Uint8Array | undefined {
  const b = textEncoder.encode(name);
  return b.length <= 8 && /^[\x21-\x7e]+$/.test(name) ? b : undefined;
}

/** True when nothing in the image refers into the section, so its VA may change. */
function movable(pe: PeFile, va: number, size: number, characteristics: number, name: string): boolean {
  if ((characteristics & SCN_MEM_EXECUTE) !== 0 && name !== '.linux') return false;
  const end = va + Math.max(size, 1);
  const entry = pe.optional!.addressOfEntryPoint;
  if (entry >= va && entry < end) return false;
  return !pe.dataDirectories.some(
    (dd) =>
      dd.index !== DIR_CERTIFICATE &&
      dd.size > 0 &&
      dd.virtualAddress < end &&
      dd.virtualAddress + dd.size > va,
  );
}

/** Applies section edits to a PE and returns the new file (or diagnostics saying why not). */
export function editSections(file: Uint8Array, edits: SectionEdit[], opts: EditOptions = {}): EditResult {
  const d = new Diagnostics();
  const fail = (code: DiagnosticCode, message: string): EditResult => {
    d.error(code, message, { spec: SPEC });
    return { diagnostics: d.done() };
  };
  const pe = parsePe(file);
  const opt = pe.optional;
  if (!pe.ok || !opt || !pe.sectionTable) return { diagnostics: pe.diagnostics };
  const fatal = pe.diagnostics.filter((x) => x.severity === 'error');
  if (fatal.length) return { diagnostics: pe.diagnostics };
  const certDir = pe.dataDirectories[DIR_CERTIFICATE];
  if (pe.certificates.length > 0 || (certDir && certDir.virtualAddress !== 0))
    return fail(
      'PE_EDIT_SIGNED',
      'the image is signed; adding sections would invalidate the signature (ukify refuses signed stubs)',
    );
  const fa = opt.fileAlignment;
  const sa = opt.sectionAlignment;

  // Drop a trailing symbol table (§2.5 step 2).
  let logicalEnd = file.length;
  const strip = pe.symbolTable !== undefined && pe.symbolTable.offset + pe.symbolTable.length === file.length;
  if (strip) logicalEnd = pe.symbolTable!.offset;

  const secs: WorkSection[] = pe.sections.map((s) => ({
    header: file.slice(s.offset, s.offset + SECTION_HEADER_SIZE),
    name: s.name,
    va: s.virtualAddress,
    vs: s.virtualSize,
    ptr: s.pointerToRawData,
    rawSize: s.sizeOfRawData,
    characteristics: s.characteristics,
    data: file.subarray(s.pointerToRawData, Math.min(s.pointerToRawData + s.sizeOfRawData, file.length)),
    movable: movable(pe, s.virtualAddress, s.virtualSize, s.characteristics, s.name),
  }));
  const sizeOfHeaders = alignUp(opt.sizeOfHeaders, fa);
  let overlay = file.subarray(endOfSectionData(pe), Math.max(endOfSectionData(pe), logicalEnd));

  // Old stubs may have unaligned raw data: repack it in file order (VAs unchanged).
  if (secs.some((s) => s.rawSize > 0 && (s.ptr % fa !== 0 || s.rawSize % fa !== 0))) {
    let cursor = sizeOfHeaders;
    for (const s of [...secs].filter((x) => x.rawSize > 0).sort((a, b) => a.ptr - b.ptr)) {
      s.ptr = alignUp(cursor, fa);
      s.rawSize = alignUp(s.rawSize, fa);
      cursor = s.ptr + s.rawSize;
    }
    if (overlay.length)
      d.warning(
        'PE_EDIT_OVERLAY_DROPPED',
        `${overlay.length} bytes after the section data were dropped while realigning`,
        { spec: SPEC },
      );
    overlay = new Uint8Array(0);
  }
  const stubEnd = secs.reduce((m, s) => Math.max(m, s.ptr + s.rawSize), sizeOfHeaders) + overlay.length;

  const nOriginal = secs.length;
  const scope = opts.replaceScope ?? nOriginal;
  let relayoutFrom = nOriginal;
  let initData = opt.sizeOfInitializedData;
  for (const e of edits) {
    if (!encodeName(e.name))
      return fail(
        'PE_EDIT_BAD_NAME',
        `section name ${JSON.stringify(e.name)} must be 1–8 printable ASCII characters`,
      );
    const mode = e.mode ?? 'auto';
    const idx =
      mode === 'append'
        ? -1
        : secs.findIndex((s, i) => s.name === e.name && (mode === 'replace' || i < scope));
    if (idx < 0 && mode === 'replace')
      return fail('PE_EDIT_NO_SUCH_SECTION', `no section ${e.name} to replace`);
    if (idx >= 0) {
      const s = secs[idx]!;
      const next = secs[idx + 1];
      const fits =
        e.data.length <= s.rawSize && (!next || idx >= nOriginal || s.va + e.data.length <= next.va);
      if (!fits || idx >= nOriginal) {
        if (idx < nOriginal && secs.slice(idx, nOriginal).some((x) => !x.movable))
          return fail(
            'PE_EDIT_NO_ROOM_IN_SECTION',
            `${e.name} (${e.data.length} bytes) does not fit in its ${s.rawSize}-byte raw area or VA gap and cannot be moved (code or data the image refers to follows it)`,
          );
        s.rawSize = alignUp(e.data.length, fa);
        if (idx < nOriginal) relayoutFrom = Math.min(relayoutFrom, idx);
      }
      s.data = e.data;
      s.vs = e.data.length;
      if (e.characteristics !== undefined) s.characteristics = e.characteristics;
      continue;
    }
    secs.push({
      header: new Uint8Array(SECTION_HEADER_SIZE),
      name: e.name,
      va: 0,
      vs: e.data.length,
      ptr: 0,
      rawSize: alignUp(e.data.length, fa),
      characteristics: e.characteristics ?? defaultCharacteristics(e.name),
      data: e.data,
      movable: true,
    });
    initData += e.data.length;
  }

  // Lay out moved and new sections contiguously after the last fixed one.
  let cursor =
    relayoutFrom < nOriginal
      ? relayoutFrom === 0
        ? sizeOfHeaders
        : secs[relayoutFrom - 1]!.ptr + secs[relayoutFrom - 1]!.rawSize
      : stubEnd;
  if (relayoutFrom < nOriginal && overlay.length) {
    d.warning(
      'PE_EDIT_OVERLAY_DROPPED',
      `${overlay.length} bytes after the section data were dropped (sections moved)`,
      { spec: SPEC },
    );
    overlay = new Uint8Array(0);
  }
  for (let i = relayoutFrom; i < secs.length; i++) {
    const s = secs[i]!;
    const prev = secs[i - 1];
    s.va = prev ? alignUp(prev.va + prev.vs, sa) : alignUp(sizeOfHeaders, sa);
    s.ptr = s.rawSize > 0 ? alignUp(cursor, fa) : 0;
    if (s.rawSize > 0) cursor = s.ptr + s.rawSize;
  }
  const tableEnd = pe.sectionTable.offset + secs.length * SECTION_HEADER_SIZE;
  if (tableEnd > sizeOfHeaders)
    return fail(
      'PE_EDIT_NO_HEADER_ROOM',
      `no room for ${secs.length} section headers: the table would end at 0x${tableEnd.toString(16)}, after SizeOfHeaders 0x${sizeOfHeaders.toString(16)} (use a stub with header slack)`,
    );

  const last = secs[secs.length - 1]!;
  const total = Math.max(
    sizeOfHeaders,
    ...secs.map((s) => s.ptr + s.rawSize),
    relayoutFrom >= nOriginal ? stubEnd : 0,
  );
  const out = new Uint8Array(total);
  out.set(file.subarray(0, Math.min(sizeOfHeaders, file.length)));
  out.fill(0, pe.sectionTable.offset, sizeOfHeaders);
  secs.forEach((s, i) => {
    const h = out.subarray(
      pe.sectionTable!.offset + i * SECTION_HEADER_SIZE,
      pe.sectionTable!.offset + (i + 1) * SECTION_HEADER_SIZE,
    );
    h.set(s.header);
    h.fill(0, 0, 8);
    h.set(encodeName(s.name) ?? textEncoder.encode(s.name).subarray(0, 8), 0);
    put32(h, 8, s.vs);
    put32(h, 12, s.va);
    put32(h, 16, s.rawSize);
    put32(h, 20, s.ptr);
    put32(h, 36, s.characteristics);
    if (s.rawSize > 0) out.set(s.data.subarray(0, s.rawSize), s.ptr);
  });
  if (overlay.length) out.set(overlay, stubEnd - overlay.length);
  const coff = pe.coff!.offset;
  put16(out, coff + 2, secs.length);
  if (strip) {
    put32(out, coff + 8, 0);
    put32(out, coff + 12, 0);
    put16(out, coff + 18, pe.coff!.characteristics | FILE_LOCAL_SYMS_STRIPPED);
  }
  put32(out, opt.offset + 8, initData >>> 0);
  put32(out, opt.offset + 56, alignUp(last.va + last.vs, sa));
  put32(out, opt.offset + 60, sizeOfHeaders);
  put32(out, opt.checkSumOffset, 0);
  const result = parsePe(out);
  return {
    file: out,
    pe: result,
    diagnostics: [...d.done(), ...result.diagnostics.filter((x) => x.severity !== 'info')],
  };
}

/** Adds a section, or replaces the first one of that name (re-laying it and its successors out if it grows). */
export function addOrReplaceSection(file: Uint8Array, section: SectionEdit): EditResult {
  return editSections(file, [{ ...section, mode: section.mode ?? 'auto' }], {
    replaceScope: Number.MAX_SAFE_INTEGER,
  });
}
