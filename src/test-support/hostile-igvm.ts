// Test-only: byte-level IGVM crafting for hostile inputs (floods, amplifying sizes, aliasing) that the builder
// would refuse or make slowly. Layouts from igvm-format §2 (fixed header v1), §3 (variable header framing),
// §5.1 (SUPPORTED_PLATFORM), §6.1 (GUEST_POLICY), §7.1 (PAGE_DATA), §7.4–§7.6 (parameter area, insert, usage).
import { crc32Update } from '../core/bytes/crc32';

export interface RawHeader {
  type: number;
  body: Uint8Array;
}

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

/**
 * `prefix` headers, then `count` copies of the record `one`; `gpaStep` (PAGE_DATA, PARAMETER_INSERT: the u64 at
 * body offset 0) adds i × gpaStep to the i-th copy's GPA, so no record is built per copy.
 */
export function flood(prefix: RawHeader[], one: RawHeader, count: number, gpaStep = 0n): { count: number; bytes: number; write(out: Uint8Array, at: number): void } {
  const pre = prefix.reduce((n, h) => n + 8 + align8(h.body.length), 0);
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
      const gpa0 = one.body.length >= 8 ? new DataView(one.body.buffer, one.body.byteOffset).getBigUint64(0, true) : 0n;
      for (let i = 0; i < count; i++) {
        v.setUint32(at, one.type, true);
        v.setUint32(at + 4, one.body.length, true);
        out.set(one.body, at + 8);
        if (gpaStep !== 0n) v.setBigUint64(at + 8, gpa0 + BigInt(i) * gpaStep, true);
        at += size;
      }
    },
  };
}

/** An error range (§7.9): `size` bytes at `gpa` (VBS measures every page of it). */
export const errorRangeHeader = (gpa: bigint, mask: number, size: number): RawHeader => ({
  type: 0x30d,
  body: body(16, (v) => {
    v.setBigUint64(0, gpa, true);
    v.setUint32(8, mask, true);
    v.setUint32(12, size >>> 0, true);
  }),
});

const SNP = 2;
const TDX = 3;
const VBS = 1;

/** Platforms SNP (mask 1), TDX (mask 2) and a GUEST_POLICY for SNP: enough for every engine to run. */
export const hostilePrefix = (): RawHeader[] => [platformHeader(SNP, 1), platformHeader(TDX, 2), guestPolicyHeader(1)];

export interface HostileCase {
  bytes: () => Uint8Array;
  /** A `fukiscope` invocation (file appended) that must report this error code. */
  refused: { args: string[]; code: string };
  /** Errors the parser may refuse it with before any measurement runs (the worker then offers nothing to measure). */
  parseCodes?: string[];
}

/** The crafted inputs of issue 11 item 2, by name: each one's bytes (built on demand) and how it is refused. */
export const HOSTILE_IGVM: Record<string, HostileCase> = {
  /** 2 M 16-byte headers (VP_COUNT_PARAMETER), 32 MB: used to cost 1.6 GiB. */
  'header-flood-2M': {
    bytes: () => craftIgvm(flood([...hostilePrefix(), parameterAreaHeader(4096n, 0)], vpCountHeader(0), 2_000_000)),
    refused: { args: ['inspect'], code: 'IGVM_TOO_MANY_HEADERS' },
  },
  /** 104 bytes declaring a 2^63-byte parameter area and inserting it. */
  'parameter-area-2^63': {
    bytes: () => craftIgvm([platformHeader(SNP, 1), parameterAreaHeader(1n << 63n, 0), parameterInsertHeader(0x1000n, 1, 0)]),
    refused: { args: ['measure'], code: 'MEASURE_SIZE_TOO_LARGE' },
    // 0x1000 + 2^63 bytes runs past the 52-bit guest physical address space.
    parseCodes: ['IGVM_GPA_OUT_OF_RANGE'],
  },
  /** 1 M PAGE_DATA records (SNP and TDX) that all point at one 4 KiB file page. */
  'page-data-aliasing-1M': {
    bytes: () => {
      const n = 1_000_000;
      const pre = hostilePrefix();
      const vh = flood(pre, pageDataHeader(0n, 3, 0), n).bytes;
      return craftIgvm(flood(pre, pageDataHeader(0n, 3, dataOffset(vh)), n, 4096n), new Uint8Array(4096).fill(0x41));
    },
    refused: { args: ['measure'], code: 'MEASURE_WORK_LIMIT' },
  },
  /** 1 M zero pages (file_offset 0), measured by SNP and extended by TDX. */
  'zero-page-flood-1M': {
    bytes: () => craftIgvm(flood(hostilePrefix(), pageDataHeader(0n, 3, 0), 1_000_000, 4096n)),
    refused: { args: ['measure', '--platform', 'tdx'], code: 'MEASURE_WORK_LIMIT' },
  },
  /** 2 MiB pages without data: igvmmeasure expands each into 512 measured pages (2 M operations). */
  '2mb-pages-4096': {
    bytes: () => craftIgvm(flood(hostilePrefix(), pageDataHeader(0n, 3, 0, 0x1), 4096, 0x200000n)),
    refused: { args: ['measure', '--profile', 'igvmmeasure', '--platform', 'snp'], code: 'MEASURE_TOO_MANY_OPS' },
  },
  /** VBS: one error range of 4 GiB - 4 KiB (every page is hashed). */
  'vbs-error-range-4G': {
    bytes: () => craftIgvm([platformHeader(VBS, 1), errorRangeHeader(0n, 1, 0xfffff000)]),
    refused: { args: ['measure'], code: 'MEASURE_SIZE_TOO_LARGE' },
  },
};
