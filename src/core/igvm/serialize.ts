// serializeIgvm: writes a model the way the Rust serializer does (§12): platform, initialization, directive
// headers in the given order with exact lengths and zero padding; file data right after the headers, blobs in
// first-use order and de-duplicated by content; checksum last. Throws RangeError on a model it cannot write.
// With `{ layout: 'preserve' }` it instead keeps what producers such as igvmgen do (§17.3, §20): no
// de-duplication and the header padding bytes found in the parsed file, so their files round-trip exactly.
import { crc32 } from '../bytes/crc32';
import { alignUp, equalBytes, put32, type Bytes } from '../bytes/bytes';
import { igvmChecksum } from './fixed-header';
import {
  IGVM_FIXED_HEADER_V1_SIZE,
  IGVM_FIXED_HEADER_V2_SIZE,
  IGVM_MAGIC,
  IGVM_PAGE_SIZE,
} from './constants';
import type { BlobSink } from './header-fields';
import type { IgvmFileInput, IgvmHeaderInput } from './model';
import { bodySizeOf, headerTypeOf, writeHeaderBody } from './registry';

export { headerTypeOf };

/** File data with the serializer's content de-duplication (§12 step 4). */
class FileData implements BlobSink {
  private readonly blobs: Uint8Array[] = [];
  private readonly seen = new Map<string, { blob: Uint8Array; offset: number }[]>();
  length = 0;
  private readonly start: number;
  private readonly deduplicate: boolean;
  constructor(start: number, deduplicate: boolean) {
    this.start = start;
    this.deduplicate = deduplicate;
  }

  /** Absolute offset of `blob`, appended unless an identical blob was written already (and de-duplicating). */
  add(blob: Uint8Array): number {
    if (!this.deduplicate) return this.append(blob);
    const key = `${blob.length}:${crc32(blob)}`;
    const candidates = this.seen.get(key) ?? [];
    for (const c of candidates) if (equalBytes(c.blob, blob)) return c.offset;
    const offset = this.append(blob);
    candidates.push({ blob, offset });
    this.seen.set(key, candidates);
    return offset;
  }
  /** Appends without de-duplication (CoRIM payloads) and returns the offset. */
  append(blob: Uint8Array): number {
    const offset = this.start + this.length;
    this.blobs.push(blob);
    this.length += blob.length;
    return offset;
  }
  writeTo(out: Uint8Array, at: number): void {
    for (const b of this.blobs) {
      out.set(b, at);
      at += b.length;
    }
  }
}

export interface SerializeIgvmOptions {
  /** 'canonical' (default): the Rust serializer's layout. 'preserve': no de-duplication, padding kept from `raw`. */
  layout?: 'canonical' | 'preserve';
}

/** The padding bytes after a header body as found in the parsed file, when the record has the same shape. */
function foundPadding(h: IgvmHeaderInput, size: number): Uint8Array | undefined {
  const padded = alignUp(size, 8);
  return h.raw && h.raw.length === 8 + padded && h.bodyLength === size ? h.raw.subarray(8 + size) : undefined;
}

export function serializeIgvm(file: IgvmFileInput, options: SerializeIgvmOptions = {}): Bytes {
  const preserve = options.layout === 'preserve';
  const v2 = file.formatVersion === 2;
  const fixedSize = v2 ? IGVM_FIXED_HEADER_V2_SIZE : IGVM_FIXED_HEADER_V1_SIZE;
  const headers = [...file.platforms, ...file.initialization, ...file.directives];
  const vhSize = headers.reduce((n, h) => n + 8 + alignUp(bodySizeOf(h), 8), 0);
  const data = new FileData(fixedSize + vhSize, !preserve);
  const vh = new Uint8Array(vhSize);
  let pos = 0;
  // Blobs are produced in header order; platforms have none, so this walk equals RS's init-then-directives walk.
  for (const h of headers) {
    // A detached model's page (detach.ts) would be written as file_offset 0, a zero page: refuse it.
    if (h.kind === 'PageData' && 'deferred' in h && h.deferred)
      throw new Error(`page data of header ${h.index ?? '?'} was not read (a detached model cannot be serialized)`);
    const size = bodySizeOf(h);
    put32(vh, pos, headerTypeOf(h));
    put32(vh, pos + 4, size);
    writeHeaderBody(h, vh.subarray(pos + 8, pos + 8 + size), data);
    const padding = preserve ? foundPadding(h, size) : undefined;
    if (padding) vh.set(padding, pos + 8 + size);
    pos += 8 + alignUp(size, 8);
  }
  const total = fixedSize + vhSize + data.length;
  if (total > 0xffffffff) throw new RangeError(`IGVM file would be ${total} bytes, over 4 GiB`);
  const out = new Uint8Array(total);
  put32(out, 0, IGVM_MAGIC);
  put32(out, 4, file.formatVersion);
  put32(out, 8, fixedSize);
  put32(out, 12, vhSize);
  put32(out, 16, total);
  if (v2) {
    put32(out, 0x18, file.architecture === 'AArch64' ? 1 : 0);
    put32(out, 0x1c, IGVM_PAGE_SIZE);
  }
  out.set(vh, fixedSize);
  data.writeTo(out, fixedSize + vhSize);
  put32(out, 20, igvmChecksum(out.subarray(0, fixedSize), vh));
  return out;
}
