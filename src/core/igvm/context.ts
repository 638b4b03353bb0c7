// Shared state of one parse: the input, the diagnostics collector and bounded file-data reads (§4).
import { safeNumber } from '../bytes/bytes';
import type { Diagnostics } from '../diagnostics';
import type { IgvmArchitecture } from './constants';

export const SPEC = 'igvm-format';

export interface ParseContext {
  /** The file, or (a sliced parse, sliced.ts) its header section only: every header record is read from here. */
  bytes: Uint8Array;
  /** The file's size: `bytes.length`, unless `bytes` is the header section only (`fileData` set). */
  fileSize: number;
  /**
   * Where file data (§4) comes from when `bytes` is the header section only (parseIgvmSliced, sliced.ts); PAGE_DATA
   * data is then not read but marked `deferred` (as detachPageData leaves it).
   */
  fileData?: FileDataSource;
  diags: Diagnostics;
  formatVersion: 1 | 2;
  architecture: IgvmArchitecture;
  /** `variable_header_offset + variable_header_size` (§4). */
  fileDataOffset: number;
  /** compatibility mask → platform type, from platform headers read so far (§11 step 4). */
  maskToPlatform: Map<number, number>;
  /**
   * Page-sized views already made, by file offset: PAGE_DATA records that alias one file page share one view
   * instead of allocating one each (issue 11: 1 M records on one page took 2.7 GiB).
   */
  pageViews?: Map<number, Uint8Array>;
  /**
   * The highest file offset of a page view made so far without `pageViews`: pages laid out in file order (every
   * builder's) each get a view with no map entry, as an offset above all earlier ones aliases none of them (a 256 MiB
   * IGVM's 65k entries were ~3 MiB of the CLI's peak memory, issue 16). A repeated or lower offset goes through the
   * map, so a flood of records on one page still shares one view (at most one more per offset).
   */
  pageViewTop?: number;
}

/** File data of a sliced parse (sliced.ts): bytes [fileOffset, fileOffset + length), in range; undefined if not at hand. */
export interface FileDataSource {
  read(fileOffset: number, length: number): Uint8Array | undefined;
}

export interface Where {
  index: number;
  offset: number;
}

export function at(w: Where, section: string): { index: number; offset: number; spec: string } {
  return { index: w.index, offset: w.offset, spec: `${SPEC} §${section}` };
}

/** What readFileData returns for a page a sliced parse leaves in the file (PAGE_DATA `deferred`, sliced.ts). */
export const DEFERRED_PAGE: Uint8Array = new Uint8Array(0);

/**
 * Reads `length` bytes of file data at absolute `fileOffset` (§4). 0 means "no data" (undefined, no diagnostic).
 * Offsets into the header area and ranges past the end are errors (RS `InvalidDataSize`); nothing is copied. In a
 * sliced parse (`ctx.fileData`) the bytes come from there, and a PAGE_DATA read (`page`) that passes the checks
 * returns DEFERRED_PAGE instead of reading.
 */
export function readFileData(
  ctx: ParseContext,
  fileOffset: number,
  length: bigint | number,
  w: Where,
  what: string,
  page = false,
): Uint8Array | undefined {
  if (fileOffset === 0) return undefined;
  if (fileOffset < ctx.fileDataOffset) {
    ctx.diags.error(
      'IGVM_DATA_OFFSET_IN_HEADERS',
      `${what}: file_offset 0x${fileOffset.toString(16)} points before the file data section (0x${ctx.fileDataOffset.toString(16)})`,
      at(w, '4'),
    );
    return undefined;
  }
  // Page-sized reads (one per PAGE_DATA) stay in plain numbers; only 64-bit sizes need BigInt arithmetic.
  const n = length;
  const size = ctx.fileSize;
  if (typeof n === 'number' ? fileOffset + n > size : BigInt(fileOffset) + n > BigInt(size)) {
    ctx.diags.error(
      'IGVM_DATA_OUT_OF_RANGE',
      `${what}: ${n} bytes at file_offset 0x${fileOffset.toString(16)} run past the end of the file (${size} bytes)`,
      at(w, '4'),
    );
    return undefined;
  }
  const len = typeof n === 'number' ? n : safeNumber(n);
  if (ctx.fileData) return page ? DEFERRED_PAGE : ctx.fileData.read(fileOffset, len);
  if (len !== 4096 || !ctx.pageViews) return ctx.bytes.subarray(fileOffset, fileOffset + len);
  if (fileOffset > (ctx.pageViewTop ?? -1)) {
    ctx.pageViewTop = fileOffset;
    return ctx.bytes.subarray(fileOffset, fileOffset + len);
  }
  let view = ctx.pageViews.get(fileOffset);
  if (!view) ctx.pageViews.set(fileOffset, (view = ctx.bytes.subarray(fileOffset, fileOffset + len)));
  return view;
}

export const pageAligned = (v: bigint | number): boolean => BigInt(v) % 4096n === 0n;
/** Hex spelling of a field value in messages (the one definition is bytes.ts hex64). */
export { hex64 as hex, isPow2 } from '../bytes/bytes';
