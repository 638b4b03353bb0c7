// Mutation families of issue 11 (item 9) over IGVM and PE seeds, driven by a seeded PRNG so every case can be
// replayed from (family, seed, case index). IGVM mutations re-frame the file (sizes, file offsets, checksum) when
// they change its layout, so the parser gets past the framing checks and the deeper code runs.
import { crc32Update } from '../../core/bytes/crc32';

/** xorshift32: small, fast, reproducible. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 0x9e3779b9;
  }
  next(): number {
    let x = this.s;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (this.s = x >>> 0);
  }
  int(n: number): number {
    return n <= 0 ? 0 : this.next() % n;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
}

const INTERESTING32 = [0, 1, 2, 7, 8, 0x10, 0x7f, 0x80, 0xff, 0x1000, 0x1001, 0xfff, 0x200000, 0x7fffffff, 0x80000000, 0xfffffff0, 0xffffffff];
const INTERESTING64 = [0n, 1n, 0x1000n, 0xfffffffff000n, 1n << 52n, 1n << 63n, (1n << 64n) - 1n, (1n << 64n) - 0x1000n, 0xffffffffn];

interface Rec {
  type: number;
  body: Uint8Array;
}

interface Framed {
  version: number;
  fixed: Uint8Array;
  records: Rec[];
  data: Uint8Array;
  /** Absolute offset the data section started at in the seed. */
  dataAt: number;
}

/** Splits an IGVM file into fixed header, records and file data; undefined when the seed is not framed as IGVM. */
export function frame(b: Uint8Array): Framed | undefined {
  if (b.length < 24) return undefined;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const version = v.getUint32(4, true);
  const fixedSize = version === 2 ? 32 : 24;
  const vho = v.getUint32(8, true);
  const vhs = v.getUint32(12, true);
  if (vho + vhs > b.length) return undefined;
  const records: Rec[] = [];
  for (let p = vho; p + 8 <= vho + vhs; ) {
    const type = v.getUint32(p, true);
    const len = v.getUint32(p + 4, true);
    if (p + 8 + len > vho + vhs) return undefined;
    records.push({ type, body: b.slice(p + 8, p + 8 + len) });
    p += 8 + ((len + 7) & ~7);
  }
  return { version, fixed: b.slice(0, fixedSize), records, data: b.slice(vho + vhs), dataAt: vho + vhs };
}

/** Types whose body holds an absolute file offset at +12 (PAGE_DATA §7.1, VP_CONTEXT §7.7, PARAMETER_AREA §7.4). */
const FILE_OFFSET_AT_12 = new Set([0x302, 0x304, 0x301]);

/** Re-assembles a framed file: data moved after the new headers, file offsets shifted with it, sizes and CRC fixed. */
export function unframe(f: Framed, fixChecksum = true): Uint8Array {
  const fixedSize = f.fixed.length;
  const vhs = f.records.reduce((n, r) => n + 8 + ((r.body.length + 7) & ~7), 0);
  const dataAt = fixedSize + vhs;
  const delta = dataAt - f.dataAt;
  const out = new Uint8Array(dataAt + f.data.length);
  out.set(f.fixed);
  const v = new DataView(out.buffer);
  v.setUint32(8, fixedSize, true);
  v.setUint32(12, vhs, true);
  v.setUint32(16, out.length, true);
  let p = fixedSize;
  for (const r of f.records) {
    v.setUint32(p, r.type, true);
    v.setUint32(p + 4, r.body.length, true);
    out.set(r.body, p + 8);
    if (FILE_OFFSET_AT_12.has(r.type) && r.body.length >= 16) {
      const fo = v.getUint32(p + 8 + 12, true);
      if (fo !== 0 && fo >= f.dataAt) v.setUint32(p + 8 + 12, fo + delta, true);
    }
    p += 8 + ((r.body.length + 7) & ~7);
  }
  out.set(f.data, dataAt);
  if (fixChecksum) setChecksum(out);
  return out;
}

/** CRC-32 of the fixed header (checksum field zero) and the variable headers (§2.3). */
export function setChecksum(b: Uint8Array): void {
  if (b.length < 24) return;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const fixedSize = v.getUint32(4, true) === 2 ? 32 : 24;
  const vho = v.getUint32(8, true);
  const vhs = v.getUint32(12, true);
  if (vho + vhs > b.length || fixedSize > b.length) return;
  const fixed = b.slice(0, fixedSize);
  fixed.fill(0, 20, 24);
  v.setUint32(20, crc32Update(crc32Update(0, fixed), b.subarray(vho, vho + vhs)), true);
}

const put32 = (b: Uint8Array, at: number, x: number) => {
  if (at + 4 <= b.length) new DataView(b.buffer, b.byteOffset).setUint32(at, x >>> 0, true);
};
const put64 = (b: Uint8Array, at: number, x: bigint) => {
  if (at + 8 <= b.length) new DataView(b.buffer, b.byteOffset).setBigUint64(at, BigInt.asUintN(64, x), true);
};
const get64 = (b: Uint8Array, at: number) => new DataView(b.buffer, b.byteOffset).getBigUint64(at, true);

export type Family = 'bit-flip' | 'field-edit' | 'truncation' | 'header-flood' | 'size-amplification' | 'aliasing' | 'pe-section-edit';

export const IGVM_FAMILIES: readonly Family[] = ['bit-flip', 'field-edit', 'truncation', 'header-flood', 'size-amplification', 'aliasing'];
export const PE_FAMILIES: readonly Family[] = ['bit-flip', 'field-edit', 'truncation', 'pe-section-edit'];

function bitFlip(seed: Uint8Array, r: Rng): Uint8Array {
  const b = seed.slice();
  for (let n = 1 + r.int(8); n > 0; n--) b[r.int(b.length)]! ^= 1 << r.int(8);
  if (r.int(2)) setChecksum(b); // half the cases get past the checksum
  return b;
}

function truncation(seed: Uint8Array, r: Rng): Uint8Array {
  return seed.slice(0, r.int(seed.length));
}

/** IGVM: one field of one record set to an interesting value (u32 or u64 at an aligned body offset). */
function igvmFieldEdit(seed: Uint8Array, r: Rng): Uint8Array {
  const f = frame(seed);
  if (!f || f.records.length === 0) return bitFlip(seed, r);
  const rec = r.pick(f.records);
  if (r.int(8) === 0) rec.type = r.pick([0x001, 0x101, 0x301, 0x302, 0x303, 0x304, 0x305, 0x30b, 0x30d, 0x311, 0x80000302, r.next()]);
  else if (rec.body.length >= 8 && r.int(2)) put64(rec.body, 8 * r.int(rec.body.length >> 3), r.pick(INTERESTING64));
  else if (rec.body.length >= 4) put32(rec.body, 4 * r.int(rec.body.length >> 2), r.pick(INTERESTING32));
  return unframe(f, r.int(8) !== 0);
}

/** IGVM: one record repeated up to 4096 times (a header flood), layout fixed up. */
function headerFlood(seed: Uint8Array, r: Rng): Uint8Array {
  const f = frame(seed);
  if (!f || f.records.length === 0) return bitFlip(seed, r);
  const at = r.int(f.records.length);
  const rec = f.records[at]!;
  const n = 1 + r.int(r.int(16) === 0 ? 4096 : 64);
  const copies: Rec[] = [];
  for (let i = 0; i < n; i++) {
    const body = rec.body.slice();
    // Half the floods move the GPA along (distinct pages), half keep it (aliasing GPAs).
    if (r.int(2) && body.length >= 8 && (rec.type === 0x302 || rec.type === 0x303)) put64(body, 0, get64(body, 0) + BigInt(i + 1) * 0x1000n);
    copies.push({ type: rec.type, body });
  }
  f.records.splice(at + 1, 0, ...copies);
  return unframe(f);
}

/** IGVM: a size field that multiplies work (parameter area, error range, required memory sizes; 2 MiB page flag). */
function sizeAmplification(seed: Uint8Array, r: Rng): Uint8Array {
  const f = frame(seed);
  if (!f) return bitFlip(seed, r);
  const huge64 = () => r.pick([1n << 63n, (1n << 64n) - 0x1000n, 1n << 40n, 0xfffff000n, BigInt(r.next()) << 12n]);
  const huge32 = () => r.pick([0xfffff000, 0x80000000, 0x7ffff000, r.next() & ~0xfff]);
  const sized = f.records.filter((x) => [0x301, 0x305, 0x30d, 0x302].includes(x.type));
  if (sized.length === 0) {
    // Add a parameter area + insert with a huge size.
    const area = new Uint8Array(16);
    put64(area, 0, huge64());
    put32(area, 8, 0x77);
    const insert = new Uint8Array(16);
    put64(insert, 0, 0x100000n);
    put32(insert, 8, 0xffffffff);
    put32(insert, 12, 0x77);
    f.records.push({ type: 0x301, body: area }, { type: 0x303, body: insert });
    return unframe(f);
  }
  const rec = r.pick(sized);
  if (rec.type === 0x301) put64(rec.body, 0, huge64());
  else if (rec.type === 0x305) put32(rec.body, 12, huge32());
  else if (rec.type === 0x30d) put32(rec.body, 12, huge32());
  else put32(rec.body, 16, 0x1); // PAGE_DATA: IS_2MB_PAGE
  return unframe(f);
}

/** IGVM: records made to share a file page, or a GPA (two pages, a VMSA or an insert on one page). */
function aliasing(seed: Uint8Array, r: Rng): Uint8Array {
  const f = frame(seed);
  if (!f) return bitFlip(seed, r);
  const withGpa = f.records.filter((x) => [0x302, 0x303, 0x304].includes(x.type) && x.body.length >= 16);
  if (withGpa.length < 2) return headerFlood(seed, r);
  const a = r.pick(withGpa);
  const b = r.pick(withGpa);
  if (r.int(2)) put64(b.body, 0, get64(a.body, 0)); // same GPA
  else if (a.type !== 0x303 && b.type !== 0x303) b.body.set(a.body.subarray(12, 16), 12); // same file data
  else put32(b.body, 8, 0xffffffff); // all platforms
  return unframe(f);
}

/** PE header fields worth editing: DOS e_lfanew, COFF, optional header, data directories (after e_lfanew). */
const PE_FIELDS = [0x3c];
const PE_REL_FIELDS = [0x06, 0x14, 0x16, 0x18 + 0x04, 0x18 + 0x10, 0x18 + 0x20, 0x18 + 0x24, 0x18 + 0x38, 0x18 + 0x3c, 0x18 + 0x6c, 0x18 + 0x70, 0x18 + 0x90, 0x18 + 0x94];

function peHeader(b: Uint8Array): number | undefined {
  if (b.length < 0x40) return undefined;
  const e = new DataView(b.buffer, b.byteOffset).getUint32(0x3c, true);
  return e + 0x18 < b.length ? e : undefined;
}

function peFieldEdit(seed: Uint8Array, r: Rng): Uint8Array {
  const b = seed.slice();
  const e = peHeader(b);
  const at = e === undefined || r.int(10) === 0 ? r.pick(PE_FIELDS) : e + r.pick(PE_REL_FIELDS);
  if (r.int(5) === 0) b[at] = r.int(256);
  else put32(b, at, r.pick(INTERESTING32));
  return b;
}

/** PE: a section header entry edited (sizes, offsets, name) or copied over another (aliasing), or NumberOfSections. */
function peSectionEdit(seed: Uint8Array, r: Rng): Uint8Array {
  const b = seed.slice();
  const e = peHeader(b);
  if (e === undefined) return bitFlip(seed, r);
  const v = new DataView(b.buffer);
  const nsec = v.getUint16(e + 6, true);
  const optSize = v.getUint16(e + 0x14, true);
  const table = e + 0x18 + optSize;
  if (r.int(8) === 0 || nsec === 0) {
    v.setUint16(e + 6, r.pick([0, 1, nsec + 1, 96, 1024, 0xffff]), true);
    return b;
  }
  const i = r.int(nsec);
  const at = table + 40 * i;
  if (at + 40 > b.length) return b;
  switch (r.int(4)) {
    case 0: // VirtualSize, VirtualAddress, SizeOfRawData or PointerToRawData
      put32(b, at + 8 + 4 * r.int(4), r.pick(INTERESTING32));
      break;
    case 1: {
      // alias: section i takes section j's raw data range
      const j = table + 40 * r.int(nsec);
      if (j + 40 <= b.length) b.copyWithin(at + 16, j + 16, j + 24);
      break;
    }
    case 2: // name
      b.set(r.pick([[0x2e, 0x6c, 0x69, 0x6e, 0x75, 0x78, 0, 0], [0x2e, 0x63, 0x6d, 0x64, 0x6c, 0x69, 0x6e, 0x65], [0x1b, 0x5b, 0x32, 0x4a, 0x0a, 0, 0, 0]]), at);
      break;
    default: // characteristics
      put32(b, at + 36, r.next());
  }
  return b;
}

export function mutate(kind: 'igvm' | 'pe', family: Family, seed: Uint8Array, r: Rng): Uint8Array {
  switch (family) {
    case 'bit-flip':
      return bitFlip(seed, r);
    case 'truncation':
      return truncation(seed, r);
    case 'field-edit':
      return kind === 'igvm' ? igvmFieldEdit(seed, r) : peFieldEdit(seed, r);
    case 'header-flood':
      return headerFlood(seed, r);
    case 'size-amplification':
      return sizeAmplification(seed, r);
    case 'aliasing':
      return aliasing(seed, r);
    case 'pe-section-edit':
      return peSectionEdit(seed, r);
  }
}
