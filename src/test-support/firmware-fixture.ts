// Synthetic firmware images for tests that must not depend on the corpus.
import { readFileSync } from 'node:fs';
import type { Bytes } from '../core/bytes/bytes';

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
