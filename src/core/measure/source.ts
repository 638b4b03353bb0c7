// What the measurement engines read from a parsed IGVM file (src/core/igvm/types.ts): the three header lists.
// A narrow view so tests and the composer can measure a model that was never serialized.
import type { Diagnostics } from '../diagnostics';
import type { IgvmFile, IgvmHeader } from '../igvm/types';
import { MAX_MEASURE_OPS } from './options';

export type MeasureSource = Pick<IgvmFile, 'platforms' | 'initialization' | 'directives'>;


/** Pages covered by a parameter area or range of `bytes`, capped so a hostile size cannot stall the engine. */
export function pagesOf(bytes: bigint | number, h: IgvmHeader, diags: Diagnostics, spec: string): number {
  const n = (BigInt(bytes) + 4095n) / 4096n;
  if (n > BigInt(MAX_MEASURE_OPS)) {
    diags.error('MEASURE_SIZE_TOO_LARGE', `size 0x${BigInt(bytes).toString(16)} covers more than ${MAX_MEASURE_OPS} pages; capped`, {
      index: h.index,
      offset: h.offset,
      spec,
    });
    return MAX_MEASURE_OPS;
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
      diags.error('MEASURE_PARAMETER_AREA_UNKNOWN', `PARAMETER_INSERT of undeclared area index ${index}; measured as one page`, {
        index: h.index,
        offset: h.offset,
        spec: 'igvm-format §10',
      });
      return 4096n;
    }
    return s;
  }
}
