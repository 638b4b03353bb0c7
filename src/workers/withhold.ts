// The engine's one gate between a computed digest and the UI: when the input (the file itself, or another
// input the measurement read, e.g. a direct-boot kernel) has error diagnostics, digestBlocker (src/core/diagnostics)
// says so and the result carries no digest, no ledger running values and no ID-block verdict, only `withheld`
// with the reason (issue 10). With `force`, the value is returned as `withheld.forcedDigest`, which the UI shows in
// red as "computed from a damaged file" and never puts in a receipt or a download.
import { digestBlocker, type Diagnostic } from '../core/diagnostics';
import type { MeasureResult } from './protocol';
import { ledgerColumns } from './ledger-columns';

/** `list` plus those of `more` not already in it (the same code at the same place with the same message). */
export function mergeDiagnostics(list: readonly Diagnostic[], more: readonly Diagnostic[]): Diagnostic[] {
  const key = (d: Diagnostic) =>
    `${d.severity}\0${d.code}\0${d.offset ?? ''}\0${d.index ?? ''}\0${d.message}`;
  const seen = new Set(list.map(key));
  const out = [...list];
  for (const d of more) {
    const k = key(d);
    if (!seen.has(k)) {
      seen.add(k);
      out.push(d);
    }
  }
  return out;
}

/**
 * `r` unchanged when neither its own diagnostics nor `inputDiagnostics` hold an error; otherwise the same result with
 * the digest withheld. The ledger's running values and the ID-block verdict reveal the digest too, so they go with it
 * (kept only when forced, for the user who insists on looking at the damaged computation).
 */
export function withholdIfDamaged(
  r: MeasureResult,
  inputDiagnostics: readonly Diagnostic[],
  force = false,
): MeasureResult {
  const blocker = digestBlocker([...inputDiagnostics, ...r.diagnostics]);
  if (!blocker) return r;
  const withheld = { ...blocker, ...(force && r.digest ? { forcedDigest: r.digest } : {}) };
  if (force) return { ...r, digest: '', withheld, idBlock: undefined };
  return { ...r, digest: '', withheld, ledger: ledgerColumns([]), runs: [], idBlock: undefined, vmsas: undefined };
}

/**
 * The result of a measurement whose file could not be read again (a detached IGVM, engine-sliced: the file changed on
 * disk since the drop, a short read): a FILE_READ_FAILED error and no digest, never one of part of the file.
 */
export function readFailedResult(error: unknown, ms: number, platform = '', label = ''): MeasureResult {
  return {
    platform,
    label,
    algorithm: '',
    digest: '',
    ms,
    ledger: ledgerColumns([]),
    runs: [],
    diagnostics: [fileReadFailed(error)],
  };
}

/**
 * The FILE_READ_FAILED error of a read that failed: a re-read of a file open in slices (`first` false), or the sliced
 * open's own reads (`first`: nothing of the file is shown then).
 */
export function fileReadFailed(error: unknown, first = false): Diagnostic {
  const message = error instanceof Error ? error.message : String(error);
  return {
    severity: 'error',
    code: 'FILE_READ_FAILED',
    message: first
      ? `reading the file failed (${message}): nothing of it is shown or measured; open it again`
      : `reading the file again failed (${message}): no digest from part of the file; open it again`,
  };
}
