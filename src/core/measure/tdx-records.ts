// Intel TDX MRTD record layouts (igvm-format-and-measurement.md §14.4; Intel TDX module spec,
// TDH.MEM.PAGE.ADD and TDH.MR.EXTEND). MRTD is one SHA-384 stream over these records.
import { put64, textEncoder, type Bytes } from '../bytes/bytes';
import type { IncrementalHash } from '../hash/hash';

export const TDX_RECORD_LENGTH = 128;
export const TDX_EXTEND_CHUNK = 256;

function record(tag: string, gpa: bigint): Bytes {
  const r = new Uint8Array(TDX_RECORD_LENGTH);
  r.set(textEncoder.encode(tag), 0);
  put64(r, 16, gpa);
  return r;
}

/** 128 bytes: "MEM.PAGE.ADD" + zero padding to 16 ‖ u64 GPA ‖ zeros. */
export const memPageAddRecord = (gpa: bigint): Bytes => record('MEM.PAGE.ADD', gpa);
/** 128-byte header of an MR.EXTEND: "MR.EXTEND" + zero padding to 16 ‖ u64 GPA of the 256-byte chunk ‖ zeros. */
export const mrExtendRecord = (gpa: bigint): Bytes => record('MR.EXTEND', gpa);

/** Feeds MEM.PAGE.ADD(gpa) into the stream. */
export function tdxPageAdd(stream: IncrementalHash, gpa: bigint): void {
  stream.update(memPageAddRecord(gpa));
}

/** Feeds the 16 MR.EXTEND records of one 4 KiB page (data zero-padded to 4096). */
export function tdxExtendPage(stream: IncrementalHash, gpa: bigint, data: Uint8Array): void {
  const page =
    data.length === 4096
      ? data
      : (() => {
          const p = new Uint8Array(4096);
          p.set(data.subarray(0, 4096));
          return p;
        })();
  for (let off = 0; off < 4096; off += TDX_EXTEND_CHUNK) {
    stream.update(mrExtendRecord(gpa + BigInt(off)));
    stream.update(page.subarray(off, off + TDX_EXTEND_CHUNK));
  }
}
