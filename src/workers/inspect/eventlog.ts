// Event logs in the app (issue 14): a TCG PC Client log or a TDX CCEL area (with its ACPI table when one is open)
// turned into plain rows for the Event log view — every event decoded with file offsets, the replayed final
// PCR/RTMR values per bank and what a verifier flags — and the log ↔ prediction diff against a UKI and its
// add-ons (core/uki/boot-prediction + core/eventlog/match), with the predicted vs replayed registers.
import { appendAll } from '../../core/append';
import { toHex, type Bytes } from '../../core/bytes/bytes';
import { Diagnostics, digestBlocker, type Diagnostic } from '../../core/diagnostics';
import {
  checkLog,
  describeEventData,
  matchPrediction,
  parseCcel,
  parseCcelTable,
  parseTcgLog,
  replayLog,
  TPM_ALG,
  type CcelLog,
  type DecodedEventData,
  type DecodedField,
  type LogEvent,
  type ParsedLog,
  type Replay,
} from '../../core/eventlog';
import { looksLikeCcelArea } from '../../core/eventlog/sniff';
import { DIGEST_LENGTH, defaultHash, type HashAlgorithm, type HashBackend } from '../../core/hash/hash';
import type { AddonInput } from '../../core/uki/addons';
import { predictBoot, type BootPrediction, type PredictedEvent } from '../../core/uki/boot-prediction';
import { compareCcelWithPrediction } from '../../core/uki/ccel-prediction';
import type { Field } from '../protocol';

export interface EventLogEventRow {
  index: number;
  offset: number;
  length: number;
  /** The index field as logged: a PCR (TPM log) or a CC MR index (CCEL: 1–4 = RTMR0–3). */
  register: number;
  /** "PCR 4", "RTMR1", "MRTD", or "none" (EV_NO_ACTION). */
  label: string;
  typeName: string;
  digests: { algorithm: string; hex: string; offset: number; length: number }[];
  description: string;
  dataOffset: number;
  dataLength: number;
  /** Header and decoded event-data fields, with file offsets where they have one. */
  fields: Field[];
  /** What a verifier flags on this event. */
  flags: ('digest-mismatch' | 'duplicate-separator' | 'after-exit-boot-services')[];
}

export interface RegisterValueRow {
  register: number;
  label: string;
  /** Bank → hex. */
  values: Record<string, string>;
}

export interface EventLogView {
  format: 'tcg1-sha1' | 'tcg2' | 'ccel';
  registers: 'pcr' | 'rtmr';
  banks: string[];
  specId?: Field[];
  events: EventLogEventRow[];
  final: RegisterValueRow[];
  checks: { duplicateSeparators: number[]; afterExitBootServices: number[]; digestMismatches: number[] };
  /** The ACPI CCEL table the area was read with (when one was given). */
  table?: { name: string; fields: Field[] };
  notes: string[];
  diagnostics: Diagnostic[];
  /**
   * Set when the log has error diagnostics (truncated, damaged): the
   * replayed values are then not shown as reference values (the UI shows them only on request, marked).
   */
  withheld?: { reason: string; codes: string[] };
}

/** A parsed log as the app reads it: a CCEL when its shape says so (SHA-384 only, padding after the last event). */
export function readLog(
  bytes: Uint8Array,
  table?: Uint8Array,
): { log: ParsedLog | CcelLog; ccel: boolean; notes: string[] } {
  const notes: string[] = [];
  if (table) return { log: parseCcel(bytes, table), ccel: true, notes };
  const tcg = parseTcgLog(bytes);
  if (looksLikeCcelArea(tcg, bytes)) {
    notes.push(
      'SHA-384-only log followed by padding: read as a TDX CCEL log area (index = CC MR index, 1–4 = RTMR0–3)',
    );
    return { log: parseCcel(bytes), ccel: true, notes };
  }
  return { log: tcg, ccel: false, notes };
}

const regLabel = (ccel: boolean, r: number) =>
  ccel ? (r === 0 ? 'MRTD' : r <= 4 ? `RTMR${r - 1}` : `CC MR ${r}`) : `PCR ${r}`;

function fieldValue(v: DecodedField['value']): string {
  if (v instanceof Uint8Array) return toHex(v);
  if (typeof v === 'bigint') return '0x' + v.toString(16);
  if (typeof v === 'number') return `${v} (0x${v.toString(16)})`;
  return v;
}

const fromStruct = (prefix: string, fs: readonly DecodedField[]): Field[] =>
  fs.map((f) => ({
    label: `${prefix}${f.name}`,
    value: fieldValue(f.value),
    offset: f.offset,
    length: f.length,
  }));

function dataFields(x: DecodedEventData | undefined, e: LogEvent): Field[] {
  if (!x) return [];
  const out: Field[] = [];
  switch (x.kind) {
    case 'spec-id':
      out.push(
        { label: 'signature', value: x.specId.signature },
        { label: 'spec version', value: x.specId.specVersion },
      );
      out.push({ label: 'uintn size', value: String(x.specId.uintnSize) });
      for (const a of x.specId.algorithms)
        out.push({ label: `algorithm ${a.algorithm}`, value: `${a.digestSize} bytes` });
      break;
    case 'startup-locality':
      appendAll(out, fromStruct('', x.fields));
      break;
    case 'no-action':
      out.push({ label: 'signature', value: x.signature, offset: e.dataOffset });
      break;
    case 'separator':
      out.push({
        label: 'value',
        value: `0x${x.value.toString(16).padStart(8, '0')}${x.error ? ' (error)' : ''}`,
        offset: e.dataOffset,
        length: 4,
      });
      break;
    case 'text':
      out.push({
        label: x.encoding === 'utf16' ? 'text (UTF-16)' : 'text',
        value: x.text,
        offset: e.dataOffset,
        length: e.data.length,
      });
      break;
    case 'variable':
      appendAll(out, fromStruct('', x.fields));
      out.push({ label: 'variable', value: `${x.vendor ? `${x.vendor} ` : ''}${x.name}` });
      out.push({
        label: 'data',
        value: `${x.value.length} bytes`,
        offset: x.valueOffset,
        length: x.value.length,
      });
      if (x.loadOption) {
        out.push({ label: 'description', value: x.loadOption.description });
        out.push({ label: 'device path', value: x.loadOption.devicePath.text });
      }
      if (x.bootOrder)
        out.push({
          label: 'boot order',
          value: x.bootOrder.map((n) => n.toString(16).padStart(4, '0')).join(', '),
        });
      if (x.enabled !== undefined) out.push({ label: 'enabled', value: x.enabled ? 'yes' : 'no' });
      break;
    case 'image':
      appendAll(out, fromStruct('', x.fields));
      out.push({ label: 'device path', value: x.devicePath.text || '(empty)' });
      break;
    case 'gpt':
      out.push({ label: 'disk GUID', value: x.diskGuid });
      x.partitions.forEach((p, i) =>
        out.push({
          label: `partition ${i + 1}`,
          value: `${p.name || '(no name)'} ${p.typeGuid} LBA ${p.startingLba}–${p.endingLba}`,
        }),
      );
      break;
    case 'tagged':
      appendAll(out, fromStruct('', x.fields));
      if (x.tagName) out.push({ label: 'tag', value: x.tagName });
      if (x.text !== undefined) out.push({ label: 'payload text', value: x.text });
      break;
    case 'blob':
      out.push(
        { label: 'base', value: '0x' + x.base.toString(16) },
        { label: 'length', value: '0x' + x.length.toString(16) },
      );
      if (x.description) out.push({ label: 'description', value: x.description });
      break;
    case 'raw':
      break;
  }
  return out;
}

function finalRows(r: Replay, ccel: boolean): RegisterValueRow[] {
  // A CCEL: all four RTMRs, as a TD quote shows them (one no event reached stays zero).
  const regs = new Set<number>(ccel ? [0, 1, 2, 3] : []);
  for (const b of r.banks) for (const k of Object.keys(r.values[b] ?? {})) regs.add(Number(k));
  return [...regs]
    .sort((a, b) => a - b)
    .map((reg) => ({
      register: reg,
      label: ccel ? `RTMR${reg}` : `PCR ${reg}`,
      values: Object.fromEntries(
        r.banks.map((b) => {
          const v = r.values[b]?.[reg];
          return [b, v ? toHex(v) : ccel ? toHex(new Uint8Array(DIGEST_LENGTH[b])) : ''];
        }),
      ),
    }));
}

export function eventLogView(
  bytes: Uint8Array,
  table?: { name: string; bytes: Uint8Array },
  hash: HashBackend = defaultHash(),
): EventLogView {
  const { log, ccel, notes } = readLog(bytes, table?.bytes);
  const kind = ccel ? 'rtmr' : 'pcr';
  const replay = replayLog(log, kind, hash);
  const checks = checkLog(log, kind, hash);
  const mismatch = new Set(checks.digestMismatches);
  const dupes = new Set(checks.duplicateSeparators);
  const late = new Set(checks.afterExitBootServices);
  const events: EventLogEventRow[] = log.events.map((e) => {
    const flags: EventLogEventRow['flags'] = [];
    if (mismatch.has(e.index)) flags.push('digest-mismatch');
    if (dupes.has(e.index)) flags.push('duplicate-separator');
    if (late.has(e.index)) flags.push('after-exit-boot-services');
    return {
      index: e.index,
      offset: e.offset,
      length: e.length,
      register: e.register,
      label: e.type === 0x3 ? 'none' : regLabel(ccel, e.register),
      typeName: e.typeName,
      digests: e.digests.map((d) => ({
        algorithm: d.algorithm,
        hex: toHex(d.digest),
        offset: d.offset,
        length: d.digest.length,
      })),
      description: describeEventData(e.decoded),
      dataOffset: e.dataOffset,
      dataLength: e.data.length,
      fields: [...fromStruct('', e.header), ...dataFields(e.decoded, e)],
      flags,
    };
  });
  const ccelTable = 'table' in log ? log.table : undefined;
  const diagnostics = [...log.diagnostics, ...replay.diagnostics, ...checks.diagnostics];
  const blocked = digestBlocker(diagnostics);
  return {
    format: ccel ? 'ccel' : log.format,
    registers: kind,
    banks: replay.banks,
    ...(log.specId ? { specId: dataFields({ kind: 'spec-id', specId: log.specId }, log.events[0]!) } : {}),
    events,
    final: finalRows(replay, ccel),
    checks: {
      duplicateSeparators: checks.duplicateSeparators,
      afterExitBootServices: checks.afterExitBootServices,
      digestMismatches: checks.digestMismatches,
    },
    ...(ccelTable && table
      ? {
          table: {
            name: table.name,
            fields: [
              ...fromStruct('', ccelTable.fields).map((f) => ({
                ...f,
                offset: undefined,
                length: undefined,
              })),
              { label: 'checksum', value: ccelTable.checksumOk ? 'sums to zero' : 'does not sum to zero' },
            ],
          },
        }
      : {}),
    notes,
    diagnostics,
    ...(blocked
      ? {
          withheld: {
            reason: blocked.reason
              .replace(/^no digest: the input/, 'the log')
              .replace('the launch measurement', 'what the registers hold'),
            codes: blocked.codes,
          },
        }
      : {}),
  };
}

/** The summary and structure of an ACPI CCEL table opened on its own. */
export function ccelTableView(bytes: Uint8Array): {
  structure: { title: string; fields: Field[] }[];
  diagnostics: Diagnostic[];
  summary: Field[];
} {
  const d = new Diagnostics();
  const t = parseCcelTable(bytes, d);
  const fields = t ? fromStruct('', t.fields) : [];
  return {
    structure: t ? [{ title: 'ACPI CCEL table', fields }] : [],
    diagnostics: d.done(),
    summary: t
      ? [
          { label: 'CC type', value: `${t.ccType} (${t.ccTypeName})` },
          {
            label: 'Log area',
            value: `0x${t.logAreaStartAddress.toString(16)}, ${t.logAreaMinimumLength} bytes`,
          },
          {
            label: 'Use',
            value: 'Open it next to its CCEL log area: the Event log view reads the area with this table.',
          },
        ]
      : [],
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Log ↔ prediction diff

export interface DiffDigest {
  bank: string;
  predicted?: string;
  logged?: string;
}

export interface EventLogDiffRow {
  status: 'match' | 'differs' | 'unpredictable' | 'firmware' | 'extra' | 'missing';
  /** The register label in the log's terms (PCR 4 / RTMR2). */
  label: string;
  /** For a CCEL: the PCR the prediction names (edk2 maps it to this RTMR). */
  pcr?: number;
  event?: number;
  offset?: number;
  length?: number;
  source: string;
  description: string;
  logged?: string;
  reason?: string;
  digests: DiffDigest[];
}

export interface PredictedRegisterRow {
  label: string;
  bank: string;
  predicted?: string;
  replayed?: string;
  /** Why there is no predicted value. */
  why?: string;
  /** What the predicted value is made of. */
  basis: string;
  equal?: boolean;
}

export interface EventLogDiff {
  stub: string;
  cmdline: string;
  kind: 'pcr' | 'rtmr';
  rows: EventLogDiffRow[];
  /** Index in `rows` of the first divergent row. */
  firstDivergence?: number;
  ok: boolean;
  /** Set when the UKI or an add-on is damaged: no predicted digest is given (the reason). */
  withheld?: string;
  registers: PredictedRegisterRow[];
  assumptions: string[];
  diagnostics: Diagnostic[];
}

function extend(alg: HashAlgorithm, v: Bytes, d: Bytes, hash: HashBackend): Bytes {
  return hash.create(alg).update(v).update(d).digest();
}

/** The digest of `bank` in a log event. */
const loggedDigest = (e: LogEvent, bank: HashAlgorithm) =>
  e.digests.find((x) => TPM_ALG[x.algorithmId]?.hash === bank)?.digest;

/**
 * A PCR's predicted value: its log events in order, each replaced by the predicted event it was matched with;
 * events the firmware logged (no prediction claims them) enter with their logged digest, extras are left out,
 * predicted events the log lacks are appended. Undefined (with why) when an event's digest cannot be predicted.
 */
function predictedPcr(
  pcr: number,
  bank: HashAlgorithm,
  log: ParsedLog,
  rows: ReturnType<typeof matchPrediction>['rows'],
  predicted: readonly PredictedEvent[],
  hash: HashBackend,
): { value?: Bytes; why?: string; firmware: number; predicted: number } {
  let v: Bytes = new Uint8Array(DIGEST_LENGTH[bank]);
  let firmware = 0;
  let own = 0;
  const byEvent = new Map(rows.filter((r) => r.event !== undefined).map((r) => [r.event!, r]));
  for (const e of log.events) {
    if (e.index === 0 && log.format === 'tcg2') continue;
    if (e.type === 0x3 || e.register !== pcr) continue;
    const r = byEvent.get(e.index);
    if (!r || r.status === 'extra') continue;
    if (r.status === 'firmware') {
      const d = loggedDigest(e, bank);
      if (!d) return { why: `event #${e.index} has no ${bank} digest`, firmware, predicted: own };
      v = extend(bank, v, d, hash);
      firmware++;
      continue;
    }
    const p = predicted[r.predicted!]!;
    const d = p.digests?.[bank];
    if (!d)
      return {
        why: `${p.description} depends on ${p.dependsOn ?? 'the platform'}`,
        firmware,
        predicted: own,
      };
    v = extend(bank, v, d, hash);
    own++;
  }
  for (const r of rows)
    if (r.status === 'missing' && r.pcr === pcr) {
      const d = predicted[r.predicted!]!.digests?.[bank];
      if (!d) return { why: `${r.description} cannot be predicted`, firmware, predicted: own };
      v = extend(bank, v, d, hash);
      own++;
    }
  return { value: v, firmware, predicted: own };
}

function hexDigests(
  p: PredictedEvent | undefined,
  e: LogEvent | undefined,
  banks: readonly HashAlgorithm[],
): DiffDigest[] {
  return banks.map((bank) => {
    const pd = p?.digests?.[bank];
    const ld = e && loggedDigest(e, bank);
    return { bank, ...(pd ? { predicted: toHex(pd) } : {}), ...(ld ? { logged: toHex(ld) } : {}) };
  });
}

export function eventLogDiff(
  logBytes: Uint8Array,
  uki: Uint8Array,
  addons: AddonInput[],
  table?: Uint8Array,
  hash: HashBackend = defaultHash(),
): EventLogDiff {
  const { log, ccel } = readLog(logBytes, table);
  const kind = ccel ? 'rtmr' : 'pcr';
  const replay = replayLog(log, kind, hash);
  const banks = replay.banks;
  const p: BootPrediction = predictBoot({ file: uki }, addons, { banks, hash });
  const cc = ccel ? compareCcelWithPrediction(log, replay, p, hash) : undefined;
  const predicted = cc ? cc.predicted.events : p.events;
  const match = cc ? cc.match : matchPrediction(log, predicted);
  const byIndex = new Map(log.events.map((e) => [e.index, e]));
  const rows: EventLogDiffRow[] = match.rows.map((r) => {
    const e = r.event !== undefined ? byIndex.get(r.event) : undefined;
    const pe = r.predicted !== undefined ? predicted[r.predicted] : undefined;
    return {
      status: r.status,
      label: regLabel(ccel, r.pcr),
      ...(cc && r.predicted !== undefined ? { pcr: cc.predicted.pcrs[r.predicted]! } : {}),
      ...(e ? { event: e.index, offset: e.offset, length: e.length } : {}),
      source: r.source,
      description: r.description,
      ...(r.logged !== undefined ? { logged: r.logged } : {}),
      ...(r.reason !== undefined ? { reason: r.reason } : {}),
      digests: hexDigests(pe, e, banks),
    };
  });
  const firstDivergence = match.firstDivergence ? match.rows.indexOf(match.firstDivergence) : -1;
  const registers: PredictedRegisterRow[] = [];
  const replayed = (bank: HashAlgorithm, reg: number) => {
    const v = replay.values[bank]?.[reg];
    return v ? toHex(v) : undefined;
  };
  if (!ccel) {
    for (const pcr of [4, 9, 11, 12])
      for (const bank of banks) {
        const x = predictedPcr(pcr, bank, log, match.rows, predicted, hash);
        const rep = replayed(bank, pcr) ?? toHex(new Uint8Array(DIGEST_LENGTH[bank]));
        const basis =
          x.firmware > 0
            ? `${x.predicted} predicted event${x.predicted === 1 ? '' : 's'}, ${x.firmware} firmware event${x.firmware === 1 ? '' : 's'} taken from the log`
            : `${x.predicted} predicted event${x.predicted === 1 ? '' : 's'}, nothing from the log`;
        registers.push({
          label: `PCR ${pcr}`,
          bank,
          ...(x.value ? { predicted: toHex(x.value), equal: toHex(x.value) === rep } : { why: x.why }),
          replayed: rep,
          basis,
        });
      }
  } else {
    for (const x of cc!.registers)
      registers.push({
        label: x.label,
        bank: 'sha384',
        ...(x.predicted !== undefined ? { predicted: x.predicted, equal: x.equal! } : { why: x.why! }),
        replayed: x.replayed,
        basis: x.basis,
      });
  }
  return {
    stub: p.stub ? `systemd-stub ${p.stub.text} (from ${p.stub.source})` : 'systemd-stub version unknown',
    cmdline: p.cmdline,
    kind,
    rows,
    ...(firstDivergence >= 0 ? { firstDivergence } : {}),
    ok: match.ok && registers.every((x) => x.equal !== false),
    registers,
    assumptions: cc ? cc.assumptions : p.assumptions,
    diagnostics: [...p.diagnostics, ...log.diagnostics, ...replay.diagnostics],
  };
}
