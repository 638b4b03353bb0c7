// Unit tests: damaged input never throws and says where it broke; the field tables carry offsets; replay
// semantics (StartupLocality, EV_NO_ACTION, CC MR 0, missing bank) and the first-break explanation.
import { describe, expect, it } from 'vitest';
import { concatBytes, put32, toHex } from '../bytes/bytes';
import { nobleBackend } from '../hash/hash';
import { corpusAvailable, readCorpus } from '../../test-support/corpus';
import { checkLog, compareReplay, EV, parseCcel, parseTcgLog, replayLog } from '.';

/** A SHA-1 format event. */
function ev1(
  pcr: number,
  type: number,
  data: Uint8Array,
  digest = nobleBackend.digest('sha1', data),
): Uint8Array {
  const h = new Uint8Array(32);
  put32(h, 0, pcr);
  put32(h, 4, type);
  h.set(digest, 8);
  put32(h, 28, data.length);
  return concatBytes(h, data);
}
const te = new TextEncoder();

describe('SHA-1 log', () => {
  const log = concatBytes(
    ev1(0, EV.S_CRTM_VERSION, te.encode('v1')),
    ev1(4, EV.EFI_ACTION, te.encode('Calling EFI Application from Boot Option')),
    ev1(4, EV.SEPARATOR, new Uint8Array(4)),
    ev1(5, EV.EFI_ACTION, te.encode('Exit Boot Services Returned with Success')),
    ev1(4, EV.EFI_ACTION, te.encode('late'), new Uint8Array(20)),
    ev1(4, EV.SEPARATOR, new Uint8Array(4)),
  );
  it('parses, replays and flags what a verifier flags', () => {
    const p = parseTcgLog(log);
    expect(p.format).toBe('tcg1-sha1');
    expect(p.events.map((e) => e.typeName)).toEqual([
      'EV_S_CRTM_VERSION',
      'EV_EFI_ACTION',
      'EV_SEPARATOR',
      'EV_EFI_ACTION',
      'EV_EFI_ACTION',
      'EV_SEPARATOR',
    ]);
    expect(p.events[1]!.header.find((f) => f.name === 'eventSize')).toEqual({
      name: 'eventSize',
      offset: 34 + 28,
      length: 4,
      value: 40,
    });
    const c = checkLog(p);
    expect(c.duplicateSeparators).toEqual([5]);
    expect(c.diagnostics.find((x) => x.code === 'EVENTLOG_DUPLICATE_SEPARATOR')).toMatchObject({
      severity: 'warning',
      message: expect.stringMatching(
        /^event #5: a second separator in PCR 4 \(the first is event #2\); go-eventlog rejects/,
      ),
    });
    expect(c.afterExitBootServices).toEqual([4, 5]);
    expect(c.digestMismatches).toEqual([4]);
    const r = replayLog(p);
    const pcr0 = nobleBackend
      .create('sha1')
      .update(new Uint8Array(20))
      .update(nobleBackend.digest('sha1', te.encode('v1')))
      .digest();
    expect(toHex(r.values.sha1![0]!)).toBe(toHex(pcr0));
  });
  it('names the first event that breaks agreement', () => {
    const p = parseTcgLog(log);
    const r = replayLog(p);
    const afterSep = r.steps[2]!.after.sha1!;
    const [cmp] = compareReplay(r, { sha1: { 4: toHex(afterSep) } });
    expect(cmp!.ok).toBe(false);
    expect(cmp!.firstBreak).toBe(4);
    const [c2] = compareReplay(r, { sha1: { 4: '11'.repeat(20) } }, new Set(checkLog(p).digestMismatches));
    expect(c2!.firstBreak).toBe(4);
    expect(c2!.reason).toMatch(/disagrees with its event data/);
    const [c3] = compareReplay(r, { sha1: { 9: '00'.repeat(20) } });
    expect(c3!.ok).toBe(true);
    const [c4] = compareReplay(r, { sha256: { 4: '00'.repeat(32) } });
    expect(c4!.reason).toMatch(/no sha256 bank/);
  });
  it('never throws on any truncation and reports where it stopped', () => {
    for (let n = 0; n < log.length; n += 7) {
      const p = parseTcgLog(log.subarray(0, n));
      expect(p.end).toBeLessThanOrEqual(n);
      if (n !== p.end) expect(p.diagnostics.some((d) => d.code.startsWith('EVENTLOG_'))).toBe(true);
      replayLog(p);
      checkLog(p);
    }
  });
});

describe.runIf(corpusAvailable())('damaged corpus logs', () => {
  it('crypto-agile: truncations, flipped bytes and huge sizes give diagnostics, never exceptions', () => {
    const good = readCorpus('bootlab/e257-addon.eventlog.bin');
    for (let n = 0; n < good.length; n += 331) {
      const p = parseTcgLog(good.subarray(0, n));
      replayLog(p);
      checkLog(p);
    }
    for (let i = 0; i < 400; i += 3) {
      const bad = good.slice();
      bad[(i * 7919) % bad.length] ^= 0xff;
      const p = parseTcgLog(bad);
      replayLog(p);
      checkLog(p);
    }
    const huge = good.slice();
    put32(huge, 32 + 45 + 12 + 2 * 4 + 20 + 32 + 48 + 64, 0xffffffff); // event #1's eventSize (after the 45-byte Spec ID event)
    const p = parseTcgLog(huge);
    expect(p.events.length).toBe(1);
    expect(p.diagnostics[0]!.code).toBe('EVENTLOG_TRUNCATED');
  });
  it('CCEL: the area stops at the zero padding; garbage after it is reported', () => {
    const area = readCorpus('attest/eventlog/ccel/trustee-ovmf.bin').slice();
    const log = parseCcel(area);
    expect(log.end).toBeLessThan(area.length);
    area[area.length - 1] = 0x42;
    const again = parseCcel(area);
    expect(again.events.length).toBe(log.events.length);
    expect(again.trailingGarbage).toBe(1);
    expect(again.diagnostics.some((d) => d.code === 'CCEL_TRAILING_DATA')).toBe(true);
    const r = replayLog(log, 'rtmr');
    expect(Object.keys(r.values.sha384!)).toEqual(['0', '1', '2']);
  });
});
