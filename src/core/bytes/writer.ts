import { put16, put32, put64, type Bytes } from './bytes';

/** A growable little-endian byte writer for serializers. */
export class ByteWriter {
  private buf: Bytes;
  length = 0;

  constructor(initialCapacity = 4096) {
    this.buf = new Uint8Array(Math.max(16, initialCapacity));
  }

  private ensure(extra: number): void {
    const need = this.length + extra;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  u8(v: number): this {
    this.ensure(1);
    this.buf[this.length++] = v & 0xff;
    return this;
  }
  u16(v: number): this {
    this.ensure(2);
    put16(this.buf, this.length, v);
    this.length += 2;
    return this;
  }
  u32(v: number): this {
    this.ensure(4);
    put32(this.buf, this.length, v);
    this.length += 4;
    return this;
  }
  u64(v: bigint | number): this {
    this.ensure(8);
    put64(this.buf, this.length, v);
    this.length += 8;
    return this;
  }
  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }
  zeros(n: number): this {
    this.ensure(n);
    this.buf.fill(0, this.length, this.length + n);
    this.length += n;
    return this;
  }
  /** Pads with zeros up to a multiple of `alignment`. */
  align(alignment: number): this {
    const r = this.length % alignment;
    return r === 0 ? this : this.zeros(alignment - r);
  }
  /** Overwrites already-written bytes (e.g. a size or checksum fixed up at the end). */
  patch32(offset: number, v: number): this {
    put32(this.buf, offset, v);
    return this;
  }
  finish(): Bytes {
    return this.buf.slice(0, this.length);
  }
}
