// .hwids encoding against ukify: the corpus FUKI's .hwids (written by ukify 262 from a JSON device description)
// decoded to devices and encoded again is byte-identical; synthetic cases pin the merge, order and errors.
import { describe, expect, it } from 'vitest';
import { equalBytes, guidToString, u32 } from '../bytes/bytes';
import { Diagnostics } from '../diagnostics';
import { findSection, sectionBytes } from '../pe/access';
import { parsePe } from '../pe/parse';
import { corpusAvailable, readCorpus } from '../../test-support/corpus';
import { decodeHwids, encodeHwids, hwidDevices, HWIDS_ENTRY_SIZE } from './hwids';

describe.runIf(corpusAvailable())('encodeHwids against ukify (corpus uki-262-efifw.efi)', () => {
  it('decode → devices → encode gives the corpus section byte for byte', () => {
    const ref = readCorpus('pe/uki-262-efifw.efi');
    const section = sectionBytes(ref, findSection(parsePe(ref), '.hwids')!);
    const d = new Diagnostics();
    const devices = hwidDevices(decodeHwids(section, d));
    expect(d.done()).toEqual([]);
    expect(devices.length).toBeGreaterThan(0);
    expect(devices.every((x) => x.type === 'uefi-fw' && x.value === 'ovmf-amdsev')).toBe(true);
    expect(equalBytes(encodeHwids(devices), section)).toBe(true);
  });
});

describe('encodeHwids', () => {
  const A = '8e3f0a2c-1b2d-5e4f-9a0b-112233445566';
  const B = '0123abcd-0000-5000-8000-000000000001';
  it('merges devices with the same type, name and value; CHIDs in UUID order; strings sorted after the terminator', () => {
    const b = encodeHwids([
      { type: 'uefi-fw', name: 'QEMU q35', value: 'ovmf', chids: [A] },
      { type: 'uefi-fw', name: 'QEMU q35', value: 'ovmf', chids: [B.toUpperCase(), A] },
      { type: 'devicetree', name: 'Board', value: 'vendor,board', chids: [A] },
    ]);
    const entries = 3 + 1;
    expect(u32(b, 0)).toBe(HWIDS_ENTRY_SIZE | (2 << 28));
    expect(guidToString(b, 4)).toBe(B);
    expect(guidToString(b, 28 + 4)).toBe(A);
    expect(u32(b, 56)).toBe(HWIDS_ENTRY_SIZE | (1 << 28));
    expect(b.subarray(3 * 28, 4 * 28).every((x) => x === 0)).toBe(true);
    const strings = new TextDecoder().decode(b.subarray(entries * 28)).split('\0');
    expect(strings).toEqual(['Board', 'QEMU q35', 'ovmf', 'vendor,board', '']);
    const d = new Diagnostics();
    const back = decodeHwids(b, d);
    expect(d.done()).toEqual([]);
    expect(back.map((e) => [e.type, e.chid, e.name, e.fwid ?? e.compatible])).toEqual([
      ['uefi-fw', B, 'QEMU q35', 'ovmf'],
      ['uefi-fw', A, 'QEMU q35', 'ovmf'],
      ['devicetree', A, 'Board', 'vendor,board'],
    ]);
  });
  it('rejects a malformed CHID and an empty name', () => {
    expect(() => encodeHwids([{ type: 'uefi-fw', name: 'x', value: 'y', chids: ['not-a-guid'] }])).toThrow(RangeError);
    expect(() => encodeHwids([{ type: 'uefi-fw', name: '', value: 'y', chids: [A] }])).toThrow(RangeError);
  });
});
