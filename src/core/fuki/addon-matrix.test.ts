// The add-on matrix: every combination, SNP per composition profile (each equal to a fresh single compose of
// that combination and profile), TDX unchanged by add-ons, early stop, and the add-on limit.
import { describe, expect, it } from 'vitest';
import { toHex } from '../bytes/bytes';
import { nodeHashBackend } from '../../cli/node-hash';
import { corpusAvailable, readCorpus } from '../../test-support/corpus';
import type { AddonInput } from '../uki/addons';
import { addonMatrix, MAX_MATRIX_ADDONS } from './addon-matrix';
import { ComposeSession, DEFAULT_SETTINGS, MEASURE_PROFILE, type ComposeSettings } from './compose';
import { ukiBootBlobs } from './inputs';
import { Diagnostics } from '../diagnostics';

describe.runIf(corpusAvailable())('addonMatrix', () => {
  const firmware = corpusAvailable() ? readCorpus('inputs/ovmf/sid/OVMF.amdsev.fd') : new Uint8Array();
  const uki = corpusAvailable() ? readCorpus('pe/uki-262.efi') : new Uint8Array();
  const addons: AddonInput[] = corpusAvailable()
    ? ['addon-262-cmdline.addon.efi', 'addon-262-cmdline-initrd.addon.efi'].map((f) => ({
        file: readCorpus(`pe/${f}`),
        fileName: f,
        scope: 'global' as const,
      }))
    : [];
  const settings: ComposeSettings = { ...DEFAULT_SETTINGS, profile: 'qemu-igvm' };

  it('every combination: SNP for both profiles equals a fresh compose of it; TDX does not change', () => {
    const m = addonMatrix(new ComposeSession(nodeHashBackend), {
      firmware,
      uki,
      addons,
      settings,
      snpProfiles: ['qemu-igvm', 'classic-equivalent'],
    });
    expect(m.complete).toBe(true);
    expect(m.combinations).toHaveLength(4);
    const tdx = new Set<string>();
    m.combinations.forEach((c, mask) => {
      const chosen = addons.filter((_, i) => (mask >> i) & 1);
      for (const profile of ['qemu-igvm', 'classic-equivalent'] as const) {
        const blobs = ukiBootBlobs(uki, chosen, new Diagnostics())!;
        const fresh = new ComposeSession(nodeHashBackend).compose({ firmware, boot: blobs, settings: { ...settings, profile } });
        const want = toHex(fresh.measurements.find((x) => x.platform === 'SEV_SNP')!.digest);
        const got = c.measurements.find((x) => x.platform === 'SEV_SNP' && x.profile === MEASURE_PROFILE[profile]);
        expect(got?.digest, `${mask} ${profile}`).toBe(want);
      }
      for (const t of c.measurements.filter((x) => x.platform === 'TDX')) tdx.add(`${t.tdxOrder}:${t.digest}`);
    });
    expect(tdx.size).toBe(2); // one per page order, the same for every combination
    const snpDigests = m.combinations.flatMap((c) => c.measurements.filter((x) => x.platform === 'SEV_SNP').map((x) => x.digest));
    expect(new Set(snpDigests).size).toBe(8);
  });

  it('stops when the progress callback says so, and refuses more add-ons than the limit', () => {
    const session = new ComposeSession(nodeHashBackend);
    const stopped = addonMatrix(session, { firmware, uki, addons, settings, onProgress: (done) => done < 2 });
    expect(stopped.complete).toBe(false);
    expect(stopped.combinations).toHaveLength(2);
    const many = Array.from({ length: MAX_MATRIX_ADDONS + 1 }, () => addons[0]!);
    const refused = addonMatrix(session, { firmware, uki, addons: many, settings });
    expect(refused.combinations).toEqual([]);
    expect(refused.diagnostics.map((d) => d.code)).toEqual(['FUKI_TOO_MANY_ADDONS']);
  });
});
