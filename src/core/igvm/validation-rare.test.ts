// The rarer rules not pinned by validation.test.ts: one synthetic file per diagnostic code (severity and header
// index), built with IgvmBuilder and, where the builder cannot express the defect, patched afterwards.
import { describe, expect, it } from 'vitest';
import { put16, put32, put64, type Bytes } from '../bytes/bytes';
import type { Diagnostic } from '../diagnostics';
import { IgvmBuilder } from './builder';
import { workedExample } from './examples';
import { igvmChecksum } from './fixed-header';
import { parseIgvm } from './parse';
import type { IgvmHeaderInput, NativeVpContextX64 } from './types';

function fixCrc(b: Bytes): Bytes {
  const fixed = b[4] === 2 ? 32 : 24;
  const r = new DataView(b.buffer, b.byteOffset);
  const vho = r.getUint32(8, true);
  put32(b, 20, igvmChecksum(b.subarray(0, fixed), b.subarray(vho, Math.min(b.length, vho + r.getUint32(12, true)))));
  return b;
}
const codes = (b: Uint8Array): [string, string, number | undefined][] =>
  parseIgvm(b).diagnostics.map((d: Diagnostic) => [d.severity, d.code, d.index]);
const header = (b: Uint8Array, index: number) => parseIgvm(b).file!.headers[index]!;

const zeroContext = (): NativeVpContextX64 => {
  const z = 0n;
  return {
    rax: z, rcx: z, rdx: z, rbx: z, rsp: z, rbp: z, rsi: z, rdi: z, r8: z, r9: z, r10: z, r11: z, r12: z, r13: z, r14: z, r15: z,
    rip: 0xfff0n, rflags: 2n, idtrBase: z, idtrLimit: 0, reserved: [0, 0], gdtrLimit: 0, gdtrBase: z,
    codeSelector: 0, codeAttributes: 0, codeBase: 0, codeLimit: 0, dataSelector: 0, dataAttributes: 0, dataBase: 0, dataLimit: 0,
    gsBase: z, cr0: z, cr3: z, cr4: z, efer: z,
  };
};

describe('IGVM validation rules (rarer codes)', () => {
  it('IGVM_ODD_VH_OFFSET (warning) and IGVM_VH_UNALIGNED (error) for headers at offset 28', () => {
    const b = new IgvmBuilder();
    const m = b.platform({ type: 'TDX' });
    b.page({ gpa: 0, mask: m, data: new Uint8Array([1, 2, 3]) });
    const built = b.build();
    const shifted = new Uint8Array(built.length + 4);
    shifted.set(built.subarray(0, 24));
    shifted.set(built.subarray(24), 28);
    put32(shifted, 8, 28);
    put32(shifted, 16, shifted.length);
    const page = header(built, 1);
    put32(shifted, page.offset + 4 + 8 + 12, (page as { fileOffset: number }).fileOffset + 4);
    const r = parseIgvm(fixCrc(shifted));
    expect(r.diagnostics.map((d) => [d.severity, d.code])).toEqual([
      ['warning', 'IGVM_ODD_VH_OFFSET'],
      ['error', 'IGVM_VH_UNALIGNED'],
    ]);
    const p = r.file!.directives[0]!;
    expect(p.kind === 'PageData' && Array.from(p.data!.subarray(0, 4))).toEqual([1, 2, 3, 0]);
  });

  it('IGVM_PAGE_FLAGS_RESERVED is a warning', () => {
    const b = workedExample();
    b.page({ gpa: 0x8000, mask: 1, flags: 0x10 });
    expect(codes(b.build())).toEqual([['warning', 'IGVM_PAGE_FLAGS_RESERVED', 11]]);
  });

  it('IGVM_VP_CONTEXT_NO_DATA: a VMSA with file_offset 0 is an error (no register data; decoding goes on with zeros)', () => {
    const bytes = workedExample().build();
    const vp = header(bytes, 10);
    put32(bytes, vp.offset + 8 + 12, 0);
    const r = parseIgvm(fixCrc(bytes));
    expect(r.diagnostics.map((d) => [d.severity, d.code, d.index])).toEqual([['error', 'IGVM_VP_CONTEXT_NO_DATA', 10]]);
    const h = r.file!.headers[10]!;
    expect(h.kind === 'SnpVpContext' && h.vmsa.every((x) => x === 0)).toBe(true);
  });

  describe('native x64 VP context (§8.2)', () => {
    const native = (formatVersion: 1 | 2, context = zeroContext()) => {
      const b = new IgvmBuilder({ formatVersion });
      const m = b.platform({ type: 'NATIVE' });
      b.nativeVpContext({ mask: m, context });
      return b.build();
    };
    it('IGVM_NATIVE_CONTEXT_V1 is info only in a v1 file, absent in v2', () => {
      expect(codes(native(1))).toEqual([['info', 'IGVM_NATIVE_CONTEXT_V1', 1]]);
      expect(codes(native(2))).toEqual([]);
    });
    it('IGVM_NATIVE_CODE_ATTRIBUTES for bits 11:8 of code_attributes', () => {
      expect(codes(native(2, { ...zeroContext(), codeAttributes: 0x29b })).map((c) => c[1])).toEqual(['IGVM_NATIVE_CODE_ATTRIBUTES']);
    });
    it('IGVM_VP_CONTEXT_GPA: a non-zero gpa on a native context', () => {
      const bytes = native(2);
      put64(bytes, header(bytes, 1).offset + 8, 0x1000n);
      expect(codes(fixCrc(bytes))).toEqual([['warning', 'IGVM_VP_CONTEXT_GPA', 1]]);
    });
  });

  describe('VBS VP context (§8.3)', () => {
    it('IGVM_VBS_MBZ when a register mbz byte is set', () => {
      const b = new IgvmBuilder();
      const m = b.platform({ type: 'VSM_ISOLATION' });
      b.vbsVpContext({ mask: m, registers: [{ name: 0x20010, value: 0xfff0n }] });
      const bytes = b.build();
      const at = (header(bytes, 1) as { fileOffset: number }).fileOffset;
      bytes[at + 4 + 5] = 1; // count u32, then vtl u8, name u32, mbz[11]
      expect(codes(bytes)).toEqual([['warning', 'IGVM_VBS_MBZ', 1]]);
    });
    it('IGVM_UNSUPPORTED_AARCH64_REGISTER for an x64 register name in an AArch64 file', () => {
      const b = new IgvmBuilder({ architecture: 'AArch64' });
      const m = b.platform({ type: 'VSM_ISOLATION' });
      b.vbsVpContext({ mask: m, registers: [{ name: 0x7fff_fff0, value: 1n }] });
      const r = b.buildFile();
      expect(r.diagnostics.map((d) => [d.severity, d.code, d.index])).toEqual([['error', 'IGVM_UNSUPPORTED_AARCH64_REGISTER', 1]]);
      expect(r.file!.directives[0]!.kind).toBe('AArch64VbsVpContext');
    });
  });

  describe('initialization headers (§6)', () => {
    it('IGVM_BAD_VTL for a relocatable region with vtl 3', () => {
      const b = new IgvmBuilder();
      const m = b.platform({ type: 'VSM_ISOLATION', highestVtl: 2 });
      b.add({
        kind: 'RelocatableRegion', compatibilityMask: m, vpIndex: 0, vtl: 3, flags: 0, relocationAlignment: 0x200000n,
        relocationRegionGpa: 0x200000n, relocationRegionSize: 0x200000n, minimumRelocationGpa: 0n, maximumRelocationGpa: 0x1000000000n,
      });
      b.vbsVpContext({ mask: m, vtl: 2, registers: [{ name: 0x20010, value: 1n }] });
      expect(codes(b.build()).filter((c) => c[1] === 'IGVM_BAD_VTL')).toEqual([['error', 'IGVM_BAD_VTL', 1]]);
    });

    it('IGVM_CCA_HASH_ALGORITHM and IGVM_CCA_LFA_POLICY are warnings', () => {
      const b = new IgvmBuilder({ architecture: 'AArch64' });
      const m = b.platform({ type: 'CCA' });
      b.add({
        kind: 'CcaPolicy', compatibilityMask: m, reserved: 0, attributesRequiredZeroes: 0n, attributesRequiredOnes: 0n,
        hashAlgorithm: 3, lfaPolicy: 2, reserved2: new Uint8Array(6),
      });
      b.page({ gpa: 0, mask: m, data: new Uint8Array([1]) });
      expect(codes(b.build())).toEqual([
        ['warning', 'IGVM_CCA_HASH_ALGORITHM', 1],
        ['warning', 'IGVM_CCA_LFA_POLICY', 1],
      ]);
    });

    it('IGVM_MULTIPLE_CORIM_SIGNATURES', () => {
      const corim = (kind: 'CorimDocument' | 'CorimSignature'): IgvmHeaderInput => ({
        kind, compatibilityMask: 1, fileOffset: 0, sizeBytes: 0, reserved: 0, data: new Uint8Array([0xd2, 0x84]),
      });
      const b = workedExample();
      b.add(corim('CorimDocument')).add(corim('CorimSignature')).add(corim('CorimSignature'));
      expect(codes(b.build())).toEqual([['error', 'IGVM_MULTIPLE_CORIM_SIGNATURES', 4]]);
    });
  });

  it('IGVM_ID_BLOCK_AUTHOR_KEY: author key fields set while author_key_enabled is 0', () => {
    const key = (fill: number) => ({ curve: fill ? 2 : 0, reserved: 0, qx: new Uint8Array(72).fill(fill), qy: new Uint8Array(72).fill(fill) });
    const sig = (fill: number) => ({ rComp: new Uint8Array(72).fill(fill), sComp: new Uint8Array(72).fill(fill) });
    const idBlock = (authorFill: number): IgvmHeaderInput => ({
      kind: 'SnpIdBlock', compatibilityMask: 1, authorKeyEnabled: 0, reserved: new Uint8Array(3), ld: new Uint8Array(48).fill(7),
      familyId: new Uint8Array(16), imageId: new Uint8Array(16), version: 1, guestSvn: 0, idKeyAlgorithm: 1, authorKeyAlgorithm: 0,
      idKeySignature: sig(1), idPublicKey: key(1), authorKeySignature: sig(authorFill), authorPublicKey: key(authorFill),
    });
    const clean = workedExample().add(idBlock(0)).build();
    expect(codes(clean)).toEqual([]);
    const bad = workedExample().add(idBlock(5)).build();
    expect(codes(bad)).toEqual([['warning', 'IGVM_ID_BLOCK_AUTHOR_KEY', 11]]);
    put16(bad, header(bad, 11).offset + 8 + 4, 1); // author_key_enabled = 1 makes the fields legitimate
    expect(codes(fixCrc(bad))).toEqual([]);
  });
});
