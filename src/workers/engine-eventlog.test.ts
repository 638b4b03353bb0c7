// The engine's event-log API (what the app calls through comlink): a log opens as kind 'eventlog' with its view, a
// CCEL area is re-read with an open ACPI table, the diff runs against open files, and a damaged UKI withholds every
// predicted digest.
import { describe, expect, it } from 'vitest';
import { corpusAvailable, manifest, readCorpus, type Manifest } from '../test-support/corpus';
import { Engine } from './engine';

describe.runIf(corpusAvailable())('Engine: event logs', () => {
  const m = corpusAvailable() ? manifest() : undefined;
  it('opens a log and a CCEL with its table; the diff of case b matches; a damaged UKI withholds predictions', async () => {
    const e = new Engine();
    const c = (m!.bootlab.cases as Manifest[]).find((x) => x.id === 'b')!;
    const log = await e.open('log', 'b.eventlog.bin', readCorpus(c.event_log));
    expect(log.kind).toBe('eventlog');
    expect(log.eventLog!.format).toBe('tcg2');
    await e.open('uki', 'uki.efi', readCorpus(c.uki.path));
    await e.open('addon', 'a.addon.efi', readCorpus(c.addons[0].file.path));
    const d = e.eventLogDiff({
      logId: 'log',
      ukiId: 'uki',
      addons: [{ id: 'addon', fileName: 'a.addon.efi', scope: 'per-uki' }],
    });
    expect(d.ok).toBe(true);
    expect(d.withheld).toBeUndefined();
    expect(d.registers.find((r) => r.label === 'PCR 11' && r.bank === 'sha256')!.predicted).toBe(
      c.measured_pcrs.sha256['11'],
    );

    const damaged = readCorpus(c.uki.path).slice();
    damaged[0x3c] ^= 0xff; // e_lfanew points nowhere: not a PE
    const bad = await e.open('bad', 'bad.efi', damaged);
    expect(bad.diagnostics.some((x) => x.severity === 'error')).toBe(true);
    const w = e.eventLogDiff({ logId: 'log', ukiId: 'bad', addons: [] });
    expect(w.withheld).toBeTruthy();
    expect(w.registers.every((r) => r.predicted === undefined)).toBe(true);
    expect(w.rows.every((r) => r.digests.every((x) => x.predicted === undefined))).toBe(true);

    const cc = (m!.attest.event_logs as Manifest[]).find((x) => x.acpi_table)!;
    const area = await e.open('ccel', 'ccel.bin', readCorpus(cc.path));
    expect(area.eventLog!.format).toBe('ccel');
    const table = await e.open('table', 'CCEL', readCorpus(cc.acpi_table));
    expect(table.kind).toBe('ccel-table');
    const v = e.eventLog('ccel', 'table');
    expect(v.table?.name).toBe('CCEL');
    expect(v.final.find((r) => r.register === 1)!.values.sha384).toBe(cc.final_rtmrs['1']);
  });
});
