// What real verifiers flag in a log (evidence §3): a register with more than one separator (go-eventlog
// rejects a CCEL with a duplicate separator), firmware events after ExitBootServices returned, and digests
// that disagree with event data we can recompute (the event types whose digest is H(event data), TCG PFP §10.4).
import { equalBytes } from '../bytes/bytes';
import { Diagnostics, type Diagnostic } from '../diagnostics';
import { defaultHash, type HashBackend } from '../hash/hash';
import { EV, EXIT_BOOT_SERVICES_SUCCESS, SPEC_PFP, TPM_ALG } from './constants';
import type { LogEvent, ParsedLog } from './parse';
import { registerOf, type RegisterKind } from './replay';

/** Event types whose digest is the hash of the whole event data (TCG PFP §10.4.1 "digest of event data"). */
const DIGEST_IS_DATA: ReadonlySet<number> = new Set([
  EV.SEPARATOR,
  EV.EFI_ACTION,
  EV.ACTION,
  EV.S_CRTM_VERSION,
  EV.EFI_GPT_EVENT,
  EV.EFI_GPT_EVENT2,
  EV.EFI_VARIABLE_DRIVER_CONFIG,
  EV.OMIT_BOOT_DEVICE_EVENTS,
  EV.COMPACT_HASH,
]);

/**
 * Either the whole UEFI_VARIABLE_DATA (PFP) or only VariableData (edk2 for Boot####/BootOrder). Not
 * EV_EFI_VARIABLE_AUTHORITY: shim has measured it over other bytes (the Debian 10 corpus log), so it is not checked.
 */
const DIGEST_IS_VARIABLE: ReadonlySet<number> = new Set([EV.EFI_VARIABLE_BOOT, EV.EFI_VARIABLE_BOOT2]);

export interface LogChecks {
  /** Events whose digest disagrees with their recomputable data. */
  digestMismatches: number[];
  /** Events that are the second (or later) separator of their register (a warning: go-eventlog rejects the log). */
  duplicateSeparators: number[];
  /** Firmware (PCR 0–7 / RTMR0–1) events after "Exit Boot Services Returned with Success". */
  afterExitBootServices: number[];
  diagnostics: Diagnostic[];
}

function recomputable(
  e: LogEvent,
  alg: Parameters<HashBackend['digest']>[0],
  hash: HashBackend,
): Uint8Array[] | undefined {
  if (DIGEST_IS_DATA.has(e.type)) {
    // A separator that logs an error carries 0x00000001 data but is digested as such too (PFP §10.4.1).
    return [hash.digest(alg, e.data)];
  }
  if (DIGEST_IS_VARIABLE.has(e.type)) {
    const out = [hash.digest(alg, e.data)];
    if (e.decoded?.kind === 'variable') out.push(hash.digest(alg, e.decoded.value));
    return out;
  }
  return undefined;
}

export function checkLog(
  log: ParsedLog,
  kind: RegisterKind = 'pcr',
  hash: HashBackend = defaultHash(),
): LogChecks {
  const d = new Diagnostics();
  const digestMismatches: number[] = [];
  const duplicateSeparators: number[] = [];
  const afterExitBootServices: number[] = [];
  /** register → index of its first separator. */
  const seenSeparator = new Map<number, number>();
  let exitedAt: number | undefined;
  // Firmware registers: PCR 0–7 for a TPM; RTMR0 (PCR 1, 7) and RTMR1 (PCR 2–6) for TDX (evidence §3).
  const firmware = (r: number) => (kind === 'pcr' ? r <= 7 : r <= 1);
  // One separator per register, as go-eventlog enforces (internal/eventparse: PCR 7 / CC MR 1 and the EFI-app
  // register): TDVF logs one per CC MR (cos-113: one in RTMR0, one in RTMR1), and go-eventlog's
  // duplicate-separator CCEL, rejected there as a UEFI bug, has two in RTMR0 — as has trustee's OVMF CCEL.
  for (const e of log.events) {
    const reg = registerOf(e, kind);
    if (reg === undefined) continue;
    if (exitedAt !== undefined && firmware(reg)) {
      afterExitBootServices.push(e.index);
      d.warning(
        'EVENTLOG_AFTER_EXIT_BOOT_SERVICES',
        `event #${e.index} (${e.typeName}) is logged after ExitBootServices returned (event #${exitedAt})`,
        {
          offset: e.offset,
          index: e.index,
          spec: SPEC_PFP,
        },
      );
    }
    if (e.type === EV.SEPARATOR) {
      const first = seenSeparator.get(reg);
      if (first === undefined) seenSeparator.set(reg, e.index);
      else {
        duplicateSeparators.push(e.index);
        // A warning, not an error: the log is intact and replays to the registers it produced (trustee's OVMF CCEL
        // replays to the values trustee states). It is what a verifier refuses to interpret: go-eventlog fails
        // with "duplicate separator at event N" (internal/eventparse), so a policy built on go-eventlog cannot
        // accept this boot. `fukiscope eventlog --strict` turns it into a failure.
        const where = kind === 'pcr' ? `PCR ${reg}` : `RTMR${reg}`;
        const tdvf =
          kind === 'rtmr' && reg === 0
            ? ' (TDVF builds with this pattern log the boot-manager separator into RTMR0 instead of RTMR1, go-eventlog\'s "UEFI bug" case)'
            : '';
        d.warning(
          'EVENTLOG_DUPLICATE_SEPARATOR',
          `event #${e.index}: a second separator in ${where} (the first is event #${first})${tdvf}; go-eventlog rejects the log ("duplicate separator at event ${e.index}"). The replay is not affected`,
          { offset: e.offset, index: e.index, spec: SPEC_PFP },
        );
      }
    }
    if (
      e.type === EV.EFI_ACTION &&
      e.decoded?.kind === 'text' &&
      e.decoded.text === EXIT_BOOT_SERVICES_SUCCESS
    )
      exitedAt = e.index;
    for (const dg of e.digests) {
      const alg = TPM_ALG[dg.algorithmId]?.hash;
      if (!alg) continue;
      const candidates = recomputable(e, alg, hash);
      if (!candidates) break;
      if (!candidates.some((c) => equalBytes(c, dg.digest))) {
        digestMismatches.push(e.index);
        d.error(
          'EVENTLOG_DIGEST_MISMATCH',
          `event #${e.index} (${e.typeName}): the ${alg} digest is not the hash of the event data`,
          {
            offset: dg.offset,
            index: e.index,
            spec: SPEC_PFP,
          },
        );
        break;
      }
    }
  }
  return { digestMismatches, duplicateSeparators, afterExitBootServices, diagnostics: d.done() };
}
