// `.pcrsig`: JSON keyed by PCR bank → [{pcrs, pkfp, pol, sig}] (fuki §2.3), one entry per signed phase path.
import type { Diagnostics } from '../diagnostics';

export interface PcrSignature {
  bank: string;
  pcrs: number[];
  /** SHA-256 fingerprint of the public key (hex). */
  pkfp?: string;
  /** TPM2 policy digest (hex). */
  pol?: string;
  /** Signature (base64). */
  sig?: string;
}

export function decodePcrsig(text: string, d: Diagnostics, base = 0): PcrSignature[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    d.error('PCRSIG_BAD_JSON', `.pcrsig is not JSON: ${e instanceof Error ? e.message : String(e)}`, {
      offset: base,
      spec: 'fuki §2.3',
    });
    return [];
  }
  const out: PcrSignature[] = [];
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    d.error('PCRSIG_NOT_OBJECT', '.pcrsig must be an object keyed by bank', {
      offset: base,
      spec: 'fuki §2.3',
    });
    return out;
  }
  for (const [bank, list] of Object.entries(json as Record<string, unknown>)) {
    if (!Array.isArray(list)) continue;
    for (const item of list.slice(0, 256)) {
      if (typeof item !== 'object' || item === null) continue;
      const r = item as Record<string, unknown>;
      out.push({
        bank,
        pcrs: Array.isArray(r.pcrs) ? r.pcrs.filter((x): x is number => typeof x === 'number') : [],
        pkfp: typeof r.pkfp === 'string' ? r.pkfp : undefined,
        pol: typeof r.pol === 'string' ? r.pol : undefined,
        sig: typeof r.sig === 'string' ? r.sig : undefined,
      });
    }
  }
  return out;
}
