// `fukiscope eventlog LOG`: a TCG PC Client event log or a TDX CCEL (evidence §3): every event decoded, the final
// value of every PCR/RTMR per bank, what a verifier flags, and — with --uki [--addon]… — the log ↔ prediction
// diff (every event matched to what produced it, the first divergence with its reason); with --quote, the RTMRs
// of a TDX quote compared with the replay. Exit 1 when a comparison or a check fails.
import { appendAll } from '../../core/append';
import { decodeTdxQuote } from '../../core/attest/tdx-quote';
import { toHex } from '../../core/bytes/bytes';
import { byName } from '../../core/fields/field-table';
import { formatDiagnostic, hasErrors, type Diagnostic } from '../../core/diagnostics';
import {
  checkLog,
  compareReplay,
  describeEventData,
  matchPrediction,
  parseCcel,
  parseTcgLog,
  replayLog,
  type ExpectedRegisters,
  type MatchResult,
  type ParsedLog,
  type RegisterComparison,
} from '../../core/eventlog';
import { looksLikeCcelArea } from '../../core/eventlog/sniff';
import { bootPredictionView, predictBoot } from '../../core/uki/boot-prediction';
import { compareCcelWithPrediction, type CcelComparison } from '../../core/uki/ccel-prediction';
import { ESP_KIND_NAMES, oneFileWithAddons, parseAddonArgs, parseEspArgs } from '../addon-args';
import type { Command } from '../commands';
import { toJson, UsageError, type CliIo } from '../io';

const usage = `Usage: fukiscope eventlog LOG [--ccel] [--ccel-table TABLE] [--uki UKI [--addon per-uki:F|global:F]...]
                         [--esp KIND:FILE]... [--quote QUOTE] [--strict] [--json]

  LOG                 a TCG2 (crypto-agile) or SHA-1 event log (e.g. /sys/kernel/security/tpm0/binary_bios_measurements),
                      or a TDX CCEL log area (/sys/firmware/acpi/tables/data/CCEL)
  --ccel              treat LOG as a CCEL area (index = CC MR: 1–4 = RTMR0–3); implied by --ccel-table and --quote
  --ccel-table TABLE  the ACPI CCEL table (/sys/firmware/acpi/tables/CCEL), decoded and checked
  --uki UKI           predict what booting this UKI logs (per its systemd-stub version) and match every event;
                      with a CCEL, also compare the predicted RTMR1 and RTMR2 with the replay (and with --quote,
                      with the quote's); RTMR0 (firmware configuration) and RTMR3 (the OS) are not predicted
  --addon SCOPE:FILE  add-ons of that boot (global = \\loader\\addons, per-uki = <uki>.extra.d)
  --esp KIND:FILE     an ESP file of that boot the stub packs (KIND = ${ESP_KIND_NAMES})
  --quote QUOTE       a TDX quote (v4/v5): its RTMR0–3 are compared with the CCEL replay
  --strict            also fail (exit 1) on what a verifier such as go-eventlog refuses although the log replays
                      (a duplicate separator); without it that is a warning

Prints the final value of every PCR/RTMR per bank and every event; exit 1 when a comparison fails, the log is
damaged, or an event's digest does not match its event data (and with --strict, on a duplicate separator).`;

/**
 * RTMR0–3 of a TDX quote (v4/v5, TD 1.0 or 1.5 body), decoded by the one quote decoder (core/attest/tdx-quote.ts)
 * so the CLI reads the same fields the Evidence view shows. A quote the decoder rejects is a usage error here.
 */
function quoteRtmrs(q: Uint8Array): Record<string, string> {
  const { quote, diagnostics } = decodeTdxQuote(q);
  const err = diagnostics.find((d) => d.severity === 'error');
  if (!quote || err) throw new UsageError(`--quote: not a usable TDX quote${err ? ` (${err.code}: ${err.message})` : ''}`);
  const fields = byName(quote.body);
  const out: Record<string, string> = {};
  for (let i = 0; i < 4; i++) {
    const f = fields.get(`rtmr${i}`);
    if (!f) throw new UsageError(`--quote: the quote body has no rtmr${i}`);
    out[String(i)] = f.hex;
  }
  return out;
}

async function run(args: string[], io: CliIo): Promise<number> {
  const { values, input } = oneFileWithAddons(
    args,
    {
      ccel: { type: 'boolean', default: false },
      'ccel-table': { type: 'string' },
      uki: { type: 'string' },
      quote: { type: 'string' },
      strict: { type: 'boolean', default: false },
      esp: { type: 'string', multiple: true },
    },
    'event log',
  );
  if (values.addon?.length && !values.uki) throw new UsageError('--addon needs --uki');
  if (values.esp?.length && !values.uki) throw new UsageError('--esp needs --uki');
  const bytes = io.readFile(input);
  let ccel = values.ccel || values['ccel-table'] !== undefined || values.quote !== undefined;
  let log: ParsedLog = ccel
    ? parseCcel(bytes, values['ccel-table'] ? io.readFile(values['ccel-table']) : undefined)
    : parseTcgLog(bytes);
  const notes: string[] = [];
  if (!ccel && looksLikeCcelArea(log, bytes)) {
    ccel = true;
    log = parseCcel(bytes);
    notes.push(
      'SHA-384-only log followed by padding: read as a TDX CCEL (index = CC MR index); use --ccel to say so',
    );
  }
  const kind = ccel ? 'rtmr' : 'pcr';
  const replay = replayLog(log, kind);
  const checks = checkLog(log, kind);
  const comparisons: RegisterComparison[] = [];
  /** With --quote and --uki on a CCEL: the quote's RTMR1/RTMR2 against the prediction. */
  const quoteChecks: { register: string; predicted: string; quote: string; ok: boolean }[] = [];
  const fromQuote = values.quote ? quoteRtmrs(io.readFile(values.quote)) : undefined;
  if (fromQuote) {
    const expected: ExpectedRegisters = { sha384: fromQuote };
    appendAll(comparisons, compareReplay(replay, expected, new Set(checks.digestMismatches)));
  }
  let match: MatchResult | undefined;
  let prediction;
  let ccelPrediction: CcelComparison | undefined;
  if (values.uki) {
    const p = predictBoot({ file: io.readFile(values.uki) }, parseAddonArgs(values.addon ?? [], io), {
      banks: ccel ? ['sha384'] : replay.banks,
      sidecars: parseEspArgs(values.esp ?? [], io),
    });
    prediction = bootPredictionView(p);
    if (ccel) {
      // A CCEL: the prediction's events mapped to CC MRs, and the predicted RTMR1/RTMR2 against the replay.
      ccelPrediction = compareCcelWithPrediction(log, replay, p);
      match = ccelPrediction.match;
      if (fromQuote) {
        for (const r of ccelPrediction.registers)
          if (r.predicted !== undefined)
            quoteChecks.push({
              register: r.label,
              predicted: r.predicted,
              quote: fromQuote[r.rtmr]!,
              ok: fromQuote[r.rtmr] === r.predicted,
            });
      }
    } else {
      match = matchPrediction(log, p.events);
      // PCR 9 only when the prediction covers every PCR 9 event (the stub's /.extra cpio included).
      const predicted = { 11: p.pcr11, 12: p.pcr12, ...(p.pcr9 ? { 9: p.pcr9 } : {}) };
      for (const [pcr, values] of Object.entries(predicted))
        appendAll(
          comparisons,
          compareReplay(replay, Object.fromEntries(replay.banks.map((b) => [b, { [pcr]: toHex(values[b]!) }]))),
        );
    }
  }
  const diagnostics: Diagnostic[] = [...log.diagnostics, ...replay.diagnostics, ...checks.diagnostics];
  const verifierRejects = checks.duplicateSeparators.length > 0;
  const failed =
    hasErrors(diagnostics) ||
    comparisons.some((c) => !c.ok) ||
    (match !== undefined && !match.ok) ||
    (ccelPrediction !== undefined && !ccelPrediction.ok) ||
    quoteChecks.some((q) => !q.ok) ||
    (values.strict && verifierRejects);
  const registers = Object.fromEntries(
    replay.banks.map((b) => [
      b,
      Object.fromEntries(Object.entries(replay.values[b] ?? {}).map(([r, v]) => [r, toHex(v)])),
    ]),
  );
  const events = log.events.map((e) => ({
    index: e.index,
    offset: e.offset,
    length: e.length,
    /** PCR index (TPM log) or CC MR index (CCEL: 1–4 = RTMR0–3). */
    register: e.register,
    ...(ccel && e.register >= 1 && e.register <= 4 ? { rtmr: e.register - 1 } : {}),
    type: e.typeName,
    digests: Object.fromEntries(e.digests.map((d) => [d.algorithm, toHex(d.digest)])),
    description: describeEventData(e.decoded),
  }));
  if (values.json) {
    io.out(
      toJson({
        format: ccel ? 'ccel' : log.format,
        registers: kind,
        banks: replay.banks,
        final: registers,
        ...('table' in log && log.table ? { ccelTable: log.table } : {}),
        events,
        checks: {
          duplicateSeparators: checks.duplicateSeparators,
          afterExitBootServices: checks.afterExitBootServices,
          digestMismatches: checks.digestMismatches,
          /** go-eventlog would refuse this log (duplicate separator); a failure only with --strict. */
          verifierRejects,
        },
        ...(comparisons.length ? { comparisons } : {}),
        ...(prediction ? { prediction, match } : {}),
        ...(ccelPrediction
          ? {
              /** Predicted RTMR1/RTMR2 against the replay (RTMR0: firmware configuration, RTMR3: the OS). */
              predictedRtmrs: ccelPrediction.registers,
              assumptions: ccelPrediction.assumptions,
            }
          : {}),
        ...(quoteChecks.length ? { quoteVsPrediction: quoteChecks } : {}),
        notes,
        diagnostics,
        ok: !failed,
      }) + '\n',
    );
    return failed ? 1 : 0;
  }
  const name = (r: string) => (ccel ? `RTMR${r}` : `PCR ${r.padStart(2)}`);
  io.out(
    `${ccel ? 'TDX CCEL' : log.format === 'tcg2' ? 'TCG2 crypto-agile log' : 'SHA-1 log'}: ${log.events.length} events, banks ${replay.banks.join(', ')}\n`,
  );
  for (const n of notes) io.out(`note: ${n}\n`);
  for (const e of events) {
    const reg = ccel ? `MR${e.register}` : `PCR${e.register}`;
    io.out(`#${String(e.index).padStart(3)} ${reg.padEnd(5)} ${e.type.padEnd(34)} ${e.description}\n`);
  }
  for (const b of replay.banks)
    for (const [r, v] of Object.entries(registers[b]!)) io.out(`${name(r)} ${b.padEnd(6)} ${v}\n`);
  for (const c of comparisons)
    io.out(
      `${c.ok ? 'ok  ' : 'FAIL'} ${name(String(c.register))} ${c.bank}${c.ok ? '' : `: expected ${c.expected}, replay ${c.replayed}${c.reason ? ` — ${c.reason}` : ''}`}\n`,
    );
  if (match) {
    io.out(`\n${prediction!.stub}: log ↔ prediction\n`);
    for (const r of match.rows)
      io.out(
        `${r.status.padEnd(13)} ${r.event !== undefined ? `#${String(r.event).padStart(3)}` : '    '} ${(ccel ? `RTMR${r.pcr - 1}` : `PCR${r.pcr}`).padEnd(6)} ${r.source.padEnd(11)} ${r.description}${r.reason && r.status !== 'match' ? ` — ${r.reason}` : ''}\n`,
      );
    io.out(
      match.ok
        ? 'every event matched\n'
        : `first divergence: ${match.firstDivergence!.event !== undefined ? `event #${match.firstDivergence!.event}` : 'a missing event'} (${match.firstDivergence!.description}): ${match.firstDivergence!.reason}\n`,
    );
  }
  if (ccelPrediction) {
    io.out('RTMR0  not predicted: firmware configuration, not determined by the UKI\n');
    for (const r of ccelPrediction.registers)
      io.out(
        r.predicted === undefined
          ? `RTMR${r.rtmr}  not predicted: ${r.why}\n`
          : `${r.equal ? 'ok  ' : 'FAIL'} RTMR${r.rtmr} predicted ${r.predicted}${r.equal ? '' : `, replay ${r.replayed}`} (${r.basis})\n`,
      );
    io.out('RTMR3  not predicted: extended by the OS after boot\n');
    for (const q of quoteChecks)
      io.out(`${q.ok ? 'ok  ' : 'FAIL'} quote ${q.register} ${q.ok ? 'equals the prediction' : `${q.quote}, predicted ${q.predicted}`}\n`);
    for (const a of ccelPrediction.assumptions) io.out(`assumes: ${a}\n`);
  }
  for (const d of diagnostics) if (d.severity !== 'info') io.err(formatDiagnostic(d) + '\n');
  return failed ? 1 : 0;
}

export const eventlogCommand: Command = { usage, run };
