// The machinery behind the IGVM header declarations (igvm-format §3.3, §5–§7; issue 12 item 1). Each header type is
// declared once — type value, kind, section, body size, spec section and a field table (name, offset, width) — and
// that one declaration drives the parser (decodeFields), the serializer (writeFields), the per-header checks, the
// inspector's field rows with byte offsets and their JSON (headerFields), and the model's TypeScript type
// (HeaderOf: the camelCase property of every field, typed by its width). platform.ts, initialization.ts and
// directives.ts hold the declarations, one section each.
import { put16, put32, put64, u16, u32, u64, type Bytes } from '../bytes/bytes';
import type { FieldValue } from '../fields/field-table';
import type { IgvmSection } from './constants';
import type { ParseContext } from './context';

export type IgvmFieldKind = 'u8' | 'u16' | 'u32' | 'u64' | 'bytes';

/** snake_case → camelCase, at the type level: the model property of a spec field name. */
export type Camel<S extends string> = S extends `${infer A}_${infer B}` ? `${A}${Capitalize<Camel<B>>}` : S;
const camel = (s: string): string => s.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

export interface FieldOptions {
  /**
   * Reserved: written as zero by the serializer; when `mustBeZero` the parser reports a non-zero value
   * (IGVM_RESERVED_NOT_ZERO, an error).
   */
  readonly reserved?: 'mustBeZero' | 'ignored';
  /** One-line meaning shown beside the value. */
  readonly doc?: string;
  /** The value in words for the inspector (a flag decoder, an enum name). */
  readonly text?: (v: number | bigint) => string;
}

export interface IgvmField extends FieldOptions {
  /** The spec's field name (the UI label and JSON key). */
  readonly name: string;
  /** The model property: camelCase of `name`. */
  readonly key: string;
  /** Offset inside the parent (the header body, or the enclosing sub-structure). */
  readonly offset: number;
  readonly size: number;
  readonly kind: IgvmFieldKind;
  /** A nested structure (ID block signatures and keys): decoded into an object of its own fields. */
  readonly sub?: readonly IgvmField[];
}

const WIDTH = { u8: 1, u16: 2, u32: 4, u64: 8 } as const;

function field<const N extends string, const K extends IgvmFieldKind>(
  name: N,
  offset: number,
  kind: K,
  size: number,
  opts: FieldOptions = {},
): {
  readonly name: N;
  readonly key: Camel<N>;
  readonly offset: number;
  readonly size: number;
  readonly kind: K;
} & FieldOptions {
  return { name, key: camel(name) as Camel<N>, offset, size, kind, ...opts };
}
export const u8h = <const N extends string>(name: N, offset: number, o?: FieldOptions) =>
  field(name, offset, 'u8', 1, o);
export const u16h = <const N extends string>(name: N, offset: number, o?: FieldOptions) =>
  field(name, offset, 'u16', 2, o);
export const u32h = <const N extends string>(name: N, offset: number, o?: FieldOptions) =>
  field(name, offset, 'u32', 4, o);
export const u64h = <const N extends string>(name: N, offset: number, o?: FieldOptions) =>
  field(name, offset, 'u64', 8, o);
export const bytesh = <const N extends string>(name: N, offset: number, size: number, o?: FieldOptions) =>
  field(name, offset, 'bytes', size, o);
/** A nested structure at `offset` made of `fields`. */
export const structh = <const N extends string, const F extends readonly IgvmField[]>(
  name: N,
  offset: number,
  fields: F,
) => ({
  ...field(name, offset, 'bytes', tableEnd(fields)),
  sub: fields,
});

type ValueOfKind<K> = K extends 'u64' ? bigint : K extends 'bytes' ? Uint8Array : number;
/** The model properties a field table decodes to. */
export type FieldsModel<F extends readonly IgvmField[]> = {
  -readonly [E in F[number] as E['key']]: E extends { sub: infer S extends readonly IgvmField[] }
    ? FieldsModel<S>
    : ValueOfKind<E['kind']>;
};

/** What every decoded header carries. */
export interface IgvmHeaderBase {
  kind: string;
  /** The record's `type` field (§3.1). */
  type: number;
  /** Position among all variable headers of the file, 0-based, in file order. */
  index: number;
  /** File offset of the 8-byte record header. */
  offset: number;
  /** Record size in the file: 8 + align8(bodyLength). */
  length: number;
  /** The record's `length` field (body size, not rounded). */
  bodyLength: number;
  /** The whole record as found in the file (view), for exact re-serialization of non-canonical files. */
  raw?: Uint8Array;
}

type Positional = 'type' | 'index' | 'offset' | 'length' | 'bodyLength' | 'raw';

/** Where the serializer puts file data; each call returns the blob's absolute file offset. */
export interface BlobSink {
  /** De-duplicated by content in the canonical layout (§12 step 4). */
  add(blob: Uint8Array): number;
  /** Appended as is, never de-duplicated (CoRIM payloads). */
  append(blob: Uint8Array): number;
}

/** `data` zero-padded to `size` bytes; a RangeError when it is longer (the serializer cannot write that model). */
export function padded(data: Uint8Array, size: number, what: string): Bytes {
  if (data.length > size) throw new RangeError(`${what}: ${data.length} bytes of data exceed ${size}`);
  const out = new Uint8Array(size);
  out.set(data);
  return out;
}

/** The file offset of optional data zero-padded to `size`: 0 (no data) when absent or empty. */
export function optionalBlob(
  sink: BlobSink,
  data: Uint8Array | undefined,
  size: number,
  what: string,
): number {
  return data === undefined || data.length === 0 ? 0 : sink.add(padded(data, size, what));
}

/** One IGVM variable header type, declared once. `X` are the model properties that are not body fields. */
export interface IgvmHeaderDecl<
  K extends string = string,
  F extends readonly IgvmField[] = readonly IgvmField[],
  X = unknown,
> {
  readonly kind: K;
  /** The `IGVM_VHT_*` value (§3.3). */
  readonly type: number;
  /** The spec's structure name. */
  readonly struct: string;
  readonly section: IgvmSection;
  /** igvm-format section of the structure, e.g. '7.9' (its diagnostics cite `igvm-format §7.9`). */
  readonly specSection: string;
  /** The record's `length` (body size) every such header must have (§3.3). */
  readonly bodySize: number;
  readonly fields: F;
  /** Per-header checks and file-data reads, after the fields are decoded (may set the `X` properties). */
  readonly finish?: (h: IgvmHeaderBase & { kind: K } & FieldsModel<F> & X, ctx: ParseContext) => void;
  /** Field values the serializer computes instead of taking from the model (file offsets of data, sizes). */
  readonly encode?: (
    h: Omit<{ kind: K } & FieldsModel<F> & X, Positional>,
    data: BlobSink,
  ) => Readonly<Record<string, number | bigint>>;
}

/** The decoded model of a declared header type. */
export type HeaderOf<D> =
  D extends IgvmHeaderDecl<infer K, infer F, infer X>
    ? IgvmHeaderBase & { kind: K } & FieldsModel<F> & X
    : never;

/**
 * Declares a header type. Curried so the extra model properties can be named while the rest is inferred:
 * `igvmHeader<{ data?: Uint8Array }>()({ … })`. Throws at module load when the table is malformed (a field past the
 * body, overlapping fields, an integer of the wrong width).
 */
export function igvmHeader<X = unknown>() {
  return <const K extends string, const F extends readonly IgvmField[]>(
    d: IgvmHeaderDecl<K, F, X>,
  ): IgvmHeaderDecl<K, F, X> => {
    checkFields(d.kind, d.fields, d.bodySize);
    return d;
  };
}

function tableEnd(fields: readonly IgvmField[]): number {
  let end = 0;
  for (const f of fields) end = Math.max(end, f.offset + f.size);
  return end;
}

function checkFields(what: string, fields: readonly IgvmField[], size: number): void {
  const sorted = [...fields].sort((a, b) => a.offset - b.offset);
  let end = 0;
  for (const f of sorted) {
    if (f.kind !== 'bytes' && WIDTH[f.kind] !== f.size)
      throw new Error(`${what}.${f.name}: width ${f.size} ≠ ${f.kind}`);
    if (f.offset < end) throw new Error(`${what}: ${f.name} overlaps the field before it`);
    end = f.offset + f.size;
    if (f.sub) checkFields(`${what}.${f.name}`, f.sub, f.size);
  }
  if (end > size) throw new Error(`${what}: fields end at ${end}, past the ${size}-byte body`);
}

/** Decodes `fields` at `at` into `o` (byte fields are views of `b`, not copies). */
export function decodeFields(
  o: Record<string, unknown>,
  b: Uint8Array,
  at: number,
  fields: readonly IgvmField[],
): void {
  for (const f of fields) {
    const p = at + f.offset;
    switch (f.kind) {
      case 'u8':
        o[f.key] = b[p];
        break;
      case 'u16':
        o[f.key] = u16(b, p);
        break;
      case 'u32':
        o[f.key] = u32(b, p);
        break;
      case 'u64':
        o[f.key] = u64(b, p);
        break;
      case 'bytes':
        if (f.sub) {
          const s: Record<string, unknown> = {};
          decodeFields(s, b, p, f.sub);
          o[f.key] = s;
        } else o[f.key] = b.subarray(p, p + f.size);
    }
  }
}

/**
 * Writes the model's fields into `body` (zeroed, sized). Reserved fields stay zero; `computed` values (from the
 * declaration's `encode`) win over the model's; absent values stay zero.
 */
export function writeFields(
  body: Uint8Array,
  at: number,
  fields: readonly IgvmField[],
  o: Readonly<Record<string, unknown>>,
  computed: Readonly<Record<string, number | bigint>> = {},
): void {
  for (const f of fields) {
    if (f.reserved) continue;
    const v = f.key in computed ? computed[f.key] : o[f.key];
    if (v === undefined) continue;
    const p = at + f.offset;
    switch (f.kind) {
      case 'u8':
        body[p] = Number(v);
        break;
      case 'u16':
        put16(body, p, Number(v));
        break;
      case 'u32':
        put32(body, p, Number(v));
        break;
      case 'u64':
        put64(body, p, BigInt(v as bigint | number));
        break;
      case 'bytes':
        if (f.sub) writeFields(body, p, f.sub, v as Record<string, unknown>);
        else body.set((v as Uint8Array).subarray(0, f.size), p);
    }
  }
}

/** Of the `checked` fields (see mustBeZero), those that are not zero; undefined when all are. */
export function nonZeroReserved(
  o: Readonly<Record<string, unknown>>,
  checked: readonly IgvmField[],
): IgvmField[] | undefined {
  // Nothing is allocated on the clean path: one header per page (issue 11).
  let out: IgvmField[] | undefined;
  for (const f of checked) {
    const v = o[f.key];
    if (v instanceof Uint8Array ? v.some((x) => x !== 0) : v !== 0 && v !== 0n && v !== undefined)
      (out ??= []).push(f);
  }
  return out;
}

/** The reserved fields of a table that must be zero (computed once per declaration). */
export const mustBeZero = (fields: readonly IgvmField[]): readonly IgvmField[] =>
  fields.filter((f) => f.reserved === 'mustBeZero');

/** One decoded field with its absolute file offset: the inspector's row and the JSON of a header. */
export interface HeaderFieldValue {
  /** Spec name; nested fields are `parent.child`. */
  name: string;
  offset: number;
  length: number;
  kind: IgvmFieldKind;
  value: FieldValue;
  /** The value in words, when the declaration gives a decoder. */
  text?: string;
  reserved?: boolean;
  doc?: string;
}

/** The fields of `o` per `fields`, at absolute file offset `at`. */
export function fieldValues(
  o: Readonly<Record<string, unknown>>,
  fields: readonly IgvmField[],
  at: number,
  prefix = '',
): HeaderFieldValue[] {
  const out: HeaderFieldValue[] = [];
  for (const f of fields) {
    const v = o[f.key];
    if (f.sub) {
      for (const x of fieldValues(
        (v ?? {}) as Record<string, unknown>,
        f.sub,
        at + f.offset,
        `${prefix}${f.name}.`,
      ))
        out.push(x);
      continue;
    }
    if (v === undefined) continue;
    const value = v as FieldValue;
    out.push({
      name: prefix + f.name,
      offset: at + f.offset,
      length: f.size,
      kind: f.kind,
      value,
      ...(f.text && typeof value !== 'object' && { text: f.text(value) }),
      ...(f.reserved && { reserved: true }),
      ...(f.doc && { doc: f.doc }),
    });
  }
  return out;
}
