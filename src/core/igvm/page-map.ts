// igvmPageMap: the guest-physical layout one platform sees, as sorted, coalesced runs of 4 KiB pages with the
// headers behind each run (§7.1–§7.8, §9). Required-memory ranges are reported as runs too and may overlap pages.
import { IGVM_PAGE_DATA_TYPE, IGVM_PAGE_FLAG, appliesTo, type IgvmFile, type IgvmPageData } from './types';

export type IgvmPageKind =
  | 'normal'
  | 'zero'
  | 'unmeasured'
  | 'secrets'
  | 'cpuid'
  | 'shared'
  | 'vmsa'
  | 'parameter'
  | 'required';

export interface IgvmPageRun {
  gpa: bigint;
  /** Number of 4 KiB pages. */
  pages: number;
  kind: IgvmPageKind;
  /** Indices of the headers that make up the run, in file order. */
  headerIndices: number[];
}

export function pageKind(h: IgvmPageData): IgvmPageKind {
  if (h.flags & IGVM_PAGE_FLAG.SHARED) return 'shared';
  if (h.flags & IGVM_PAGE_FLAG.UNMEASURED) return 'unmeasured';
  if (h.dataType === IGVM_PAGE_DATA_TYPE.SECRETS) return 'secrets';
  if (h.dataType === IGVM_PAGE_DATA_TYPE.CPUID_DATA || h.dataType === IGVM_PAGE_DATA_TYPE.CPUID_XF) return 'cpuid';
  return h.data === undefined && !h.deferred ? 'zero' : 'normal';
}

const PAGE = 4096n;
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * The runs a platform's pages make: its page, VMSA, parameter and required-memory headers sorted by GPA (then file
 * order), adjacent ones of the same kind coalesced. One header per page (13.7k in the largest corpus file, 131k in a
 * 512 MiB one): the headers are kept as parallel lists (no object or BigInt per header), the sort is skipped when
 * they already rise (every builder's layout), and adjacency is tested on numbers while the addresses fit one.
 */
export function igvmPageMap(file: IgvmFile, compatibilityMask: number): IgvmPageRun[] {
  const gpas: bigint[] = [];
  const counts: number[] = [];
  const kinds: IgvmPageKind[] = [];
  const indices: number[] = [];
  let rising = true;
  const push = (gpa: bigint, pages: number, kind: IgvmPageKind, index: number) => {
    if (!(pages > 0)) return;
    const n = gpas.length;
    if (n > 0 && gpas[n - 1]! > gpa) rising = false;
    gpas.push(gpa);
    counts.push(pages);
    kinds.push(kind);
    indices.push(index);
  };
  const areaSize = new Map<number, bigint>();
  for (const h of file.directives) {
    if (h.kind === 'ParameterArea') {
      areaSize.set(h.parameterAreaIndex, h.numberOfBytes);
      continue;
    }
    if (!('compatibilityMask' in h) || !appliesTo(h, compatibilityMask)) continue;
    switch (h.kind) {
      case 'PageData':
        push(h.gpa, h.flags & IGVM_PAGE_FLAG.IS_2MB_PAGE ? 512 : 1, pageKind(h), h.index);
        break;
      case 'SnpVpContext':
        push(h.gpa, 1, 'vmsa', h.index);
        break;
      case 'ParameterInsert':
        push(h.gpa, Number((areaSize.get(h.parameterAreaIndex) ?? PAGE) / PAGE), 'parameter', h.index);
        break;
      case 'RequiredMemory':
        push(h.gpa, Math.ceil(h.numberOfBytes / 4096), 'required', h.index);
        break;
    }
  }
  // By GPA, equal GPAs in file order (the entries are in file order: a stable sort by GPA alone).
  const order = Array.from(gpas, (_, i) => i);
  if (!rising) order.sort((a, b) => (gpas[a]! < gpas[b]! ? -1 : gpas[a]! > gpas[b]! ? 1 : a - b));
  const runs: IgvmPageRun[] = [];
  let last: IgvmPageRun | undefined;
  // The current run's start as a number (NaN when it does not fit one: then the test is on bigints).
  let lastStart = NaN;
  for (const i of order) {
    const gpa = gpas[i]!;
    const pages = counts[i]!;
    const kind = kinds[i]!;
    if (last && last.kind === kind) {
      const end = lastStart + last.pages * 4096;
      const adjacent =
        end <= Number.MAX_SAFE_INTEGER && gpa <= SAFE
          ? end === Number(gpa)
          : last.gpa + BigInt(last.pages) * PAGE === gpa;
      if (adjacent) {
        last.pages += pages;
        last.headerIndices.push(indices[i]!);
        continue;
      }
    }
    last = { gpa, pages, kind, headerIndices: [indices[i]!] };
    lastStart = gpa <= SAFE ? Number(gpa) : NaN;
    runs.push(last);
  }
  return runs;
}
