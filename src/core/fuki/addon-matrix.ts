// The add-on matrix (fuki-uki-kernel-hashes.md §1.6): for a UKI and a set of add-ons, every combination's final
// command line and initrd, kernel-hashes page and launch digests. The kernel and firmware are hashed once; each
// combination re-hashes only its command line, its initrd concatenation and one page (ComposeSession).
import { toHex } from '../bytes/bytes';
import { Diagnostics, type Diagnostic } from '../diagnostics';
import type { AddonInput } from '../uki/addons';
import { ComposeSession, type ComposeSettings } from './compose';
import type { FukiProfile } from './snp-plan';
import { ukiBootBlobs } from './inputs';
import { describeMeasurement, type ReceiptAddonCombination } from './receipt';

/** 2^8 combinations at most: beyond that a table stops being useful and the work grows without bound. */
export const MAX_MATRIX_ADDONS = 8;

export interface AddonMatrixInput {
  firmware: Uint8Array;
  uki: Uint8Array;
  addons: AddonInput[];
  settings: ComposeSettings;
  profile?: number;
  /**
   * SNP digests for these composition profiles too (issue 6: "SNP per profile"), each from its own session
   * sharing the input digests; the main settings' profile is always there. TDX does not depend on the profile.
   */
  snpProfiles?: readonly FukiProfile[];
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
  const snp = !settings.platforms || settings.platforms.includes('SEV_SNP');
  const others = snp ? (input.snpProfiles ?? []).filter((p) => p !== settings.profile) : [];
  const extra = others.map((profile) => ({
    profile,
    session: new ComposeSession(session.hash, session.cache),
    settings: { ...settings, profile, platforms: ['SEV_SNP'] as const },
  }));
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
    for (const x of extra) {
      const o = x.session.compose({ firmware: input.firmware, boot: blobs, settings: x.settings });
      const m = o.measurements.find((y) => y.platform === 'SEV_SNP');
      if (m) {
        // Next to the other SNP digests, before TDX.
        const list = combinations.at(-1)!.measurements;
        let after = list.length - 1;
        while (after >= 0 && list[after]!.platform !== 'SEV_SNP') after--;
        list.splice(after + 1, 0, describeMeasurement(m, x.profile));
      }
      // A profile the settings do not allow (e.g. qemu-igvm with other guest features) is left out, said once.
      else if (mask === 0)
        d.warning('FUKI_MATRIX_PROFILE_SKIPPED', `no ${x.profile} SNP digest: ${o.diagnostics.find((y) => y.severity === 'error')?.message ?? 'not composable'}`);
    }
    if (input.onProgress?.(mask + 1, total) === false) return { combinations, complete: false, diagnostics: d.done() };
  }
  return { combinations, complete: combinations.length === total, diagnostics: d.done() };
}
