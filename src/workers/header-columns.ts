// The IGVM header table as columns (issue 16): one typed array per numeric field and one string for every row's
// detail text, instead of one object per header. A 512 MiB IGVM has 131k headers; as objects they cost the worker
// ~3 µs each to clone and the page as much to rebuild (the largest part of opening a 14 MiB IGVM after hashing),
// and tens of MiB of heap on both sides. Typed arrays are transferred (no copy), a single string clones as one
// copy. `headerAt` gives the page the same `HeaderRow` the object table had, for the rows it shows.
// Pure data helpers (no DOM, no worker API): used by the worker (encode) and the page (decode).
import type { HeaderRow } from './protocol';

/** Every header of an IGVM file, column by column; index i of each column is header i (file order). */
export interface HeaderColumns {
  count: number;
  /** The distinct kinds and sections, in first-seen order: `kind[i]` / `section[i]` index into them. */
  kindNames: string[];
  sectionNames: string[];
  kind: Uint16Array;
  section: Uint8Array;
  type: Uint32Array;
  /** File offset and length of each header (numbers; a file offset is below 2^53). */
  offset: Float64Array;
  length: Float64Array;
  /** Bit HAS_MASK / HAS_GPA / HAS_DATA set when the row has that optional field. */
  has: Uint8Array;
  mask: Uint32Array;
  /** Guest-physical address (u64, exact). */
  gpa: BigUint64Array;
  dataOffset: Float64Array;
  dataLength: Float64Array;
  /** Every row's detail text, concatenated; row i is details.slice(detailEnd[i - 1] ?? 0, detailEnd[i]). */
  details: string;
  detailEnd: Uint32Array;
}

export const HAS_MASK = 1;
export const HAS_GPA = 2;
export const HAS_DATA = 4;

/** The fields of one header as the encoder takes them (HeaderRow with the GPA as a bigint). */
export interface HeaderFields extends Omit<HeaderRow, 'gpa'> {
  gpa?: bigint;
}

/** Columns for `count` headers, filled row by row by `row(i)`. */
export function encodeHeaderColumns(count: number, row: (i: number) => HeaderFields): HeaderColumns {
  const kindIndex = new Map<string, number>();
  const sectionIndex = new Map<string, number>();
  const c: HeaderColumns = {
    count,
    kindNames: [],
    sectionNames: [],
    kind: new Uint16Array(count),
    section: new Uint8Array(count),
    type: new Uint32Array(count),
    offset: new Float64Array(count),
    length: new Float64Array(count),
    has: new Uint8Array(count),
    mask: new Uint32Array(count),
    gpa: new BigUint64Array(count),
    dataOffset: new Float64Array(count),
    dataLength: new Float64Array(count),
    details: '',
    detailEnd: new Uint32Array(count),
  };
  const details: string[] = [];
  let end = 0;
  const indexOf = (m: Map<string, number>, names: string[], name: string, max: number) => {
    let k = m.get(name);
    if (k === undefined) {
      if (names.length >= max) throw new RangeError(`more than ${max} distinct header kinds or sections`);
      k = names.length;
      names.push(name);
      m.set(name, k);
    }
    return k;
  };
  // Runs of one kind are the rule (a page per header): the previous row's kind and section are reused without a lookup.
  let lastKind: string | undefined;
  let lastKindAt = 0;
  let lastSection: string | undefined;
  let lastSectionAt = 0;
  for (let i = 0; i < count; i++) {
    const h = row(i);
    if (h.index !== i) throw new RangeError(`header ${i} has index ${h.index}`);
    if (h.kind !== lastKind) lastKindAt = indexOf(kindIndex, c.kindNames, (lastKind = h.kind), 0xffff);
    if (h.section !== lastSection) lastSectionAt = indexOf(sectionIndex, c.sectionNames, (lastSection = h.section), 0xff);
    c.kind[i] = lastKindAt;
    c.section[i] = lastSectionAt;
    c.type[i] = h.type;
    c.offset[i] = h.offset;
    c.length[i] = h.length;
    let has = 0;
    if (h.mask !== undefined) {
      has |= HAS_MASK;
      c.mask[i] = h.mask;
    }
    if (h.gpa !== undefined) {
      has |= HAS_GPA;
      c.gpa[i] = h.gpa;
    }
    if (h.dataOffset !== undefined && h.dataLength !== undefined) {
      has |= HAS_DATA;
      c.dataOffset[i] = h.dataOffset;
      c.dataLength[i] = h.dataLength;
    }
    c.has[i] = has;
    details.push(h.detail);
    end += h.detail.length;
    c.detailEnd[i] = end;
  }
  c.details = details.join('');
  return c;
}

/** The buffers of `c`'s typed arrays, to transfer with it (postMessage / comlink transfer). */
export function headerColumnBuffers(c: HeaderColumns): ArrayBuffer[] {
  return [c.kind, c.section, c.type, c.offset, c.length, c.has, c.mask, c.gpa, c.dataOffset, c.dataLength, c.detailEnd].map(
    (a) => a.buffer as ArrayBuffer,
  );
}

/** Header i's detail text. */
export function headerDetailText(c: HeaderColumns, i: number): string {
  return c.details.slice(i > 0 ? c.detailEnd[i - 1]! : 0, c.detailEnd[i]!);
}

/** Header i's kind name. */
export function headerKind(c: HeaderColumns, i: number): string {
  return c.kindNames[c.kind[i]!]!;
}

/** Row i as the object table had it (GPA as 0x… hex), or undefined past the end. */
export function headerAt(c: HeaderColumns, i: number): HeaderRow | undefined {
  if (!(i >= 0 && i < c.count && Number.isInteger(i))) return undefined;
  const has = c.has[i]!;
  return {
    index: i,
    section: c.sectionNames[c.section[i]!]!,
    kind: headerKind(c, i),
    type: c.type[i]!,
    offset: c.offset[i]!,
    length: c.length[i]!,
    ...(has & HAS_MASK ? { mask: c.mask[i]! } : {}),
    ...(has & HAS_GPA ? { gpa: '0x' + c.gpa[i]!.toString(16) } : {}),
    ...(has & HAS_DATA ? { dataOffset: c.dataOffset[i]!, dataLength: c.dataLength[i]! } : {}),
    detail: headerDetailText(c, i),
  };
}

/** Every row (tests, small files): the object table. */
export function headerRowList(c: HeaderColumns): HeaderRow[] {
  const out: HeaderRow[] = [];
  for (let i = 0; i < c.count; i++) out.push(headerAt(c, i)!);
  return out;
}
