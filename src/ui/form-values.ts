// Checks for the numbers users type into measurement forms (the file view's what-if controls and the composer).
// Each returns the message to show next to the field, or undefined when the value is valid. The engine checks
// again; these exist so a bad value is flagged where it was typed and the digest is withdrawn at once (issue 10).

/** 2^64: SEV_FEATURES (guest features) and the SNP guest policy are 64-bit fields (SEV-SNP ABI, VMSA / POLICY). */
const U64_LIMIT = 1n << 64n;

/** A 64-bit unsigned value typed as 0x… hex or decimal. */
export function u64Error(value: string, what: string): string | undefined {
  const v = value.trim();
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(v)) return `${what}: “${value}” is not a number (0x… hex or decimal)`;
  if (BigInt(v) >= U64_LIMIT) return `${what}: ${v} does not fit in 64 bits`;
  return undefined;
}

/** The vCPU count QEMU accepts for these launches (the engine's 1…512). */
export function vcpusError(value: string): string | undefined {
  const v = value.trim();
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 512)
    return `vCPUs: “${value}” is not a whole number from 1 to 512`;
  return undefined;
}

/** A DigestWithheld reason ("no digest: the input has …") as a sentence after a bold "No digest.". */
export function withheldSentence(reason: string): string {
  const rest = reason.replace(/^no digest:\s*/i, '');
  return rest.charAt(0).toUpperCase() + rest.slice(1) + (/[.!?]$/.test(rest) ? '' : '.');
}
