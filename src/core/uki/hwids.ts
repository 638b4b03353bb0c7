// `.hwids` (fuki §1.5, systemd src/boot/chid.h): 28-byte device entries {u32 descriptor = size | type << 28,
// CHID GUID, u32 name_offset, u32 compatible/fwid offset}, ended by an all-zero entry, then NUL-terminated strings.
import {
  decodeUtf8,
  guidFromString,
  guidToString,
  isAllZero,
  put32,
  textEncoder,
  u32,
  type Bytes,
} from '../bytes/bytes';
import type { Diagnostics } from '../diagnostics';

const SPEC = 'fuki §1.5';
export const HWIDS_ENTRY_SIZE = 28;
export const HWID_TYPES: Record<number, string> = { 1: 'devicetree', 2: 'uefi-fw' };
const MAX_ENTRIES = 4096;
/**
 * Hard limits for untrusted `.hwids` (issue 11): a name, compatible or firmware-ID is at most MAX_HWIDS_STRING
 * bytes (device names and DT compatibles are tens of bytes; longer ones are cut, with a warning), and the
 * strings attached to all entries together are at most 4 × the section plus 64 KiB (entries may share a
 * string, so this bounds what a summary prints for a file of N bytes by O(N)). Each string offset is decoded
 * once.
 */
export const MAX_HWIDS_STRING = 1024;
export const hwidsStringBudget = (sectionLength: number): number => 4 * sectionLength + 64 * 1024;

export interface HwidEntry {
  offset: number;
  type: 'devicetree' | 'uefi-fw' | string;
  chid: string;
  name?: string;
  /** devicetree: the DT `compatible`; uefi-fw: the firmware-ID matched against `.efifw` blobs. */
  compatible?: string;
  fwid?: string;
}

export function decodeHwids(b: Uint8Array, d: Diagnostics, base = 0): HwidEntry[] {
  const out: HwidEntry[] = [];
  const strings = new Map<number, string | undefined>();
  let truncated = 0;
  let attached = 0;
  let overBudget = false;
  const budget = hwidsStringBudget(b.length);
  /** The NUL-terminated UTF-8 string at section offset `o`, decoded once per offset and at most MAX bytes. */
  const stringAt = (o: number): string | undefined => {
    if (o === 0 || o >= b.length) return undefined;
    if (!strings.has(o)) {
      const head = b.subarray(o, Math.min(b.length, o + MAX_HWIDS_STRING + 1));
      let end = head.indexOf(0);
      if (end < 0 && head.length > MAX_HWIDS_STRING) {
        end = MAX_HWIDS_STRING;
        truncated++;
      }
      strings.set(o, end < 0 ? undefined : decodeUtf8(head.subarray(0, end)));
    }
    const v = strings.get(o);
    if (v === undefined || overBudget) return undefined;
    attached += v.length;
    if (attached > budget) {
      overBudget = true;
      return undefined;
    }
    return v;
  };
  let o = 0;
  const finish = (): HwidEntry[] => {
    if (truncated)
      d.warning(
        'HWIDS_STRING_TOO_LONG',
        `.hwids: ${truncated} string(s) longer than ${MAX_HWIDS_STRING} bytes, cut at that length`,
        { offset: base, spec: SPEC },
      );
    if (overBudget)
      d.warning(
        'HWIDS_STRINGS_LIMIT',
        `.hwids: the entries' strings add up to more than ${budget} bytes (4 × the section + 64 KiB); later entries are listed without them`,
        { offset: base, spec: SPEC },
      );
    return out;
  };
  for (; o + HWIDS_ENTRY_SIZE <= b.length && out.length < MAX_ENTRIES; o += HWIDS_ENTRY_SIZE) {
    const e = b.subarray(o, o + HWIDS_ENTRY_SIZE);
    if (isAllZero(e)) return finish();
    const descriptor = u32(e, 0);
    const size = descriptor & 0x0fffffff;
    const type = HWID_TYPES[descriptor >>> 28] ?? `type-${descriptor >>> 28}`;
    if (size !== HWIDS_ENTRY_SIZE)
      d.warning('HWIDS_BAD_ENTRY_SIZE', `.hwids entry ${out.length}: size ${size} (expected 28)`, {
        offset: base + o,
        spec: SPEC,
      });
    const name = stringAt(u32(e, 20));
    const second = stringAt(u32(e, 24));
    out.push({
      offset: base + o,
      type,
      chid: guidToString(e, 4),
      name,
      ...(type === 'uefi-fw' ? { fwid: second } : { compatible: second }),
    });
  }
  d.warning('HWIDS_NO_TERMINATOR', '.hwids has no all-zero terminating entry', {
    offset: base + o,
    spec: SPEC,
  });
  return finish();
}

/** One device for `.hwids`: its CHIDs bound to a devicetree `compatible` or to a `.efifw` firmware-ID. */
export interface HwidDevice {
  type: 'devicetree' | 'uefi-fw';
  name: string;
  /** devicetree: the DT compatible; uefi-fw: the `.efifw` firmware-ID it selects. */
  value: string;
  /** CHIDs as GUID text (e.g. from `fwupdtool hwids` or `systemd-analyze chid`). */
  chids: string[];
}

const TYPE_CODE = { devicetree: 1, 'uefi-fw': 2 } as const;
const GUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A `.hwids` section in ukify's layout (ukify `parse_hwid_dir`, fuki §1.5): devices with the same type, name and
 * value merged; one 28-byte entry per CHID, CHIDs of a device in UUID order; an all-zero entry; then the
 * NUL-terminated UTF-8 strings, sorted and de-duplicated, the entries pointing at them by section offset.
 * Throws RangeError on a malformed CHID or an empty name/value.
 */
export function encodeHwids(devices: readonly HwidDevice[]): Bytes {
  const merged = new Map<
    string,
    { type: HwidDevice['type']; name: string; value: string; chids: Set<string> }
  >();
  for (const dev of devices) {
    if (!dev.name || !dev.value) throw new RangeError('.hwids: a device needs a name and a compatible/fwid');
    const key = `${dev.type}\0${dev.name}\0${dev.value}`;
    const m = merged.get(key) ?? {
      type: dev.type,
      name: dev.name,
      value: dev.value,
      chids: new Set<string>(),
    };
    for (const c of dev.chids) {
      if (!GUID_TEXT.test(c)) throw new RangeError(`.hwids: ${JSON.stringify(c)} is not a CHID (GUID text)`);
      m.chids.add(c.toLowerCase());
    }
    merged.set(key, m);
  }
  const entries = [...merged.values()].reduce((n, m) => n + m.chids.size, 0) + 1;
  // Sorted by code point as Python sorts str (equal to UTF-16 order outside the astral planes).
  const strings = [...new Set([...merged.values()].flatMap((m) => [m.name, m.value]))].sort();
  const offsets = new Map<string, number>();
  const encoded = strings.map((s) => textEncoder.encode(s + '\0'));
  let at = entries * HWIDS_ENTRY_SIZE;
  strings.forEach((s, i) => {
    offsets.set(s, at);
    at += encoded[i]!.length;
  });
  const out = new Uint8Array(at);
  let o = 0;
  for (const m of merged.values())
    // Lower-case hex GUID text in canonical form sorts as the UUID's big-endian integer does (Python UUID order).
    for (const chid of [...m.chids].sort()) {
      put32(out, o, HWIDS_ENTRY_SIZE | (TYPE_CODE[m.type] << 28));
      out.set(guidFromString(chid), o + 4);
      put32(out, o + 20, offsets.get(m.name)!);
      put32(out, o + 24, offsets.get(m.value)!);
      o += HWIDS_ENTRY_SIZE;
    }
  o += HWIDS_ENTRY_SIZE; // the all-zero terminator
  for (const e of encoded) {
    out.set(e, o);
    o += e.length;
  }
  return out;
}

/** The devices of a decoded `.hwids` (entries grouped back by type, name and value), for merging. */
export function hwidDevices(entries: readonly HwidEntry[]): HwidDevice[] {
  const out = new Map<string, HwidDevice>();
  for (const e of entries) {
    if (e.type !== 'devicetree' && e.type !== 'uefi-fw') continue;
    const value = (e.type === 'uefi-fw' ? e.fwid : e.compatible) ?? '';
    const key = `${e.type}\0${e.name ?? ''}\0${value}`;
    const dev = out.get(key) ?? { type: e.type, name: e.name ?? '', value, chids: [] };
    dev.chids.push(e.chid);
    out.set(key, dev);
  }
  return [...out.values()];
}
