// What the measurement engines read from a parsed IGVM file (src/core/igvm/types.ts): the three header lists.
// A narrow view so tests and the composer can measure a model that was never serialized.
import type { Diagnostic, Diagnostics } from '../diagnostics';
import type { IgvmFile, IgvmHeader } from '../igvm/types';
import { MAX_MEASURE_OPS } from './options';

export type MeasureSource = Pick<IgvmFile, 'platforms' | 'initialization' | 'directives'> & {
  /** Size of the file the headers were parsed from; bounds the work (WorkBudget). Absent for never-serialized models. */
  size?: number;
};

/**
 * Bytes of page content one platform's measurement may hash, for a file of `size` bytes: 2 × size + 64 MiB.
 * A launchable file stores each measured page's bytes once (4 KiB of file data per data page), so its pages fit in
 * `size`; the constant covers measured zero pages (TDX extends, VBS pages) and parameter areas, which cost a
 * 32-byte header each. Beyond it the headers describe work out of proportion to the file — PAGE_DATA records
 * aliasing one file page, a 4 GiB error range (issue 11: size fields that amplify work) — and measuring stops
 * with MEASURE_WORK_LIMIT (an error: no digest).
 */
export const HASH_BUDGET_CONSTANT = 64 * 1024 * 1024;

export function hashBudgetOf(src: MeasureSource): number {
  return src.size === undefined ? Number.POSITIVE_INFINITY : 2 * src.size + HASH_BUDGET_CONSTANT;
}

/** Counts the page bytes an engine hashes against hashBudgetOf(src); `take` is false once the budget is spent. */
export class WorkBudget {
  private left: number;
  private reported = false;
  constructor(src: MeasureSource) {
    this.left = hashBudgetOf(src);
  }
  take(bytes: number, h: { index: number; offset: number }, diags: Diagnostics): boolean {
    this.left -= bytes;
    if (this.left >= 0) return true;
    if (!this.reported)
      diags.error(
        'MEASURE_WORK_LIMIT',
        `the headers up to here make the measurement hash more than 2 × the file size + ${HASH_BUDGET_CONSTANT / 2 ** 20} MiB of pages (aliased file data or amplifying sizes); measurement stopped`,
        { index: h.index, offset: h.offset, spec: 'igvm-format §14' },
      );
    this.reported = true;
    return false;
  }
}

/**
 * Most pages one PARAMETER_INSERT or ERROR_RANGE is measured as: 2^12 pages = 16 MiB. Loaders fill parameter areas
 * with a few KiB of tables (memory map, MADT, SRAT, command line, device tree; the corpus's largest is 3 pages); a
 * 112-byte file declaring a 2^63-byte area made 2^19 operations and a 1.6 GiB ledger (issue 11). Past it:
 * MEASURE_SIZE_TOO_LARGE (an error: no digest).
 */
export const MAX_RANGE_PAGES = 1 << 12;

/** Pages covered by a parameter area or range of `bytes`, capped so a hostile size cannot stall the engine. */
export function pagesOf(bytes: bigint | number, h: IgvmHeader, diags: Diagnostics, spec: string): number {
  const n = (BigInt(bytes) + 4095n) / 4096n;
  const max = Math.min(MAX_RANGE_PAGES, MAX_MEASURE_OPS);
  if (n > BigInt(max)) {
    diags.error(
      'MEASURE_SIZE_TOO_LARGE',
      `size 0x${BigInt(bytes).toString(16)} covers more than ${max} pages; capped`,
      {
        index: h.index,
        offset: h.offset,
        spec,
      },
    );
    return max;
  }
  return Number(n);
}

/** Records PARAMETER_AREA sizes by index (§7.4); a repeated index is reported. */
export class ParameterAreas {
  private readonly sizes = new Map<number, bigint>();
  declare(index: number, size: bigint, h: IgvmHeader, diags: Diagnostics): void {
    if (this.sizes.has(index))
      diags.warning('MEASURE_PARAMETER_AREA_REPEATED', `parameter area index ${index} declared twice`, {
        index: h.index,
        offset: h.offset,
        spec: 'igvm-format §10',
      });
    this.sizes.set(index, size);
  }
  size(index: number, h: IgvmHeader, diags: Diagnostics): bigint {
    const s = this.sizes.get(index);
    if (s === undefined) {
      diags.error(
        'MEASURE_PARAMETER_AREA_UNKNOWN',
        `PARAMETER_INSERT of undeclared area index ${index}; measured as one page`,
        {
          index: h.index,
          offset: h.offset,
          spec: 'igvm-format §10',
        },
      );
      return 4096n;
    }
    return s;
  }
}

/** Errors with which an engine stops or caps a measurement that would cost more than the file warrants. */
const WORK_REFUSALS = new Set(['MEASURE_TOO_MANY_OPS', 'MEASURE_WORK_LIMIT', 'MEASURE_SIZE_TOO_LARGE']);

/**
 * Operations a refused measurement still hashes: enough for the ledger to show where the file goes wrong. A refused
 * measurement was already truncated and its digest is withheld (an error diagnostic), but hashing its 2^19 operations
 * cost the worker ~7 s in JavaScript SHA-384 (igvmmeasure profile, 4096 2 MiB pages; issue 11).
 */
export const REFUSED_PREFIX_OPS = 1024;

/** `ops`, cut to REFUSED_PREFIX_OPS when `diagnostics` refuse the work (an info diagnostic says so). */
export function trimRefused<T>(ops: T[], diagnostics: readonly Diagnostic[]): { ops: T[]; diagnostics: Diagnostic[] } {
  if (ops.length <= REFUSED_PREFIX_OPS || !diagnostics.some((d) => d.severity === 'error' && WORK_REFUSALS.has(d.code)))
    return { ops, diagnostics: [...diagnostics] };
  return {
    ops: ops.slice(0, REFUSED_PREFIX_OPS),
    diagnostics: [
      ...diagnostics,
      {
        severity: 'info',
        code: 'MEASURE_REFUSED_PREFIX',
        message: `the measurement is refused: only its first ${REFUSED_PREFIX_OPS} of ${ops.length} operations are hashed, for the ledger (no digest)`,
      },
    ],
  };
}
