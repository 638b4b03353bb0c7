// The boot test's verdict: our prediction from the files against what a real boot measured. Every check names the
// PCR, bank and event, so a failing boot test says which prediction is wrong. Used by boot/*.test.ts on live boots
// and by compare.test.ts on the corpus boot-lab captures (and on predictions mutated on purpose).
import { toHex } from '../../core/bytes/bytes';
import { checkLog, matchPrediction, pcrResetValue, replayLog, type ParsedLog } from '../../core/eventlog';
import type { BootPrediction } from '../../core/uki/boot-prediction';
import { DIGEST_LENGTH, defaultHash } from '../../core/hash/hash';
import { PCR_BANKS } from '../../core/uki/pcr';

/** PCR 13 (system extensions) as the predicted events leave it: only the stub extends it. */
function predictedPcr13(p: BootPrediction): BootPrediction['pcr11'] {
  const hash = defaultHash();
  const out: BootPrediction['pcr11'] = {};
  for (const b of PCR_BANKS) {
    let v: Uint8Array = new Uint8Array(DIGEST_LENGTH[b]);
    for (const e of p.events)
      if (e.pcr === 13 && e.digests?.[b]) v = hash.create(b).update(v).update(e.digests[b]).digest();
    out[b] = v as NonNullable<BootPrediction['pcr11'][typeof b]>;
  }
  return out;
}

const EV_EFI_BOOT_SERVICES_APPLICATION = 0x80000003;
export const IMA_PCR = 10;

export interface BootVerdict {
  /** Human-readable failures; empty when every prediction equals the boot. */
  failures: string[];
  /** What was compared (for the report). */
  checked: string[];
}

/** pcrs: bank → PCR index → hex, as the TPM reported them. */
export function compareBoot(
  p: BootPrediction,
  log: ParsedLog,
  pcrs: Record<string, Record<string, string>>,
): BootVerdict {
  const failures: string[] = [];
  const checked: string[] = [];
  const banks = PCR_BANKS.filter((b) => pcrs[b]);
  if (banks.length !== PCR_BANKS.length)
    failures.push(
      `the TPM reported banks ${Object.keys(pcrs).join(', ')}, not all of ${PCR_BANKS.join(', ')}`,
    );
  // 1. PCR 11, 12 and (when every event is predicted) 9: predicted = measured.
  const predicted: [number, BootPrediction['pcr11'] | undefined][] = [
    [11, p.pcr11],
    [12, p.pcr12],
    [9, p.pcr9],
    [13, predictedPcr13(p)],
  ];
  for (const [pcr, values] of predicted) {
    if (!values) {
      failures.push(`PCR ${pcr}: no prediction (an event depends on the platform)`);
      continue;
    }
    for (const b of banks) {
      const want = pcrs[b]![String(pcr)];
      if (want === undefined) {
        failures.push(`PCR ${pcr} ${b}: the TPM did not report it`);
        continue;
      }
      const got = values[b] && toHex(values[b]);
      checked.push(`PCR ${pcr} ${b}`);
      if (got !== want) failures.push(`PCR ${pcr} ${b}: predicted ${got}, measured ${want}`);
    }
  }
  // 2. The PCR 4 image events: ours (UKI, add-ons, kernel) equal the log's, in order, in every bank.
  const logged = log.events.filter((e) => e.register === 4 && e.type === EV_EFI_BOOT_SERVICES_APPLICATION);
  const mine = p.events.filter((e) => e.pcr === 4 && e.type === EV_EFI_BOOT_SERVICES_APPLICATION);
  checked.push('PCR 4 image events');
  if (mine.length !== logged.length)
    failures.push(
      `PCR 4: ${mine.length} image events predicted (${mine.map((e) => e.source).join(', ')}), ${logged.length} logged`,
    );
  mine.forEach((e, i) => {
    const l = logged[i];
    if (!l) return;
    for (const d of l.digests) {
      const want = e.digests?.[d.algorithm as (typeof PCR_BANKS)[number]];
      if (!want || toHex(want) !== toHex(d.digest))
        failures.push(
          `PCR 4 image event ${i + 1} (${e.description}) ${d.algorithm}: predicted ${want ? toHex(want) : 'nothing'}, logged ${toHex(d.digest)}`,
        );
    }
  });
  // 3. Our replay of the captured log equals every PCR the TPM reported.
  const replay = replayLog(log);
  for (const b of banks)
    for (const [pcr, want] of Object.entries(pcrs[b]!)) {
      // PCR 10 is IMA's: the kernel extends it (boot_aggregate) and logs it in its own log, not the firmware's.
      if (pcr === String(IMA_PCR)) continue;
      // PCRs no event touched are not in the replay: the TPM must report their reset value.
      const got = toHex(replay.values[b]?.[Number(pcr)] ?? pcrResetValue(Number(pcr), b));
      checked.push(`replay PCR ${pcr} ${b}`);
      if (got !== want)
        failures.push(`replay of the captured log, PCR ${pcr} ${b}: replayed ${got}, TPM ${want}`);
    }
  // 4. Every log event is matched to what produced it; the first divergence is named.
  const m = matchPrediction(log, p.events);
  checked.push('event-by-event match');
  if (!m.ok) {
    const r = m.firstDivergence;
    failures.push(
      `event match: ${r ? `${r.status} at PCR ${r.pcr} (${r.description})${r.reason ? `: ${r.reason}` : ''}` : 'failed'}`,
    );
  }
  // 5. Nothing a verifier flags: no duplicate separator, every recomputable digest equals its event data.
  const checks = checkLog(log);
  checked.push('verifier checks');
  for (const i of checks.duplicateSeparators) failures.push(`event #${i}: duplicate separator`);
  for (const i of checks.digestMismatches) failures.push(`event #${i}: digest does not match its event data`);
  return { failures, checked };
}
