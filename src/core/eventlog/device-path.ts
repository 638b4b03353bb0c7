// EFI device paths as text (UEFI 2.10 §10.3 node types, §10.6 text representation) for boot-services
// application events and Boot#### variables. Unknown nodes are shown as Path(type,subtype,hex).
import { guidToString, inBounds, toHex, u16, u32, u64 } from '../bytes/bytes';
import { LIMITS } from './constants';
import { DEVICE_PATH_NODE } from './layout';
import { decodeStruct } from './struct';

export interface DevicePathNode {
  offset: number;
  length: number;
  type: number;
  subType: number;
  text: string;
}

export interface DevicePath {
  nodes: DevicePathNode[];
  text: string;
  /** Set when the path was cut short or a node length is impossible. */
  damaged?: string;
}

/** UTF-16LE up to the first NUL (or the end). */
export function utf16Text(b: Uint8Array, at = 0, end = b.length): string {
  let s = '';
  for (let o = at; o + 1 < end; o += 2) {
    const c = u16(b, o);
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s;
}

/** Known vendor GUIDs in device paths and variables. */
export const KNOWN_GUIDS: Readonly<Record<string, string>> = {
  '8be4df61-93ca-11d2-aa0d-00e098032b8c': 'EFI_GLOBAL_VARIABLE',
  'd719b2cb-3d3a-4596-a3bc-dad00e67656f': 'EFI_IMAGE_SECURITY_DATABASE',
  '605dab50-e046-4300-abb6-3dd810dd8b23': 'SHIM_LOCK',
  '4a67b082-0a4c-41cf-b6c7-440b29bb8c4f': 'systemd LoaderDevicePartUUID vendor',
  '5568e427-68fc-4f3d-ac74-ca555231cc68': 'LINUX_EFI_INITRD_MEDIA',
};

function nodeText(b: Uint8Array, o: number, type: number, sub: number, len: number): string {
  const body = o + 4;
  const n = len - 4;
  const has = (k: number) => n >= k;
  switch (type) {
    case 1: // hardware
      if (sub === 1 && has(2)) return `Pci(0x${b[body + 1]!.toString(16)},0x${b[body]!.toString(16)})`;
      if (sub === 4 && has(16)) return `VenHw(${guidToString(b, body)}${n > 16 ? ',' + toHex(b.subarray(body + 16, body + n)) : ''})`;
      if (sub === 3 && has(4)) return `MemoryMapped(0x${u32(b, body).toString(16)})`;
      break;
    case 2: // ACPI
      if (sub === 1 && has(8)) {
        const hid = u32(b, body);
        const uid = u32(b, body + 4);
        if (hid === 0x0a0341d0) return `PciRoot(0x${uid.toString(16)})`;
        if (hid === 0x0a0841d0) return `PcieRoot(0x${uid.toString(16)})`;
        return `Acpi(0x${hid.toString(16)},0x${uid.toString(16)})`;
      }
      break;
    case 3: // messaging
      if (sub === 2 && has(4)) return `Scsi(0x${u16(b, body).toString(16)},0x${u16(b, body + 2).toString(16)})`;
      if (sub === 5 && has(2)) return `USB(0x${b[body]!.toString(16)},0x${b[body + 1]!.toString(16)})`;
      if (sub === 11 && has(32)) return `MAC(${toHex(b.subarray(body, body + 6))},0x${b[body + 32]?.toString(16) ?? '0'})`;
      if (sub === 12 && has(4)) return 'IPv4(…)';
      if (sub === 18 && has(6)) return `Sata(0x${u16(b, body).toString(16)},0x${u16(b, body + 2).toString(16)},0x${u16(b, body + 4).toString(16)})`;
      if (sub === 23 && has(12)) return `NVMe(0x${u32(b, body).toString(16)},${toHex(b.subarray(body + 4, body + 12))})`;
      if (sub === 24) return `Uri(${String.fromCharCode(...b.subarray(body, body + n))})`;
      if (sub === 10 && has(16)) return `VenMsg(${guidToString(b, body)})`;
      break;
    case 4: // media
      if (sub === 1 && has(38)) {
        const part = u32(b, body);
        const start = u64(b, body + 4);
        const size = u64(b, body + 12);
        const fmt = b[body + 36];
        const sigType = b[body + 37];
        const sig = sigType === 2 ? guidToString(b, body + 20) : sigType === 1 ? `0x${u32(b, body + 20).toString(16)}` : '0';
        return `HD(${part},${sigType === 2 ? 'GPT' : sigType === 1 ? 'MBR' : fmt},${sig},0x${start.toString(16)},0x${size.toString(16)})`;
      }
      if (sub === 2 && has(4)) return `CDROM(0x${u32(b, body).toString(16)})`;
      if (sub === 3 && has(16)) return `VenMedia(${guidToString(b, body)})`;
      if (sub === 4) return utf16Text(b, body, body + n);
      if (sub === 6 && has(16)) return `FvFile(${guidToString(b, body)})`;
      if (sub === 7 && has(16)) return `Fv(${guidToString(b, body)})`;
      if (sub === 8 && has(16)) return `Offset(0x${u64(b, body).toString(16)},0x${u64(b, body + 8).toString(16)})`;
      break;
    case 5:
      if (sub === 1 && has(4)) return `BBS(0x${u16(b, body).toString(16)})`;
      break;
  }
  return `Path(${type},${sub},${toHex(b.subarray(body, body + Math.max(0, n)))})`;
}

/** Decodes a device path (one instance, up to the End node); `base` is the file offset of `b[0]`. */
export function decodeDevicePath(b: Uint8Array, at: number, end: number, base = 0): DevicePath {
  const nodes: DevicePathNode[] = [];
  let o = at;
  let damaged: string | undefined;
  while (o < end) {
    if (nodes.length >= LIMITS.devicePathNodes) {
      damaged = `more than ${LIMITS.devicePathNodes} nodes`;
      break;
    }
    const h = decodeStruct(DEVICE_PATH_NODE, b, o);
    if (!h || o + 4 > end) {
      damaged = 'path ends inside a node header';
      break;
    }
    const { type, subType, length } = h.values;
    if (length < 4 || !inBounds(b, o, length) || o + length > end) {
      damaged = `node at +${o - at} has impossible length ${length}`;
      break;
    }
    if (type === 0x7f && (subType === 0xff || subType === 0x01)) {
      if (subType === 0xff) break;
      o += length;
      continue;
    }
    nodes.push({ offset: base + o, length, type, subType, text: nodeText(b, o, type, subType, length) });
    o += length;
  }
  const text = nodes.map((n) => n.text).join('/');
  return damaged ? { nodes, text, damaged } : { nodes, text };
}
