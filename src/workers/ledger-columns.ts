// A measurement's ledger as columns (issue 16): one packed string per text field, the digests as bytes and a typed
// array per number, instead of one object with two 96-character hex strings per step. A 512 MiB IGVM's SNP ledger
// (65,536 steps shown) as objects was ~60 MiB of short-lived 48-byte slices plus ~20 MiB of objects and strings in
// the worker, the clone of all of it, and ~21 MiB of heap in the page for as long as the result is shown. Here the
// digest columns are copies of the chain's own CONTENTS/digest bytes (6 MiB, transferred); the page rebuilds a
// `LedgerEntry` only for the rows it shows (`ledgerEntry`), with exactly the strings the objects had.
// Pure data helpers (no DOM, no worker API): used by the worker (encode) and the page (decode).
import { fromHex, toHex } from '../core/bytes/bytes';
import type { LedgerEntry } from './protocol';

/** Strings packed into one: string i is text.slice(ends[i - 1] ?? 0, ends[i]). */
export interface PackedStrings {
  text: string;
  ends: Uint32Array;
}

/** Byte strings shown as lowercase hex: entry i is toHex(bytes.subarray(ends[i - 1] ?? 0, ends[i])), '' when empty. */
export interface HexColumn {
  bytes: Uint8Array;
  ends: Uint32Array;
}

/** The ledger of one measurement; index i of each column is step i. */
export interface LedgerColumns {
  length: number;
  gpa: PackedStrings;
  pageType: PackedStrings;
  source: PackedStrings;
  /** -1 where the step has no header index. */
  headerIndex: Int32Array;
  /** NaN where the step has no header offset (a file offset is below 2^53). */
  headerOffset: Float64Array;
  contentHash: HexColumn;
  running: HexColumn;
}

/** Builds a PackedStrings column one string at a time. */
export class StringPacker {
  private readonly parts: string[] = [];
  private readonly ends: Uint32Array;
  private at = 0;
  private n = 0;
  constructor(count: number) {
    this.ends = new Uint32Array(count);
  }
  add(s: string): void {
    if (s) this.parts.push(s);
    this.at += s.length;
    this.ends[this.n++] = this.at;
  }
  done(): PackedStrings {
    if (this.n !== this.ends.length) throw new RangeError(`packed ${this.n} of ${this.ends.length} strings`);
    return { text: this.parts.join(''), ends: this.ends };
  }
}

export function packedAt(p: PackedStrings, i: number): string {
  return p.text.slice(i === 0 ? 0 : p.ends[i - 1]!, p.ends[i]!);
}

export function hexAt(c: HexColumn, i: number): string {
  return toHex(c.bytes.subarray(i === 0 ? 0 : c.ends[i - 1]!, c.ends[i]!));
}

/**
 * A hex column of strings. Only what it gives back unchanged is taken (lowercase hex of whole bytes): anything else
 * throws rather than show the page a different string than the worker computed.
 */
export function hexColumn(hex: readonly string[]): HexColumn {
  const parts = hex.map((h) => {
    const b = fromHex(h);
    if (toHex(b) !== h) throw new RangeError(`not lowercase hex of whole bytes: ${h.slice(0, 40)}`);
    return b;
  });
  return bytesColumn(parts);
}

/**
 * A hex column straight from digest bytes (copied): entry i shows as toHex(parts[i]), '' where it is absent or
 * empty. The same column hexColumn makes of those bytes' hex strings, without building and re-parsing the strings.
 */
export function bytesColumn(parts: readonly (Uint8Array | undefined)[]): HexColumn {
  const ends = new Uint32Array(parts.length);
  let at = 0;
  for (let i = 0; i < parts.length; i++) ends[i] = at += parts[i]?.length ?? 0;
  const bytes = new Uint8Array(at);
  for (let i = 0; i < parts.length; i++) {
    const b = parts[i];
    if (b?.length) bytes.set(b, ends[i]! - b.length);
  }
  return { bytes, ends };
}

/** A ledger step whose digests are bytes (absent: no digest), as a firmware's classic ledger has them. */
export type ByteLedgerEntry = Omit<LedgerEntry, 'contentHash' | 'running'> & { contentHash?: Uint8Array; running?: Uint8Array };

/**
 * Columns of entries whose digests are bytes (the classic firmware ledgers, ~1k steps per OVMF measurement): the
 * same columns as ledgerColumns over those entries with toHex digests, without one toHex and one fromHex per digest
 * (issue 16: the hex round trip was about a third of a re-measurement's time in a CPU profile).
 */
export function byteLedgerColumns(entries: readonly ByteLedgerEntry[]): LedgerColumns {
  return columnsOf(
    entries,
    bytesColumn(entries.map((e) => e.contentHash)),
    bytesColumn(entries.map((e) => e.running)),
  );
}

/** Columns of existing entries (TDX and VBS ledgers, a withheld result: a few hundred steps at most). */
export function ledgerColumns(entries: readonly LedgerEntry[]): LedgerColumns {
  return columnsOf(
    entries,
    hexColumn(entries.map((e) => e.contentHash)),
    hexColumn(entries.map((e) => e.running)),
  );
}

function columnsOf(
  entries: readonly Omit<LedgerEntry, 'contentHash' | 'running'>[],
  contentHash: HexColumn,
  running: HexColumn,
): LedgerColumns {
  const n = entries.length;
  const gpa = new StringPacker(n);
  const pageType = new StringPacker(n);
  const source = new StringPacker(n);
  const headerIndex = new Int32Array(n).fill(-1);
  const headerOffset = new Float64Array(n).fill(NaN);
  entries.forEach((e, i) => {
    gpa.add(e.gpa);
    pageType.add(e.pageType);
    source.add(e.source);
    if (e.headerIndex !== undefined) headerIndex[i] = e.headerIndex;
    if (e.headerOffset !== undefined) headerOffset[i] = e.headerOffset;
  });
  return {
    length: n,
    gpa: gpa.done(),
    pageType: pageType.done(),
    source: source.done(),
    headerIndex,
    headerOffset,
    contentHash,
    running,
  };
}

/** Step i as the object the ledger used to send. */
export function ledgerEntry(l: LedgerColumns, i: number): LedgerEntry {
  if (!(i >= 0 && i < l.length)) throw new RangeError(`ledger step ${i} of ${l.length}`);
  const e: LedgerEntry = {
    gpa: packedAt(l.gpa, i),
    pageType: packedAt(l.pageType, i),
    source: packedAt(l.source, i),
    contentHash: hexAt(l.contentHash, i),
    running: hexAt(l.running, i),
  };
  const h = l.headerIndex[i]!;
  const o = l.headerOffset[i]!;
  if (h >= 0) e.headerIndex = h;
  if (!Number.isNaN(o)) e.headerOffset = o;
  return e;
}

/** Every step as objects (a receipt download, the teaching walk-through: built when asked, not kept). */
export function ledgerEntries(l: LedgerColumns): LedgerEntry[] {
  return Array.from({ length: l.length }, (_, i) => ledgerEntry(l, i));
}

/** The typed arrays of a ledger (the worker transfers them to the page instead of cloning). */
export function ledgerBuffers(l: LedgerColumns): ArrayBuffer[] {
  const arrays = [l.gpa.ends, l.pageType.ends, l.source.ends, l.headerIndex, l.headerOffset, l.contentHash.bytes, l.contentHash.ends, l.running.bytes, l.running.ends];
  return [...new Set(arrays.map((a) => a.buffer as ArrayBuffer))];
}
