// igvmPageMap: the guest-physical layout one platform sees, as sorted, coalesced runs of 4 KiB pages with the
// headers behind each run (§7.1–§7.8, §9). Required-memory ranges are reported as runs too and may overlap pages.
import { IGVM_PAGE_DATA_TYPE, IGVM_PAGE_FLAG, appliesTo, type IgvmFile, type IgvmPageData } from './types';
import { appendAll } from '../append';

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
  return h.data === undefined ? 'zero' : 'normal';
}

const PAGE = 4096n;

export function igvmPageMap(file: IgvmFile, compatibilityMask: number): IgvmPageRun[] {
  const raw: IgvmPageRun[] = [];
  const push = (gpa: bigint, pages: number, kind: IgvmPageKind, index: number) => {
    if (pages > 0) raw.push({ gpa, pages, kind, headerIndices: [index] });
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
  raw.sort((a, b) => (a.gpa < b.gpa ? -1 : a.gpa > b.gpa ? 1 : a.headerIndices[0]! - b.headerIndices[0]!));
  const runs: IgvmPageRun[] = [];
  for (const r of raw) {
    const last = runs[runs.length - 1];
    if (last && last.kind === r.kind && last.gpa + BigInt(last.pages) * PAGE === r.gpa) {
      last.pages += r.pages;
      appendAll(last.headerIndices, r.headerIndices);
    } else runs.push(r);
  }
  return runs;
}
