// Log ↔ prediction diff (issue 14 item 4): every log event is matched to what produced it. Predicted events are
// matched in order, per PCR, to the next log event of the same type (and tag): registers the prediction owns
// (every event must be predicted) report any other event as extra; in shared registers (PCR 1, 4) the
// unpredicted events are the firmware's. Digests are compared in every bank both sides have.
import { appendAll } from '../append';
import { equalBytes, toHex, type Bytes } from '../bytes/bytes';
import type { HashAlgorithm } from '../hash/hash';
import { EV, TPM_ALG } from './constants';
import { describeEventData } from './event-data';
import type { LogEvent, ParsedLog } from './parse';

export interface PredictedLogEvent {
  pcr: number;
  type: number;
  source: string;
  description: string;
  digests?: Partial<Record<HashAlgorithm, Bytes>>;
  dependsOn?: string;
  tag?: number;
}

export type MatchStatus = 'match' | 'differs' | 'unpredictable' | 'firmware' | 'extra' | 'missing';

export interface MatchRow {
  status: MatchStatus;
  pcr: number;
  /** Index of the log event (absent for a predicted event the log lacks). */
  event?: number;
  /** Index in the prediction list (absent for a firmware or extra event). */
  predicted?: number;
  source: string;
  description: string;
  logged?: string;
  reason?: string;
}

export interface MatchResult {
  rows: MatchRow[];
  /** The first row (in log order; missing ones last) that is `differs`, `extra` or `missing`. */
  firstDivergence?: MatchRow;
  ok: boolean;
}

const tagOf = (e: LogEvent): number | undefined => (e.decoded?.kind === 'tagged' ? e.decoded.tag : undefined);

function compareDigests(p: PredictedLogEvent, e: LogEvent): string | undefined {
  let compared = 0;
  for (const dg of e.digests) {
    const alg = TPM_ALG[dg.algorithmId]?.hash;
    const want = alg && p.digests?.[alg];
    if (!want) continue;
    compared++;
    if (!equalBytes(want, dg.digest)) return `${alg}: predicted ${toHex(want)}, logged ${toHex(dg.digest)}`;
  }
  return compared === 0 ? 'no bank in common between the prediction and the log' : undefined;
}

export interface MatchOptions {
  /** PCRs every event of which must be predicted (default: those the stub alone extends, 9, 11, 12). */
  owned?: ReadonlySet<number>;
}

export function matchPrediction(
  log: ParsedLog,
  predicted: readonly PredictedLogEvent[],
  opts: MatchOptions = {},
): MatchResult {
  const owned = opts.owned ?? new Set([9, 11, 12]);
  const byPcr = new Map<number, LogEvent[]>();
  for (const e of log.events) {
    if (e.type === EV.NO_ACTION) continue;
    const list = byPcr.get(e.register) ?? [];
    list.push(e);
    byPcr.set(e.register, list);
  }
  const rowOf = new Map<number, MatchRow>();
  const missing: MatchRow[] = [];
  const cursor = new Map<number, number>();
  predicted.forEach((p, i) => {
    const list = byPcr.get(p.pcr) ?? [];
    let at = cursor.get(p.pcr) ?? 0;
    const same = (e: LogEvent) => e.type === p.type && (p.tag === undefined || tagOf(e) === p.tag);
    let found = -1;
    // Prefer the next same-kind event whose digest agrees (an unpredicted event of that kind is then extra).
    for (let j = at; j < list.length; j++)
      if (same(list[j]!) && p.digests && !compareDigests(p, list[j]!)) {
        found = j;
        break;
      }
    if (found < 0)
      for (let j = at; j < list.length; j++)
        if (same(list[j]!)) {
          found = j;
          break;
        }
    if (found < 0) {
      missing.push({
        status: 'missing',
        pcr: p.pcr,
        predicted: i,
        source: p.source,
        description: p.description,
        reason: 'predicted, but the log has no such event',
      });
      return;
    }
    const e = list[found]!;
    at = found + 1;
    cursor.set(p.pcr, at);
    const base = {
      pcr: p.pcr,
      event: e.index,
      predicted: i,
      source: p.source,
      description: p.description,
      logged: describeEventData(e.decoded),
    };
    if (!p.digests)
      rowOf.set(e.index, {
        ...base,
        status: 'unpredictable',
        reason: `depends on ${p.dependsOn ?? 'the platform'}`,
      });
    else {
      const why = compareDigests(p, e);
      rowOf.set(e.index, why ? { ...base, status: 'differs', reason: why } : { ...base, status: 'match' });
    }
  });
  const rows: MatchRow[] = [];
  const predictedTypes = new Set(predicted.map((p) => `${p.pcr}/${p.type}/${p.tag ?? ''}`));
  for (const e of log.events) {
    if (e.type === EV.NO_ACTION) continue;
    const r = rowOf.get(e.index);
    if (r) {
      rows.push(r);
      continue;
    }
    const predictedKind =
      predictedTypes.has(`${e.register}/${e.type}/${tagOf(e) ?? ''}`) ||
      predictedTypes.has(`${e.register}/${e.type}/`);
    const extra = owned.has(e.register) || predictedKind;
    rows.push({
      status: extra ? 'extra' : 'firmware',
      pcr: e.register,
      event: e.index,
      source: extra ? 'unknown' : 'firmware',
      description: `${e.typeName}`,
      logged: describeEventData(e.decoded),
      ...(extra
        ? {
            reason: owned.has(e.register)
              ? `PCR ${e.register} event nothing predicted`
              : `an unpredicted ${e.typeName} in PCR ${e.register}`,
          }
        : {}),
    });
  }
  appendAll(rows, missing);
  const firstDivergence = rows.find(
    (r) => r.status === 'differs' || r.status === 'extra' || r.status === 'missing',
  );
  return { rows, firstDivergence, ok: firstDivergence === undefined };
}
