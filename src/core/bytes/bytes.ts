// Byte helpers shared by every format module. All multi-byte values are little-endian unless a name says otherwise.

/** A byte array backed by a plain ArrayBuffer (what WebCrypto and transfer() accept; see toolchain notes §6.2). */
export type Bytes = Uint8Array<ArrayBuffer>;

/** Where a decoded node came from in its file. Every decoded structure carries one. */
export interface Span {
  offset: number;
  length: number;
}

export function dataView(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

export function inBounds(b: Uint8Array, offset: number, length: number): boolean {
  return Number.isInteger(offset) && Number.isInteger(length) && offset >= 0 && length >= 0 && offset + length <= b.length;
}

export const u8 = (b: Uint8Array, o: number): number => b[o]!;
export const u16 = (b: Uint8Array, o: number): number => b[o]! | (b[o + 1]! << 8);
export const u32 = (b: Uint8Array, o: number): number => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
export const u64 = (b: Uint8Array, o: number): bigint => BigInt(u32(b, o)) | (BigInt(u32(b, o + 4)) << 32n);
export const i32 = (b: Uint8Array, o: number): number => u32(b, o) | 0;
export const u16be = (b: Uint8Array, o: number): number => (b[o]! << 8) | b[o + 1]!;
export const u32be = (b: Uint8Array, o: number): number => ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;

export function put16(b: Uint8Array, o: number, v: number): void {
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
}
export function put32(b: Uint8Array, o: number, v: number): void {
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
  b[o + 2] = (v >>> 16) & 0xff;
  b[o + 3] = (v >>> 24) & 0xff;
}
export function put64(b: Uint8Array, o: number, v: bigint | number): void {
  const x = BigInt.asUintN(64, BigInt(v));
  put32(b, o, Number(x & 0xffffffffn));
  put32(b, o + 4, Number(x >> 32n));
}

/** A u64 as a JS number when it is a safe integer (page arithmetic), else throws: callers check first. */
export function safeNumber(v: bigint): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < 0n) throw new RangeError(`value ${v} exceeds 2^53`);
  return Number(v);
}

export function concatBytes(...parts: Uint8Array[]): Bytes {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function isAllZero(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

/** Copies `b` into a fresh buffer of `size` bytes, zero-padded (or truncated). */
export function padTo(b: Uint8Array, size: number): Bytes {
  const out = new Uint8Array(size);
  out.set(b.length > size ? b.subarray(0, size) : b);
  return out;
}

/** Copies a view into its own ArrayBuffer (for transfer, or WebCrypto). */
export function ownBytes(b: Uint8Array): Bytes {
  return new Uint8Array(b);
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

const HEX_ASCII = new TextEncoder().encode(HEX.join(''));
const ascii = new TextDecoder('utf-8'); // ASCII is UTF-8

/**
 * Lowercase hex. Long inputs are written as ASCII codes and decoded once: `s += pair` per byte left ~1.3 KB of
 * intermediate strings per 48-byte digest, which for the 131k-step ledger of a 512 MiB IGVM was hundreds of MiB of
 * garbage and most of the time spent formatting it.
 */
export function toHex(b: Uint8Array): string {
  if (b.length < 16) {
    let s = '';
    for (let i = 0; i < b.length; i++) s += HEX[b[i]!];
    return s;
  }
  const out = new Uint8Array(b.length * 2);
  for (let i = 0; i < b.length; i++) {
    const at = b[i]! * 2;
    out[i * 2] = HEX_ASCII[at]!;
    out[i * 2 + 1] = HEX_ASCII[at + 1]!;
  }
  return ascii.decode(out);
}

export function fromHex(hex: string): Bytes {
  const clean = hex.trim().replace(/^0x/i, '');
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) throw new Error(`not a hex string: ${hex.slice(0, 40)}`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.substr(i * 2, 2), 16);
  return out;
}

export function hex64(v: bigint | number, pad = 0): string {
  return '0x' + BigInt(v).toString(16).padStart(pad, '0');
}

const utf8 = new TextDecoder('utf-8', { fatal: false });
const utf8Strict = new TextDecoder('utf-8', { fatal: true });
export const textEncoder = new TextEncoder();

export function decodeUtf8(b: Uint8Array): string {
  return utf8.decode(b);
}
/** Returns undefined when the bytes are not valid UTF-8. */
export function decodeUtf8Strict(b: Uint8Array): string | undefined {
  try {
    return utf8Strict.decode(b);
  } catch {
    return undefined;
  }
}
/** ASCII up to the first NUL (C string in a fixed-size field). */
export function cString(b: Uint8Array, offset: number, maxLength: number): string {
  let s = '';
  for (let i = 0; i < maxLength && offset + i < b.length; i++) {
    const c = b[offset + i]!;
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s;
}

/** GUIDs in the mixed-endian EFI_GUID layout (u32, u16, u16 little-endian, then 8 bytes). */
export function guidToString(b: Uint8Array, o: number): string {
  const h = (i: number) => HEX[b[o + i]!];
  return (
    `${h(3)}${h(2)}${h(1)}${h(0)}-${h(5)}${h(4)}-${h(7)}${h(6)}-${h(8)}${h(9)}-` +
    `${h(10)}${h(11)}${h(12)}${h(13)}${h(14)}${h(15)}`
  );
}
export function guidFromString(s: string): Bytes {
  const m = /^([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})$/i.exec(s);
  if (!m) throw new Error(`bad GUID ${s}`);
  const out = new Uint8Array(16);
  put32(out, 0, parseInt(m[1]!, 16));
  put16(out, 4, parseInt(m[2]!, 16));
  put16(out, 6, parseInt(m[3]!, 16));
  out.set(fromHex(m[4]! + m[5]!), 8);
  return out;
}

/** A power of two (alignments, compatibility masks); 0 is not. */
export const isPow2 = (v: number): boolean => v > 0 && (v & (v - 1)) === 0;

export function alignUp(v: number, a: number): number {
  return Math.ceil(v / a) * a;
}
