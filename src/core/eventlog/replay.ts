// Replaying an event log: every bank the log carries, every register, extend = H(old ‖ digest) (TCG PFP §10.1,
// evidence §3). TPM logs extend PCRs (0–16 and 23 start at zero, 17–22 at all-ones; an EV_NO_ACTION
// StartupLocality event sets PCR 0's last byte). CCELs extend RTMR0–3 from CC MR indexes 1–4.
import { equalBytes, fromHex, toHex, type Bytes } from '../bytes/bytes';
import { Diagnostics, type Diagnostic } from '../diagnostics';
import { DIGEST_LENGTH, defaultHash, type HashAlgorithm, type HashBackend } from '../hash/hash';
import { EV, SPEC_CCEL, SPEC_PFP, TPM_ALG } from './constants';
import type { LogEvent, ParsedLog } from './parse';

export type RegisterKind = 'pcr' | 'rtmr';
export type BankMap<T> = Partial<Record<HashAlgorithm, T>>;

export interface ReplayStep {
  event: number;
  /** The PCR or RTMR this event extends; undefined when it extends nothing (EV_NO_ACTION, MRTD, bad index). */
  register?: number;
  /** The register's value after this event, per bank. */
  after: BankMap<Bytes>;
}

export interface Replay {
  kind: RegisterKind;
  banks: HashAlgorithm[];
  /** Final value per bank per register that any event touched (plus PCR 0 when a locality was set). */
  values: BankMap<Record<number, Bytes>>;
  /** Each register's value before its first event (zero, all-ones, or the StartupLocality value). */
  initial: BankMap<Record<number, Bytes>>;
  steps: ReplayStep[];
  diagnostics: Diagnostic[];
}

const MAX_PCR = 23;

/** The reset value of a PCR (TCG PC Client PTP: PCRs 17–22 reset to all ones). */
export function pcrResetValue(pcr: number, alg: HashAlgorithm): Bytes {
  const v = new Uint8Array(DIGEST_LENGTH[alg]);
  if (pcr >= 17 && pcr <= 22) v.fill(0xff);
  return v;
}

/** Which register an event extends, as the log's kind of registers. */
export function registerOf(e: LogEvent, kind: RegisterKind): number | undefined {
  if (e.type === EV.NO_ACTION) return undefined;
  if (kind === 'pcr') return e.register <= MAX_PCR ? e.register : undefined;
  // CC MR index 1–4 = RTMR0–3; 0 = MRTD, which the log does not extend (evidence §3).
  return e.register >= 1 && e.register <= 4 ? e.register - 1 : undefined;
}

/** The hashable banks of a log (Spec ID algorithms we implement; SHA-1 for a legacy log). */
export function logBanks(log: ParsedLog): HashAlgorithm[] {
  if (log.format === 'tcg1-sha1') return ['sha1'];
  const out: HashAlgorithm[] = [];
  for (const a of log.specId?.algorithms ?? []) {
    const h = TPM_ALG[a.algorithmId]?.hash;
    if (h && !out.includes(h)) out.push(h);
  }
  return out;
}

export function replayLog(log: ParsedLog, kind: RegisterKind = 'pcr', hash: HashBackend = defaultHash()): Replay {
  const d = new Diagnostics();
  const banks = logBanks(log);
  const values: BankMap<Record<number, Bytes>> = {};
  const initial: BankMap<Record<number, Bytes>> = {};
  for (const alg of banks) {
    values[alg] = {};
    initial[alg] = {};
  }
  const steps: ReplayStep[] = [];
  const spec = kind === 'pcr' ? SPEC_PFP : SPEC_CCEL;
  const first = log.format === 'tcg2' ? 1 : 0;
  for (const e of log.events) {
    if (e.index < first) {
      steps.push({ event: e.index, after: {} });
      continue;
    }
    if (kind === 'pcr' && e.decoded?.kind === 'startup-locality') {
      for (const alg of banks) {
        if (values[alg]![0] !== undefined) {
          d.warning('EVENTLOG_LATE_LOCALITY', `event #${e.index}: StartupLocality after PCR 0 was extended; ignored`, {
            offset: e.offset,
            index: e.index,
            spec,
          });
          break;
        }
        const v = pcrResetValue(0, alg);
        v[v.length - 1] = e.decoded.locality;
        values[alg]![0] = v;
        initial[alg]![0] = v.slice();
      }
    }
    const reg = registerOf(e, kind);
    if (reg === undefined) {
      if (e.type !== EV.NO_ACTION) {
        if (kind === 'rtmr' && e.register === 0)
          d.info('CCEL_MRTD_EVENT', `event #${e.index} is logged against MRTD (index 0), which the log does not extend`, {
            offset: e.offset,
            index: e.index,
            spec,
          });
        else
          d.error('EVENTLOG_BAD_REGISTER', `event #${e.index} names ${kind === 'pcr' ? 'PCR' : 'CC MR'} ${e.register}, which does not exist`, {
            offset: e.offset,
            index: e.index,
            spec,
          });
      }
      steps.push({ event: e.index, after: {} });
      continue;
    }
    const after: BankMap<Bytes> = {};
    for (const alg of banks) {
      const dg = e.digests.find((x) => TPM_ALG[x.algorithmId]?.hash === alg);
      const table = values[alg]!;
      if (table[reg] === undefined) {
        table[reg] = kind === 'pcr' ? pcrResetValue(reg, alg) : new Uint8Array(48);
        initial[alg]![reg] = table[reg].slice();
      }
      if (!dg) {
        d.error('EVENTLOG_MISSING_BANK', `event #${e.index} has no ${alg} digest; that bank cannot be replayed past it`, {
          offset: e.offset,
          index: e.index,
          spec,
        });
        continue;
      }
      table[reg] = hash.create(alg).update(table[reg]).update(dg.digest).digest();
      after[alg] = table[reg];
    }
    steps.push({ event: e.index, register: reg, after });
  }
  return { kind, banks, values, initial, steps, diagnostics: d.done() };
}

export interface RegisterComparison {
  bank: HashAlgorithm;
  register: number;
  expected: string;
  replayed: string;
  ok: boolean;
  /** The first event that breaks agreement, when one can be named. */
  firstBreak?: number;
  reason?: string;
}

/** Hex string keyed by register, per bank (the manifest's `final_pcrs` shape). */
export type ExpectedRegisters = Partial<Record<string, Record<string, string>>>;

/**
 * Compares a replay with given register values. For a mismatch it names the first event that breaks agreement:
 * when the given value equals the replay after an earlier event, the first event after it; otherwise the first
 * event of that register whose digest disagrees with its recomputable data (`suspects`, from checkLog); otherwise
 * the register's first event (no prefix of the log explains the value).
 */
export function compareReplay(
  replay: Replay,
  expected: ExpectedRegisters,
  suspects: ReadonlySet<number> = new Set(),
): RegisterComparison[] {
  const out: RegisterComparison[] = [];
  for (const [bankName, regs] of Object.entries(expected)) {
    const bank = bankName as HashAlgorithm;
    if (!regs || !(bank in DIGEST_LENGTH)) continue;
    for (const [regName, hex] of Object.entries(regs)) {
      const register = Number(regName);
      const want = fromHex(hex.toLowerCase());
      const bankValues = replay.values[bank];
      const initial =
        replay.initial[bank]?.[register] ??
        (replay.kind === 'pcr' ? pcrResetValue(register, bank) : new Uint8Array(DIGEST_LENGTH[bank]));
      const got = bankValues?.[register] ?? initial;
      const c: RegisterComparison = { bank, register, expected: hex.toLowerCase(), replayed: toHex(got), ok: equalBytes(got, want) };
      if (!bankValues) {
        c.ok = false;
        c.reason = `the log has no ${bank} bank`;
      } else if (!c.ok) {
        const mine = replay.steps.filter((s) => s.register === register);
        let prefix = equalBytes(initial, want) ? -1 : undefined;
        if (prefix === undefined)
          for (let i = 0; i < mine.length; i++) {
            const v = mine[i]!.after[bank];
            if (v && equalBytes(v, want)) {
              prefix = i;
              break;
            }
          }
        if (prefix !== undefined && prefix + 1 < mine.length) {
          c.firstBreak = mine[prefix + 1]!.event;
          c.reason =
            prefix < 0
              ? `the given value is the register's initial value: no event of the log reached it (first: #${c.firstBreak})`
              : `the given value equals the replay after event #${mine[prefix]!.event}; event #${c.firstBreak} and later are not in it`;
        } else {
          const s = mine.find((x) => suspects.has(x.event));
          if (s) {
            c.firstBreak = s.event;
            c.reason = `event #${s.event}'s digest disagrees with its event data`;
          } else if (mine.length > 0) {
            c.firstBreak = mine[0]!.event;
            c.reason = 'no prefix of the log reproduces the given value (an event is missing, extra or altered)';
          } else c.reason = 'the log has no event for this register';
        }
      }
      out.push(c);
    }
  }
  return out;
}
