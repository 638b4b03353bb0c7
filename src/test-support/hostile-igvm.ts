// Test-only: byte-level IGVM crafting for hostile inputs (floods, amplifying sizes, aliasing) that the builder
// would refuse or make slowly. Layouts from igvm-format §2 (fixed header v1), §3 (variable header framing),
// §5.1 (SUPPORTED_PLATFORM), §6.1 (GUEST_POLICY), §7.1 (PAGE_DATA), §7.4–§7.6 (parameter area, insert, usage).
import { crc32Update } from '../core/bytes/crc32';

export interface RawHeader {
  type: number;
  body: Uint8Array;
}

const le = (n: number) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n >>> 0, true);
  return b;
};

function body(size: number, fill: (v: DataView) => void): Uint8Array {
  const b = new Uint8Array(size);
  fill(new DataView(b.buffer));
  return b;
}

export const platformHeader = (platformType: number, mask: number): RawHeader => ({
  type: 0x001,
  body: body(16, (v) => {
    v.setUint32(0, mask, true);
    v.setUint8(4, 0);
    v.setUint8(5, platformType);
    v.setUint16(6, 1, true);
  }),
});
export const guestPolicyHeader = (mask: number, policy = 0x30000n): RawHeader => ({
  type: 0x101,
  body: body(16, (v) => {
    v.setBigUint64(0, policy, true);
    v.setUint32(8, mask, true);
  }),
});
export const pageDataHeader = (gpa: bigint, mask: number, fileOffset: number, flags = 0, dataType = 0): RawHeader => ({
  type: 0x302,
  body: body(24, (v) => {
    v.setBigUint64(0, gpa, true);
    v.setUint32(8, mask, true);
    v.setUint32(12, fileOffset, true);
    v.setUint32(16, flags, true);
    v.setUint16(20, dataType, true);
  }),
});
export const parameterAreaHeader = (bytes: bigint, index: number, fileOffset = 0): RawHeader => ({
  type: 0x301,
  body: body(16, (v) => {
    v.setBigUint64(0, bytes, true);
    v.setUint32(8, index, true);
    v.setUint32(12, fileOffset, true);
  }),
});
export const parameterInsertHeader = (gpa: bigint, mask: number, index: number): RawHeader => ({
  type: 0x303,
  body: body(16, (v) => {
    v.setBigUint64(0, gpa, true);
    v.setUint32(8, mask, true);
    v.setUint32(12, index, true);
  }),
});
/** A 16-byte parameter usage header (VP_COUNT_PARAMETER, §7.6). */
export const vpCountHeader = (index: number, byteOffset = 0): RawHeader => ({
  type: 0x307,
  body: body(8, (v) => {
    v.setUint32(0, index, true);
    v.setUint32(4, byteOffset, true);
  }),
});

/**
 * A v1 IGVM file: the headers produced by `headers(push)` (called once to count, once to write, so millions of
 * headers need no intermediate array), then `data` as the file data section. File offsets in headers are absolute:
 * use `dataOffset(count, size)` to know where the data starts.
 */
export function craftIgvm(headers: RawHeader[] | { count: number; bytes: number; write(out: Uint8Array, at: number): void }, data: Uint8Array = new Uint8Array(8)): Uint8Array {
  const vhOffset = 24;
  const vhSize = Array.isArray(headers) ? headers.reduce((n, h) => n + 8 + align8(h.body.length), 0) : headers.bytes;
  const total = vhOffset + vhSize + data.length;
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  v.setUint32(0, 0x4d564749, true);
  v.setUint32(4, 1, true);
  v.setUint32(8, vhOffset, true);
  v.setUint32(12, vhSize, true);
  v.setUint32(16, total, true);
  if (Array.isArray(headers)) {
    let at = vhOffset;
    for (const h of headers) {
      v.setUint32(at, h.type, true);
      v.setUint32(at + 4, h.body.length, true);
      out.set(h.body, at + 8);
      at += 8 + align8(h.body.length);
    }
  } else headers.write(out, vhOffset);
  out.set(data, vhOffset + vhSize);
  const fixed = out.slice(0, 24);
  fixed.fill(0, 20, 24);
  v.setUint32(20, crc32Update(crc32Update(0, fixed), out.subarray(vhOffset, vhOffset + vhSize)), true);
  return out;
}

const align8 = (n: number) => (n + 7) & ~7;

/** Absolute file offset of the data section of a craftIgvm file whose variable headers take `vhBytes`. */
export const dataOffset = (vhBytes: number): number => 24 + vhBytes;

/** `prefix` headers, then `count` copies of `repeated` (one record template written `count` times). */
export function flood(prefix: RawHeader[], repeated: (i: number) => RawHeader, count: number): { count: number; bytes: number; write(out: Uint8Array, at: number): void } {
  const pre = prefix.reduce((n, h) => n + 8 + align8(h.body.length), 0);
  const one = repeated(0);
  const size = 8 + align8(one.body.length);
  return {
    count: prefix.length + count,
    bytes: pre + size * count,
    write(out, at) {
      const v = new DataView(out.buffer, out.byteOffset);
      for (const h of prefix) {
        v.setUint32(at, h.type, true);
        v.setUint32(at + 4, h.body.length, true);
        out.set(h.body, at + 8);
        at += 8 + align8(h.body.length);
      }
      for (let i = 0; i < count; i++) {
        const h = i === 0 ? one : repeated(i);
        v.setUint32(at, h.type, true);
        v.setUint32(at + 4, h.body.length, true);
        out.set(h.body, at + 8);
        at += size;
      }
    },
  };
}

export { le };
