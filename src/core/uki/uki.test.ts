import { describe, expect, it } from 'vitest';
import { fromHex, toHex, textEncoder } from '../bytes/bytes';
import { Diagnostics } from '../diagnostics';
import { sha256Of } from '../hash/hash';
import { sectionBytes } from '../pe/access';
import { corpusAvailable, manifest, readCorpus, type Manifest } from '../../test-support/corpus';
import {
  decodeEfifw,
  effectiveSections,
  encodeEfifw,
  mergeSbat,
  parseEnvText,
  parseUki,
  selectProfile,
  predictPcr11,
  ukiPcr11,
  type UkiSection,
} from './index';

const entries = (): Manifest[] =>
  corpusAvailable() ? (manifest().pe as Manifest[]).filter((e) => e.ukify_inspect) : [];
const SECTIONS_ONLY = /^\(none\)/;

/** ukify inspect's view of a scope: {name: {size, sha256, text?}}, `.efifw`/`.dtbauto` as lists. */
function inspectView(file: Uint8Array, scope: UkiSection[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of scope) {
    const data = sectionBytes(file, s.pe);
    const v: Record<string, unknown> = { size: s.size, sha256: toHex(sha256Of(data)) };
    if (s.text !== undefined) v.text = s.text;
    if (s.name === '.efifw' || s.name === '.dtbauto') ((out[s.name] ??= []) as unknown[]).push(v);
    else out[s.name] = v;
  }
  return out;
}

describe.runIf(corpusAvailable())('parseUki on every corpus UKI / add-on (ukify inspect)', () => {
  for (const e of entries()) {
    it(e.path, () => {
      const b = readCorpus(e.path);
      const m = parseUki(b);
      expect(m.diagnostics.filter((x) => x.severity === 'error')).toEqual([]);
      const expected = e.ukify_inspect as Record<string, Manifest>;
      if (expected._profiles) {
        expect(m.kind).toBe('profile-pe');
        expect(m.profiles.length).toBe(expected._profiles.length);
        m.profiles.forEach((p, i) => expect(inspectView(b, p.sections)).toEqual(expected._profiles[i]));
        expect(m.profiles[0]!.id).toBe(parseEnvText(expected._profiles[0]['.profile'].text).ID);
        return;
      }
      const view = inspectView(b, m.base);
      // ukify inspect shows a fixed set of sections by default (not .hwids/.efifw unless asked): compare what it shows.
      for (const [name, v] of Object.entries(expected)) expect(view[name], name).toEqual(v);
      expect(m.kind).toBe(expected['.linux'] ? 'uki' : 'addon');
      expect(m.stubInfo).toMatch(/^#### LoaderInfo: systemd-(stub|addon) /);
    });
  }

  it('.efifw of the FUKI: stub layout, fwid, payload = the embedded OVMF', () => {
    const b = readCorpus('pe/uki-262-efifw.efi');
    const m = parseUki(b);
    const s = m.base.find((x) => x.name === '.efifw')!;
    expect(s.efifw!.format).toBe('stub');
    expect(s.efifw!.fwid).toBe('ovmf-amdsev');
    const payload = sectionBytes(b, s.pe).subarray(
      s.efifw!.payload.offset,
      s.efifw!.payload.offset + s.efifw!.payload.length,
    );
    expect(toHex(sha256Of(payload))).toBe(manifest().inputs['ovmf/sid/OVMF.amdsev.fd'].sha256);
    expect(m.diagnostics.map((d) => d.code)).toContain('UKI_EFIFW_PCR11');
    const hw = m.base.find((x) => x.name === '.hwids')!.hwids!;
    expect(hw.length).toBeGreaterThan(0);
    for (const h of hw) expect(h).toMatchObject({ type: 'uefi-fw', fwid: 'ovmf-amdsev' });
    // The stub-side PCR 11 (with .efifw) differs from the ukify prediction (without).
    const ukify = ukiPcr11(b, m, { banks: ['sha256'] });
    const stub = ukiPcr11(b, m, { banks: ['sha256'], efifw: 'stub' });
    expect(stub.measured).toContain('.efifw');
    expect(ukify.measured).not.toContain('.efifw');
    expect(toHex(stub.sections.sha256!)).not.toBe(toHex(ukify.sections.sha256!));
  });
});

describe.runIf(corpusAvailable())('PCR 11 (systemd-measure)', () => {
  for (const e of (corpusAvailable() ? (manifest().pe as Manifest[]) : []).filter((x) => x.pcr11)) {
    it(`${e.path}: every phase key, every bank`, () => {
      const b = readCorpus(e.path);
      const p = ukiPcr11(b, parseUki(b));
      let n = 0;
      for (const [key, banks] of Object.entries(e.pcr11 as Record<string, Record<string, string>>)) {
        const values = SECTIONS_ONLY.test(key) ? p.sections : p.phases.find((ph) => ph.path === key)?.values;
        expect(values, key).toBeDefined();
        for (const [bank, v] of Object.entries(banks)) {
          expect(toHex(values![bank as 'sha256']!), `${key} ${bank}`).toBe(v);
          n++;
        }
      }
      expect(n).toBe(20);
    });
  }
});

describe('PCR 11 and .efifw against the spec vectors', () => {
  it('§8.1: .linux KERNEL, .osrel ID=test, .cmdline console=ttyS0', () => {
    const enc = (s: string) => textEncoder.encode(s);
    const p = predictPcr11(
      [
        { name: '.cmdline', data: enc('console=ttyS0') },
        { name: '.linux', data: enc('KERNEL') },
        { name: '.osrel', data: enc('ID=test\n') },
        { name: '.initrd', data: new Uint8Array(0) },
      ],
      { banks: ['sha256'] },
    );
    expect(p.measured).toEqual(['.linux', '.osrel', '.cmdline']);
    expect(toHex(p.sections.sha256!)).toBe(
      '89d45a336276a01e7dc68326170ecbcf26e200940517c8352916be885a5a3acc',
    );
    expect(toHex(p.phases[3]!.values.sha256!)).toBe(
      '9346465998bf7656586487b95c68f6f3d725078a8215a266114c43efa67e2283',
    );
  });
  it('§8.4: .efifw blob for fwid fw0, payload PAYLOAD!; round trip; legacy ukify header accepted with a warning', () => {
    const blob = encodeEfifw('fw0', textEncoder.encode('PAYLOAD!'));
    expect(toHex(blob)).toBe('addeedfe100000000400000008000000667730005041594c4f414421');
    const d = new Diagnostics();
    expect(decodeEfifw(blob, d)).toMatchObject({
      format: 'stub',
      fwid: 'fw0',
      payload: { offset: 20, length: 8 },
    });
    const legacy = fromHex('00100000000400000008000000667730005041594c4f414421');
    const d2 = new Diagnostics();
    expect(decodeEfifw(legacy, d2)).toMatchObject({
      format: 'ukify-legacy',
      fwid: 'fw0',
      payload: { offset: 17, length: 8 },
    });
    expect(d2.list.map((x) => x.code)).toEqual(['EFIFW_LEGACY_MAGIC']);
    const d3 = new Diagnostics();
    expect(decodeEfifw(blob.subarray(0, 22), d3)).toBeUndefined();
    expect(d3.list[0]!.code).toBe('EFIFW_PAYLOAD_PAST_END');
    expect(() => encodeEfifw('has space', new Uint8Array(1))).toThrow(RangeError);
  });
  it('SBAT merge keeps one header line', () => {
    const t = mergeSbat(['sbat,1,x\nfoo,1\n\0\0', 'sbat,1,y\nbar,2\n']);
    expect(t.split('\n').filter((l) => l.startsWith('sbat,'))).toHaveLength(1);
    expect(t.endsWith('foo,1\nbar,2\n')).toBe(true);
    expect(mergeSbat(['sbat,1\n'], true).endsWith('\n\0')).toBe(true);
  });
  it('effectiveSections without profiles is the base', () => {
    expect(effectiveSections({ base: [], profiles: [] } as never)).toEqual([]);
  });
});

describe('profile selection from load options', () => {
  it('@N prefix', () => {
    expect(selectProfile('@1 quiet')).toEqual({ profile: 1, rest: 'quiet' });
    expect(selectProfile('@12')).toEqual({ profile: 12, rest: '' });
    expect(selectProfile('quiet @1')).toEqual({ profile: 0, rest: 'quiet @1' });
    expect(selectProfile('@x')).toEqual({ profile: 0, rest: '@x' });
    expect(selectProfile('@999 a')).toEqual({ profile: 0, rest: '@999 a' });
  });
});
