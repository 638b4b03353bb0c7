// The CCEL ↔ prediction comparison on CCEL bytes: each boot-lab TPM log rewritten as the CCEL a TDVF boot of the
// same files writes (test-support/ccel-from-tpm-log.ts: real event data and the real stub's SHA-384 digests, PCRs
// mapped to CC MRs), read back by our CCEL reader. Every event must match the prediction and the predicted RTMR1/
// RTMR2 must equal the RTMRs folded here with node:crypto from the TPM log's PCR 2–6 / 8–15 events.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bootlabAddons, bootlabUki } from '../../test-support/bootlab';
import { ccelFromTpmLog } from '../../test-support/ccel-from-tpm-log';
import { corpusAvailable, manifest, readCorpus, type Manifest } from '../../test-support/corpus';
import { parseCcel, parseTcgLog, replayLog, type ParsedLog } from '../eventlog';
import { predictBoot } from './boot-prediction';
import { ccelPredictedEvents, compareCcelWithPrediction } from './ccel-prediction';

const cases: Manifest[] = corpusAvailable() ? manifest().bootlab.cases : [];

/** RTMR `rtmr` folded with node:crypto over the TPM log's SHA-384 digests of PCRs `lo`–`hi` (in log order). */
function fold(log: ParsedLog, lo: number, hi: number): string {
  let v = Buffer.alloc(48);
  for (const e of log.events.slice(1))
    if (e.type !== 3 && e.register >= lo && e.register <= hi)
      v = createHash('sha384')
        .update(v)
        .update(e.digests.find((d) => d.algorithmId === 0x000c)!.digest)
        .digest();
  return v.toString('hex');
}

describe.runIf(corpusAvailable())('a boot-lab boot as a CCEL against the prediction of its UKI', () => {
  for (const c of cases) {
    it(c.id, () => {
      const tpm = parseTcgLog(readCorpus(c.event_log));
      const ccel = parseCcel(ccelFromTpmLog(tpm));
      expect(ccel.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const p = predictBoot({ file: bootlabUki(c) }, bootlabAddons(c), { banks: ['sha384'] });
      const r = compareCcelWithPrediction(ccel, replayLog(ccel, 'rtmr'), p);
      expect(r.match.firstDivergence).toBeUndefined();
      expect(r.registers.map((x) => [x.label, x.predicted, x.equal])).toEqual([
        ['RTMR1', fold(tpm, 2, 6), true],
        ['RTMR2', fold(tpm, 8, 15), true],
      ]);
      expect(r.ok).toBe(true);
      // Every predicted stub event (CC MR 3 = RTMR2) was found in the log, none left missing.
      expect(r.match.rows.filter((x) => x.status === 'missing')).toEqual([]);
      expect(r.match.rows.filter((x) => x.pcr === 3 && x.status === 'match').length).toBe(
        r.predicted.events.filter((e) => e.pcr === 3).length,
      );
    });
  }

  it('a different UKI: RTMR2 differs and the first divergence is named', () => {
    const a = cases.find((c) => c.id === 'a')!;
    const b = cases.find((c) => c.id === 'b')!; // same UKI plus a command-line add-on
    const ccel = parseCcel(ccelFromTpmLog(parseTcgLog(readCorpus(b.event_log))));
    const r = compareCcelWithPrediction(ccel, replayLog(ccel, 'rtmr'), predictBoot({ file: bootlabUki(a) }, [], { banks: ['sha384'] }));
    expect(r.ok).toBe(false);
    expect(r.registers.find((x) => x.label === 'RTMR2')!.equal).toBe(false);
    expect(r.match.firstDivergence).toBeDefined();
  });
});

describe('ccelPredictedEvents', () => {
  it('maps PCRs to CC MR indexes (RTMR + 1) and drops PCR 0', () => {
    const ev = (pcr: number) => ({ pcr, type: 0xd, source: 'uki' as const, description: `pcr ${pcr}` });
    const r = ccelPredictedEvents([0, 1, 4, 7, 9, 11, 12, 16].map(ev));
    expect(r.events.map((e) => e.pcr)).toEqual([1, 2, 1, 3, 3, 3]);
    expect(r.pcrs).toEqual([1, 4, 7, 9, 11, 12]);
  });
});
