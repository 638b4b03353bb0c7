// The add-on matrix (fuki-uki-kernel-hashes.md §1.6): for a UKI and a set of add-ons, every combination's final
// command line and initrd, kernel-hashes page and launch digests. The kernel and firmware are hashed once; each
// combination re-hashes only its command line, its initrd concatenation and one page (ComposeSession).
import { toHex } from '../bytes/bytes';
import { Diagnostics, type Diagnostic } from '../diagnostics';
import type { AddonInput } from '../uki/addons';
import { describeMeasurement, type ComposeSession, type ComposeSettings } from './compose';
import { ukiBootBlobs } from './inputs';
import type { ReceiptAddonCombination } from './receipt';

/** 2^8 combinations at most: beyond that a table stops being useful and the work grows without bound. */
export const MAX_MATRIX_ADDONS = 8;

export interface AddonMatrixInput {
  firmware: Uint8Array;
  uki: Uint8Array;
  addons: AddonInput[];
  settings: ComposeSettings;
  profile?: number;
  /** Called after each combination (for progress bars); return false to stop early. */
  onProgress?: (done: number, total: number) => boolean | void;
}

export interface AddonMatrixResult {
  combinations: ReceiptAddonCombination[];
  complete: boolean;
  diagnostics: Diagnostic[];
}

export function addonMatrix(session: ComposeSession, input: AddonMatrixInput): AddonMatrixResult {
  const d = new Diagnostics();
  const n = input.addons.length;
  if (n > MAX_MATRIX_ADDONS) {
    d.error('FUKI_TOO_MANY_ADDONS', `${n} add-ons make ${2 ** n} combinations; at most ${MAX_MATRIX_ADDONS} add-ons`);
    return { combinations: [], complete: false, diagnostics: d.done() };
  }
  const total = 2 ** n;
  const combinations: ReceiptAddonCombination[] = [];
  const settings = { ...input.settings, hashOutputs: false };
  for (let mask = 0; mask < total; mask++) {
    const chosen = input.addons.filter((_, i) => (mask >> i) & 1);
    const blobs = ukiBootBlobs(input.uki, chosen, d, input.profile);
    if (!blobs) break;
    const r = session.compose({ firmware: input.firmware, boot: blobs, settings });
    for (const x of r.diagnostics) if (x.severity === 'error') d.add(x);
    if (!r.kernelHashes) break;
    combinations.push({
      addons: blobs.provenance.cmdline === 'UKI .cmdline' ? [] : chosen.map((a) => a.fileName).sort(),
      cmdline: blobs.cmdline,
      initrdSha256: toHex(r.kernelHashes.initrd),
      kernelHashesTable: r.kernelHashesPage ? toHex(r.kernelHashesPage.table) : '',
      measurements: r.measurements.map((m) => describeMeasurement(m, settings.profile)),
    });
    if (input.onProgress?.(mask + 1, total) === false) return { combinations, complete: false, diagnostics: d.done() };
  }
  return { combinations, complete: combinations.length === total, diagnostics: d.done() };
}
