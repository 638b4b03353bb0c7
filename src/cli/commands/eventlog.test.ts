import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../main';
import { parseTcgLog } from '../../core/eventlog';
import { parsePe } from '../../core/pe/parse';
import { ccelFromTpmLog } from '../../test-support/ccel-from-tpm-log';
import { captureIo } from '../../test-support/cli';
import { corpusAvailable, corpusPath, manifest, readCorpus, type Manifest } from '../../test-support/corpus';

const m = corpusAvailable() ? manifest() : undefined;

describe.runIf(corpusAvailable())('fukiscope eventlog', () => {
  it('every attest.event_logs entry: --json final values equal the stated ones', async () => {
    for (const e of m!.attest.event_logs as Manifest[]) {
      const io = captureIo();
      const args = ['eventlog', corpusPath(e.path), '--json'];
      if (e.format === 'ccel') args.push('--ccel');
      const code = await main(args, io);
      const j = JSON.parse(io.stdout);
      // trustee's OVMF CCEL replays correctly: its duplicate RTMR0 separator (go-eventlog's rule) is a warning.
      expect(code, e.path).toBe(0);
      expect(j.checks.verifierRejects, e.path).toBe(e.path.includes('trustee-ovmf'));
      const want = e.format === 'ccel' ? { sha384: e.final_rtmrs } : e.final_pcrs;
      for (const [bank, regs] of Object.entries(want as Record<string, Record<string, string>>))
        for (const [r, v] of Object.entries(regs))
          if (!/^0+$/.test(v)) expect(j.final[bank][r], `${e.path} ${bank} ${r}`).toBe(v);
    }
  });
  it('cos-113 CCEL + table + its quote: RTMRs agree, exit 0; the dupe-separator CCEL is flagged, and fails with --strict', async () => {
    const e = (m!.attest.event_logs as Manifest[]).find((x) => x.quote)!;
    const io = captureIo();
    expect(
      await main(
        [
          'eventlog',
          corpusPath(e.path),
          '--ccel-table',
          corpusPath(e.acpi_table),
          '--quote',
          corpusPath(`attest/${e.quote}`),
          '--json',
        ],
        io,
      ),
    ).toBe(0);
    const j = JSON.parse(io.stdout);
    expect(j.comparisons.map((c: Manifest) => c.ok)).toEqual([true, true, true, true]);
    expect(j.ccelTable.ccTypeName).toBe('TDX');
    const dupe = corpusPath('attest/extra/eventlog/ccel/go-eventlog-cos113-dupe-separator.bin');
    const bad = captureIo();
    expect(await main(['eventlog', dupe, '--ccel'], bad)).toBe(0);
    expect(bad.stderr).toMatch(
      /EVENTLOG_DUPLICATE_SEPARATOR.*event #16: a second separator in RTMR0 \(the first is event #8\).*go-eventlog rejects/,
    );
    const strict = captureIo();
    expect(await main(['eventlog', dupe, '--ccel', '--strict', '--json'], strict)).toBe(1);
    expect(JSON.parse(strict.stdout)).toMatchObject({
      ok: false,
      checks: { duplicateSeparators: [16], verifierRejects: true },
    });
    // The same pattern in trustee's OVMF CCEL: the same verdict (it is the real firmware bug go-eventlog models).
    const trustee = corpusPath('attest/eventlog/ccel/trustee-ovmf.bin');
    expect(await main(['eventlog', trustee, '--ccel', '--strict'], captureIo())).toBe(1);
    // A clean log stays exit 0 under --strict.
    expect(await main(['eventlog', corpusPath(e.path), '--ccel', '--strict'], captureIo())).toBe(0);
  });
  it('a bootlab log with its UKI and add-on: every event matched, exit 0; without the add-on: exit 1 at the first divergence', async () => {
    const c = (m!.bootlab.cases as Manifest[]).find((x) => x.id === 'b')!;
    const io = captureIo();
    const args = [
      'eventlog',
      corpusPath(c.event_log),
      '--uki',
      corpusPath(c.uki.path),
      '--addon',
      `per-uki:${corpusPath(c.addons[0].file.path)}`,
      '--json',
    ];
    expect(await main(args, io)).toBe(0);
    const j = JSON.parse(io.stdout);
    expect(j.match.ok).toBe(true);
    expect(j.final.sha256['11']).toBe(c.measured_pcrs.sha256['11']);
    const io2 = captureIo();
    expect(await main(['eventlog', corpusPath(c.event_log), '--uki', corpusPath(c.uki.path)], io2)).toBe(1);
    expect(io2.stdout).toMatch(/first divergence: event #37/);
    expect(io2.stdout).toMatch(/FAIL PCR 12 sha256/);
  });
  it('a CCEL with --uki: every event matched and RTMR1/RTMR2 equal the prediction, exit 0; a changed .cmdline byte: exit 1 naming RTMR2', async () => {
    // The boot-lab case b (uki-262 + a per-UKI add-on) as the CCEL a TDVF boot of the same files writes.
    const c = (m!.bootlab.cases as Manifest[]).find((x) => x.id === 'b')!;
    const ccel = ccelFromTpmLog(parseTcgLog(readCorpus(c.event_log)));
    const uki = readCorpus(c.uki.path);
    const addon = ['--addon', `per-uki:${corpusPath(c.addons[0].file.path)}`];
    const io = captureIo({ 'b.ccel': ccel, 'b.efi': uki });
    expect(await main(['eventlog', 'b.ccel', '--ccel', '--uki', 'b.efi', ...addon, '--json'], io), io.stderr).toBe(0);
    const j = JSON.parse(io.stdout);
    expect(j.ok).toBe(true);
    expect(j.match.ok).toBe(true);
    expect(j.predictedRtmrs.map((r: Manifest) => [r.label, r.equal])).toEqual([
      ['RTMR1', true],
      ['RTMR2', true],
    ]);
    // The predicted value is the replayed one (which --json also reports as final RTMR2).
    expect(j.predictedRtmrs[1].predicted).toBe(j.final.sha384['2']);
    const text = captureIo({ 'b.ccel': ccel, 'b.efi': uki });
    expect(await main(['eventlog', 'b.ccel', '--uki', 'b.efi', ...addon], text)).toBe(0);
    expect(text.stdout).toMatch(/^ok {3}RTMR2 predicted [0-9a-f]{96} /m);
    expect(text.stdout).toMatch(/RTMR0 +not predicted: firmware configuration/);
    expect(text.stdout).toMatch(/RTMR3 +not predicted/);

    // One byte of the UKI's embedded command line changed: its Authenticode digest (RTMR1) and its .cmdline
    // measurement (RTMR2) no longer match what was booted.
    const pe = parsePe(uki);
    const cmd = pe.sections.find((x) => x.name === '.cmdline')!;
    const changed = uki.slice();
    changed[cmd.pointerToRawData] ^= 0x01;
    const bad = captureIo({ 'b.ccel': ccel, 'b.efi': changed });
    expect(await main(['eventlog', 'b.ccel', '--ccel', '--uki', 'b.efi', ...addon], bad)).toBe(1);
    expect(bad.stdout).toMatch(/^FAIL RTMR2 predicted [0-9a-f]{96}, replay [0-9a-f]{96}/m);
    expect(bad.stdout).toMatch(/first divergence: event #\d+/);

    // With a quote: its RTMRs against the prediction (the cos-113 quote is another boot: both differ).
    const e = (m!.attest.event_logs as Manifest[]).find((x) => x.quote)!;
    const q = captureIo({ 'b.ccel': ccel, 'b.efi': uki });
    const args = ['eventlog', 'b.ccel', '--uki', 'b.efi', ...addon, '--quote', corpusPath(`attest/${e.quote}`), '--json'];
    expect(await main(args, q)).toBe(1);
    expect(JSON.parse(q.stdout).quoteVsPrediction.map((x: Manifest) => [x.register, x.ok])).toEqual([
      ['RTMR1', false],
      ['RTMR2', false],
    ]);
  });
  it('usage errors exit 2', async () => {
    const io = captureIo();
    expect(await main(['eventlog'], io)).toBe(2);
    expect(await main(['eventlog', 'x', '--addon', 'y'], captureIo())).toBe(2);
  });
});

describe.runIf(corpusAvailable())('fukiscope eventlog --quote', () => {
  it('reads the RTMRs through the quote decoder: a damaged quote is refused with its diagnostic, exit 2', async () => {
    const e = (m!.attest.event_logs as Manifest[]).find((x) => x.quote)!;
    const q = readFileSync(corpusPath(`attest/${e.quote}`));
    const dir = mkdtempSync(join(tmpdir(), 'fks-quote-'));
    const bad = join(dir, 'bad.dat');
    const b = new Uint8Array(q);
    b[4] = 0; // TEE type 0 = SGX: not a TDX quote
    writeFileSync(bad, b);
    const io = captureIo();
    expect(await main(['eventlog', corpusPath(e.path), '--quote', bad], io)).toBe(2);
    expect(io.stderr).toMatch(/TDX_QUOTE_TEE_TYPE/);
    const short = join(dir, 'short.dat');
    writeFileSync(short, q.subarray(0, 600));
    const io2 = captureIo();
    expect(await main(['eventlog', corpusPath(e.path), '--quote', short], io2)).toBe(2);
    expect(io2.stderr).toMatch(/TDX_QUOTE_TRUNCATED/);
  });
});
