// RTMR prediction checked against real measurements: a TDVF TD logs the same events as the boot-lab TPM boots,
// folded per RTMR (evidence §3 mapping). So the boot-lab logs, re-indexed by that mapping, are real reference
// CCELs: RTMR2 from our prediction must equal the fold of the log's PCR 8–15 SHA-384 digests, and RTMR1 (the
// log's firmware events with our image events in place of its own) the fold of its PCR 2–6 digests.
import { describe, expect, it } from 'vitest';
import { toHex, type Bytes } from '../bytes/bytes';
import { nobleBackend } from '../hash/hash';
import { bootlabAddons, bootlabUki } from '../../test-support/bootlab';
import { corpusAvailable, manifest, readCorpus, type Manifest } from '../../test-support/corpus';
import { parseTcgLog, type ParsedLog } from '../eventlog';
import { predictBoot } from './boot-prediction';
import { predictTdxRtmrs, rtmrOfPcr } from './tdx-rtmr';

const cases: Manifest[] = corpusAvailable() ? manifest().bootlab.cases : [];

function asCcel(log: ParsedLog): ParsedLog {
  return { ...log, events: log.events.map((e) => ({ ...e, register: e.index === 0 ? 0 : (rtmrOfPcr(e.register) ?? -1) + 1 })) };
}
function foldLog(log: ParsedLog, rtmr: number): string {
  let v: Bytes = new Uint8Array(48);
  for (const e of log.events.slice(1))
    if (e.type !== 3 && rtmrOfPcr(e.register) === rtmr)
      v = nobleBackend.create('sha384').update(v).update(e.digests.find((d) => d.algorithm === 'sha384')!.digest).digest();
  return toHex(v);
}

describe.runIf(corpusAvailable())('TDX RTMR1/RTMR2 prediction vs the boot-lab measurements re-mapped to RTMRs', () => {
  for (const c of cases) {
    it(c.id, () => {
      const log = parseTcgLog(readCorpus(c.event_log));
      const p = predictBoot({ file: bootlabUki(c) }, bootlabAddons(c));
      const r = predictTdxRtmrs(p, asCcel(log));
      expect(r.rtmr1.value).toBe(foldLog(log, 1));
      // Every stub: RTMR2 (PCR 8–15) is predicted from the files alone, the 257/262 /.extra cpio initrd included.
      expect(r.rtmr2.value).toBe(foldLog(log, 2));
      const without = predictTdxRtmrs(p);
      expect(without.rtmr1.value).toBeUndefined();
    });
  }
});
