// `.hwids` (fuki §1.5, systemd src/boot/chid.h): 28-byte device entries {u32 descriptor = size | type << 28,
// CHID GUID, u32 name_offset, u32 compatible/fwid offset}, ended by an all-zero entry, then NUL-terminated strings.
import { guidToString, isAllZero, u32 } from '../bytes/bytes';
import type { Diagnostics } from '../diagnostics';

const SPEC = 'fuki §1.5';
export const HWIDS_ENTRY_SIZE = 28;
export const HWID_TYPES: Record<number, string> = { 1: 'devicetree', 2: 'uefi-fw' };
const MAX_ENTRIES = 4096;

export interface HwidEntry {
  offset: number;
  type: 'devicetree' | 'uefi-fw' | string;
  chid: string;
  name?: string;
  /** devicetree: the DT `compatible`; uefi-fw: the firmware-ID matched against `.efifw` blobs. */
  compatible?: string;
  fwid?: string;
}

function stringAt(b: Uint8Array, o: number): string | undefined {
  if (o === 0 || o >= b.length) return undefined;
  const end = b.indexOf(0, o);
  if (end < 0) return undefined;
  let s = '';
  for (let i = o; i < end; i++) s += String.fromCharCode(b[i]!);
  return s;
}

export function decodeHwids(b: Uint8Array, d: Diagnostics, base = 0): HwidEntry[] {
  const out: HwidEntry[] = [];
  let o = 0;
  for (; o + HWIDS_ENTRY_SIZE <= b.length && out.length < MAX_ENTRIES; o += HWIDS_ENTRY_SIZE) {
    const e = b.subarray(o, o + HWIDS_ENTRY_SIZE);
    if (isAllZero(e)) return out;
    const descriptor = u32(e, 0);
    const size = descriptor & 0x0fffffff;
    const type = HWID_TYPES[descriptor >>> 28] ?? `type-${descriptor >>> 28}`;
    if (size !== HWIDS_ENTRY_SIZE)
      d.warning('HWIDS_BAD_ENTRY_SIZE', `.hwids entry ${out.length}: size ${size} (expected 28)`, {
        offset: base + o,
        spec: SPEC,
      });
    const name = stringAt(b, u32(e, 20));
    const second = stringAt(b, u32(e, 24));
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
  return out;
}
