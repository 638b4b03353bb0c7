// Golden tests: every corpus event log replays to the values its project states (manifest attest.event_logs),
// every boot-lab log replays to the PCRs its TPM reported (bootlab.cases[].measured_pcrs), the cos-113 CCEL
// replays to the RTMRs in its TDX quote's bytes, and the duplicate-separator CCEL is flagged.
import { describe, expect, it } from 'vitest';
import { toHex } from '../bytes/bytes';
import { corpusAvailable, manifest, readCorpus, type Manifest } from '../../test-support/corpus';
import { checkLog, compareReplay, parseCcel, parseTcgLog, replayLog, type ExpectedRegisters, type ParsedLog } from '.';

const m = corpusAvailable() ? manifest() : undefined;
const logs: Manifest[] = m?.attest?.event_logs ?? [];
const cases: Manifest[] = m?.bootlab?.cases ?? [];

function load(path: string, format: string, table?: string) {
  const bytes = readCorpus(path);
  return format === 'ccel' ? parseCcel(bytes, table ? readCorpus(table) : undefined) : parseTcgLog(bytes);
}

describe.runIf(corpusAvailable())('attest.event_logs replay to their stated final values', () => {
  for (const e of logs) {
    it(`${e.path} (${e.format})`, () => {
      const log = load(e.path, e.format, e.acpi_table);
      expect(log.diagnostics.filter((x) => x.severity === 'error')).toEqual([]);
      expect(log.format).toBe(e.format === 'tcg1-sha1' ? 'tcg1-sha1' : 'tcg2');
      const kind = e.format === 'ccel' ? 'rtmr' : 'pcr';
      const replay = replayLog(log, kind);
      const expected: ExpectedRegisters = kind === 'rtmr' ? { sha384: e.final_rtmrs } : e.final_pcrs;
      const cmp = compareReplay(replay, expected);
      expect(cmp.length).toBe(Object.values(expected).reduce((n, r) => n + Object.keys(r ?? {}).length, 0));
      expect(cmp.filter((c) => !c.ok)).toEqual([]);
      // trustee's OVMF CCEL has two separators in RTMR0 — the pattern go-eventlog rejects as a UEFI bug
      // (eventparse/secureboot.go: one separator per PCR 7 / CC MR 1); every other corpus log has none.
      const checks = checkLog(log, kind);
      expect(checks.digestMismatches).toEqual([]);
      const dupes = checks.duplicateSeparators;
      if (e.path.includes('trustee-ovmf')) {
        // A warning (the log is intact and replays to trustee's values), at the event go-eventlog would name.
        expect(dupes).toEqual([16]);
        expect(checks.diagnostics.map((x) => [x.code, x.severity])).toEqual([
          ['EVENTLOG_DUPLICATE_SEPARATOR', 'warning'],
        ]);
      } else expect(dupes).toEqual([]);
    });
  }
});

describe.runIf(corpusAvailable())('CCEL table and the cos-113 quote', () => {
  const cos = logs.find((e) => e.quote);
  it('the ACPI CCEL table decodes (TDX, checksum, log area length = area size)', () => {
    const log = parseCcel(readCorpus(cos!.path), readCorpus(cos!.acpi_table));
    expect(log.table?.ccTypeName).toBe('TDX');
    expect(log.table?.checksumOk).toBe(true);
    expect(log.table?.logAreaMinimumLength).toBe(BigInt(cos!.size));
    expect(log.trailingGarbage).toBe(0);
  });
  it('cos-113 CCEL replays to RTMR0–3 read from its quote bytes (v4: body at 48, RTMR i at body + 328 + 48·i) and the manifest', () => {
    const q = readCorpus(`attest/${cos!.quote}`);
    const qm = (m!.attest.tdx_quotes as Manifest[]).find((x) => x.path === `attest/${cos!.quote}`)!;
    const replay = replayLog(load(cos!.path, 'ccel'), 'rtmr');
    for (let i = 0; i < 4; i++) {
      const fromQuote = toHex(q.subarray(48 + 328 + 48 * i, 48 + 376 + 48 * i));
      expect(fromQuote).toBe(qm.fields[`rtmr${i}`]);
      const got = replay.values.sha384?.[i];
      expect(got ? toHex(got) : '0'.repeat(96)).toBe(fromQuote);
    }
  });
  it('the duplicate-separator CCEL (attest/extra) is flagged at the event go-eventlog names; trustee has the same pattern', () => {
    const dupe = parseCcel(readCorpus('attest/extra/eventlog/ccel/go-eventlog-cos113-dupe-separator.bin'));
    const c = checkLog(dupe, 'rtmr');
    expect(c.duplicateSeparators).toEqual([16]);
    const w = c.diagnostics.find((x) => x.code === 'EVENTLOG_DUPLICATE_SEPARATOR')!;
    expect(w.severity).toBe('warning');
    expect(w.message).toMatch(
      /event #16: a second separator in RTMR0 \(the first is event #8\).*"duplicate separator at event 16"/,
    );
    // go-eventlog's file is cos-113 with event 16's separator moved from CC MR 2 (RTMR1) to CC MR 1 (RTMR0);
    // trustee's real OVMF CCEL logs its ReadyToBoot separator the same way — the firmware bug go-eventlog models.
    const sep = (l: ParsedLog) => l.events.filter((e) => e.type === 0x4).map((e) => [e.index, e.register]);
    expect(sep(dupe)).toEqual([
      [8, 1],
      [16, 1],
    ]);
    expect(sep(load(cos!.path, 'ccel'))).toEqual([
      [8, 1],
      [16, 2],
    ]);
    expect(sep(load(logs.find((e) => e.path.includes('trustee-ovmf'))!.path, 'ccel'))).toEqual([
      [8, 1],
      [16, 1],
    ]);
  });
});

describe.runIf(corpusAvailable())('bootlab event logs replay to the PCRs the TPM reported', () => {
  for (const c of cases) {
    it(`${c.id}: ${c.event_log}`, () => {
      const log = parseTcgLog(readCorpus(c.event_log));
      expect(log.diagnostics).toEqual([]);
      const replay = replayLog(log);
      expect(replay.banks).toEqual(['sha1', 'sha256', 'sha384', 'sha512']);
      const cmp = compareReplay(replay, c.measured_pcrs);
      expect(cmp.length).toBe(28);
      expect(cmp.filter((x) => !x.ok)).toEqual([]);
      const checks = checkLog(log);
      expect(checks.digestMismatches).toEqual([]);
      expect(checks.duplicateSeparators).toEqual([]);
      expect(checks.afterExitBootServices).toEqual([]);
    });
  }
});
