// IGVM directives → TDX MRTD (igvm-format-and-measurement.md §14.4): one SHA-384 stream over MEM.PAGE.ADD and
// MR.EXTEND records, in single-pass (RS-MEAS) or two-pass page order.
import { put64, type Bytes } from '../bytes/bytes';
import { Diagnostics, type Diagnostic } from '../diagnostics';
import { defaultHash, type HashBackend } from '../hash/hash';
import { IGVM_PAGE_FLAG, type IgvmSupportedPlatform, appliesTo } from '../igvm/types';
import type { LedgerEntry } from './ledger';
import { MAX_MEASURE_OPS, type TdxOrder } from './options';
import { pagesOf, ParameterAreas, trimRefused, WorkBudget, type MeasureSource } from './source';
import { memPageAddRecord, mrExtendRecord, TDX_EXTEND_CHUNK } from './tdx-records';

export interface TdxOp {
  header: number;
  offset: number;
  gpa: bigint;
  /** false: MEM.PAGE.ADD only (unmeasured pages, parameter inserts). */
  extend: boolean;
  /** Page bytes (view, up to 4096); undefined = zeros. */
  data?: Uint8Array;
}

export function tdxOps(
  src: MeasureSource,
  platform: IgvmSupportedPlatform,
): { ops: TdxOp[]; diagnostics: Diagnostic[] } {
  const diags = new Diagnostics();
  const mask = platform.compatibilityMask;
  const ops: TdxOp[] = [];
  const areas = new ParameterAreas();
  const budget = new WorkBudget(src);
  for (const h of src.directives) {
    if (ops.length >= MAX_MEASURE_OPS) {
      diags.error(
        'MEASURE_TOO_MANY_OPS',
        `more than ${MAX_MEASURE_OPS} page operations; measurement truncated`,
        { index: h.index },
      );
      break;
    }
    if (h.kind === 'ParameterArea') {
      areas.declare(h.parameterAreaIndex, h.numberOfBytes, h, diags);
      continue;
    }
    if (!appliesTo(h, mask, 'contains')) continue;
    if (h.kind === 'PageData') {
      // data_type is ignored for TDX; shared pages are skipped (§14.4).
      if ((h.flags & IGVM_PAGE_FLAG.SHARED) !== 0) continue;
      const extend = (h.flags & IGVM_PAGE_FLAG.UNMEASURED) === 0;
      // MR.EXTEND hashes the whole page, zero or not (§14.4).
      if (extend && !budget.take(4096, h, diags)) break;
      ops.push({ header: h.index, offset: h.offset, gpa: h.gpa, extend, data: extend ? h.data : undefined });
    } else if (h.kind === 'ParameterInsert') {
      const pages = pagesOf(areas.size(h.parameterAreaIndex, h, diags), h, diags, 'igvm-format §14.4');
      for (let k = 0; k < pages && ops.length < MAX_MEASURE_OPS; k++)
        ops.push({ header: h.index, offset: h.offset, gpa: h.gpa + BigInt(k) * 4096n, extend: false });
    }
  }
  return trimRefused(ops, diags.done());
}

const ZERO_PAGE = new Uint8Array(4096);

/** MRTD over `ops` in the given page order. Record buffers are reused: no allocation per page. */
export function tdxMrtdOfOps(
  ops: readonly TdxOp[],
  order: TdxOrder = 'single-pass',
  hash: HashBackend = defaultHash(),
): Bytes {
  const stream = hash.create('sha384');
  const add = memPageAddRecord(0n);
  const ext = mrExtendRecord(0n);
  const pad = new Uint8Array(4096);
  const pageAdd = (gpa: bigint): void => {
    put64(add, 16, gpa);
    stream.update(add);
  };
  const extendPage = (op: TdxOp): void => {
    let page = op.data ?? ZERO_PAGE;
    if (page.length !== 4096) {
      pad.fill(0);
      pad.set(page.subarray(0, 4096));
      page = pad;
    }
    for (let off = 0; off < 4096; off += TDX_EXTEND_CHUNK) {
      put64(ext, 16, op.gpa + BigInt(off));
      stream.update(ext);
      stream.update(page.subarray(off, off + TDX_EXTEND_CHUNK));
    }
  };
  if (order === 'single-pass') {
    for (const op of ops) {
      pageAdd(op.gpa);
      if (op.extend) extendPage(op);
    }
  } else {
    for (const op of ops) pageAdd(op.gpa);
    for (const op of ops) if (op.extend) extendPage(op);
  }
  return stream.digest();
}

export function tdxLedger(ops: readonly TdxOp[]): LedgerEntry[] {
  return ops.map((op, i) => ({
    step: i,
    header: op.header,
    offset: op.offset,
    gpa: op.gpa,
    type: op.extend ? 'PAGE.ADD+EXTEND' : 'PAGE.ADD',
  }));
}
