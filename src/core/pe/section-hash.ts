// The one definition of "a section's hash" in every view and command (issue 10 item 2): ukify's, which is also what
// systemd-stub measures — the section's VirtualSize bytes from PointerToRawData (fuki §2.1 "Measured bytes = exactly
// VirtualSize bytes", no FileAlignment padding). A file holds at most SizeOfRawData of them, so the hashed span is
// min(VirtualSize, SizeOfRawData) (PeSection.data); a section with VirtualSize > SizeOfRawData, which systemd-stub
// refuses since PR #36263, is flagged by the UKI model (UKI_SECTION_VIRTUAL_SIZE_EXCEEDS_RAW). Never SizeOfRawData:
// that would hash the alignment padding and label it with VirtualSize.
import type { Bytes } from '../bytes/bytes';
import { defaultHash, type HashAlgorithm, type HashBackend } from '../hash/hash';
import { sectionView } from './access';
import type { PeSection } from './types';

/** The bytes a section hash covers (a view, no copy). */
export function sectionHashedBytes(file: Uint8Array, s: PeSection): Uint8Array {
  return sectionView(file, s);
}

/** The section's hash (ukify / systemd-stub definition), SHA-256 unless `alg` says otherwise. */
export function sectionDigest(file: Uint8Array, s: PeSection, alg: HashAlgorithm = 'sha256', hash: HashBackend = defaultHash()): Bytes {
  return hash.digest(alg, sectionHashedBytes(file, s));
}
