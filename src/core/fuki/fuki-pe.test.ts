// The UKI route with a .hwids device: built from the corpus inputs, the FUKI equals the one ukify 262 wrote
// (pe/uki-262-efifw.efi: .efifw 'ovmf-amdsev' + .hwids) byte for byte; added to an existing UKI, a .hwids the
// UKI already has is kept and merged.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Diagnostics } from '../diagnostics';
import { findSection, sectionBytes } from '../pe/access';
import { parsePe } from '../pe/parse';
import { decodeHwids, hwidDevices } from '../uki/hwids';
import { corpusAvailable, manifest, readCorpus } from '../../test-support/corpus';
import { buildFukiPe } from './fuki-pe';

const text = (rel: string) => new TextDecoder().decode(readCorpus(rel));
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function hwidsOf(file: Uint8Array) {
  const s = findSection(parsePe(file), '.hwids');
  return s ? hwidDevices(decodeHwids(sectionBytes(file, s), new Diagnostics())) : [];
}

describe.runIf(corpusAvailable())('buildFukiPe with .hwids', () => {
  const firmware = corpusAvailable() ? readCorpus('inputs/ovmf/sid/OVMF.amdsev.fd') : new Uint8Array();

  it('stub + kernel + initrd + cmdline + os-release + .efifw + .hwids = ukify 262 output, byte for byte', () => {
    const ref = readCorpus('pe/uki-262-efifw.efi');
    const [device] = hwidsOf(ref);
    const r = buildFukiPe({
      payload: firmware,
      fwid: 'ovmf-amdsev',
      hwids: { name: device!.name, chids: device!.chids },
      source: {
        stub: readCorpus('inputs/stub/262/linuxx64.efi.stub'),
        kernel: readCorpus('inputs/kernel/vmlinuz-6.1.0-56-cloud-amd64'),
        initrd: readCorpus('inputs/initrd/initrd-small.cpio.gz'),
        cmdline: text('inputs/misc/cmdline.txt'),
        osRelease: text('inputs/misc/os-release'),
      },
    });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const entry = (manifest().pe as { path: string; sha256: string }[]).find((e) => e.path === 'pe/uki-262-efifw.efi')!;
    expect(sha256(r.file!)).toBe(entry.sha256);
  });

  it('into an existing UKI: .hwids added; into a UKI that has one: the old device is kept, the new one merged', () => {
    const A = '11111111-2222-5333-8444-555555555555';
    const first = buildFukiPe({ payload: firmware, fwid: 'fw-a', hwids: { name: 'VM A', chids: [A] }, source: { uki: readCorpus('pe/uki-262.efi') } });
    expect(first.payloadRoundTrips).toBe(true);
    expect(hwidsOf(first.file!)).toEqual([{ type: 'uefi-fw', name: 'VM A', value: 'fw-a', chids: [A] }]);
    const ref = readCorpus('pe/uki-262-efifw.efi');
    const second = buildFukiPe({ payload: firmware, fwid: 'fw-b', hwids: { name: 'VM B', chids: [A] }, source: { uki: ref } });
    expect(second.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const devices = hwidsOf(second.file!);
    expect(devices.map((x) => x.value)).toEqual(['ovmf-amdsev', 'fw-b']);
    expect(devices[0]!.chids).toEqual(hwidsOf(ref)[0]!.chids);
    expect(parsePe(second.file!).sections.filter((s) => s.name === '.hwids')).toHaveLength(1);
  });

  it('a malformed CHID is a diagnostic, not an exception', () => {
    const r = buildFukiPe({ payload: firmware, fwid: 'x', hwids: { name: 'n', chids: ['zz'] }, source: { uki: readCorpus('pe/uki-262.efi') } });
    expect(r.file).toBeUndefined();
    expect(r.diagnostics.map((d) => d.code)).toContain('FUKI_BAD_HWIDS');
  });
});
