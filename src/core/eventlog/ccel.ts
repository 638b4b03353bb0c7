// TDX CC event log (evidence §3): the ACPI "CCEL" table gives the log area's start address and minimum length;
// the area holds a crypto-agile log (SHA-384) whose index field is the CC MR index (0 = MRTD, 1–4 = RTMR0–3),
// zero-padded after the last event.
import { Diagnostics, type Diagnostic } from '../diagnostics';
import { SPEC_CCEL } from './constants';
import { ACPI_CCEL } from './layout';
import { parseTcgLog, type ParsedLog } from './parse';
import { decodeStruct, type DecodedField } from './struct';

export interface CcelTable {
  offset: number;
  length: number;
  revision: number;
  checksumOk: boolean;
  oemId: string;
  ccType: number;
  /** 1 = SEV, 2 = TDX (ACPI 6.5 Table 5.XX "CC Type"). */
  ccTypeName: string;
  ccSubtype: number;
  logAreaMinimumLength: bigint;
  logAreaStartAddress: bigint;
  fields: DecodedField[];
}

const CC_TYPES: Record<number, string> = { 0: 'reserved', 1: 'SEV', 2: 'TDX' };

export function parseCcelTable(b: Uint8Array, d: Diagnostics = new Diagnostics()): CcelTable | undefined {
  const t = decodeStruct(ACPI_CCEL, b, 0);
  if (!t) {
    d.error('CCEL_TABLE_SHORT', `ACPI CCEL table is ${b.length} bytes (56 expected)`, { offset: 0, spec: SPEC_CCEL });
    return undefined;
  }
  const v = t.values;
  if (v.signature !== 'CCEL')
    d.error('CCEL_TABLE_SIGNATURE', `ACPI table signature is "${v.signature}", not "CCEL"`, { offset: 0, length: 4, spec: SPEC_CCEL });
  if (v.length !== b.length && v.length !== ACPI_CCEL.size)
    d.warning('CCEL_TABLE_LENGTH', `ACPI table length field says ${v.length}; the file has ${b.length} bytes`, { offset: 4, spec: SPEC_CCEL });
  let sum = 0;
  for (let i = 0; i < Math.min(b.length, v.length); i++) sum = (sum + b[i]!) & 0xff;
  const checksumOk = sum === 0;
  if (!checksumOk) d.warning('CCEL_TABLE_CHECKSUM', 'ACPI table checksum does not sum to zero', { offset: 9, spec: 'ACPI §5.2.6' });
  if (v.ccType !== 2) d.warning('CCEL_NOT_TDX', `CC type ${v.ccType} (${CC_TYPES[v.ccType] ?? 'unknown'}); 2 = TDX expected`, { offset: 36, spec: SPEC_CCEL });
  return {
    offset: 0,
    length: ACPI_CCEL.size,
    revision: v.revision,
    checksumOk,
    oemId: v.oemId,
    ccType: v.ccType,
    ccTypeName: CC_TYPES[v.ccType] ?? 'unknown',
    ccSubtype: v.ccSubtype,
    logAreaMinimumLength: v.logAreaMinimumLength,
    logAreaStartAddress: v.logAreaStartAddress,
    fields: t.fields,
  };
}

export interface CcelLog extends ParsedLog {
  table?: CcelTable;
  /** Bytes after the last event that are not zero (or 0xFF) padding. */
  trailingGarbage: number;
}

/** Parses a CCEL log area (and, when given, its ACPI table). */
export function parseCcel(area: Uint8Array, tableBytes?: Uint8Array): CcelLog {
  const d = new Diagnostics();
  const table = tableBytes ? parseCcelTable(tableBytes, d) : undefined;
  const log = parseTcgLog(area, { stopAtPadding: true });
  let garbage = 0;
  for (let i = log.end; i < area.length; i++) if (area[i] !== 0 && area[i] !== 0xff) garbage++;
  if (garbage > 0)
    d.warning('CCEL_TRAILING_DATA', `${garbage} non-padding bytes after the last event (at 0x${log.end.toString(16)})`, {
      offset: log.end,
      spec: SPEC_CCEL,
    });
  if (table && table.logAreaMinimumLength !== BigInt(area.length))
    d.info('CCEL_AREA_LENGTH', `the table's log area length is ${table.logAreaMinimumLength}; the area given has ${area.length} bytes`, {
      spec: SPEC_CCEL,
    });
  if (log.format !== 'tcg2') d.error('CCEL_NOT_CRYPTO_AGILE', 'a CCEL must be a crypto-agile log (Spec ID Event03 first)', { offset: 0, spec: SPEC_CCEL });
  return { ...log, table, trailingGarbage: garbage, diagnostics: [...d.done(), ...log.diagnostics] as Diagnostic[] };
}
