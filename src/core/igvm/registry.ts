// Every declared IGVM header type in one list, and what is derived from it: body sizes, the type ↔ kind maps, the
// generic decode (fields, reserved-must-be-zero checks, the declaration's own checks), the serializer's body
// writer and the field rows of the inspector and the JSON (igvm-format §3.3). A new header type is a declaration in
// its section's file (platform.ts, initialization.ts, directives.ts) added to that file's list: nothing here changes.
import { at, hex, type ParseContext } from './context';
import { DIRECTIVE_HEADERS, VP_CONTEXT, type IgvmParameterKind, PARAMETER_HEADERS } from './directives';
import {
  decodeFields,
  fieldValues,
  mustBeZero,
  nonZeroReserved,
  writeFields,
  type BlobSink,
  type HeaderFieldValue,
  type IgvmHeaderBase,
  type IgvmField,
  type IgvmHeaderDecl,
} from './header-fields';
import { INITIALIZATION_HEADERS } from './initialization';
import type { IgvmHeader, IgvmHeaderInput } from './model';
import { PLATFORM_HEADERS } from './platform';

/** A declaration as the generic code sees it (the typed `finish`/`encode` take the declared model). */
interface AnyDecl extends Omit<IgvmHeaderDecl, 'finish' | 'encode'> {
  finish?: (h: never, ctx: ParseContext) => void;
  encode?: (h: never, data: BlobSink) => Readonly<Record<string, number | bigint>>;
  /** A decoder of its own (VP contexts: the data's format follows the platform of the mask). */
  decode?: (ctx: ParseContext, base: IgvmHeaderBase, body: number) => IgvmHeader;
  /** Model kinds besides `kind` that this declaration writes (VP contexts). */
  kinds?: readonly string[];
}

/** Every declared header type. */
export const IGVM_HEADER_DECLS: readonly AnyDecl[] = [
  ...PLATFORM_HEADERS,
  ...INITIALIZATION_HEADERS,
  VP_CONTEXT,
  ...DIRECTIVE_HEADERS,
];

const BY_TYPE = new Map<number, AnyDecl>();
/** The must-be-zero fields per declaration, computed once. */
const CHECKED = new WeakMap<AnyDecl, readonly IgvmField[]>();
const checkedOf = (d: AnyDecl): readonly IgvmField[] => {
  let c = CHECKED.get(d);
  if (!c) CHECKED.set(d, (c = mustBeZero(d.fields)));
  return c;
};
const BY_KIND = new Map<string, AnyDecl>();
for (const d of IGVM_HEADER_DECLS) {
  if (BY_TYPE.has(d.type)) throw new Error(`IGVM header type 0x${d.type.toString(16)} declared twice`);
  BY_TYPE.set(d.type, d);
  for (const k of [d.kind, ...(d.kinds ?? [])]) BY_KIND.set(k, d);
}

/** The declaration of a header type value, undefined for an unknown type. */
export const declOfType = (type: number): AnyDecl | undefined => BY_TYPE.get(type);
/** The declaration a model kind is written by, undefined for 'Unknown'. */
export const declOfKind = (kind: string): AnyDecl | undefined => BY_KIND.get(kind);

/** Body sizes (the value of the record's `length` field) per known type (§3.3). */
export const IGVM_BODY_SIZE: Readonly<Record<number, number>> = Object.fromEntries(
  IGVM_HEADER_DECLS.map((d) => [d.type, d.bodySize]),
);

/** Parameter header kind per type value (§7.6). */
export const IGVM_PARAMETER_KIND_BY_TYPE: Readonly<Record<number, IgvmParameterKind>> = Object.fromEntries(
  PARAMETER_HEADERS.map((d) => [d.type, d.kind]),
);
export const IGVM_PARAMETER_TYPE_BY_KIND = Object.fromEntries(
  PARAMETER_HEADERS.map((d) => [d.kind, d.type]),
) as Readonly<Record<IgvmParameterKind, number>>;

/**
 * Decodes a known header of the right length: its fields, the declaration's own checks and file-data reads, then
 * the reserved-must-be-zero checks of its table. `base` is not kept: the header is a fresh object of the same fields (spreading
 * `base` was 3-4× slower and made header floods cost ~10 µs per header, issue 11).
 */
export function decodeDeclared(
  ctx: ParseContext,
  d: AnyDecl,
  base: IgvmHeaderBase,
  body: number,
): IgvmHeader {
  if (d.decode) return d.decode(ctx, base, body);
  const h: Record<string, unknown> = {
    kind: d.kind,
    type: base.type,
    index: base.index,
    offset: base.offset,
    length: base.length,
    bodyLength: base.bodyLength,
    raw: base.raw,
  };
  decodeFields(h, ctx.bytes, body, d.fields);
  const header = h as unknown as IgvmHeader;
  d.finish?.(header as never, ctx);
  const bad = nonZeroReserved(h, checkedOf(d));
  if (bad)
    for (const f of bad)
      ctx.diags.error(
        'IGVM_RESERVED_NOT_ZERO',
        `${d.struct}.${f.name} = ${f.kind === 'bytes' ? 'non-zero bytes' : hex(h[f.key] as number | bigint)}, must be zero`,
        at(header, d.specSection),
      );
  return header;
}

/** The type value of a header given to the serializer. */
export function headerTypeOf(h: IgvmHeaderInput): number {
  if (h.kind === 'Unknown') return h.type ?? 0;
  return declOfKind(h.kind)!.type;
}

/** The body size the serializer writes for `h`. */
export function bodySizeOf(h: IgvmHeaderInput): number {
  return h.kind === 'Unknown' ? h.body.length : declOfKind(h.kind)!.bodySize;
}

/** Writes one header body into `body` (zeroed, sized), adding its file data to `data`. */
export function writeHeaderBody(h: IgvmHeaderInput, body: Uint8Array, data: BlobSink): void {
  if (h.kind === 'Unknown') {
    body.set(h.body);
    return;
  }
  const d = declOfKind(h.kind)!;
  const o = h as unknown as Record<string, unknown>;
  writeFields(body, 0, d.fields, o, d.encode?.(h as never, data));
}

/**
 * The body fields of a decoded header with their absolute file offsets (the inspector's rows, the JSON of a
 * header); empty for an unknown header.
 */
export function headerFields(h: IgvmHeader): HeaderFieldValue[] {
  if (h.kind === 'Unknown') return [];
  const d = declOfKind(h.kind);
  return d ? fieldValues(h as unknown as Record<string, unknown>, d.fields, h.offset + 8) : [];
}

/** The spec structure and section of a decoded header, for titles and links. */
export function headerSpec(h: Pick<IgvmHeader, 'kind'>): { struct: string; spec: string } | undefined {
  const d = declOfKind(h.kind);
  return d && { struct: d.struct, spec: `igvm-format §${d.specSection}` };
}

/** One header as JSON-ready data: position, type, declaring structure and its body fields by spec name. */
export interface IgvmHeaderJson {
  index: number;
  kind: string;
  type: number;
  offset: number;
  length: number;
  struct?: string;
  spec?: string;
  /** Body fields by spec name (`parent.child` for nested ones), with their absolute file offsets. */
  fields: { name: string; offset: number; length: number; value: HeaderFieldValue['value']; text?: string }[];
}

export function headerJson(h: IgvmHeader): IgvmHeaderJson {
  return {
    index: h.index,
    kind: h.kind,
    type: h.type,
    offset: h.offset,
    length: h.length,
    ...headerSpec(h),
    fields: headerFields(h).map((f) => ({
      name: f.name,
      offset: f.offset,
      length: f.length,
      value: f.value,
      ...(f.text !== undefined && { text: f.text }),
    })),
  };
}
