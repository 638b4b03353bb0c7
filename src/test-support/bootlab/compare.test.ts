// The boot test's comparison (compare.ts) on the corpus boot-lab captures: an honest prediction passes, and each
// way a prediction can be wrong — add-ons in another order, a changed digest, a missing PCR 4 event, a capture
// that the log does not replay to — makes it fail with a message naming the PCR. So the boot test fails when a
// prediction is changed.
import { describe, expect, it } from 'vitest';
import { parseTcgLog } from '../../core/eventlog';
import { predictBoot, type BootPrediction } from '../../core/uki/boot-prediction';
import { bootlabAddons, bootlabUki } from '../bootlab';
import { corpusAvailable, manifest, readCorpus, type Manifest } from '../corpus';
import { compareBoot } from './compare';
import { parseSerial } from './serial';
import { MARK } from './guest-initrd';

const cases: Manifest[] = corpusAvailable() ? manifest().bootlab.cases : [];
const byId = (id: string) => cases.find((c) => c.id === id)!;

function run(c: Manifest, mutate?: (p: BootPrediction) => void, addons = bootlabAddons(c)) {
  const p = predictBoot({ file: bootlabUki(c) }, addons);
  mutate?.(p);
  return compareBoot(p, parseTcgLog(readCorpus(c.event_log)), c.measured_pcrs);
}

describe.runIf(corpusAvailable())('compareBoot on the boot-lab captures', () => {
  it('one case per stub and add-on situation: the honest prediction passes every check', () => {
    // (boot-prediction.corpus.test.ts covers every case; these four span 252 with ignored add-ons, 257 with an
    // add-on, 262 with two add-ons incl. an initrd, and 262 with .efifw, at a quarter of the hashing time)
    for (const c of ['e252-addon', 'e257-addon', 'd-both', 'g-efifw'].map(byId)) {
      const v = run(c);
      expect(v.failures, c.id).toEqual([]);
      expect(v.checked).toContain('PCR 9 sha384');
    }
  });

  it('add-ons in another order (one per-UKI add-on treated as global): PCR 12, 9 and the PCR 4 order fail', () => {
    const c = byId('d-both');
    const addons = bootlabAddons(c);
    // The stub loads addon-262-cmdline-initrd first (it sorts first); as a global add-on cmdline.addon would lead.
    addons[0] = { ...addons[0]!, scope: 'global' };
    const v = run(c, undefined, addons);
    expect(v.failures.some((f) => f.startsWith('PCR 12 sha256: predicted'))).toBe(true);
    expect(
      v.failures.some((f) => f.startsWith('PCR 4 image event 2 (global add-on addon-262-cmdline.addon.efi')),
    ).toBe(true);
    expect(v.failures.some((f) => f.startsWith('event match: extra at PCR 4'))).toBe(true);
  });

  it('one byte of a predicted PCR 11 value or of the initrd event changed: fails', () => {
    const c = byId('e257-addon');
    expect(run(c, (p) => (p.pcr11.sha1![0]! ^= 1)).failures).toEqual([
      expect.stringMatching(/^PCR 11 sha1: predicted/),
    ]);
    const v = run(c, (p) => {
      const e = p.events.find((x) => x.pcr === 9 && x.description.startsWith('Linux initrd'))!;
      e.digests!.sha512![5]! ^= 0x80;
    });
    expect(v.failures).toEqual([expect.stringMatching(/^event match: differs at PCR 9 .*sha512/)]);
  });

  it('the kernel image event dropped (as if 257 did not LoadImage it): PCR 4 fails', () => {
    const v = run(byId('e257-addon'), (p) => {
      p.events = p.events.filter((e) => e.source !== 'kernel' || e.pcr !== 4);
    });
    expect(v.failures[0]).toMatch(/^PCR 4: 2 image events predicted .*, 3 logged/);
  });

  it('a TPM value the log does not replay to fails the replay check', () => {
    const c = structuredClone(byId('a'));
    c.measured_pcrs.sha256['7'] = '00'.repeat(32);
    expect(run(c).failures).toEqual([expect.stringMatching(/^replay of the captured log, PCR 7 sha256/)]);
  });

  it('PCR 9 with a prediction that depends on the platform is reported, not passed', () => {
    const v = run(byId('d'), (p) => delete p.pcr9);
    expect(v.failures).toContain('PCR 9: no prediction (an event depends on the platform)');
  });
});

describe('the serial console report', () => {
  const report = (body: string) => `firmware noise\n${MARK} BEGIN\n${body}\n${MARK} END\n`;
  it('reads PCRs (lower-cased), the command line and the base64 log between the markers', () => {
    const r = parseSerial(
      report(
        `${MARK} CMDLINE console=ttyS0\n${MARK} PCR sha256 11 ABCD\n${MARK} LOG BEGIN\nAAEC\nAw==\n${MARK} LOG END`,
      ),
    );
    expect(r).toEqual({
      pcrs: { sha256: { '11': 'abcd' } },
      log: new Uint8Array([0, 1, 2, 3]),
      cmdline: 'console=ttyS0',
    });
  });
  it('says how far the guest got', () => {
    expect(parseSerial('BdsDxe: loading\n')).toMatchObject({
      error: expect.stringMatching(/never started/),
      infrastructure: true,
    });
    expect(parseSerial('EFI stub: Measured\n[0.04] Kernel panic - not syncing: IO-APIC')).toMatchObject({
      error: expect.stringMatching(/panicked .*IO-APIC/),
    });
    expect(parseSerial(`${MARK} BEGIN\n${MARK} PCR sha1 0 00\n`)).toMatchObject({
      error: expect.stringMatching(/truncated/),
    });
    expect(
      parseSerial(report(`${MARK} PCR sha1 0 00\n${MARK} LOG BEGIN\n[ 3.2] noise\n${MARK} LOG END`)),
    ).toMatchObject({
      error: expect.stringMatching(/not base64/),
    });
  });
});
