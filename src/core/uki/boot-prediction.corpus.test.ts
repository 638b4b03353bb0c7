// Golden: for every boot-lab case (real systemd-stub 252/257/262 under QEMU + OVMF + swtpm, evidence §4), our
// prediction from the files equals what the TPM measured: PCR 11 and 12 in all four banks, the PCR 4 image events
// of the kernel's event log, and every log event is matched to what produced it.
import { describe, expect, it } from 'vitest';
import { toHex } from '../bytes/bytes';
import { sha256Of } from '../hash/hash';
import { bootlabAddons, bootlabUki } from '../../test-support/bootlab';
import { corpusAvailable, manifest, readCorpus, type Manifest } from '../../test-support/corpus';
import { matchPrediction, parseTcgLog } from '../eventlog';
import { predictBoot } from './boot-prediction';
import { PCR_BANKS } from './pcr';

const cases: Manifest[] = corpusAvailable() ? manifest().bootlab.cases : [];

describe.runIf(corpusAvailable())('boot-lab predictions equal the real boots', () => {
  for (const c of cases) {
    it(`${c.id}`, () => {
      const uki = bootlabUki(c);
      if (c.uki.built) expect(toHex(sha256Of(uki))).toBe(c.uki.sha256_when_built);
      const p = predictBoot({ file: uki }, bootlabAddons(c));
      expect(p.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      for (const bank of PCR_BANKS) {
        expect(toHex(p.pcr11[bank]!), `PCR 11 ${bank}`).toBe(c.measured_pcrs[bank]['11']);
        expect(toHex(p.pcr12[bank]!), `PCR 12 ${bank}`).toBe(c.measured_pcrs[bank]['12']);
        // PCR 9 byte-exact, the stub's generated /.extra cpio included (257/262).
        expect(toHex(p.pcr9![bank]!), `PCR 9 ${bank}`).toBe(c.measured_pcrs[bank]['9']);
      }
      const log = parseTcgLog(readCorpus(c.event_log));
      const logged = log.events.filter((e) => e.register === 4 && e.type === 0x80000003);
      const mine = p.events.filter((e) => e.pcr === 4);
      expect(mine.length).toBe(logged.length);
      mine.forEach((e, i) => {
        for (const d of logged[i]!.digests)
          expect(toHex(e.digests![d.algorithm as 'sha256']!)).toBe(toHex(d.digest));
      });
      const m = matchPrediction(log, p.events);
      expect(
        m.rows.filter((r) => r.status !== 'match' && r.status !== 'firmware' && r.status !== 'unpredictable'),
      ).toEqual([]);
      expect(m.ok).toBe(true);
      // Only what the spec says depends on the platform stays unpredicted: the smbios tag.
      for (const r of m.rows.filter((x) => x.status === 'unpredictable')) expect(r.pcr).toBe(1);
    });
  }
});

describe.runIf(corpusAvailable())('a wrong stub model is caught', () => {
  it('e252-addon predicted as if stub 257 diverges at the first .uname event, and the add-on shows as missing', () => {
    const c = cases.find((x) => x.id === 'e252-addon')!;
    const p = predictBoot({ file: bootlabUki(c) }, bootlabAddons(c), { stubMajor: 257 });
    expect(toHex(p.pcr11.sha256!)).not.toBe(c.measured_pcrs.sha256['11']);
    const m = matchPrediction(parseTcgLog(readCorpus(c.event_log)), p.events);
    expect(m.ok).toBe(false);
    expect(m.rows.some((r) => r.status === 'missing' && r.description.includes('.uname'))).toBe(true);
    expect(m.rows.some((r) => r.status === 'missing' && r.source === 'addon')).toBe(true);
  });
  it('PCR 9 matches byte-exact: 252 measures the .initrd section, 262 the .initrd plus its generated /.extra/os-release cpio', () => {
    for (const id of ['e252', 'd']) {
      const c = cases.find((x) => x.id === id)!;
      const p = predictBoot({ file: bootlabUki(c) });
      const m = matchPrediction(parseTcgLog(readCorpus(c.event_log)), p.events);
      const pcr9 = m.rows.filter((r) => r.pcr === 9).map((r) => r.status);
      expect(pcr9).toEqual(['match', 'match']);
    }
  });
});
