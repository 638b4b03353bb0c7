import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { corpusAvailable, corpusPath, manifest, readCorpus, type Manifest } from '../../test-support/corpus';
import { detectFileKind } from '../detect';
import { parseTcgLog } from './parse';
import { looksLikeCcelArea, looksLikeCcelTable, looksLikeEventLog } from './sniff';

describe('event log sniffing', () => {
  it('rejects short, zero and other data', () => {
    expect(looksLikeEventLog(new Uint8Array(16))).toBe(false);
    expect(looksLikeEventLog(new Uint8Array(4096))).toBe(false);
    expect(looksLikeCcelTable(new Uint8Array(56))).toBe(false);
    const t = new Uint8Array(56);
    t.set([0x43, 0x43, 0x45, 0x4c, 56]);
    expect(looksLikeCcelTable(t)).toBe(true);
    t[4] = 57;
    expect(looksLikeCcelTable(t)).toBe(false);
  });
  it('a SHA-1 log needs two plausible events in PCR 0 first', () => {
    const b = new Uint8Array(32 + 4 + 32 + 4);
    const dv = new DataView(b.buffer);
    dv.setUint32(4, 0x8, true); // EV_S_CRTM_VERSION
    dv.setUint32(28, 4, true);
    dv.setUint32(36, 1, true);
    dv.setUint32(40, 0x4, true); // EV_SEPARATOR
    dv.setUint32(64, 4, true);
    expect(looksLikeEventLog(b)).toBe(true);
    dv.setUint32(40, 0x7777, true);
    expect(looksLikeEventLog(b)).toBe(false);
  });
  it.runIf(corpusAvailable())(
    'every corpus event log is an eventlog, the CCEL tables ccel-table; CCEL areas are told apart',
    () => {
      const m = manifest();
      const logs: Manifest[] = m.attest.event_logs;
      for (const e of logs) {
        const b = readCorpus(e.path);
        expect(detectFileKind(b), e.path).toBe('eventlog');
        expect(looksLikeCcelArea(parseTcgLog(b, { stopAtPadding: true }), b), e.path).toBe(
          e.format === 'ccel',
        );
        if (e.acpi_table) expect(detectFileKind(readCorpus(e.acpi_table)), e.acpi_table).toBe('ccel-table');
      }
      for (const c of m.bootlab.cases as Manifest[])
        expect(detectFileKind(readCorpus(c.event_log)), c.id).toBe('eventlog');
      for (const d of ['attest/extra/eventlog/tpm', 'attest/extra/eventlog/ccel'])
      for (const f of readdirSync(corpusPath(d)))
        expect(detectFileKind(readCorpus(`${d}/${f}`)), f).toBe(f.endsWith('.table.bin') ? 'ccel-table' : 'eventlog');
    // Other corpus inputs are not mistaken for logs.
      for (const e of Object.values(m.inputs as Record<string, { path: string }>))
        expect(detectFileKind(readCorpus(e.path)), e.path).not.toBe('eventlog');
    },
  );
});
