// The digest gate for a PE/UKI/add-on (issue 10): an error in the file's own structure — headers, sections past the
// end, the UKI model, the hashing limits — withholds every digest computed from it (Authenticode, section SHA-256s,
// PCR 11, the kernel's and the .efifw payloads'). Signature verdicts are not part of it: a signature that does not
// cover the file is reported as such, and the file's own Authenticode digest is still what a verifier computes.
// The worker's PE view (src/workers/inspect/pe.ts) and `fukiscope pe`/`inspect` (core summarizePe) ask this.
import { digestBlocker, type Diagnostic } from '../diagnostics';

/** The last clause of a damaged PE's withheld reason: these are not launch digests. */
export const PE_DIGEST_CONSEQUENCE = 'digests computed from a damaged file would look right and be wrong';

/** Why this PE's digests are withheld, from its structural diagnostics; undefined when they may be given. */
export function peDigestBlocker(
  structural: readonly Diagnostic[],
): { reason: string; codes: string[] } | undefined {
  return digestBlocker(structural, PE_DIGEST_CONSEQUENCE);
}
