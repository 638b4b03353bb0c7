// Generic rendering of any decoded IGVM header as label/value fields: every own property of the model object
// (bigint and numbers as hex, byte views with their file offset, nested objects as child groups). New header
// kinds in src/core/igvm/types.ts therefore show up without changes here.
import { toHex } from '../../core/bytes/bytes';
import { IGVM_PAGE_DATA_TYPE_NAME, decodePageDataFlags, type IgvmHeader } from '../../core/igvm/types';
import type { Field, FieldGroup } from '../protocol';

/** Base fields shown in the group title instead of as rows. */
const SKIP = new Set(['kind', 'raw', 'index', 'offset', 'length']);
const MAX_BYTES_SHOWN = 48;

function fileOffsetOf(view: Uint8Array, file: Uint8Array): number | undefined {
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
  file: Uint8Array,
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

/** PageData flags in words (igvm-format §5: bit 0 2 MiB page, bit 1 unmeasured, bit 2 shared). */
export function pageDataFlagsText(flags: number): string {
  const f = decodePageDataFlags(flags);
  const names = [
    f.is2MbPage && '2 MiB page',
    f.unmeasured && 'unmeasured',
    f.shared && 'shared',
    f.reserved && `reserved bits 0x${f.reserved.toString(16)} set`,
  ].filter(Boolean);
  return `0x${flags.toString(16)} (${names.length ? names.join(', ') : 'none: a measured 4 KiB page'})`;
}

export function headerGroup(h: IgvmHeader, file: Uint8Array): FieldGroup {
  const g = objectGroup(`#${h.index} ${h.kind} (type 0x${h.type.toString(16)})`, h, file, {
    offset: h.offset,
    length: h.length,
  });
  // Raw values the UI knows the meaning of are shown with it.
  if (h.kind === 'PageData')
    g.fields = g.fields.map((f) =>
      f.label === 'flags'
        ? { ...f, value: pageDataFlagsText(h.flags) }
        : f.label === 'dataType'
          ? { ...f, value: `${h.dataType} (${IGVM_PAGE_DATA_TYPE_NAME[h.dataType] ?? 'unknown'})` }
          : f,
    );
  return g;
}
