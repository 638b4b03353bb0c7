// Checks for the numbers users type into measurement forms (the file view's what-if controls and the composer).
// Each returns the message to show next to the field, or undefined when the value is valid. They are the core's
// settings parser (src/core/settings), so the form flags exactly what the engine and the CLI refuse; they exist
// so a bad value is flagged where it was typed and the digest is withdrawn at once (issue 10).
import { parseMeasureSettings } from '../core/settings/launch-settings';

/** The core's message for one settings field, after the form's own label. */
function fieldError(field: 'guestFeatures' | 'vcpus', value: string, what: string): string | undefined {
  const d = parseMeasureSettings({ [field]: value }).fields[field];
  return d && `${what}: ${d.message.replace(/^[^:]*:\s*/, '')}`;
}

/** A 64-bit unsigned value (SEV_FEATURES, the SNP guest policy), as the core's settings parser reads it. */
export function u64Error(value: string, what: string): string | undefined {
  return fieldError('guestFeatures', value, what);
}

/** The vCPU count, within the core's LAUNCH_LIMITS (the same limit the CLI and the worker apply). */
export function vcpusError(value: string): string | undefined {
  return fieldError('vcpus', value, 'vCPUs');
}

/** A DigestWithheld reason ("no digest: the input has …") as a sentence after a bold "No digest.". */
export function withheldSentence(reason: string): string {
  const rest = reason.replace(/^no digest:\s*/i, '');
  return rest.charAt(0).toUpperCase() + rest.slice(1) + (/[.!?]$/.test(rest) ? '' : '.');
}
