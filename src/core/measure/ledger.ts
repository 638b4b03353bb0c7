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
export function coalesceLedger(entries: readonly LedgerEntry[], sameHeaders = true): LedgerRun[] {
  const runs: LedgerRun[] = [];
  let run: LedgerRun | undefined;
  for (const e of entries) {
    const contiguous =
      run !== undefined &&
      e.type === run.type &&
      e.gpa === run.gpa + BigInt(run.count) * PAGE &&
      (!sameHeaders || e.header === run.lastHeader || e.header === run.lastHeader + 1);
    if (run && contiguous) {
      run.count++;
      run.bytes += 4096;
      run.lastHeader = e.header;
      run.value = e.value;
      continue;
    }
    run = { firstStep: e.step, count: 1, firstHeader: e.header, lastHeader: e.header, gpa: e.gpa, bytes: 4096, type: e.type, value: e.value };
    runs.push(run);
  }
  return runs;
}

/** Plain JSON-ready objects: GPAs as 0x hex, hashes as lowercase hex. */
export function ledgerToJson(entries: readonly LedgerEntry[]): Record<string, string | number>[] {
  return entries.map((e) => {
    const o: Record<string, string | number> = {
      step: e.step,
      header: e.header,
      offset: e.offset,
      gpa: '0x' + e.gpa.toString(16),
      type: e.type,
    };
    if (e.contentHash) o.contentHash = toHex(e.contentHash);
    if (e.value) o.value = toHex(e.value);
    return o;
  });
}
