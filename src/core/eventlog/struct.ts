// Declarative field tables for the fixed-layout structures of event logs (issue 12 item 1: one declaration per
// structure drives decoding and the byte offsets shown for each field, as vmsa/layout.ts does for the VMSA).
// A table lists each field's name, offset inside the structure, kind and (for byte runs and text) size; decodeStruct
// reads them all at once and returns typed values plus each field's absolute file offset and length.
import { guidToString, inBounds, u16, u32, u64, u8 } from '../bytes/bytes';

export type FieldKind = 'u8' | 'u16' | 'u32' | 'u64' | 'guid' | 'bytes' | 'ascii';

interface KindValue {
  u8: number;
  u16: number;
  u32: number;
  u64: bigint;
  guid: string;
  bytes: Uint8Array;
  ascii: string;
}

export interface FieldDef<N extends string = string, K extends FieldKind = FieldKind> {
  readonly name: N;
  readonly offset: number;
  readonly kind: K;
  /** Only for 'bytes' and 'ascii'. */
  readonly size?: number;
}

export interface StructDef<F extends readonly FieldDef[] = readonly FieldDef[]> {
  /** The structure's name in its specification, e.g. `TCG_PCR_EVENT2`. */
  readonly name: string;
  /** Bytes covered by the fixed fields (a variable tail, if any, follows). */
  readonly size: number;
  readonly spec: string;
  readonly fields: F;
}

export type StructValues<F extends readonly FieldDef[]> = {
  [E in F[number] as E['name']]: KindValue[E['kind']];
};

export interface DecodedField {
  name: string;
  /** Absolute offset in the buffer that was decoded. */
  offset: number;
  length: number;
  value: number | bigint | string | Uint8Array;
}

export interface DecodedStruct<F extends readonly FieldDef[]> {
  name: string;
  offset: number;
  length: number;
  values: StructValues<F>;
  fields: DecodedField[];
}

const FIXED: Record<Exclude<FieldKind, 'bytes' | 'ascii'>, number> = { u8: 1, u16: 2, u32: 4, u64: 8, guid: 16 };

export const fieldLength = (f: FieldDef): number =>
  f.kind === 'bytes' || f.kind === 'ascii' ? (f.size ?? 0) : FIXED[f.kind];

/** Checks a table at definition time (fields inside `size`); throws only on a programming error in a table. */
export function defineStruct<const F extends readonly FieldDef[]>(def: StructDef<F>): StructDef<F> {
  for (const f of def.fields)
    if (f.offset + fieldLength(f) > def.size) throw new Error(`${def.name}.${f.name} lies outside ${def.size} bytes`);
  return def;
}

function ascii(b: Uint8Array, o: number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) {
    const c = b[o + i]!;
    if (c === 0) break;
    s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '.';
  }
  return s;
}

/** Decodes every field of `def` at `at`; undefined when the structure does not fit in `b`. */
export function decodeStruct<F extends readonly FieldDef[]>(
  def: StructDef<F>,
  b: Uint8Array,
  at: number,
  base = 0,
): DecodedStruct<F> | undefined {
  if (!inBounds(b, at, def.size)) return undefined;
  const values: Record<string, DecodedField['value']> = {};
  const fields: DecodedField[] = [];
  for (const f of def.fields) {
    const o = at + f.offset;
    const n = fieldLength(f);
    let v: DecodedField['value'];
    switch (f.kind) {
      case 'u8':
        v = u8(b, o);
        break;
      case 'u16':
        v = u16(b, o);
        break;
      case 'u32':
        v = u32(b, o);
        break;
      case 'u64':
        v = u64(b, o);
        break;
      case 'guid':
        v = guidToString(b, o);
        break;
      case 'ascii':
        v = ascii(b, o, n);
        break;
      case 'bytes':
        v = b.subarray(o, o + n);
        break;
    }
    values[f.name] = v;
    fields.push({ name: f.name, offset: base + o, length: n, value: v });
  }
  return { name: def.name, offset: base + at, length: def.size, values: values as StructValues<F>, fields };
}
