// The measurement ledger: one entry per measured operation, coalescible into runs, exportable as JSON
// (igvm-format-and-measurement.md §14; runs follow igvmmeasure's `--verbose` coalescing, §16.4, plus header adjacency).
import { toHex, type Bytes } from '../bytes/bytes';

export interface LedgerEntry {
  /** 0-based position in the platform's operation list. */
  step: number;
  /** Index of the source header among all variable headers of the file (file order). */
  header: number;
  /** File offset of the source header's record. */
  offset: number;
  gpa: bigint;
  /** Operation type, e.g. NORMAL, VMSA, UNMEASURED (SNP), PAGE.ADD (TDX), GPA_PAGE / VP_REGISTER (VBS). */
  type: string;
  /** SHA-384 (SNP) of the page, when the operation hashes page contents. */
  contentHash?: Bytes;
  /** Running value after this step, for chained algorithms (SNP, VBS). */
  value?: Bytes;
  /**
   * Steps this entry stands for (compactLedger), default 1: `count` identical consecutive steps at consecutive
   * pages from `gpa`, from headers `header`..`lastHeader` (consecutive; `offset` is the first one's); `value` is
   * the running value after the last of them.
   */
  count?: number;
  lastHeader?: number;
}

export interface LedgerRun {
  firstStep: number;
  count: number;
  firstHeader: number;
  lastHeader: number;
  gpa: bigint;
  /** count × 4096 for page operations. */
  bytes: number;
  type: string;
  /** Running value after the run's last step, when the algorithm has one. */
  value?: Bytes;
}

const PAGE = 4096n;

/**
 * Coalesces entries into runs: same type, contiguous GPAs and (unless `sameHeaders` is false, as in igvmmeasure's
 * verbose log) same or consecutive source headers.
 */
export function coalesceLedger(entries: Iterable<LedgerEntry>, sameHeaders = true): LedgerRun[] {
  const runs: LedgerRun[] = [];
  let run: LedgerRun | undefined;
  for (const e of entries) {
    const n = e.count ?? 1;
    const contiguous =
      run !== undefined &&
      e.type === run.type &&
      e.gpa === run.gpa + BigInt(run.count) * PAGE &&
      (!sameHeaders || e.header === run.lastHeader || e.header === run.lastHeader + 1);
    if (run && contiguous) {
      run.count += n;
      run.bytes += 4096 * n;
      run.lastHeader = e.lastHeader ?? e.header;
      run.value = e.value;
      continue;
    }
    run = {
      firstStep: e.step,
      count: n,
      firstHeader: e.header,
      lastHeader: e.lastHeader ?? e.header,
      gpa: e.gpa,
      bytes: 4096 * n,
      type: e.type,
      value: e.value,
    };
    runs.push(run);
  }
  return runs;
}

/**
 * One entry per run of identical consecutive steps (same or next header, same type and content hash, next page,
 * next step)
 * instead of one per page, so a 2^63-byte parameter area or a 2 MiB page costs one entry, not 2^19 (issue 11).
 * Takes any iterable, so an engine can hand its steps over one at a time without building the long list.
 */
export function compactLedger(entries: Iterable<LedgerEntry>): LedgerEntry[] {
  return Array.from(compactLedgerSteps(entries));
}

/** compactLedger one entry at a time (for streaming output: no list of all entries is kept). */
export function* compactLedgerSteps(entries: Iterable<LedgerEntry>): Generator<LedgerEntry> {
  let last: LedgerEntry | undefined;
  for (const e of entries) {
    const n = last?.count ?? 1;
    const lastHeader = last?.lastHeader ?? last?.header;
    if (
      last &&
      (e.header === lastHeader || e.header === lastHeader! + 1) &&
      e.type === last.type &&
      e.step === last.step + n &&
      e.gpa === last.gpa + BigInt(n) * PAGE &&
      sameBytes(e.contentHash, last.contentHash)
    ) {
      last.count = n + (e.count ?? 1);
      last.value = e.value;
      const eLast = e.lastHeader ?? e.header;
      if (eLast !== last.header) last.lastHeader = eLast;
      continue;
    }
    if (last) yield last;
    last = { ...e };
  }
  if (last) yield last;
}

function sameBytes(a: Bytes | undefined, b: Bytes | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Plain JSON-ready objects: GPAs as 0x hex, hashes as lowercase hex. */
export function ledgerToJson(entries: Iterable<LedgerEntry>): Record<string, string | number>[] {
  return Array.from(ledgerJsonSteps(entries));
}

/** ledgerToJson one entry at a time. */
export function* ledgerJsonSteps(entries: Iterable<LedgerEntry>): Generator<Record<string, string | number>> {
  for (const e of entries) yield ledgerEntryJson(e);
}

function ledgerEntryJson(e: LedgerEntry): Record<string, string | number> {
  const o: Record<string, string | number> = {
    step: e.step,
    header: e.header,
    offset: e.offset,
    gpa: '0x' + e.gpa.toString(16),
    type: e.type,
  };
  if (e.contentHash) o.contentHash = toHex(e.contentHash);
  if (e.value) o.value = toHex(e.value);
  if (e.count !== undefined && e.count !== 1) o.count = e.count;
  return o;
}
