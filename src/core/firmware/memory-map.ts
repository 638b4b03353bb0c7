// A flat GPA view of a parsed firmware image for drawing: the image itself below 4 GiB, the SEV metadata
// sections, the TDVF sections, the edk2 IGVM areas and the footer-table locations (fuki §4.2–§4.3, §5.4).
import { SEV_SECTION_NAME, type SevMetadata } from './sev-metadata';
import type { TdxMetadata } from './tdx-metadata';
import type { IgvmMetadata } from './igvm-metadata';
import type { GpaRange } from './firmware';

export type MemoryRangeSource = 'image' | 'sev-metadata' | 'tdx-metadata' | 'igvm-metadata' | 'footer-table';

export interface MemoryRange {
  gpa: bigint;
  size: bigint;
  source: MemoryRangeSource;
  /** e.g. SNP_SEC_MEM, BFV, PARAM_AREA, SEV hash table. */
  kind: string;
  /** Index of the metadata entry this range comes from, when it has one. */
  index?: number;
}

interface MapInput {
  size: number;
  baseGpa: number;
  sevMetadata: SevMetadata | undefined;
  tdxMetadata: TdxMetadata | undefined;
  igvmMetadata: IgvmMetadata | undefined;
  sevHashTable: GpaRange | undefined;
  sevSecret: GpaRange | undefined;
}

/** Ranges sorted by GPA (then by source), zero-sized entries dropped. */
export function firmwareMemoryMap(fw: MapInput): MemoryRange[] {
  const out: MemoryRange[] = [];
  if (fw.baseGpa >= 0)
    out.push({ gpa: BigInt(fw.baseGpa), size: BigInt(fw.size), source: 'image', kind: 'firmware image' });
  for (const s of fw.sevMetadata?.sections ?? []) {
    out.push({
      gpa: BigInt(s.gpa),
      size: BigInt(s.size),
      source: 'sev-metadata',
      kind: SEV_SECTION_NAME[s.type] ?? `type 0x${s.type.toString(16)}`,
      index: s.index,
    });
  }
  for (const s of fw.tdxMetadata?.sections ?? []) {
    out.push({
      gpa: s.memBase,
      size: s.memSize,
      source: 'tdx-metadata',
      kind: s.typeName ?? `type ${s.type}`,
      index: s.index,
    });
  }
  for (const e of fw.igvmMetadata?.entries ?? []) {
    if (e.isArea)
      out.push({
        gpa: BigInt(e.location),
        size: BigInt(e.size),
        source: 'igvm-metadata',
        kind: e.typeName ?? 'area',
        index: e.index,
      });
  }
  if (fw.sevSecret)
    out.push({
      gpa: BigInt(fw.sevSecret.gpa),
      size: BigInt(fw.sevSecret.size),
      source: 'footer-table',
      kind: 'SEV launch secret',
    });
  if (fw.sevHashTable)
    out.push({
      gpa: BigInt(fw.sevHashTable.gpa),
      size: BigInt(fw.sevHashTable.size),
      source: 'footer-table',
      kind: 'SEV hash table',
    });
  const order: MemoryRangeSource[] = [
    'image',
    'sev-metadata',
    'tdx-metadata',
    'igvm-metadata',
    'footer-table',
  ];
  return out
    .filter((r) => r.size > 0n)
    .sort((a, b) =>
      a.gpa < b.gpa ? -1 : a.gpa > b.gpa ? 1 : order.indexOf(a.source) - order.indexOf(b.source),
    );
}
