// Field tables: one declaration per binary structure (name, offset, width, decoder) that drives parsing, the
// reserved-must-be-zero checks and the UI's field rows with byte offsets (issue 12 item 1; as vmsa/layout.ts does
// for the VMSA). A structure is decoded from a table in one call; each decoded field keeps its absolute file offset.
import { toHex, u16, u16be, u32, u64 } from '../bytes/bytes';

export type FieldKind = 'u8' | 'u16' | 'u16be' | 'u32' | 'u64' | 'bytes';

export interface FieldDef {
  /** Stable snake_case name (the JSON key and the UI label). */
  name: string;
  /** Byte offset inside the structure. */
  offset: number;
  /** Width in bytes (implied for the integer kinds). */
  size: number;
  kind: FieldKind;
  /** Reserved bytes that the spec says must be zero (checked by `reservedNonZero`). */
  reserved?: boolean;
  /** One-line meaning shown beside the value. */
  doc?: string;
}

export type FieldValue = number | bigint | Uint8Array;

export interface DecodedField {
  name: string;
  /** Absolute offset in the input (structure base + field offset). */
  offset: number;
  length: number;
  kind: FieldKind;
  value: FieldValue;
  /** Hex text: integers as 0x…, byte strings as plain lowercase hex in file order. */
  hex: string;
  reserved?: boolean;
  doc?: string;
}

const WIDTH: Record<Exclude<FieldKind, 'bytes'>, number> = { u8: 1, u16: 2, u16be: 2, u32: 4, u64: 8 };

export const u8f = (name: string, offset: number, doc?: string): FieldDef => ({ name, offset, size: 1, kind: 'u8', doc });
export const u16f = (name: string, offset: number, doc?: string): FieldDef => ({ name, offset, size: 2, kind: 'u16', doc });
export const u32f = (name: string, offset: number, doc?: string): FieldDef => ({ name, offset, size: 4, kind: 'u32', doc });
export const u64f = (name: string, offset: number, doc?: string): FieldDef => ({ name, offset, size: 8, kind: 'u64', doc });
export const bytesf = (name: string, offset: number, size: number, doc?: string): FieldDef => ({ name, offset, size, kind: 'bytes', doc });
export const reservedf = (name: string, offset: number, size: number): FieldDef => ({
  name,
  offset,
  size,
  kind: 'bytes',
  reserved: true,
  doc: 'reserved, must be zero',
});

/** Total size of a table (end of its last field). */
export function tableSize(table: readonly FieldDef[]): number {
  let end = 0;
  for (const f of table) end = Math.max(end, f.offset + f.size);
  return end;
}

/** Throws at module load if a table's fields overlap or an integer field has the wrong width (a declaration bug). */
export function checkTable(name: string, table: readonly FieldDef[]): readonly FieldDef[] {
  const sorted = [...table].sort((a, b) => a.offset - b.offset);
  for (let i = 0; i < sorted.length; i++) {
    const f = sorted[i]!;
    if (f.kind !== 'bytes' && WIDTH[f.kind] !== f.size) throw new Error(`${name}.${f.name}: width ${f.size} ≠ ${f.kind}`);
    const next = sorted[i + 1];
    if (next && f.offset + f.size > next.offset) throw new Error(`${name}: ${f.name} overlaps ${next.name}`);
  }
  return table;
}

export function readField(b: Uint8Array, base: number, f: FieldDef): FieldValue {
  const o = base + f.offset;
  switch (f.kind) {
    case 'u8':
      return b[o]!;
    case 'u16':
      return u16(b, o);
    case 'u16be':
      return u16be(b, o);
    case 'u32':
      return u32(b, o);
    case 'u64':
      return u64(b, o);
    case 'bytes':
      return b.slice(o, o + f.size);
  }
}

export function fieldHex(v: FieldValue): string {
  return v instanceof Uint8Array ? toHex(v) : `0x${v.toString(16)}`;
}

/**
 * Decodes every field of `table` at `base`. The caller has checked that `base + tableSize(table)` is in bounds;
 * `fileBase` is added to the offsets reported (the structure's position in the original input).
 */
export function decodeTable(b: Uint8Array, base: number, table: readonly FieldDef[], fileBase = base): DecodedField[] {
  return table.map((f) => {
    const value = readField(b, base, f);
    return {
      name: f.name,
      offset: fileBase + f.offset,
      length: f.size,
      kind: f.kind,
      value,
      hex: fieldHex(value),
      ...(f.reserved ? { reserved: true } : {}),
      ...(f.doc ? { doc: f.doc } : {}),
    };
  });
}

/** Reserved fields that are not all zero. */
export function reservedNonZero(fields: readonly DecodedField[]): DecodedField[] {
  return fields.filter((f) => f.reserved && f.value instanceof Uint8Array && f.value.some((x) => x !== 0));
}

/** The decoded fields by name. */
export function byName(fields: readonly DecodedField[]): Map<string, DecodedField> {
  return new Map(fields.map((f) => [f.name, f]));
}

/** Names of the set bits of `v` per a bit table; unnamed set bits come out as `bit N`. */
export function namedBits(v: bigint | number, names: Readonly<Record<number, string>>, width = 64): string[] {
  const x = BigInt(v);
  const out: string[] = [];
  for (let i = 0; i < width; i++) if ((x >> BigInt(i)) & 1n) out.push(names[i] ?? `bit ${i}`);
  return out;
}

/**
 * value → name of a `{ NAME: value }` constant table: the table is the one declaration, its reverse map is derived
 * (names for display, `undefined` for a value the table does not know).
 */
export function enumNames<const T extends Readonly<Record<string, number>>>(table: T): Readonly<Record<number, keyof T & string>> {
  return Object.fromEntries(Object.entries(table).map(([k, v]) => [v, k])) as Record<number, keyof T & string>;
}
