// decodeVmsa: the named registers of any 4 KiB SEV-ES/SNP VMSA page (classic launches, IGVM VP contexts), with
// their offsets, plus which reserved bytes are non-zero (igvm-format-and-measurement.md §8.1).
import { toHex, u16, u32, u64, u8 } from '../bytes/bytes';
import { Diagnostics, type Diagnostic } from '../diagnostics';
import { fieldSize, sevFeatureNames, VMSA_FIELDS, VMSA_SIZE, type VmsaFieldKind } from './layout';

export interface VmsaSegmentValue {
  selector: number;
  attrib: number;
  limit: number;
  base: bigint;
}

export interface VmsaField {
  name: string;
  /** Offset inside the page (add the page's own file offset for a file position). */
  offset: number;
  length: number;
  kind: VmsaFieldKind;
  value: number | bigint | VmsaSegmentValue | string;
  /** True when the field is not all zero. */
  set: boolean;
}

export interface DecodedVmsa {
  fields: VmsaField[];
  /** Convenience: the registers that are set, by name. */
  registers: Record<string, VmsaField>;
  sevFeatures: bigint;
  sevFeatureNames: string[];
  /** Non-zero bytes outside every named field: [offset, length] runs. */
  reservedNonZero: { offset: number; length: number }[];
  diagnostics: Diagnostic[];
}

function readField(b: Uint8Array, offset: number, kind: VmsaFieldKind, size: number): VmsaField['value'] {
  switch (kind) {
    case 'segment':
      return {
        selector: u16(b, offset),
        attrib: u16(b, offset + 2),
        limit: u32(b, offset + 4),
        base: u64(b, offset + 8),
      };
    case 'u8':
      return u8(b, offset);
    case 'u16':
      return u16(b, offset);
    case 'u32':
      return u32(b, offset);
    case 'u64':
      return u64(b, offset);
    case 'bytes':
      return toHex(b.subarray(offset, offset + size));
  }
}

/** `page` is read at `pageOffset`; fewer than 4096 bytes are decoded as far as they go (with an error). */
export function decodeVmsa(page: Uint8Array, pageOffset = 0): DecodedVmsa {
  const diags = new Diagnostics();
  const avail = Math.max(0, Math.min(VMSA_SIZE, page.length - pageOffset));
  if (avail < VMSA_SIZE)
    diags.error('VMSA_TRUNCATED', `a VMSA page is ${VMSA_SIZE} bytes, only ${avail} present`, {
      offset: pageOffset,
      spec: 'igvm-format §8.1',
    });
  const b = new Uint8Array(VMSA_SIZE);
  b.set(page.subarray(pageOffset, pageOffset + avail));
  const covered = new Uint8Array(VMSA_SIZE);
  const fields: VmsaField[] = [];
  const registers: Record<string, VmsaField> = {};
  for (const def of VMSA_FIELDS) {
    const length = fieldSize(def);
    covered.fill(1, def.offset, def.offset + length);
    let set = false;
    for (let i = def.offset; i < def.offset + length; i++) if (b[i] !== 0) set = true;
    const field: VmsaField = {
      name: def.name,
      offset: def.offset,
      length,
      kind: def.kind,
      value: readField(b, def.offset, def.kind, length),
      set,
    };
    fields.push(field);
    if (set) registers[def.name] = field;
  }
  const reservedNonZero: DecodedVmsa['reservedNonZero'] = [];
  for (let i = 0; i < VMSA_SIZE; i++) {
    if (covered[i] || b[i] === 0) continue;
    const last = reservedNonZero[reservedNonZero.length - 1];
    if (last && last.offset + last.length === i) last.length++;
    else reservedNonZero.push({ offset: i, length: 1 });
  }
  for (const r of reservedNonZero) {
    diags.warning(
      'VMSA_RESERVED_SET',
      `reserved VMSA bytes at 0x${r.offset.toString(16)} (+${r.length}) are not zero`,
      { offset: pageOffset + r.offset, length: r.length, spec: 'igvm-format §8.1' },
    );
  }
  const sevFeatures = u64(b, 0x3b0);
  return {
    fields,
    registers,
    sevFeatures,
    sevFeatureNames: sevFeatureNames(sevFeatures),
    reservedNonZero,
    diagnostics: diags.done(),
  };
}
