// diffVmsa: which named registers (and reserved bytes) differ between two VMSA pages — the usual first question when
// a predicted SNP digest does not match (e.g. an IGVM VP context against the classic KVM VMSA, igvm-format §8.1).
import { decodeVmsa, type VmsaField } from './decode';

export interface VmsaFieldDifference {
  name: string;
  offset: number;
  length: number;
  a: VmsaField['value'];
  b: VmsaField['value'];
}

export interface VmsaDiff {
  fields: VmsaFieldDifference[];
  /** Offsets of differing bytes that belong to no named field. */
  reservedOffsets: number[];
  equal: boolean;
}

export function diffVmsa(a: Uint8Array, b: Uint8Array): VmsaDiff {
  const da = decodeVmsa(a);
  const db = decodeVmsa(b);
  const fields: VmsaFieldDifference[] = [];
  const named = new Uint8Array(4096);
  da.fields.forEach((fa, i) => {
    named.fill(1, fa.offset, fa.offset + fa.length);
    let differs = false;
    for (let k = fa.offset; k < fa.offset + fa.length; k++) if ((a[k] ?? 0) !== (b[k] ?? 0)) differs = true;
    if (differs)
      fields.push({
        name: fa.name,
        offset: fa.offset,
        length: fa.length,
        a: fa.value,
        b: db.fields[i]!.value,
      });
  });
  const reservedOffsets: number[] = [];
  for (let k = 0; k < 4096; k++) if (!named[k] && (a[k] ?? 0) !== (b[k] ?? 0)) reservedOffsets.push(k);
  return { fields, reservedOffsets, equal: fields.length === 0 && reservedOffsets.length === 0 };
}
