// Telling event logs apart from other files by content (evidence §3), cheaply: a crypto-agile log starts with a
// TCG_PCR_EVENT for PCR 0 of type EV_NO_ACTION carrying "Spec ID Event03"; a SHA-1 log starts with TCG_PCR_EVENTs
// whose PCR, type and size fields are plausible; an ACPI CCEL table is 56 bytes (or more) signed "CCEL". Only the
// first 4 KiB are read. A CCEL log area is a crypto-agile log with only SHA-384 followed by zero (or 0xFF) padding.
import { u32 } from '../bytes/bytes';
import { EVENT_TYPES, EV } from './constants';
import type { ParsedLog } from './parse';

const SNIFF_BYTES = 4096;
/** A SHA-1 log's first events are small (S-CRTM version, POST code, firmware blobs). */
const SNIFF_MAX_EVENT = 2048;

const SPEC_ID = 'Spec ID Event03\0';

function specIdAt(b: Uint8Array, at: number): boolean {
  if (b.length < at + SPEC_ID.length) return false;
  for (let i = 0; i < SPEC_ID.length; i++) if (b[at + i] !== SPEC_ID.charCodeAt(i)) return false;
  return true;
}

/** One TCG_PCR_EVENT header at `o` that a firmware could have written; its total length, or 0. */
function plausibleSha1Event(b: Uint8Array, o: number): number {
  if (o + 32 > b.length) return 0;
  const pcr = u32(b, o);
  const type = u32(b, o + 4);
  const size = u32(b, o + 28);
  // Types 0 (EV_PREBOOT_CERT, deprecated) and 2 (EV_UNUSED) are excluded: zero-filled data would pass otherwise.
  if (
    pcr > 23 ||
    type <= 2 ||
    EVENT_TYPES[type] === undefined ||
    type === EV.NO_ACTION ||
    size > SNIFF_MAX_EVENT
  )
    return 0;
  return 32 + size;
}

/** A TCG PC Client event log (crypto-agile or SHA-1 format), from its first events. */
export function looksLikeEventLog(bytes: Uint8Array): boolean {
  const b = bytes.subarray(0, SNIFF_BYTES);
  if (b.length < 32) return false;
  // Crypto-agile: TCG_PCR_EVENT { PCR 0 (CCEL: CC MR 1), EV_NO_ACTION, 20 zero bytes, size } then "Spec ID Event03".
  if (u32(b, 0) <= 1 && u32(b, 4) === EV.NO_ACTION && specIdAt(b, 32))
    return u32(b, 28) >= 33 && u32(b, 28) <= 1024;
  // SHA-1: two consecutive plausible events (or one that ends the file exactly), the first in PCR 0.
  if (u32(b, 0) !== 0) return false;
  const first = plausibleSha1Event(b, 0);
  if (first === 0) return false;
  if (first === bytes.length) return true;
  return plausibleSha1Event(b, first) > 0;
}

/** An ACPI CCEL table (ACPI 6.5 §5.2.34): signature "CCEL", a length field of at least 56 that fits the file. */
export function looksLikeCcelTable(b: Uint8Array): boolean {
  if (b.length < 56 || b.length > SNIFF_BYTES) return false;
  if (b[0] !== 0x43 || b[1] !== 0x43 || b[2] !== 0x45 || b[3] !== 0x4c) return false;
  const len = u32(b, 4);
  return len >= 56 && len <= b.length;
}

/** A parsed log that is a TDX CCEL area: SHA-384 is its only bank and only padding follows the last event. */
export function looksLikeCcelArea(log: ParsedLog, bytes: Uint8Array): boolean {
  const algs = log.specId?.algorithms.map((a) => a.algorithm) ?? [];
  if (algs.length !== 1 || algs[0] !== 'sha384' || log.end >= bytes.length) return false;
  for (let i = log.end; i < bytes.length; i++) if (bytes[i] !== 0 && bytes[i] !== 0xff) return false;
  return true;
}
