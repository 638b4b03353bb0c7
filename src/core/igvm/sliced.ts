// parseIgvmSliced: an IGVM parsed from its header section and the few ranges of file data the headers point at other
// than their pages (VP contexts, parameter-area initial data, CoRIM payloads), never from the whole file (issue 16: the
// engine worker held a 512 MiB IGVM whole while opening it, 1.67× the file at the peak). PAGE_DATA stays in the file
// (`deferred`), so the result is what detachPageData(parseIgvm(whole).file) gives, with the same diagnostics
// (sliced.test.ts compares them on every corpus file, builder files and damaged variants of them).
//
// Pure and synchronous: the caller reads. Each call parses with what it is given and says what it lacks:
//   { kind: 'head', length }   the first `length` bytes of the file (the fixed header and variable header section, §2–§3)
//   { kind: 'data', ranges }   these ranges of file data (§4), read by the headers; then call again with them added
//   { kind: 'done', … }        the model and its diagnostics
//   { kind: 'too-large', why } past MAX_SLICED_HEAD_BYTES / MAX_SLICED_DATA_BYTES: parse the whole file instead
// A call can ask for more data after data arrived (a VBS context's register count decides how much of it there is,
// §8.3), so the caller loops; each round asks only for bytes it does not have yet.
import type { Diagnostic } from '../diagnostics';
import { u32 } from '../bytes/bytes';
import type { FileDataSource } from './context';
import type { DetachedIgvm } from './detach';
import type { IgvmFile } from './model';
import { parseIgvmFrom, type ParseIgvmOptions } from './parse';
import { IGVM_FIXED_HEADER_V2_SIZE } from './constants';

/**
 * Most bytes of header section (fixed header + variable headers, §2–§3) a sliced parse reads: 32 MiB, 3.5× the
 * section of a file with MAX_IGVM_HEADERS page records (32 bytes each, §3.1, §7.1). A larger one is parsed whole.
 */
export const MAX_SLICED_HEAD_BYTES = 32 << 20;
/**
 * Most bytes of non-page file data a sliced parse reads, summed over its reads: 16 MiB (a VMSA per vCPU is 4 KiB,
 * §8.1; a corpus file's parameter areas and contexts are a few pages). A file whose headers ask for more is parsed whole.
 */
export const MAX_SLICED_DATA_BYTES = 16 << 20;
/** Most separate ranges of file data a sliced parse reads (after merging close ones); more are parsed whole. */
export const MAX_SLICED_DATA_RANGES = 4096;
/** Ranges of data asked for less than this apart are read as one (fewer reads; the gap counts towards the limit). */
const MERGE_GAP = 64 << 10;

/** Bytes [offset, offset + bytes.length) of the file. */
export interface FileRange {
  offset: number;
  bytes: Uint8Array;
}

export interface ByteRange {
  offset: number;
  length: number;
}

export interface SlicedIgvmInput {
  /** The file's size in bytes. */
  size: number;
  /** The first bytes of the file (any length; a call answers 'head' when it needs more). */
  head: Uint8Array;
  /** File data read so far, as earlier calls asked for it. */
  data: readonly FileRange[];
}

export type SlicedIgvmStep =
  | { kind: 'head'; length: number }
  | { kind: 'data'; ranges: ByteRange[] }
  | { kind: 'too-large'; why: string }
  | {
      kind: 'done';
      /** parseIgvm's diagnostics of the whole file. */
      diagnostics: Diagnostic[];
      /** detachPageData(parseIgvm(whole).file); undefined where parseIgvm gives no file (not framed at all). */
      detached?: DetachedIgvm;
    };

/**
 * How many leading bytes the parse reads from the header section: up to the end of the variable headers (§2.1
 * variable_header_offset + variable_header_size) plus 7 (a VP context's padding may run that far past it, §3.1), at
 * least the 32-byte fixed header (§2.2), at most the file.
 */
function headLength(head: Uint8Array, size: number): number {
  if (head.length < Math.min(size, IGVM_FIXED_HEADER_V2_SIZE)) return Math.min(size, IGVM_FIXED_HEADER_V2_SIZE);
  if (head.length < 16) return Math.min(size, head.length); // a file shorter than 16 bytes: parseFixedHeader refuses it
  const end = u32(head, 8) + u32(head, 12); // both u32: exact in a double
  return Math.min(size, Math.max(IGVM_FIXED_HEADER_V2_SIZE, end + 7));
}

/** One step of the sliced parse of an IGVM of `input.size` bytes (see the module comment). */
export function parseIgvmSliced(input: SlicedIgvmInput, options: ParseIgvmOptions = {}): SlicedIgvmStep {
  const { size } = input;
  const need = headLength(input.head, size);
  if (need > MAX_SLICED_HEAD_BYTES)
    return { kind: 'too-large', why: `the header section is ${need} bytes (more than ${MAX_SLICED_HEAD_BYTES})` };
  if (input.head.length < need) return { kind: 'head', length: need };
  const head = input.head;
  const chunks = sortedChunks(input.data);
  const source = new ChunkSource(chunks);
  const r = parseIgvmFrom(head, size, source, options);
  if (source.missed.length > 0) {
    const ranges = subtract(mergeRanges(source.missed), chunks);
    const have = chunks.reduce((n, c) => n + c.bytes.length, 0);
    const more = ranges.reduce((n, c) => n + c.length, 0);
    if (have + more > MAX_SLICED_DATA_BYTES)
      return { kind: 'too-large', why: `the headers point at ${have + more} bytes of non-page data (more than ${MAX_SLICED_DATA_BYTES})` };
    if (chunks.length + ranges.length > MAX_SLICED_DATA_RANGES)
      return { kind: 'too-large', why: `the headers point at more than ${MAX_SLICED_DATA_RANGES} ranges of non-page data` };
    return { kind: 'data', ranges };
  }
  if (!r.file) return { kind: 'done', diagnostics: r.diagnostics };
  // The header section as detachPageData keeps it: [0, fileDataOffset), within the file (§4).
  const headEnd = Math.min(size, r.file.fileDataOffset);
  let deferredPages = 0;
  for (const h of r.file.directives) if (h.kind === 'PageData' && h.deferred) deferredPages++;
  const file: IgvmFile = { ...r.file, bytes: head.subarray(0, headEnd) };
  return { kind: 'done', diagnostics: r.diagnostics, detached: { file, deferredPages, offsetOf: viewOffsets(head, source.copies) } };
}

/** The file data a parse reads: a copy of the bytes when the chunks hold them all, else recorded as missed. */
class ChunkSource implements FileDataSource {
  readonly missed: ByteRange[] = [];
  /** Each copy's buffer → its file offset (offsetOf, as detachPageData's copies have it). */
  readonly copies = new WeakMap<ArrayBufferLike, number>();
  private readonly chunks: readonly FileRange[];
  constructor(chunks: readonly FileRange[]) {
    this.chunks = chunks;
  }

  read(fileOffset: number, length: number): Uint8Array | undefined {
    const out = length === 0 ? new Uint8Array(0) : this.assemble(fileOffset, length);
    if (!out) {
      this.missed.push({ offset: fileOffset, length });
      return undefined;
    }
    this.copies.set(out.buffer, fileOffset);
    return out;
  }

  /** Bytes [at, at + length) copied out of the sorted, non-overlapping chunks, or undefined where they leave a gap. */
  private assemble(at: number, length: number): Uint8Array | undefined {
    const c = this.chunks;
    // The last chunk starting at or before `at`.
    let lo = 0;
    let hi = c.length - 1;
    let i = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (c[mid]!.offset <= at) {
        i = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (i < 0) return undefined;
    const out = new Uint8Array(length);
    let pos = at;
    const end = at + length;
    for (; pos < end && i < c.length; i++) {
      const k = c[i]!;
      if (k.offset > pos) return undefined; // a gap
      const kEnd = k.offset + k.bytes.length;
      if (kEnd <= pos) continue;
      const to = Math.min(end, kEnd);
      out.set(k.bytes.subarray(pos - k.offset, to - k.offset), pos - at);
      pos = to;
    }
    return pos === end ? out : undefined;
  }
}

/** The chunks sorted by offset (the caller's list is not changed); empty ones dropped. */
function sortedChunks(data: readonly FileRange[]): FileRange[] {
  return data.filter((d) => d.bytes.length > 0).sort((a, b) => a.offset - b.offset);
}

/** The ranges sorted and merged where they overlap or lie less than MERGE_GAP apart. */
function mergeRanges(ranges: readonly ByteRange[]): ByteRange[] {
  const sorted = [...ranges].sort((a, b) => a.offset - b.offset);
  const out: ByteRange[] = [];
  for (const r of sorted) {
    const last = out.at(-1);
    if (last && r.offset <= last.offset + last.length + MERGE_GAP)
      last.length = Math.max(last.length, r.offset + r.length - last.offset);
    else out.push({ ...r });
  }
  return out;
}

/** The parts of sorted, disjoint `ranges` that no chunk covers. */
function subtract(ranges: readonly ByteRange[], chunks: readonly FileRange[]): ByteRange[] {
  const out: ByteRange[] = [];
  let k = 0;
  for (const r of ranges) {
    let pos = r.offset;
    const end = r.offset + r.length;
    while (k < chunks.length && chunks[k]!.offset + chunks[k]!.bytes.length <= pos) k++;
    for (let j = k; j < chunks.length && pos < end; j++) {
      const c = chunks[j]!;
      if (c.offset >= end) break;
      if (c.offset > pos) out.push({ offset: pos, length: c.offset - pos });
      pos = Math.max(pos, c.offset + c.bytes.length);
    }
    if (pos < end) out.push({ offset: pos, length: end - pos });
  }
  return out;
}

/**
 * offsetOf of a sliced parse, made outside its scope (as detach.ts's viewOffsets: a closure there would keep the
 * chunks read alive through the shared context).
 */
function viewOffsets(head: Uint8Array, copies: WeakMap<ArrayBufferLike, number>): (view: Uint8Array) => number | undefined {
  return (view) => {
    if (view.buffer === head.buffer) return view.byteOffset - head.byteOffset;
    const base = copies.get(view.buffer);
    return base === undefined ? undefined : base + view.byteOffset;
  };
}
