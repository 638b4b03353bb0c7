// IGVM directives → Microsoft VBS boot digest (igvm-format-and-measurement.md §14.5): chained SHA-256 over
// GPA-page and VP-register records; VP registers are deferred to after all directives.
import { put16, put32, put64, type Bytes } from '../bytes/bytes';
import { Diagnostics, type Diagnostic } from '../diagnostics';
import { defaultHash, type HashBackend } from '../hash/hash';
import {
  IGVM_PAGE_DATA_TYPE,
  IGVM_PAGE_FLAG,
  type IgvmHeader,
  type IgvmSupportedPlatform,
  appliesTo,
} from '../igvm/types';
import type { LedgerEntry } from './ledger';
import { MAX_MEASURE_OPS } from './options';
import { pagesOf, ParameterAreas, trimRefused, WorkBudget, type MeasureSource } from './source';

/** Chunk types and sizes (§14.5). */
const CHUNK_VP_REGISTER = 0;
const CHUNK_VP_GPA_PAGE = 2;
const GPA_PAGE_RECORD = 32 + 4096; // header 16 ‖ metadata 8 ‖ page_number 8 ‖ page
const REGISTER_RECORD = 48;
/** GPA page metadata bits: 0–1 acceptance (1 readable, 2 writable), 2 data_unmeasured. */
const META_UNMEASURED = 4;
const META_READ_WRITE = 3;
const VBS_DIGEST_LENGTH = 32;

export type VbsOp =
  | { kind: 'page'; header: number; offset: number; gpa: bigint; metadata: number; data?: Uint8Array }
  | { kind: 'register'; header: number; offset: number; vtl: number; name: number; value: Uint8Array };

export function vbsOps(
  src: MeasureSource,
  platform: IgvmSupportedPlatform,
): { ops: VbsOp[]; diagnostics: Diagnostic[] } {
  const diags = new Diagnostics();
  const mask = platform.compatibilityMask;
  const ops: VbsOp[] = [];
  const registers: VbsOp[] = [];
  const areas = new ParameterAreas();
  // Every VBS page record carries the whole page (§14.5): each one costs a 4 KiB SHA-256, zero page or not.
  const budget = new WorkBudget(src);
  let stopped = false;
  const zeroPages = (h: IgvmHeader, gpa: bigint, n: number, metadata: number): void => {
    for (let k = 0; k < n && ops.length < MAX_MEASURE_OPS; k++) {
      if (!budget.take(4096, h, diags)) {
        stopped = true;
        return;
      }
      ops.push({ kind: 'page', header: h.index, offset: h.offset, gpa: gpa + BigInt(k) * 4096n, metadata });
    }
  };
  for (const h of src.directives) {
    if (stopped) break;
    if (h.kind === 'ParameterArea') {
      areas.declare(h.parameterAreaIndex, h.numberOfBytes, h, diags);
      continue;
    }
    if (!appliesTo(h, mask, 'contains')) continue;
    switch (h.kind) {
      case 'PageData': {
        if (h.dataType !== IGVM_PAGE_DATA_TYPE.NORMAL)
          diags.error(
            'VBS_PAGE_DATA_TYPE',
            `VBS measures NORMAL pages only (the igvm crate asserts); type ${h.dataType} measured as data`,
            {
              index: h.index,
              offset: h.offset,
              spec: 'igvm-format §14.5',
            },
          );
        if ((h.flags & IGVM_PAGE_FLAG.SHARED) !== 0) break;
        const unmeasured = (h.flags & IGVM_PAGE_FLAG.UNMEASURED) !== 0;
        if (!budget.take(4096, h, diags)) {
          stopped = true;
          break;
        }
        ops.push({
          kind: 'page',
          header: h.index,
          offset: h.offset,
          gpa: h.gpa,
          metadata: unmeasured ? META_UNMEASURED : 0,
          data: unmeasured ? undefined : h.data,
        });
        break;
      }
      case 'ParameterInsert':
        zeroPages(
          h,
          h.gpa,
          pagesOf(areas.size(h.parameterAreaIndex, h, diags), h, diags, 'igvm-format §14.5'),
          META_UNMEASURED,
        );
        break;
      case 'ErrorRange':
        zeroPages(
          h,
          h.gpa,
          pagesOf(h.sizeBytes, h, diags, 'igvm-format §14.5'),
          META_READ_WRITE | META_UNMEASURED,
        );
        break;
      case 'X64VbsVpContext':
      case 'AArch64VbsVpContext':
        for (const r of h.registers)
          registers.push({
            kind: 'register',
            header: h.index,
            offset: h.offset,
            vtl: h.vtl,
            name: r.name,
            value: r.value,
          });
        break;
      default:
        break;
    }
  }
  const t = trimRefused(ops, diags.done());
  return { ops: [...t.ops, ...registers], diagnostics: t.diagnostics };
}

export interface VbsResult {
  digest: Bytes;
  ledger?: LedgerEntry[];
}

/** Chained SHA-256: digest := SHA256(digest ‖ record), from 32 zero bytes. Record buffers are reused. */
export function vbsDigestOfOps(
  ops: readonly VbsOp[],
  hash: HashBackend = defaultHash(),
  withLedger = false,
): VbsResult {
  const D = VBS_DIGEST_LENGTH;
  const pageBuf = new Uint8Array(D + GPA_PAGE_RECORD);
  put32(pageBuf, D, GPA_PAGE_RECORD);
  put32(pageBuf, D + 4, CHUNK_VP_GPA_PAGE);
  const regBuf = new Uint8Array(D + REGISTER_RECORD);
  put32(regBuf, D, REGISTER_RECORD);
  put32(regBuf, D + 4, CHUNK_VP_REGISTER);
  let digest: Bytes = new Uint8Array(D);
  const ledger: LedgerEntry[] | undefined = withLedger ? [] : undefined;
  ops.forEach((op, step) => {
    let buf: Uint8Array;
    if (op.kind === 'page') {
      buf = pageBuf;
      put64(buf, D + 16, BigInt(op.metadata));
      put64(buf, D + 24, op.gpa / 4096n);
      const page = buf.subarray(D + 32);
      page.fill(0);
      if (op.data) page.set(op.data.subarray(0, 4096));
    } else {
      buf = regBuf;
      // header 16 ‖ u32 0 ‖ u8 vtl ‖ u8 0 ‖ u16 0 ‖ u32 0 ‖ u32 name ‖ value[16] (§14.5)
      buf.fill(0, D + 16);
      buf[D + 20] = op.vtl;
      put16(buf, D + 22, 0);
      put32(buf, D + 28, op.name);
      buf.set(op.value.subarray(0, 16), D + 32);
    }
    buf.set(digest, 0);
    digest = hash.digest('sha256', buf);
    ledger?.push({
      step,
      header: op.header,
      offset: op.offset,
      gpa: op.kind === 'page' ? op.gpa : 0n,
      type:
        op.kind === 'page'
          ? op.metadata & META_UNMEASURED
            ? 'GPA_PAGE_UNMEASURED'
            : 'GPA_PAGE'
          : 'VP_REGISTER',
      value: digest,
    });
  });
  return { digest, ledger };
}
