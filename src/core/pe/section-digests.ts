// One digest per section (sectionDigest, the one definition: the min(VirtualSize, SizeOfRawData) bytes the file holds, fuki §2.1), in bounded
// work: each distinct byte range (offset + length) is hashed once, however many headers alias it, and the
// distinct ranges together are hashed up to hashedBytesLimit(file size); sections beyond get no digest and
// one diagnostic says so (issue 11).
import type { Bytes } from '../bytes/bytes';
import type { Diagnostic } from '../diagnostics';
import { defaultHash, type HashAlgorithm, type HashBackend } from '../hash/hash';
import { sectionDigest } from './section-hash';
import { hashedBytesLimit, SPEC_PE } from './constants';
import type { PeFile } from './types';

export interface SectionDigests {
  /** By section index; undefined beyond the limit. */
  digests: (Bytes | undefined)[];
  diagnostics: Diagnostic[];
}

export function sectionDigests(
  file: Uint8Array,
  pe: PeFile,
  alg: HashAlgorithm = 'sha256',
  hash: HashBackend = defaultHash(),
): SectionDigests {
  const limit = hashedBytesLimit(file.length);
  const seen = new Map<string, Bytes>();
  let hashed = 0;
  let skipped = 0;
  const digests = pe.sections.map((s) => {
    const key = `${s.data.offset}:${s.data.length}`;
    const known = seen.get(key);
    if (known) return known;
    if (hashed + s.data.length > limit) {
      skipped++;
      return undefined;
    }
    hashed += s.data.length;
    const d = sectionDigest(file, s, alg, hash);
    seen.set(key, d);
    return d;
  });
  const diagnostics: Diagnostic[] = skipped
    ? [
        {
          severity: 'error',
          code: 'PE_SECTION_HASH_LIMIT',
          message: `${skipped} section(s) not hashed: the sections' distinct raw data add up to more than ${limit} bytes (2 × the file size + 64 KiB); their headers overlap or alias each other`,
          offset: pe.sectionTable?.offset,
          spec: SPEC_PE,
        },
      ]
    : [];
  return { digests, diagnostics };
}
