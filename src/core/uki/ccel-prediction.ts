// A TDX CCEL compared with the boot prediction of a UKI (evidence §3): the prediction's PCR events mapped to
// the CC MR index each lands in under TDVF (edk2 MapPcrToMrIndex; the CCEL's index is RTMR + 1), matched event by
// event with the log, and the predicted RTMR1/RTMR2 (tdx-rtmr.ts) set against the log's replay. RTMR0 is the
// firmware's configuration (not determined by the UKI) and RTMR3 is the OS's: neither is predicted.
// One module for the browser's event-log diff (workers/inspect/eventlog.ts) and `fukiscope eventlog --ccel --uki`.
import { appendAll } from '../append';
import { toHex } from '../bytes/bytes';
import { defaultHash, type HashBackend } from '../hash/hash';
import { matchPrediction, type MatchResult, type ParsedLog, type Replay } from '../eventlog';
import type { BootPrediction, PredictedEvent } from './boot-prediction';
import { predictTdxRtmrs, rtmrOfPcr } from './tdx-rtmr';

/** The CC MR index of an RTMR in a CCEL (edk2: MR index 0 is MRTD, 1–4 are RTMR0–3). */
export const ccMrOfRtmr = (rtmr: number): number => rtmr + 1;

/** The stub's registers (PCR 9, 11, 12) all land in RTMR2: its CC MR is the one the prediction owns. */
const OWNED_CC_MR = ccMrOfRtmr(2);

export interface CcelPredictedEvents {
  /** The predicted events the CCEL can hold, with `pcr` replaced by the CC MR index. */
  events: PredictedEvent[];
  /** For each of `events`, the PCR the TPM prediction gave it. */
  pcrs: number[];
}

/** The CCEL view of a PCR prediction: events of PCR 0 (MRTD, not logged) dropped, the rest mapped to CC MRs. */
export function ccelPredictedEvents(events: readonly PredictedEvent[]): CcelPredictedEvents {
  const out: CcelPredictedEvents = { events: [], pcrs: [] };
  for (const e of events) {
    const r = rtmrOfPcr(e.pcr);
    if (r === undefined) continue;
    out.events.push({ ...e, pcr: ccMrOfRtmr(r) });
    out.pcrs.push(e.pcr);
  }
  return out;
}

export interface CcelRegisterPrediction {
  label: 'RTMR1' | 'RTMR2';
  rtmr: 1 | 2;
  /** Hex SHA-384, or absent with `why`. */
  predicted?: string;
  why?: string;
  /** The log's replayed value (zero when the log extends nothing into it). */
  replayed: string;
  /** Present when there is a prediction. */
  equal?: boolean;
  /** What the prediction is made of. */
  basis: string;
}

export interface CcelComparison {
  predicted: CcelPredictedEvents;
  match: MatchResult;
  registers: CcelRegisterPrediction[];
  assumptions: string[];
  /** Every event matched and no predicted RTMR differs from the replay (one that cannot be predicted says why). */
  ok: boolean;
}

/**
 * A CCEL (`log`, replayed as RTMRs in `replay`) against the prediction `p` (made with the sha384 bank). RTMR1's
 * firmware events cannot be derived from the files: they are this log's own, with the predicted boot-application
 * events in place of its own — so RTMR1 checks what the UKI contributes, RTMR2 all of it.
 */
export function compareCcelWithPrediction(
  log: ParsedLog,
  replay: Replay,
  p: BootPrediction,
  hash: HashBackend = defaultHash(),
): CcelComparison {
  const predicted = ccelPredictedEvents(p.events);
  const match = matchPrediction(log, predicted.events, { owned: new Set([OWNED_CC_MR]) });
  const r = predictTdxRtmrs(p, log, hash);
  const registers: CcelRegisterPrediction[] = [];
  for (const [label, rtmr, x, basis] of [
    [
      'RTMR1',
      1,
      r.rtmr1,
      "this CCEL's own RTMR1 firmware events with the predicted boot-application events in place of its own",
    ],
    ['RTMR2', 2, r.rtmr2, 'the predicted PCR 8–15 events, in order'],
  ] as const) {
    const v = replay.values.sha384?.[rtmr];
    const replayed = v ? toHex(v) : toHex(new Uint8Array(48));
    registers.push({
      label,
      rtmr,
      ...(x.value ? { predicted: x.value, equal: x.value === replayed } : { why: x.why }),
      replayed,
      basis,
    });
  }
  const assumptions = [...p.assumptions];
  appendAll(assumptions, r.assumptions);
  return {
    predicted,
    match,
    registers,
    assumptions,
    ok: match.ok && registers.every((x) => x.equal !== false),
  };
}
