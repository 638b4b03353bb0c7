// Synthetic firmware images for tests that must not depend on the corpus.
import { readFileSync } from 'node:fs';
import type { Bytes } from '../core/bytes/bytes';
import { parseFirmware } from '../core/firmware';

/**
 * The §8.3 AmdSev fixture (the last 4 KiB of a 4 MiB edk2 AmdSev build, src/core/firmware/testdata) at the end
 * of 4 MiB of zeros, so its TDVF raw offsets fall inside the file and it parses without errors.
 */
export function amdSevFixture4MiB(): Bytes {
  const suffix = readFileSync(new URL('../core/firmware/testdata/ovmf_AmdSev_suffix.bin', import.meta.url));
  const fw = new Uint8Array(4 << 20) as Bytes;
  fw.set(suffix, fw.length - suffix.length);
  return fw;
}

/**
 * The same fixture cut to its last `bytes` (default 64 KiB): the SEV metadata and footer table are unchanged, the
 * TDVF sections are trimmed to the part of the image that remains (CFV, wholly cut off, keeps no raw data), so it
 * parses without diagnostics and a compose over it hashes 16 pages instead of 1024 (the fuzz harness's seed).
 */
export function amdSevFixtureSmall(bytes = 64 << 10): Bytes {
  const full = amdSevFixture4MiB();
  const cut = full.length - bytes;
  const fw = full.slice(cut) as Bytes;
  const tdx = parseFirmware(fw).tdxMetadata;
  const v = new DataView(fw.buffer);
  for (const s of tdx?.sections ?? []) {
    if (s.rawSize === 0) continue;
    const start = Math.max(0, s.rawOffset - cut);
    const size = Math.max(0, s.rawOffset + s.rawSize - cut - start);
    v.setUint32(s.offset, size ? start : 0, true);
    v.setUint32(s.offset + 4, size, true);
    v.setBigUint64(s.offset + 8, s.memBase + BigInt(start + cut - s.rawOffset), true);
    v.setBigUint64(s.offset + 16, BigInt(size), true);
  }
  return fw;
}
