// How the engine withholds a digest (issue 10): the core rule (digestBlocker: any error diagnostic) applied to a
// MeasureResult. A withheld result has digest '', no running values in its ledger (the last one would be the digest)
// and `withheld` saying why; with `force` the value computed from the damaged file rides in withheld.forcedDigest.
import { digestBlocker, type Diagnostic } from '../core/diagnostics';
import type { MeasureResult } from './protocol';

export function withholdDigest(r: MeasureResult, diagnostics: readonly Diagnostic[], force = false): MeasureResult {
  const b = digestBlocker(diagnostics);
  if (!b) return r;
  return {
    ...r,
    digest: '',
    withheld: { reason: b.reason, codes: b.codes, ...(force && r.digest ? { forcedDigest: r.digest } : {}) },
    entries: r.entries.map((e) => ({ ...e, running: '' })),
    idBlock: undefined,
  };
}
