// TDX RTMR[1] and RTMR[2] for a UKI boot under TDVF (evidence §3): edk2's MapPcrToMrIndex sends PCR 1, 7 to
// RTMR0, PCR 2–6 to RTMR1 and PCR 8–15 to RTMR2 (SHA-384). The stub-side events come from the same prediction
// as the PCRs (boot-prediction.ts); the firmware's own RTMR1 events (EV_EFI_ACTION "Calling EFI Application",
// separator, GPT, ExitBootServices) cannot be derived from the files and are taken from a reference CCEL of the
// same firmware and disk layout, whose boot-application events are replaced by ours.
import { appendAll } from '../append';
import { toHex, type Bytes } from '../bytes/bytes';
import { defaultHash, type HashBackend } from '../hash/hash';
import { EV, registerOf, type ParsedLog } from '../eventlog';
import type { BootPrediction, PredictedEvent } from './boot-prediction';

/** edk2 MapPcrToMrIndex (evidence §3): the RTMR a PCR's events go to under TDVF; undefined for PCR 0 (MRTD). */
export function rtmrOfPcr(pcr: number): number | undefined {
  if (pcr === 1 || pcr === 7) return 0;
  if (pcr >= 2 && pcr <= 6) return 1;
  if (pcr >= 8 && pcr <= 15) return 2;
  return undefined;
}

export interface RtmrStep {
  source: string;
  description: string;
  digest?: string;
}

export interface RtmrPrediction {
  /** Hex SHA-384, or undefined with `why` when an input event cannot be predicted. */
  value?: string;
  why?: string;
  steps: RtmrStep[];
}

export interface TdxRtmrPrediction {
  rtmr1: RtmrPrediction;
  rtmr2: RtmrPrediction;
  assumptions: string[];
}

function fold(steps: { digest?: Bytes }[], hash: HashBackend): Bytes | undefined {
  let v: Bytes = new Uint8Array(48);
  for (const s of steps) {
    if (!s.digest) return undefined;
    v = hash.create('sha384').update(v).update(s.digest).digest();
  }
  return v;
}

const step = (e: PredictedEvent) => ({
  source: e.source,
  description: e.description,
  digest: e.digests?.sha384,
  dependsOn: e.dependsOn,
});

/**
 * RTMR1/RTMR2 from a boot prediction (computed with the sha384 bank) and, for RTMR1's firmware events, a reference
 * CCEL from the same TDVF build and disk layout.
 */
export function predictTdxRtmrs(
  p: BootPrediction,
  reference?: ParsedLog,
  hash: HashBackend = defaultHash(),
): TdxRtmrPrediction {
  const assumptions = [
    'TDVF (edk2 OVMF IntelTdx) maps PCR 1,7 → RTMR0, 2–6 → RTMR1, 8–15 → RTMR2 and extends SHA-384 digests',
    'systemd-stub measures through EFI_CC_MEASUREMENT_PROTOCOL when there is no TPM; no TDX boot of a UKI is in the corpus, so this is not yet proven on a real TD',
    'the events and their order are those of the TPM boot prediction (the stub and the kernel do the same work under TDX)',
  ];
  // RTMR2: everything the stub and the kernel extend into PCR 8–15, in order.
  const r2 = p.events.filter((e) => rtmrOfPcr(e.pcr) === 2).map(step);
  const open2 = r2.find((s) => !s.digest);
  const v2 = fold(r2, hash);
  const rtmr2: RtmrPrediction = {
    steps: r2.map((s) => ({
      source: s.source,
      description: s.description,
      ...(s.digest ? { digest: toHex(s.digest) } : {}),
    })),
    ...(v2
      ? { value: toHex(v2) }
      : { why: `${open2!.description} depends on ${open2!.dependsOn ?? 'the platform'}` }),
  };
  // RTMR1: the reference log's RTMR1 firmware events with its boot-application events replaced by ours.
  const images = p.events.filter((e) => rtmrOfPcr(e.pcr) === 1).map(step);
  let rtmr1: RtmrPrediction;
  if (!reference) {
    rtmr1 = {
      steps: images.map((s) => ({
        source: s.source,
        description: s.description,
        ...(s.digest ? { digest: toHex(s.digest) } : {}),
      })),
      why: "RTMR1 also holds the firmware's own events (boot-manager action, separator, GPT of the boot disk, ExitBootServices); give a reference CCEL of the same TDVF and disk",
    };
  } else {
    const steps: { source: string; description: string; digest?: Bytes }[] = [];
    let placed = false;
    for (const e of reference.events) {
      if (registerOf(e, 'rtmr') !== 1) continue;
      const exitBs =
        e.type === EV.EFI_ACTION &&
        e.decoded?.kind === 'text' &&
        e.decoded.text.startsWith('Exit Boot Services');
      if (e.type === EV.EFI_BOOT_SERVICES_APPLICATION || (exitBs && !placed)) {
        // Ours replace the reference's applications; with none there, they go before ExitBootServices.
        if (!placed) appendAll(steps, images);
        placed = true;
        if (!exitBs) continue;
      }
      const dg = e.digests.find((x) => x.algorithm === 'sha384')?.digest;
      steps.push({
        source: 'firmware (reference log)',
        description: `#${e.index} ${e.typeName}`,
        ...(dg ? { digest: dg } : {}),
      });
    }
    if (!placed) appendAll(steps, images);
    const v1 = fold(steps, hash);
    rtmr1 = {
      steps: steps.map((s) => ({
        source: s.source,
        description: s.description,
        ...(s.digest ? { digest: toHex(s.digest) } : {}),
      })),
      ...(v1 ? { value: toHex(v1) } : { why: 'an RTMR1 event has no SHA-384 digest' }),
    };
    assumptions.push("RTMR1's firmware events (and the boot disk's GPT) are those of the reference CCEL");
  }
  return { rtmr1, rtmr2, assumptions };
}
