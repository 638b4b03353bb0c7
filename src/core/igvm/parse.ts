// parseIgvm: fixed header, variable header framing and section order, per-type decoding, whole-file rules
// (§2–§11). Never throws on bad input: returns what it could decode plus diagnostics.
import { alignUp, u32 } from '../bytes/bytes';
import { Diagnostics } from '../diagnostics';
import { at, hex, type FileDataSource, type ParseContext } from './context';
import { parseFixedHeader } from './fixed-header';
import { IGVM_VARIABLE_HEADER_SIZE, IGVM_VHT, IGVM_VHT_OPTIONAL_BIT, type IgvmSection } from './constants';
import type { IgvmHeaderBase } from './header-fields';
import {
  sectionOfType,
  type IgvmDirectiveHeader,
  type IgvmFile,
  type IgvmHeader,
  type IgvmInitializationHeader,
  type IgvmParseResult,
  type IgvmPlatformHeader,
  type IgvmUnknownHeader,
} from './model';
import { declOfType, decodeDeclared } from './registry';
import { validateIgvmFile } from './validate';

const SECTION_ORDER: Record<IgvmSection, number> = { platform: 0, initialization: 1, directive: 2 };

export interface ParseIgvmOptions {
  /**
   * Keep a `raw` record view on headers whose padding is not zero, the only case where it tells a re-serializer
   * something the decoded fields do not (default true). Never kept for clean records: a view per header cost
   * ~100 B each in header floods (issue 11).
   */
  keepRaw?: boolean;
}

/**
 * Most variable headers a file may have; past it parsing stops with IGVM_TOO_MANY_HEADERS (an error: no digest).
 * Besides this absolute cap the count is bounded by the file itself (a record takes at least 8 bytes, §3.1).
 * 2^18 + 2^14 headers: 1 GiB of 4 KiB pages (a composed 1 GiB SEV metadata section, compose-large.test.ts) plus
 * 64 MiB for the firmware image and the other sections, 20× the largest corpus file (13,697 pages). Parsing that many
 * takes ~0.3 s and ~60 MiB; a flood of a million headers is refused here within the CLI's 2 s budget
 * (hostile-igvm.test.ts; issue 11: floods of 2 M headers took 1.6 GiB before).
 */
export const MAX_IGVM_HEADERS = (1 << 18) + (1 << 14);

export function parseIgvm(bytes: Uint8Array, options: ParseIgvmOptions = {}): IgvmParseResult {
  return parseIgvmFrom(bytes, bytes.length, undefined, options);
}

/**
 * parseIgvm of a file of `fileSize` bytes of which `bytes` holds the start, with its file data from `fileData` when
 * given (the sliced parse, sliced.ts: `bytes` is then at least the header section, PAGE_DATA is deferred).
 */
export function parseIgvmFrom(
  bytes: Uint8Array,
  fileSize: number,
  fileData: FileDataSource | undefined,
  options: ParseIgvmOptions,
): IgvmParseResult {
  const diags = new Diagnostics();
  const fixed = parseFixedHeader(bytes, diags, fileSize);
  if (!fixed) return { diagnostics: diags.done() };
  const ctx: ParseContext = {
    bytes,
    fileSize,
    fileData,
    diags,
    formatVersion: fixed.formatVersion,
    architecture: fixed.architecture,
    fileDataOffset: fixed.fileDataOffset,
    maskToPlatform: new Map(),
    pageViews: new Map(),
  };
  const file: IgvmFile = {
    formatVersion: fixed.formatVersion,
    architecture: fixed.architecture,
    pageSize: fixed.pageSize,
    size: fileSize,
    fixedHeader: fixed.header,
    platforms: [],
    initialization: [],
    directives: [],
    headers: [],
    computedChecksum: fixed.computedChecksum,
    fileDataOffset: fixed.fileDataOffset,
    bytes,
  };
  readVariableHeaders(ctx, file, fixed.vhStart, fixed.vhEnd, options.keepRaw ?? true);
  validateIgvmFile(file, diags);
  return { file, diagnostics: diags.done() };
}

function readVariableHeaders(
  ctx: ParseContext,
  file: IgvmFile,
  start: number,
  end: number,
  keepRaw: boolean,
): void {
  const b = ctx.bytes;
  const d = ctx.diags;
  let pos = start;
  let section: IgvmSection = 'platform';
  let paddingWarnings = 0;
  if (start % 8 !== 0)
    d.error('IGVM_VH_UNALIGNED', `variable headers start at ${start}, not a multiple of 8`, {
      offset: start,
      spec: 'igvm-format §3.1',
    });
  for (let index = 0; pos < end; index++) {
    if (index >= MAX_IGVM_HEADERS) {
      d.error(
        'IGVM_TOO_MANY_HEADERS',
        `more than ${MAX_IGVM_HEADERS} variable headers; the rest of the file (${end - pos} bytes of headers) is not read`,
        {
          index,
          offset: pos,
          spec: 'igvm-format §3.1',
        },
      );
      break;
    }
    if (end - pos < IGVM_VARIABLE_HEADER_SIZE) {
      d.error('IGVM_VH_TRUNCATED', `${end - pos} stray bytes at the end of the variable header section`, {
        index,
        offset: pos,
        spec: 'igvm-format §3.2',
      });
      break;
    }
    const type = u32(b, pos);
    const bodyLength = u32(b, pos + 4);
    const body = pos + IGVM_VARIABLE_HEADER_SIZE;
    const length = IGVM_VARIABLE_HEADER_SIZE + alignUp(bodyLength, 8);
    if (bodyLength > end - body) {
      d.error(
        'IGVM_VH_OVERFLOW',
        `header type ${hex(type)} with length ${bodyLength} runs past the variable header section`,
        { index, offset: pos, spec: 'igvm-format §3.1' },
      );
      break;
    }
    const base: IgvmHeaderBase = {
      kind: 'Unknown',
      type,
      index,
      offset: pos,
      length,
      bodyLength,
      raw: undefined,
    };
    const padEnd = pos + length;
    if (padEnd > end) {
      d.error(
        'IGVM_VH_OVERFLOW',
        'the padding of the last header runs past the variable header section',
        at(base, '3.1'),
      );
      if (keepRaw) base.raw = b.subarray(pos, end);
    } else if (!zeroBetween(b, body + bodyLength, padEnd)) {
      if (keepRaw) base.raw = b.subarray(pos, padEnd);
      if (paddingWarnings++ < 8)
        d.warning(
          'IGVM_NONZERO_PADDING',
          'header padding bytes are not zero (igvmgen writes ASCII "0"); ignored like the Rust parser does',
          at(base, '3.1'),
        );
    }

    // Section and order (§3.2).
    const optional = (type & IGVM_VHT_OPTIONAL_BIT) !== 0;
    const typeSection = optional ? undefined : sectionOfType(type);
    let header: IgvmHeader;
    if (typeSection === undefined) {
      if (optional)
        d.warning(
          'IGVM_OPTIONAL_HEADER',
          `optional header type ${hex(type)} kept but not interpreted (the Rust parser rejects the optional bit)`,
          at(base, '3.2'),
        );
      else
        d.error(
          'IGVM_BAD_HEADER_SECTION',
          `header type ${hex(type)} is outside the platform, initialization and directive ranges`,
          at(base, '3.2'),
        );
      header = unknown(b, base, section, optional);
    } else {
      if (SECTION_ORDER[typeSection] < SECTION_ORDER[section])
        d.error(
          'IGVM_HEADER_ORDER',
          `${typeSection} header ${hex(type)} after a ${section} header`,
          at(base, '3.2'),
        );
      else section = typeSection;
      header = decodeHeader(ctx, base, body, typeSection);
    }
    file.headers.push(header);
    const listSection = header.kind === 'Unknown' ? header.section : typeSection!;
    if (listSection === 'platform') file.platforms.push(header as IgvmPlatformHeader);
    else if (listSection === 'initialization') file.initialization.push(header as IgvmInitializationHeader);
    else file.directives.push(header as IgvmDirectiveHeader);
    pos += length;
  }
}

/** True when b[from, to) is all zero (the padding check runs once per header: no view allocated). */
function zeroBetween(b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (b[i] !== 0) return false;
  return true;
}

function unknown(
  b: Uint8Array,
  base: IgvmHeaderBase,
  section: IgvmSection,
  optional: boolean,
): IgvmUnknownHeader {
  const body = base.offset + IGVM_VARIABLE_HEADER_SIZE;
  const { type, index, offset, length, bodyLength, raw } = base;
  return {
    kind: 'Unknown',
    type,
    index,
    offset,
    length,
    bodyLength,
    raw,
    optional,
    section,
    body: b.subarray(body, body + bodyLength),
  };
}

function decodeHeader(
  ctx: ParseContext,
  base: IgvmHeaderBase,
  body: number,
  section: IgvmSection,
): IgvmHeader {
  const t = base.type;
  const decl = declOfType(t);
  if (decl === undefined) {
    ctx.diags.error(
      'IGVM_UNKNOWN_HEADER_TYPE',
      t === IGVM_VHT.SHARED_BOUNDARY_GPA_RESERVED
        ? 'header type 0x306 is reserved ("do not use")'
        : `unknown ${section} header type ${hex(t)}`,
      at(base, '3.3'),
    );
    return unknown(ctx.bytes, base, section, false);
  }
  if (base.bodyLength !== decl.bodySize) {
    ctx.diags.error(
      'IGVM_BAD_HEADER_LENGTH',
      `header type ${hex(t)} has length ${base.bodyLength}, expected ${decl.bodySize}`,
      at(base, '3.1'),
    );
    return unknown(ctx.bytes, base, section, false);
  }
  return decodeDeclared(ctx, decl, base, body);
}
