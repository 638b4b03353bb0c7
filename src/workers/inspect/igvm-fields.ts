// Rendering of a decoded IGVM header as label/value fields: the body fields its declaration names (spec name, byte
// offset, value and meaning), then every other own property of the model object (bigint and numbers as hex, byte
// views with their file offset, nested objects as child groups). A new header type declared in src/core/igvm
// therefore shows up without changes here.
import { toHex } from '../../core/bytes/bytes';
import { headerFields, headerSpec } from '../../core/igvm/registry';
import type { HeaderFieldValue } from '../../core/igvm/header-fields';
import type { IgvmHeader } from '../../core/igvm/types';
import type { Field, FieldGroup } from '../protocol';

/** Base fields shown in the group title instead of as rows. */
const SKIP = new Set(['kind', 'raw', 'index', 'offset', 'length']);
const MAX_BYTES_SHOWN = 48;

/**
 * The file a header's views are related to: the whole input, or (a detached model, core/igvm/detach.ts) a function
 * that knows the file offset of each view the model holds.
 */
export type ViewFile = Uint8Array | ((view: Uint8Array) => number | undefined);

/** The file offset of `view`: where it lies in the whole input, or what a detached model's offsetOf says. */
export function fileOffsetOf(view: Uint8Array, file: ViewFile): number | undefined {
  if (typeof file === 'function') return file(view);
  if (view.buffer !== file.buffer) return undefined;
  const o = view.byteOffset - file.byteOffset;
  return o >= 0 && o + view.length <= file.length ? o : undefined;
}

function scalar(v: unknown): string {
  if (typeof v === 'bigint') return '0x' + v.toString(16);
  if (typeof v === 'number') return Number.isInteger(v) && v > 9 ? `0x${v.toString(16)} (${v})` : String(v);
  return String(v);
}

export function objectGroup(
  title: string,
  obj: object,
  file: ViewFile,
  extra: { offset?: number; length?: number } = {},
): FieldGroup {
  const fields: Field[] = [];
  const children: FieldGroup[] = [];
  for (const [key, v] of Object.entries(obj)) {
    if (SKIP.has(key) || v === undefined) continue;
    if (v instanceof Uint8Array) {
      const offset = fileOffsetOf(v, file);
      const shown =
        toHex(v.subarray(0, MAX_BYTES_SHOWN)) + (v.length > MAX_BYTES_SHOWN ? `… (${v.length} bytes)` : '');
      fields.push({
        label: key,
        value: v.length === 0 ? '(empty)' : shown,
        ...(offset !== undefined && { offset, length: v.length }),
      });
    } else if (Array.isArray(v)) {
      v.forEach((item, i) =>
        typeof item === 'object' && item !== null
          ? children.push(objectGroup(`${key}[${i}]`, item as object, file))
          : fields.push({ label: `${key}[${i}]`, value: scalar(item) }),
      );
    } else if (typeof v === 'object' && v !== null) {
      children.push(objectGroup(key, v as object, file));
    } else {
      fields.push({ label: key, value: scalar(v) });
    }
  }
  return { title, fields, ...extra, ...(children.length > 0 && { children }) };
}

/** A header's value in the field rows: integers in hex (and decimal when > 9), bytes in hex, with its meaning. */
function fieldText(f: HeaderFieldValue): string {
  const v = f.value;
  const base =
    v instanceof Uint8Array
      ? v.length === 0
        ? '(empty)'
        : toHex(v.subarray(0, MAX_BYTES_SHOWN)) + (v.length > MAX_BYTES_SHOWN ? `… (${v.length} bytes)` : '')
      : scalar(v);
  return f.text ?? base;
}

/**
 * A header as field rows: the body fields of its declaration (core/igvm/registry.ts) with their spec names and
 * byte offsets, then what the parser derived (data views, platform names, decoded VP context data) as further rows.
 */
export function headerGroup(h: IgvmHeader, file: ViewFile): FieldGroup {
  const declared = headerFields(h);
  const spec = headerSpec(h);
  const title = `#${h.index} ${h.kind} (type 0x${h.type.toString(16)}${spec ? `, ${spec.struct}` : ''})`;
  if (declared.length === 0) return objectGroup(title, h, file, { offset: h.offset, length: h.length });
  // Properties that are body fields are shown from the table; the rest (derived) from the object.
  const keys = new Set<string>();
  for (const f of declared) keys.add(camelKey(f.name.split('.')[0]!));
  const derived = Object.fromEntries(
    Object.entries(h).filter(([k]) => !keys.has(k) && k !== 'type' && k !== 'bodyLength'),
  );
  const rest = objectGroup(title, derived, file);
  return {
    title,
    offset: h.offset,
    length: h.length,
    fields: [
      ...declared.map((f) => ({ label: f.name, value: fieldText(f), offset: f.offset, length: f.length })),
      ...rest.fields,
    ],
    ...(rest.children && { children: rest.children }),
  };
}

const camelKey = (s: string) => s.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
