// The app's event-log rows and diff against the corpus: every attest.event_logs entry's final values, and for every
// boot-lab case the diff of its real log against our prediction (every event matched, every predicted register
// equal to what the TPM reported).
import { describe, expect, it } from 'vitest';
import { nodeHashBackend as hashBackend } from '../../cli/node-hash';
import { bootlabAddons, bootlabUki } from '../../test-support/bootlab';
import { corpusAvailable, manifest, readCorpus, type Manifest } from '../../test-support/corpus';
import { ccelTableView, eventLogDiff, eventLogView } from './eventlog';

const m = corpusAvailable() ? manifest() : undefined;

describe.runIf(corpusAvailable())('event log view', () => {
  it('every attest.event_logs entry: the final rows equal the stated values; CCELs read as RTMRs', () => {
    for (const e of m!.attest.event_logs as Manifest[]) {
      const v = eventLogView(readCorpus(e.path), undefined, hashBackend);
      expect(v.format, e.path).toBe(e.format);
      const want = (e.format === 'ccel' ? { sha384: e.final_rtmrs } : e.final_pcrs) as Record<
        string,
        Record<string, string>
      >;
      for (const [bank, regs] of Object.entries(want))
        for (const [r, val] of Object.entries(regs)) {
          if (/^0+$/.test(val)) continue;
          const row = v.final.find((x) => x.register === Number(r));
          expect(row?.values[bank], `${e.path} ${bank} ${r}`).toBe(val);
        }
      expect(v.events.length).toBeGreaterThan(3);
      for (const ev of v.events) expect(ev.offset + ev.length).toBeLessThanOrEqual(e.size);
    }
  });
  it('the cos-113 CCEL with its ACPI table: table fields shown, RTMR labels; the duplicate-separator log is flagged', () => {
    const e = (m!.attest.event_logs as Manifest[]).find((x) => x.acpi_table)!;
    const v = eventLogView(
      readCorpus(e.path),
      { name: 'CCEL', bytes: readCorpus(e.acpi_table) },
      hashBackend,
    );
    expect(v.table?.fields.find((f) => f.label === 'ccType')?.value).toMatch(/^2 /);
    expect(v.events.some((x) => x.label === 'RTMR1')).toBe(true);
    expect(ccelTableView(readCorpus(e.acpi_table)).summary[0]!.value).toBe('2 (TDX)');
    const dupe = eventLogView(
      readCorpus('attest/extra/eventlog/ccel/go-eventlog-cos113-dupe-separator.bin'),
      undefined,
      hashBackend,
    );
    expect(dupe.checks.duplicateSeparators.length).toBe(1);
    expect(dupe.events.find((x) => x.flags.includes('duplicate-separator'))).toBeDefined();
    // go-eventlog rejects it, yet it replays intact: a warning that says so, and its values are shown.
    const dupeDiag = dupe.diagnostics.find((d) => d.code === 'EVENTLOG_DUPLICATE_SEPARATOR');
    expect(dupeDiag?.severity).toBe('warning');
    expect(dupeDiag?.message).toMatch(/go-eventlog rejects the log/);
    expect(dupe.withheld).toBeUndefined();
    expect(v.withheld).toBeUndefined();
    // A log cut inside an event is damaged: no replayed values as reference values.
    const cut = eventLogView(readCorpus('bootlab/a.eventlog.bin').slice(0, 9000), undefined, hashBackend);
    expect(cut.withheld?.codes).toContain('EVENTLOG_TRUNCATED');
  });
  it('damaged input gives diagnostics, not an exception', () => {
    const b = readCorpus('bootlab/a.eventlog.bin').slice(0, 500);
    const v = eventLogView(b, undefined, hashBackend);
    expect(v.diagnostics.some((d) => d.code === 'EVENTLOG_TRUNCATED')).toBe(true);
    expect(v.withheld?.codes).toContain('EVENTLOG_TRUNCATED');
  });
});

describe.runIf(corpusAvailable())('log ↔ prediction diff over the boot lab', () => {
  for (const c of (m?.bootlab.cases ?? []) as Manifest[])
    it(c.id, () => {
      const d = eventLogDiff(
        readCorpus(c.event_log),
        bootlabUki(c),
        bootlabAddons(c),
        undefined,
        hashBackend,
      );
      expect(
        d.rows.filter((r) => !['match', 'firmware', 'unpredictable'].includes(r.status)),
        c.id,
      ).toEqual([]);
      expect(d.firstDivergence).toBeUndefined();
      for (const r of d.registers) {
        if (r.predicted === undefined) {
          // Only PCR 9 of a stub that appends its generated /.extra cpio is left open.
          expect(r.label, `${c.id} ${r.bank}: ${r.why}`).toBe('PCR 9');
          continue;
        }
        const pcr = r.label.replace('PCR ', '');
        const measured = c.measured_pcrs[r.bank]?.[pcr] as string | undefined;
        if (measured !== undefined) expect(r.predicted, `${c.id} ${r.label} ${r.bank}`).toBe(measured);
        expect(r.equal, `${c.id} ${r.label} ${r.bank}`).toBe(true);
      }
      for (const pcr of ['PCR 4', 'PCR 11', 'PCR 12'])
        expect(d.registers.filter((r) => r.label === pcr && r.predicted).length, `${c.id} ${pcr}`).toBe(4);
    });
  it('without its add-on, case b diverges at the first PCR 12 event with the reason', () => {
    const c = (m!.bootlab.cases as Manifest[]).find((x) => x.id === 'b')!;
    const d = eventLogDiff(readCorpus(c.event_log), bootlabUki(c), [], undefined, hashBackend);
    expect(d.ok).toBe(false);
    const first = d.rows[d.firstDivergence!]!;
    expect(first.label).toBe('PCR 4');
    expect(first.reason).toBeTruthy();
    expect(d.registers.find((r) => r.label === 'PCR 12' && r.bank === 'sha256')!.equal).toBe(false);
  });
});

describe.runIf(corpusAvailable())('log ↔ prediction diff of a CCEL', () => {
  it('a UKI against the cos-113 CCEL (a GRUB boot, not a UKI): RTMR1/RTMR2 rows, a named divergence, no exception', () => {
    const e = (m!.attest.event_logs as Manifest[]).find((x) => x.acpi_table)!;
    const d = eventLogDiff(
      readCorpus(e.path),
      readCorpus('pe/uki-262.efi'),
      [],
      readCorpus(e.acpi_table),
      hashBackend,
    );
    expect(d.kind).toBe('rtmr');
    expect(d.registers.map((r) => r.label)).toEqual(['RTMR1', 'RTMR2']);
    expect(d.ok).toBe(false);
    const first = d.rows[d.firstDivergence!]!;
    expect(first.label).toMatch(/^RTMR/);
    expect(first.reason).toBeTruthy();
    // Predicted rows name the PCR their event came from.
    expect(d.rows.filter((r) => r.pcr !== undefined).length).toBeGreaterThan(0);
  });
});
