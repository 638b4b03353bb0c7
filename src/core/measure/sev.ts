// igvmmeasure's SEV / SEV-ES digest (igvm-format-and-measurement.md §14.3): one SHA-256 stream over the raw data of
// every PAGE_DATA that has data (flags and types ignored) and every SnpVpContext VMSA (any mask). Tool behaviour:
// not what SEV firmware reports (that is an HMAC over policy and nonce as well).
import type { Bytes } from '../bytes/bytes';
import { defaultHash, type HashBackend } from '../hash/hash';
import { Diagnostics } from '../diagnostics';
import { appliesTo, type IgvmSupportedPlatform } from '../igvm/types';
import type { LedgerEntry } from './ledger';
import { WorkBudget, type MeasureSource } from './source';

export interface SevOp {
  header: number;
  offset: number;
  gpa: bigint;
  type: 'NORMAL' | 'VMSA';
  data: Uint8Array;
}

/** `diags` receives MEASURE_WORK_LIMIT when the pages to hash exceed the file's budget (the ops stop there). */
export function sevOps(
  src: MeasureSource,
  platform: IgvmSupportedPlatform,
  diags: Diagnostics = new Diagnostics(),
): SevOp[] {
  const ops: SevOp[] = [];
  const budget = new WorkBudget(src);
  for (const h of src.directives) {
    if ((h.kind === 'SnpVpContext' || (h.kind === 'PageData' && h.data)) && !budget.take(4096, h, diags))
      break;
    if (h.kind === 'SnpVpContext')
      ops.push({ header: h.index, offset: h.offset, gpa: h.gpa, type: 'VMSA', data: h.vmsa });
    else if (h.kind === 'PageData' && h.data && appliesTo(h, platform.compatibilityMask, 'overlaps'))
      ops.push({ header: h.index, offset: h.offset, gpa: h.gpa, type: 'NORMAL', data: h.data });
  }
  return ops;
}

export function sevDigestOfOps(ops: readonly SevOp[], hash: HashBackend = defaultHash()): Bytes {
  const s = hash.create('sha256');
  for (const op of ops) s.update(op.data);
  return s.digest();
}

export function sevLedger(ops: readonly SevOp[]): LedgerEntry[] {
  return ops.map((op, i) => ({ step: i, header: op.header, offset: op.offset, gpa: op.gpa, type: op.type }));
}
