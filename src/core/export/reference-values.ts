// The launch measurements an export carries, gathered from whatever produced them: a measurement of an IGVM
// (PlatformMeasurement), a composition's or measurement's receipt, or a receipt's add-on matrix. Only
// measurements a platform's hardware reports are reference values: SNP launch digest, TDX MRTD, VBS boot
// digest (igvm-format §14). igvmmeasure's SEV / SEV-ES SHA-256 is tool behaviour, not a firmware value (§14.3),
// and is never exported.
import { toHex } from '../bytes/bytes';
import type { Receipt, ReceiptMeasurement } from '../fuki/receipt';
import type { PlatformMeasurement } from '../measure/measure-igvm';

export type ReferencePlatform = 'SEV_SNP' | 'TDX' | 'VSM_ISOLATION';

export interface ReferenceValue {
  platform: ReferencePlatform;
  /** Lowercase hex: 48 bytes (SNP, TDX) or 32 bytes (VBS). */
  digest: string;
  /** Where it came from, for people (e.g. "add-ons: debug.addon.efi"). */
  label?: string;
}

/** Digest length in bytes per platform. */
export const REFERENCE_DIGEST_BYTES: Record<ReferencePlatform, number> = { SEV_SNP: 48, TDX: 48, VSM_ISOLATION: 32 };

/** A receipt's platform name as a reference platform; receipts of the `measure` route may say `snp`, `VBS`… */
export function referencePlatformOf(name: string): ReferencePlatform | undefined {
  if (typeof name !== 'string') return undefined;
  const n = name.toUpperCase().replace(/[^A-Z]/g, '');
  if (n === 'SEVSNP' || n === 'SNP') return 'SEV_SNP';
  if (n === 'TDX') return 'TDX';
  if (n === 'VSMISOLATION' || n === 'VBS') return 'VSM_ISOLATION';
  return undefined;
}

function valid(v: ReferenceValue): boolean {
  return typeof v.digest === 'string' && new RegExp(`^[0-9a-f]{${2 * REFERENCE_DIGEST_BYTES[v.platform]}}$`).test(v.digest);
}

/** Drops duplicates (same platform and digest) and anything that is not a well-formed digest. */
export function uniqueReferenceValues(values: readonly ReferenceValue[]): ReferenceValue[] {
  const seen = new Set<string>();
  const out: ReferenceValue[] = [];
  for (const v of values) {
    const key = `${v.platform}:${v.digest}`;
    if (!valid(v) || seen.has(key)) continue;
    seen.add(key);
    out.push(v);
  }
  return out;
}

/**
 * The reference values of measurements of an IGVM file. Pass only measurements whose digest may be given:
 * the caller decides with `digestBlocker` (a digest withheld for an error diagnostic must never be exported).
 */
export function referenceValuesOfMeasurements(ms: readonly PlatformMeasurement[]): ReferenceValue[] {
  const out: ReferenceValue[] = [];
  for (const m of ms) {
    const platform = referencePlatformOf(m.platform);
    if (platform && !m.toolBehaviour) out.push({ platform, digest: toHex(m.digest) });
  }
  return uniqueReferenceValues(out);
}

function fromReceiptMeasurement(m: ReceiptMeasurement, label: string | undefined): ReferenceValue | undefined {
  const platform = referencePlatformOf(m.platform);
  return platform && m.digest ? { platform, digest: m.digest, ...(label !== undefined && { label }) } : undefined;
}

const list = <T>(x: readonly T[] | undefined): readonly T[] => (Array.isArray(x) ? x : []);
const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;

/**
 * Every reference value a receipt names: its measurements and each add-on combination's. Tolerates a receipt
 * read from a file that is not quite one (entries of the wrong shape are skipped, never thrown on).
 */
export function referenceValuesOfReceipt(r: Receipt): ReferenceValue[] {
  const out: ReferenceValue[] = [];
  for (const m of list(r.measurements)) {
    const v = isObject(m) ? fromReceiptMeasurement(m, undefined) : undefined;
    if (v) out.push(v);
  }
  for (const c of list(r.addonMatrix)) {
    if (!isObject(c)) continue;
    const addons = list(c.addons).filter((a) => typeof a === 'string');
    for (const m of list(c.measurements)) {
      const v = isObject(m) ? fromReceiptMeasurement(m, addons.length ? `add-ons: ${addons.join(', ')}` : 'UKI alone') : undefined;
      if (v) out.push(v);
    }
  }
  return uniqueReferenceValues(out);
}
