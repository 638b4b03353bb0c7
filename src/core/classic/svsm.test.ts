import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { concatBytes, guidFromString, put16, put32, toHex, type Bytes } from '../bytes/bytes';
import { FOOTER_GUID, OVMF_TABLE_FOOTER_GUID } from '../firmware/guids';
import { SNP_PAGE_TYPE } from '../measure/snp-page-info';
import { decodeVmsa } from '../vmsa/decode';
import { VCPU_TYPES } from '../vmsa/vcpu-types';
import { measureSvsm } from './svsm';

/** A synthetic image of `pages` pages whose footer table holds the given entries (data ‖ u16 length ‖ GUID). */
function imageWithFooter(
  pages: number,
  entries: [string, Uint8Array][],
  extra?: (img: Uint8Array) => void,
): Bytes {
  const img = new Uint8Array(pages * 4096);
  const parts = entries.map(([guid, data]) => {
    const e = new Uint8Array(data.length + 18);
    e.set(data);
    put16(e, data.length, e.length);
    e.set(guidFromString(guid), data.length + 2);
    return e;
  });
  const table = concatBytes(...parts);
  const footerAt = img.length - 32 - 18;
  img.set(table, footerAt - table.length);
  put16(img, footerAt, table.length + 18);
  img.set(guidFromString(OVMF_TABLE_FOOTER_GUID), footerAt + 2);
  extra?.(img);
  return img;
}
const u32le = (...v: number[]) => {
  const b = new Uint8Array(v.length * 4);
  v.forEach((x, i) => put32(b, i * 4, x));
  return b;
};

describe('measureSvsm on a synthetic SVSM image', () => {
  // ASEV 0x400 bytes from the end: SEC_MEM 0x0/0x2000, SECRETS 0x2000, CPUID 0x3000.
  const svsm = imageWithFooter(
    4,
    [
      [FOOTER_GUID.SVSM_INFO, u32le(0x100)],
      [FOOTER_GUID.SEV_METADATA, u32le(0x400)],
    ],
    (img) => {
      const at = img.length - 0x400;
      img.set(new TextEncoder().encode('ASEV'), at);
      img.set(u32le(16 + 3 * 12, 1, 3, 0x0, 0x2000, 1, 0x2000, 0x1000, 2, 0x3000, 0x1000, 3), at + 4);
    },
  );
  const ovmf = new Uint8Array(8 * 4096).fill(0x5a);
  it('lays out OVMF, vars and SVSM below 4 GiB and starts every vCPU at the SVSM entry', () => {
    const r = measureSvsm({ ovmf, svsm, varsSize: 0x3000, vcpus: 2, vcpuSig: VCPU_TYPES['EPYC-v4']! });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const svsmGpa = 0x1_0000_0000 - ovmf.length - 0x3000 - svsm.length;
    expect(r.svsmGpa).toBe(svsmGpa);
    expect(r.steps.slice(0, 8).every((s) => s.label === 'OVMF page')).toBe(true);
    expect(r.steps[8]).toMatchObject({ label: 'SVSM page', gpa: BigInt(svsmGpa) });
    expect(r.steps.slice(12).map((s) => s.pageType)).toEqual([
      SNP_PAGE_TYPE.ZERO,
      SNP_PAGE_TYPE.ZERO,
      SNP_PAGE_TYPE.SECRETS,
      SNP_PAGE_TYPE.CPUID,
      SNP_PAGE_TYPE.VMSA,
      SNP_PAGE_TYPE.VMSA,
    ]);
    const v = decodeVmsa(r.vmsas[1]!).registers;
    expect(v.rip!.value).toBe(BigInt(svsmGpa + 0x100));
    expect(v.cr0!.value).toBe(0x11n);
    expect(v.sev_features!.value).toBe(1n);
    expect(toHex(r.digest!)).toBe(toHex(r.steps[r.steps.length - 1]!.digestAfter!));
  });
  it('errors: no SVSM info entry, does not fit, bad vars size', () => {
    const noInfo = imageWithFooter(1, [[FOOTER_GUID.SEV_ES_RESET_BLOCK, u32le(0)]]);
    expect(
      measureSvsm({ ovmf, svsm: noInfo, varsSize: 0, vcpus: 1, vcpuSig: 1 }).diagnostics.at(-1)!.message,
    ).toBe("Can't find SVSM_INFO_GUID entry in SVSM table");
    expect(
      measureSvsm({ ovmf, svsm, varsSize: 0xffff_f000, vcpus: 1, vcpuSig: 1 }).diagnostics[0]!.code,
    ).toBe('SVSM_DOES_NOT_FIT');
    expect(measureSvsm({ ovmf, svsm, varsSize: 100, vcpus: 1, vcpuSig: 1 }).diagnostics[0]!.code).toBe(
      'SVSM_BAD_VARS_SIZE',
    );
  });
});

// sev-snp-measure's own SVSM test vectors (tests/test_guest.py @8f2b337, measured on hardware by its authors). Its
// fixtures are 4.7 MB and not part of our corpus: point FUKISCOPE_SSM_FIXTURES at its tests/fixtures to run this.
const fixtures = process.env.FUKISCOPE_SSM_FIXTURES;
describe.runIf(fixtures !== undefined && existsSync(resolve(fixtures ?? '', 'svsm.bin')))(
  'measureSvsm against sev-snp-measure test vectors',
  () => {
    const read = (n: string) => new Uint8Array(readFileSync(resolve(fixtures!, n)));
    it.each([
      [2, '9b94745036aafddf4f7f8b00c7513abb5b7703178cb95aaa57928bd963d68d3bfcb715d6019b9167ee2517b11b0d9be7'],
      [4, '27d154c27b7b359c935e250ec6fee72aa0ae8c1225e3b0e1cf46a9567e938066d7d6f94bbdc4a857818bdb79277a44b2'],
    ])('%i vCPUs', (vcpus, expected) => {
      const r = measureSvsm({
        ovmf: read('svsm_ovmf.fd'),
        svsm: read('svsm.bin'),
        varsSize: 540672,
        vcpus,
        vcpuSig: VCPU_TYPES['EPYC-v4']!,
      });
      expect(toHex(r.digest!)).toBe(expected);
    });
  },
);
