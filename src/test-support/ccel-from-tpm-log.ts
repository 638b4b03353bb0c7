// Test-only: the CCEL a TDX boot of the same firmware and UKI would write, made from a real TPM boot log (a boot-lab
// log, written by OVMF + systemd-stub under swtpm): every event kept with its type and event data, its PCR mapped to
// the CC MR index TDVF uses (edk2 MapPcrToMrIndex, evidence §3: PCR 1,7 → RTMR0, 2–6 → RTMR1, 8–15 → RTMR2; MR index =
// RTMR + 1; PCR 0 is MRTD and not logged), and only its SHA-384 digest — the TPM log's own sha384 bank, so the digests
// are what the real stub and firmware computed. Written with node's Buffer, not with our parser's types, so that a
// layout mistake in our CCEL reader shows up as a failing test.
import { Buffer } from 'node:buffer';
import type { ParsedLog } from '../core/eventlog';

const EV_NO_ACTION = 0x3;
const TPM_ALG_SHA384 = 0x000c;

/** TCG PFP §10.4.5.1 TCG_EfiSpecIDEventStruct with one algorithm (SHA-384), in the SHA-1-format first event. */
function specIdEvent(): Buffer {
  const body = Buffer.alloc(16 + 4 + 4 + 4 + 4 + 1);
  body.write('Spec ID Event03\0', 0, 'latin1');
  body.writeUInt32LE(0, 16); // platformClass
  body.writeUInt8(0, 20); // specVersionMinor
  body.writeUInt8(2, 21); // specVersionMajor
  body.writeUInt8(0, 22); // specErrata
  body.writeUInt8(2, 23); // uintnSize: 2 = UINT64
  body.writeUInt32LE(1, 24); // numberOfAlgorithms
  body.writeUInt16LE(TPM_ALG_SHA384, 28);
  body.writeUInt16LE(48, 30);
  body.writeUInt8(0, 32); // vendorInfoSize
  const head = Buffer.alloc(4 + 4 + 20 + 4);
  head.writeUInt32LE(0, 0); // PCR / MR index 0
  head.writeUInt32LE(EV_NO_ACTION, 4);
  head.writeUInt32LE(body.length, 28);
  return Buffer.concat([head, body]);
}

/**
 * edk2 MapPcrToMrIndex, written here again on purpose (not core's rtmrOfPcr): this file is the oracle the CCEL
 * comparison is tested against, so a mistake in core's map must not be copied into the expected values.
 */
function rtmrOf(pcr: number): number | undefined {
  if (pcr === 1 || pcr === 7) return 0;
  if (pcr >= 2 && pcr <= 6) return 1;
  if (pcr >= 8 && pcr <= 15) return 2;
  return undefined;
}

/** The CCEL area (events, then 0xFF padding to `areaSize`) for the events of `log` (a parsed TCG2 log). */
export function ccelFromTpmLog(log: ParsedLog, areaSize = 64 * 1024): Uint8Array {
  const parts: Buffer[] = [specIdEvent()];
  for (const e of log.events) {
    if (e.index === 0) continue; // the TPM log's own Spec ID event
    if (e.type === EV_NO_ACTION) continue; // not extended (e.g. StartupLocality); TDVF writes its own
    const rtmr = rtmrOf(e.register);
    if (rtmr === undefined) continue;
    const sha384 = e.digests.find((d) => d.algorithmId === TPM_ALG_SHA384);
    if (!sha384) throw new Error(`event #${e.index} has no SHA-384 digest`);
    const head = Buffer.alloc(4 + 4 + 4 + 2 + 48 + 4);
    head.writeUInt32LE(rtmr + 1, 0);
    head.writeUInt32LE(e.type, 4);
    head.writeUInt32LE(1, 8); // digests.count
    head.writeUInt16LE(TPM_ALG_SHA384, 12);
    Buffer.from(sha384.digest).copy(head, 14);
    head.writeUInt32LE(e.data.length, 62);
    parts.push(head, Buffer.from(e.data));
  }
  const events = Buffer.concat(parts);
  if (events.length > areaSize) throw new Error(`${events.length} bytes of events do not fit a ${areaSize}-byte area`);
  const area = Buffer.alloc(areaSize, 0xff);
  events.copy(area);
  return new Uint8Array(area);
}
