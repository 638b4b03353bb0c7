// IGVM model → the plain rows the inspector renders: header table rows, platforms, parameter areas with their
// parameters and inserts, VP contexts with decoded registers (igvm-format §3–§8).
import { summarizePlatforms } from '../../core/igvm';
import {
  IGVM_PAGE_DATA_TYPE_NAME,
  decodePageDataFlags,
  isVpContext,
  sectionOfType,
  type IgvmFile,
  type IgvmHeader,
} from '../../core/igvm/types';
import type { Diagnostic } from '../../core/diagnostics';
import type { HeaderRow, ParameterAreaRow, PlatformRow, VpContextView } from '../protocol';
import { fileOffsetOf, objectGroup, type ViewFile } from './igvm-fields';
import { vmsaGroups } from './vmsa';
import { appendAll } from '../../core/append';
import { encodeHeaderColumns, type HeaderColumns, type HeaderFields } from '../header-columns';

/** 0x… hex of an integer (what hex64 gives, without its BigInt conversion of a number: 13.7k rows per open). */
const hex = (v: bigint | number): string => '0x' + v.toString(16);

/** "1 page" / "2 pages"; "1 byte" / "4 bytes" (counts shown in words, issue 10). */
const pages = (n: bigint | number) => `${n} ${BigInt(n) === 1n ? 'page' : 'pages'}`;
const bytes = (n: number) => `${n} ${n === 1 ? 'byte' : 'bytes'}`;

/** "NORMAL, 2 MiB, unmeasured, shared, " — what a page's detail says before its data: type and flag words. */
function pagePrefix(dataType: number, flags: number): string {
  const f = decodePageDataFlags(flags);
  const parts: string[] = [IGVM_PAGE_DATA_TYPE_NAME[dataType] ?? `type ${dataType}`];
  if (f.is2MbPage) parts.push('2 MiB');
  if (f.unmeasured) parts.push('unmeasured');
  if (f.shared) parts.push('shared');
  parts.push('');
  return parts.join(', ');
}

/** pagePrefix of the declared data types (0..3) by dataType * 8 + the three flag bits: one string per kind of page. */
const PAGE_PREFIXES: string[] = [];

function pageDetail(h: Extract<IgvmHeader, { kind: 'PageData' }>): string {
  const key = h.dataType * 8 + (h.flags & 7);
  const prefix =
    h.dataType <= 3 ? (PAGE_PREFIXES[key] ??= pagePrefix(h.dataType, h.flags)) : pagePrefix(h.dataType, h.flags);
  return prefix + (h.fileOffset === 0 ? 'zero page' : `data @${hex(h.fileOffset)}`);
}

function detail(h: IgvmHeader): string {
  switch (h.kind) {
    case 'SupportedPlatform':
      return `${h.platformName ?? `platform ${h.platformType}`}, VTL ${h.highestVtl}, version ${h.platformVersion}`;
    case 'GuestPolicy':
      return `policy ${hex(h.policy)}`;
    case 'PageData':
      return pageDetail(h);
    case 'ParameterArea':
      return `area ${h.parameterAreaIndex}, ${pages(h.numberOfBytes / 4096n)}${h.fileOffset ? `, initial data @${hex(h.fileOffset)}` : ''}`;
    case 'ParameterInsert':
      return `area ${h.parameterAreaIndex}`;
    case 'RequiredMemory':
      return `${pages(h.numberOfBytes / 4096)}${h.flags & 1 ? ', VTL2 protectable' : ''}`;
    case 'ErrorRange':
      return bytes(h.sizeBytes);
    case 'SnpIdBlock':
      return `ld ${Array.from(h.ld.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join('')}…, guest SVN ${h.guestSvn}`;
    case 'VbsMeasurement':
      return `product ${h.productId}, module ${h.moduleId}, SVN ${h.securityVersion}`;
    case 'Unknown':
      return `unknown type ${hex(h.type)}${h.optional ? ' (optional)' : ''}, ${h.bodyLength} bytes`;
    case 'CorimDocument':
    case 'CorimSignature':
      return `${h.sizeBytes} bytes @${hex(h.fileOffset)}`;
    default:
      if (isVpContext(h)) return `VP ${h.vpIndex}${h.fileOffset ? `, data @${hex(h.fileOffset)}` : ''}`;
      if ('parameterAreaIndex' in h && 'byteOffset' in h)
        return `area ${h.parameterAreaIndex} +${hex(h.byteOffset)}`;
      return '';
  }
}

/**
 * Where a header's data is in the file: its view's file offset (`at`: the whole input, or a detached model's offsetOf),
 * or for a page the detached model left in the file (`deferred`) its file_offset, 4 KiB (what the view was).
 */
function dataSpan(h: IgvmHeader, at: ViewFile): { dataOffset: number; dataLength: number } | undefined {
  if (h.kind === 'PageData' && h.deferred) return { dataOffset: h.fileOffset, dataLength: 4096 };
  const view = dataView(h);
  const o = view && fileOffsetOf(view, at);
  return o === undefined ? undefined : { dataOffset: o, dataLength: view!.length };
}

/** The view of the file a header's data is (page, VMSA, context…), if it has one. */
function dataView(h: IgvmHeader): Uint8Array | undefined {
  // One header per page: PageData asked first, by kind (it has `data` and none of the other three).
  if (h.kind === 'PageData') return h.data;
  return 'data' in h && h.data instanceof Uint8Array
      ? h.data
      : 'vmsa' in h
        ? h.vmsa
        : 'page' in h
          ? h.page
          : 'context' in h && h.context instanceof Uint8Array
            ? h.context
            : undefined;
}

/**
 * One header's row fields, written into `r` (one object for every row: encodeHeaderColumns copies each row into its
 * columns before asking for the next, and 131k headers made one object each per open). Optional fields are
 * undefined when absent.
 */
function headerFields(h: IgvmHeader, at: ViewFile, r: HeaderFields): HeaderFields {
  r.index = h.index;
  r.section = h.kind === 'Unknown' ? h.section : (sectionOfType(h.type) ?? 'directive');
  r.kind = h.kind;
  r.type = h.type;
  r.offset = h.offset;
  r.length = h.length;
  r.detail = detail(h);
  r.mask = 'compatibilityMask' in h ? h.compatibilityMask : undefined;
  r.gpa = 'gpa' in h && typeof h.gpa === 'bigint' ? h.gpa : undefined;
  const span = dataSpan(h, at);
  r.dataOffset = span?.dataOffset;
  r.dataLength = span?.dataLength;
  return r;
}

/**
 * The header table the worker sends (columns, transferred: header-columns.ts). `at` gives the file offset of a view
 * (a detached model's offsetOf; by default where it lies in `file.bytes`, the whole input).
 */
export function headerColumns(file: IgvmFile, at: ViewFile = file.bytes): HeaderColumns {
  const r: HeaderFields = { index: 0, section: '', kind: '', type: 0, offset: 0, length: 0, detail: '' };
  return encodeHeaderColumns(file.headers.length, (i) => headerFields(file.headers[i]!, at, r));
}

/** The header table as one object per header (the reference the columns are tested against). */
export function headerRows(file: IgvmFile, at: ViewFile = file.bytes): HeaderRow[] {
  return file.headers.map((h) => {
    const gpa = 'gpa' in h && typeof h.gpa === 'bigint' ? hex(h.gpa) : undefined;
    const mask = 'compatibilityMask' in h ? h.compatibilityMask : undefined;
    return {
      index: h.index,
      section: h.kind === 'Unknown' ? h.section : (sectionOfType(h.type) ?? 'directive'),
      kind: h.kind,
      type: h.type,
      offset: h.offset,
      length: h.length,
      ...(mask !== undefined && { mask }),
      ...(gpa !== undefined && { gpa }),
      ...dataSpan(h, at),
      detail: detail(h),
    };
  });
}

export function platformRows(file: IgvmFile): PlatformRow[] {
  return summarizePlatforms(file).map((p) => ({
    mask: p.compatibilityMask,
    type: p.platform,
    version: p.platformVersion,
    highestVtl: p.highestVtl,
    sharedGpaBoundary: hex(p.sharedGpaBoundary),
  }));
}

export function parameterAreaRows(file: IgvmFile, at: ViewFile = file.bytes): ParameterAreaRow[] {
  const areas = new Map<number, ParameterAreaRow>();
  for (const h of file.directives) {
    if (h.kind === 'PageData') continue; // most directives; none of the three below
    if (h.kind === 'ParameterArea') {
      const dataOffset = h.data && fileOffsetOf(h.data, at);
      areas.set(h.parameterAreaIndex, {
        index: h.parameterAreaIndex,
        headerIndex: h.index,
        bytes: Number(h.numberOfBytes),
        ...(dataOffset !== undefined && { dataOffset }),
        parameters: [],
        inserts: [],
      });
    } else if (h.kind === 'ParameterInsert') {
      areas
        .get(h.parameterAreaIndex)
        ?.inserts.push({ gpa: hex(h.gpa), mask: h.compatibilityMask, headerIndex: h.index });
    } else if ('parameterAreaIndex' in h && 'byteOffset' in h) {
      areas
        .get(h.parameterAreaIndex)
        ?.parameters.push({ kind: h.kind, headerIndex: h.index, byteOffset: h.byteOffset });
    }
  }
  return [...areas.values()];
}

/**
 * Why the registers of VP context `h` cannot be shown, or undefined when they can: the parser found an error at
 * this header (its data runs past the end of a truncated file, points into the headers…), or the VMSA it returned
 * is not a view of the file (missing data is read as zeros so parsing goes on). Decoding either would show
 * registers the file does not hold (issue 10: "VP 0 registers" read from the file header).
 */
function vpUnavailable(at: ViewFile, h: IgvmHeader, parseDiagnostics: readonly Diagnostic[]): string | undefined {
  const errors = parseDiagnostics.filter((d) => d.severity === 'error' && d.index === h.index);
  if (errors.length > 0) return `Registers not decoded: ${errors.map((d) => `${d.code}: ${d.message}`).join('; ')}`;
  if (h.kind === 'SnpVpContext' && (fileOffsetOf(h.vmsa, at) === undefined || h.fileOffset === 0))
    return 'Registers not decoded: the VMSA data is not in the file.';
  return undefined;
}

export function vpContextViews(
  file: IgvmFile,
  parseDiagnostics: readonly Diagnostic[] = [],
  platforms: readonly PlatformRow[] = platformRows(file),
  at: ViewFile = file.bytes,
): { views: VpContextView[]; diagnostics: Diagnostic[] } {
  const views: VpContextView[] = [];
  const diagnostics: Diagnostic[] = [];
  const platformName = (mask: number) => platforms.find((p) => p.mask === mask)?.type ?? `mask ${hex(mask)}`;
  for (const h of file.directives) {
    if (h.kind === 'PageData' || !isVpContext(h)) continue;
    const base = {
      headerIndex: h.index,
      mask: h.compatibilityMask,
      platform: platformName(h.compatibilityMask),
      vpIndex: h.vpIndex,
      gpa: hex(h.gpa),
      ...(h.fileOffset && { dataOffset: h.fileOffset }),
    };
    const unavailable = vpUnavailable(at, h, parseDiagnostics);
    if (unavailable) {
      views.push({ ...base, groups: [], unavailable });
    } else if (h.kind === 'SnpVpContext') {
      const v = vmsaGroups(h.vmsa, fileOffsetOf(h.vmsa, at)!);
      views.push({ ...base, groups: v.groups });
      appendAll(diagnostics, v.diagnostics.map((d) => ({ ...d, index: h.index })));
    } else if (h.kind === 'X64NativeVpContext') {
      views.push({
        ...base,
        groups: [objectGroup('Registers', h.context, at, { offset: h.fileOffset, length: 232 })],
      });
    } else if (h.kind === 'X64VbsVpContext' || h.kind === 'AArch64VbsVpContext') {
      views.push({
        ...base,
        groups: [
          {
            title: `VTL ${h.vtl} registers`,
            offset: h.fileOffset,
            length: h.context.length,
            fields: h.registers.map((r) => ({
              label: r.nameText ?? `0x${r.name.toString(16)}`,
              value:
                '0x' +
                [...r.value]
                  .reverse()
                  .map((b) => b.toString(16).padStart(2, '0'))
                  .join('')
                  .replace(/^0+(?=.)/, ''),
            })),
          },
        ],
      });
    } else {
      views.push({ ...base, groups: [objectGroup('Context', h, at)] });
    }
  }
  return { views, diagnostics };
}
