import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { textEncoder, toHex } from '../bytes/bytes';
import { sha256Of } from '../hash/hash';
import { addOrReplaceSection, editSections } from '../pe/edit';
import { findSection, sectionBytes } from '../pe/access';
import { parsePe } from '../pe/parse';
import { corpusAvailable, manifest, readCorpus, type Manifest } from '../../test-support/corpus';
import {
  buildUki,
  encodeEfifw,
  kernelRelease,
  mergeAddons,
  parseUki,
  predictPcr11,
  predictPcr12,
  utf16z,
  profileSelectionEvent,
  ukiPcr11,
} from './index';

const PY = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const tmp = mkdtempSync(join(tmpdir(), 'fukiscope-uki-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Python pefile's view of a file: section names, VirtualSize, VA, raw pointer/size, and its warnings. */
function pefileView(file: Uint8Array): {
  sections: [string, number, number, number, number][];
  warnings: string[];
} {
  const p = join(tmp, `f${Math.random().toString(36).slice(2)}.efi`);
  writeFileSync(p, file);
  const script =
    'import json,sys,pefile\np=pefile.PE(sys.argv[1])\n' +
    'print(json.dumps({"sections":[[s.Name.rstrip(b"\\0").decode(),s.Misc_VirtualSize,s.VirtualAddress,s.PointerToRawData,s.SizeOfRawData] for s in p.sections],"warnings":p.get_warnings()}))';
  return JSON.parse(execFileSync(PY, ['-c', script, p], { encoding: 'utf8' }));
}
const entry = (path: string): Manifest => (manifest().pe as Manifest[]).find((e) => e.path === path)!;
const sha = (b: Uint8Array): string => toHex(sha256Of(b));
const ourView = (file: Uint8Array) =>
  parsePe(file).sections.map((s) => [
    s.name,
    s.virtualSize,
    s.virtualAddress,
    s.pointerToRawData,
    s.sizeOfRawData,
  ]);

const kernel = () => readCorpus('inputs/kernel/vmlinuz-6.1.0-56-cloud-amd64');
const ukiSections = () => [
  { name: '.linux', data: kernel() },
  { name: '.initrd', data: readCorpus('inputs/initrd/initrd-small.cpio.gz') },
  { name: '.cmdline', data: readCorpus('inputs/misc/cmdline.txt') },
  { name: '.osrel', data: readCorpus('inputs/misc/os-release') },
];

describe.runIf(corpusAvailable())('buildUki reproduces ukify', () => {
  it('UKI from stub 262 + kernel + initrd + cmdline + os-release: same sections, PCR 11 and bytes as ukify; pefile agrees', () => {
    const r = buildUki({ stub: readCorpus('inputs/stub/262/linuxx64.efi.stub'), sections: ukiSections() });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const file = r.file!;
    const ref = readCorpus('pe/uki-262.efi');
    const e = entry('pe/uki-262.efi');
    // Section list and contents under our parser equal the corpus UKI's.
    expect(ourView(file)).toEqual(ourView(ref));
    const m = parseUki(file);
    for (const [name, v] of Object.entries(e.ukify_inspect as Record<string, Manifest>)) {
      const s = m.base.find((x) => x.name === name)!;
      expect(s.size, name).toBe(v.size);
      expect(sha(sectionBytes(file, s.pe)), name).toBe(v.sha256);
    }
    const p = ukiPcr11(file, m, { banks: ['sha256'] });
    for (const ph of p.phases) expect(toHex(ph.values.sha256!)).toBe(e.pcr11[ph.path].sha256);
    expect(sha(file)).toBe(e.sha256); // byte-identical
    const py = pefileView(file);
    expect(py.warnings).toEqual([]);
    expect(py.sections).toEqual(ourView(file));
  });

  it('the FUKI (.hwids + .efifw) is byte-identical to ukify output', () => {
    const ref = readCorpus('pe/uki-262-efifw.efi');
    const hwids = sectionBytes(ref, findSection(parsePe(ref), '.hwids')!);
    const r = buildUki({
      stub: readCorpus('inputs/stub/262/linuxx64.efi.stub'),
      sections: [
        ...ukiSections(),
        { name: '.hwids', data: hwids },
        { name: '.efifw', data: encodeEfifw('ovmf-amdsev', readCorpus('inputs/ovmf/sid/OVMF.amdsev.fd')) },
      ],
    });
    expect(sha(r.file!)).toBe(entry('pe/uki-262-efifw.efi').sha256);
  });

  it('add-ons (262 and 257 SBAT style, extra sections) are byte-identical', () => {
    const s262 = readCorpus('inputs/stub/262/addonx64.efi.stub');
    const cmd = readCorpus('inputs/misc/addon-cmdline.txt');
    expect(sha(buildUki({ stub: s262, sections: [{ name: '.cmdline', data: cmd }] }).file!)).toBe(
      entry('pe/addon-262-cmdline.addon.efi').sha256,
    );
    const a257 = buildUki({
      stub: readCorpus('inputs/stub/257/addonx64.efi.stub'),
      sections: [{ name: '.cmdline', data: cmd }],
      sbatTrailingNul: true,
    });
    expect(sha(a257.file!)).toBe(entry('pe/addon-257-cmdline.addon.efi').sha256);
    const a = buildUki({
      stub: s262,
      kind: 'addon',
      sections: [
        { name: '.test', data: 'addon test' },
        { name: '.initrd', data: readCorpus('inputs/initrd/initrd-small.cpio.gz') },
        { name: '.cmdline', data: 'quiet' },
      ],
    });
    expect(sha(a.file!)).toBe(entry('pe/addon-262-cmdline-initrd.addon.efi').sha256);
    expect(pefileView(a.file!).sections.map((s) => s[0])).toEqual([
      '.text',
      '.sdmagic',
      '.cmdline',
      '.initrd',
      '.test',
      '.sbat',
    ]);
  });

  it('a standalone profile PE (ukify --profile) is byte-identical', () => {
    const e = entry('pe/profile1-262.efi');
    const [p] = e.ukify_inspect._profiles;
    const r = buildUki({
      stub: readCorpus('inputs/stub/262/addonx64.efi.stub'),
      profilePe: p['.profile'].text,
      sections: [{ name: '.cmdline', data: p['.cmdline'].text }],
    });
    expect(sha(r.file!)).toBe(e.sha256);
  });

  it('kernel release detection matches ukify .uname', () => {
    expect(kernelRelease(kernel())).toBe(entry('pe/uki-262.efi').ukify_inspect['.uname'].text);
    expect(kernelRelease(new Uint8Array(100))).toBeUndefined();
  });

  it('a 252 stub (trailing symbol table) is stripped first; pefile loads the result', () => {
    const r = buildUki({ stub: readCorpus('inputs/stub/252/linuxx64.efi.stub'), sections: ukiSections() });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const pe = parsePe(r.file!);
    expect(pe.coff!.pointerToSymbolTable).toBe(0);
    expect(pe.coff!.characteristics & 0x8).toBe(8);
    expect(pe.symbolTable).toBeUndefined();
    const py = pefileView(r.file!);
    expect(py.sections).toEqual(ourView(r.file!));
  });

  it('multi-profile UKI: profiles after the base, PCR 11 per profile, PCR 12 for @1', () => {
    const prof = readCorpus('pe/profile1-262.efi');
    const pm = parseUki(prof);
    const profSections = pm.profiles[0]!.sections.filter((s) => s.name !== '.profile').map((s) => ({
      name: s.name,
      data: sectionBytes(prof, s.pe),
    }));
    const profText = sectionBytes(prof, pm.profiles[0]!.sections[0]!.pe);
    const r = buildUki({
      stub: readCorpus('inputs/stub/262/linuxx64.efi.stub'),
      sections: ukiSections(),
      baseProfile: 'ID=main',
      profiles: [{ profile: profText, sections: profSections }],
    });
    const file = r.file!;
    const m = parseUki(file);
    expect(m.kind).toBe('uki');
    expect(m.profiles.map((p) => p.id)).toEqual(['main', 'debug']);
    const py = pefileView(file);
    expect(py.sections.filter((s) => s[0] === '.profile')).toHaveLength(2);
    // Profile 1 = base with .cmdline overridden and its own .profile.
    const base = m.base.map((s) => ({ name: s.name, data: sectionBytes(file, s.pe) }));
    const expected1 = predictPcr11(
      [...base.filter((s) => s.name !== '.cmdline'), { name: '.profile', data: profText }, ...profSections],
      { banks: ['sha256'] },
    );
    const p1 = ukiPcr11(file, m, { profile: 1, banks: ['sha256'] });
    expect(toHex(p1.phases[3]!.values.sha256!)).toBe(toHex(expected1.phases[3]!.values.sha256!));
    const p0 = ukiPcr11(file, m, { profile: 0, banks: ['sha256'] });
    expect(toHex(p0.sections.sha256!)).not.toBe(toHex(p1.sections.sha256!));
    expect(p0.measured).toContain('.profile');
    expect(profileSelectionEvent(0)).toBeUndefined();
    expect(toHex(profileSelectionEvent(1)!.data)).toBe('31000000');
  });
});

describe.runIf(corpusAvailable())('section edits', () => {
  it('growing .cmdline in a UKI moves the following sections; contents and pefile view stay sound', () => {
    const ref = readCorpus('pe/uki-262.efi');
    const long = 'console=ttyS0 ' + 'x'.repeat(700);
    const r = addOrReplaceSection(ref, { name: '.cmdline', data: textEncoder.encode(long) });
    expect(r.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    const m = parseUki(r.file!);
    expect(m.base.find((s) => s.name === '.cmdline')!.text).toBe(long);
    expect(sha(sectionBytes(r.file!, findSection(r.pe!, '.linux')!))).toBe(
      manifest().inputs['kernel/vmlinuz-6.1.0-56-cloud-amd64'].sha256,
    );
    expect(pefileView(r.file!).sections).toEqual(ourView(r.file!));
    const small = addOrReplaceSection(ref, { name: '.cmdline', data: textEncoder.encode('quiet') });
    expect(small.file!.length).toBe(ref.length);
    const added = addOrReplaceSection(ref, { name: '.pcrpkey', data: textEncoder.encode('KEY') });
    expect(parsePe(added.file!).sections.at(-1)!.name).toBe('.pcrpkey');
  });

  it('refuses signed images, names over 8 bytes, sections it cannot move, full header areas', () => {
    expect(
      addOrReplaceSection(kernel(), { name: '.x', data: new Uint8Array(1) }).diagnostics.map((d) => d.code),
    ).toContain('PE_EDIT_SIGNED');
    const stub = readCorpus('inputs/stub/262/addonx64.efi.stub');
    expect(
      addOrReplaceSection(stub, { name: '.toolongname', data: new Uint8Array(1) }).diagnostics[0]!.code,
    ).toBe('PE_EDIT_BAD_NAME');
    expect(
      addOrReplaceSection(stub, { name: '.text', data: new Uint8Array(4096) }).diagnostics[0]!.code,
    ).toBe('PE_EDIT_NO_ROOM_IN_SECTION');
    const many = Array.from({ length: 30 }, (_, i) => ({ name: `.s${i}`, data: new Uint8Array(1) }));
    expect(editSections(stub, many).diagnostics[0]!.code).toBe('PE_EDIT_NO_HEADER_ROOM');
    expect(
      buildUki({ stub, sections: [{ name: '.linux', data: kernel() }], kind: 'addon' }).diagnostics[0]!.code,
    ).toBe('UKI_BUILD_ADDON_WITH_LINUX');
  });
});

describe.runIf(corpusAvailable())('mergeAddons', () => {
  it('cmdline: UKI, then global add-ons, then per-UKI add-ons, each sorted by file name; initrd order; PCR 12', () => {
    const uki = { file: readCorpus('pe/uki-262.efi') };
    const a = readCorpus('pe/addon-262-cmdline-initrd.addon.efi');
    const b = readCorpus('pe/addon-262-cmdline.addon.efi');
    const ukiCmd = entry('pe/uki-262.efi').ukify_inspect['.cmdline'].text;
    const r = mergeAddons(uki, [
      { file: b, fileName: 'b.addon.efi', scope: 'per-uki' },
      { file: b, fileName: 'z.addon.efi', scope: 'global' },
      { file: a, fileName: 'a.addon.efi', scope: 'global' },
    ]);
    expect(r.order).toEqual(['global/a.addon.efi', 'global/z.addon.efi', 'per-uki/b.addon.efi']);
    const aCmd = entry('pe/addon-262-cmdline-initrd.addon.efi').ukify_inspect['.cmdline'].text;
    const bCmd = entry('pe/addon-262-cmdline.addon.efi').ukify_inspect['.cmdline'].text;
    expect(r.cmdline).toBe([ukiCmd, aCmd, bCmd, bCmd].join(' '));
    expect(r.initrds.map((i) => i.source)).toEqual(['UKI', 'global add-on a.addon.efi']);
    // systemd-stub (run(), v262): the add-on command lines are measured together as one UTF-16 event, then the
    // devicetree, ucode (reversed) and initrd add-ons.
    expect(r.pcr12.map((e) => e.kind)).toEqual(['cmdline', 'initrd']);
    expect(r.pcr12[0]!.data).toEqual(utf16z([aCmd, bCmd, bCmd].join(' ')));
    const p = predictPcr12(r.pcr12, { banks: ['sha256'] });
    expect(p.events[1]!.digests.sha256).toEqual(sha256Of(r.initrds[1]!.data));
    expect(toHex(p.events[0]!.data.subarray(0, 4))).toBe('71007500'); // "qu" as UTF-16LE
    const bad = mergeAddons(uki, [
      { file: readCorpus('pe/uki-262.efi'), fileName: 'x.addon.efi', scope: 'global' },
    ]);
    expect(bad.diagnostics.map((d) => d.code)).toContain('ADDON_HAS_LINUX');
  });
});
