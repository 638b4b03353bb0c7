// TCG PC Client event logs: the SHA-1 format (TCG_PCR_EVENT throughout) and the crypto-agile format (a first
// TCG_PCR_EVENT carrying "Spec ID Event03", then TCG_PCR_EVENT2 with one digest per algorithm), evidence §3.
// Never throws: a truncated or damaged log yields the events read so far plus diagnostics.
import { u16, u32, type Bytes } from '../bytes/bytes';
import { Diagnostics, type Diagnostic } from '../diagnostics';
import { algName, EV, eventTypeName, LIMITS, SPEC_PFP, TPM_ALG } from './constants';
import { decodeEventData, type DecodedEventData } from './event-data';
import { SPEC_ID_ALGORITHM, SPEC_ID_EVENT, TCG_PCR_EVENT, TCG_PCR_EVENT2_HEAD } from './layout';
import { decodeStruct, type DecodedField } from './struct';

export interface EventDigest {
  algorithmId: number;
  /** `sha256`, … or `alg_0x…` for algorithms we do not know. */
  algorithm: string;
  digest: Bytes;
  offset: number;
}

export interface LogEvent {
  /** Position in the log, from 0 (the first, SHA-1 format, event included). */
  index: number;
  offset: number;
  length: number;
  /** The register index in the log: the PCR for a TPM log, the CC MR index for a CCEL (1–4 = RTMR0–3). */
  register: number;
  type: number;
  typeName: string;
  digests: EventDigest[];
  data: Uint8Array;
  dataOffset: number;
  decoded?: DecodedEventData;
  /** The header fields with their offsets (for a field view). */
  header: DecodedField[];
}

export interface SpecIdAlgorithm {
  algorithmId: number;
  algorithm: string;
  digestSize: number;
}

export interface SpecIdEvent {
  signature: string;
  platformClass: number;
  specVersion: string;
  uintnSize: number;
  algorithms: SpecIdAlgorithm[];
  vendorInfo: Uint8Array;
}

export type LogFormat = 'tcg1-sha1' | 'tcg2';

export interface ParsedLog {
  format: LogFormat;
  specId?: SpecIdEvent;
  events: LogEvent[];
  /** Bytes the events occupy (the rest of the input is padding or garbage). */
  end: number;
  diagnostics: Diagnostic[];
}

export interface ParseOptions {
  /** Offset added to every reported offset (e.g. where a CCEL area starts in a bigger buffer). */
  base?: number;
  /** Stop at a header that is all 0x00 or all 0xFF (CCEL areas are padded after the last event). */
  stopAtPadding?: boolean;
}

const SPEC_ID_SIGNATURE = 'Spec ID Event03';

function decodeSpecId(data: Uint8Array, d: Diagnostics, at: number): SpecIdEvent | undefined {
  const s = decodeStruct(SPEC_ID_EVENT, data, 0);
  if (!s || s.values.signature !== SPEC_ID_SIGNATURE) return undefined;
  const n = s.values.numberOfAlgorithms;
  if (n === 0 || n > LIMITS.specIdAlgorithms) {
    d.error('EVENTLOG_SPECID_ALGORITHMS', `Spec ID event lists ${n} algorithms (1–${LIMITS.specIdAlgorithms} accepted)`, {
      offset: at + 24,
      spec: SPEC_PFP,
    });
    return undefined;
  }
  const algorithms: SpecIdAlgorithm[] = [];
  let o = SPEC_ID_EVENT.size;
  for (let i = 0; i < n; i++) {
    const a = decodeStruct(SPEC_ID_ALGORITHM, data, o);
    if (!a) {
      d.error('EVENTLOG_SPECID_TRUNCATED', 'Spec ID event ends inside its algorithm list', { offset: at + o, spec: SPEC_PFP });
      return undefined;
    }
    const { algorithmId, digestSize } = a.values;
    const known = TPM_ALG[algorithmId]?.hash;
    const want = known ? { sha1: 20, sha256: 32, sha384: 48, sha512: 64 }[known] : undefined;
    if (want !== undefined && want !== digestSize)
      d.error('EVENTLOG_SPECID_DIGEST_SIZE', `${algName(algorithmId)} listed with digest size ${digestSize} (must be ${want})`, {
        offset: at + o,
        spec: SPEC_PFP,
      });
    algorithms.push({ algorithmId, algorithm: algName(algorithmId), digestSize });
    o += SPEC_ID_ALGORITHM.size;
  }
  const vendorSize = data[o] ?? 0;
  const vendorInfo = data.subarray(o + 1, Math.min(data.length, o + 1 + vendorSize));
  const v = s.values;
  return {
    signature: v.signature,
    platformClass: v.platformClass,
    specVersion: `${v.specVersionMajor}.${v.specVersionMinor} errata ${v.specErrata}`,
    uintnSize: v.uintnSize,
    algorithms,
    vendorInfo,
  };
}

const allBytes = (b: Uint8Array, at: number, n: number, v: number): boolean => {
  for (let i = 0; i < n; i++) if (b[at + i] !== v) return false;
  return true;
};

/** Parses a TCG PC Client event log (either format, detected from the first event). */
export function parseTcgLog(bytes: Uint8Array, opts: ParseOptions = {}): ParsedLog {
  const d = new Diagnostics();
  const base = opts.base ?? 0;
  const events: LogEvent[] = [];
  const b = bytes.length > LIMITS.logBytes ? bytes.subarray(0, LIMITS.logBytes) : bytes;
  if (bytes.length > LIMITS.logBytes)
    d.error('EVENTLOG_TOO_LARGE', `log is ${bytes.length} bytes; only the first ${LIMITS.logBytes} are read`, { spec: SPEC_PFP });
  const first = decodeStruct(TCG_PCR_EVENT, b, 0, base);
  if (!first) {
    d.error('EVENTLOG_EMPTY', `log is ${b.length} bytes: too short for one event`, { offset: base, spec: SPEC_PFP });
    return { format: 'tcg1-sha1', events, end: 0, diagnostics: d.done() };
  }
  let specId: SpecIdEvent | undefined;
  const firstSize = first.values.eventSize;
  if (first.values.eventType === EV.NO_ACTION && firstSize <= b.length - 32) {
    specId = decodeSpecId(b.subarray(32, 32 + firstSize), d, base + 32);
  }
  const format: LogFormat = specId ? 'tcg2' : 'tcg1-sha1';
  const sizes = new Map<number, number>();
  for (const a of specId?.algorithms ?? []) sizes.set(a.algorithmId, a.digestSize);

  let o = 0;
  let end = 0;
  while (o < b.length) {
    if (events.length >= LIMITS.events) {
      d.error('EVENTLOG_TOO_MANY_EVENTS', `more than ${LIMITS.events} events; the rest is not read`, { offset: base + o, spec: SPEC_PFP });
      break;
    }
    if (opts.stopAtPadding && b.length - o >= 8 && (allBytes(b, o, 8, 0) || allBytes(b, o, 8, 0xff))) break;
    const start = o;
    const agile = format === 'tcg2' && events.length > 0;
    const digests: EventDigest[] = [];
    // The SHA-1 format's TCG_PCR_EVENT or the crypto-agile TCG_PCR_EVENT2 head: both start pcrIndex, eventType.
    const head = agile ? decodeStruct(TCG_PCR_EVENT2_HEAD, b, o, base) : decodeStruct(TCG_PCR_EVENT, b, o, base);
    if (!head) {
      d.error('EVENTLOG_TRUNCATED', `${b.length - o} bytes left: too short for an event header`, { offset: base + o, spec: SPEC_PFP });
      break;
    }
    const register = head.values.pcrIndex;
    const type = head.values.eventType;
    const header: DecodedField[] = head.fields;
    if (!('digestCount' in head.values)) {
      digests.push({ algorithmId: 0x0004, algorithm: 'sha1', digest: b.slice(o + 8, o + 28), offset: base + o + 8 });
      o += 28;
    } else {
      const count = head.values.digestCount;
      o += 12;
      if (count > LIMITS.digestsPerEvent) {
        d.error('EVENTLOG_DIGEST_COUNT', `event #${events.length} claims ${count} digests; the log cannot be read further`, {
          offset: base + start + 8,
          index: events.length,
          spec: SPEC_PFP,
        });
        break;
      }
      let bad = false;
      for (let i = 0; i < count; i++) {
        if (o + 2 > b.length) {
          bad = true;
          break;
        }
        const alg = u16(b, o);
        const size = sizes.get(alg);
        if (size === undefined) {
          d.error('EVENTLOG_UNDECLARED_ALGORITHM', `event #${events.length} has a ${algName(alg)} digest the Spec ID event does not declare; its size is unknown`, {
            offset: base + o,
            index: events.length,
            spec: SPEC_PFP,
          });
          bad = true;
          break;
        }
        if (o + 2 + size > b.length) {
          bad = true;
          break;
        }
        digests.push({ algorithmId: alg, algorithm: algName(alg), digest: b.slice(o + 2, o + 2 + size), offset: base + o + 2 });
        o += 2 + size;
      }
      if (bad) {
        if (!d.hasErrors)
          d.error('EVENTLOG_TRUNCATED', `event #${events.length} ends inside its digests`, { offset: base + start, index: events.length, spec: SPEC_PFP });
        break;
      }
    }
    if (o + 4 > b.length) {
      d.error('EVENTLOG_TRUNCATED', `event #${events.length} ends before its event size`, { offset: base + start, index: events.length, spec: SPEC_PFP });
      break;
    }
    const size = u32(b, o);
    header.push({ name: 'eventSize', offset: base + o, length: 4, value: size });
    o += 4;
    if (size > LIMITS.eventDataBytes || o + size > b.length) {
      d.error('EVENTLOG_TRUNCATED', `event #${events.length} claims ${size} bytes of event data; ${b.length - o} are left`, {
        offset: base + o - 4,
        index: events.length,
        spec: SPEC_PFP,
      });
      break;
    }
    const data = b.subarray(o, o + size);
    const ev: LogEvent = {
      index: events.length,
      offset: base + start,
      length: o + size - start,
      register,
      type,
      typeName: eventTypeName(type),
      digests,
      data,
      dataOffset: base + o,
      header,
    };
    if (events.length === 0 && specId) {
      ev.decoded = { kind: 'spec-id', specId };
    } else {
      ev.decoded = decodeEventData(ev, d);
    }
    events.push(ev);
    o += size;
    end = o;
    if (agile && digests.length === 0 && type !== EV.NO_ACTION)
      d.warning('EVENTLOG_NO_DIGESTS', `event #${ev.index} carries no digest`, { offset: ev.offset, index: ev.index, spec: SPEC_PFP });
  }
  return { format, specId, events, end, diagnostics: d.done() };
}

/** The digest of one algorithm in an event. */
export const digestOf = (e: LogEvent, algorithm: string): Bytes | undefined =>
  e.digests.find((x) => x.algorithm === algorithm)?.digest;
