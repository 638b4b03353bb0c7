// One synthetic file per rule (§2.4, §3, §5–§7, §10): each must produce its diagnostic, with severity, header
// index and offset, and parsing must go on past it.
import { describe, expect, it } from 'vitest';
import { put16, put32, put64, type Bytes } from '../bytes/bytes';
import type { Diagnostic } from '../diagnostics';
import { IgvmBuilder } from './builder';
import { workedExample } from './examples';
import { igvmChecksum } from './fixed-header';
import { parseIgvm } from './parse';
import type { IgvmHeaderInput } from './types';

/** Recomputes the checksum after a patch, so only the patched rule fires. */
function fixCrc(b: Bytes): Bytes {
  const fixed = b[4] === 2 ? 32 : 24;
  const vho = b[8]! | (b[9]! << 8) | (b[10]! << 16);
  const vhs = b[12]! | (b[13]! << 8) | (b[14]! << 16);
  put32(b, 20, igvmChecksum(b.subarray(0, fixed), b.subarray(vho, Math.min(b.length, vho + vhs))));
  return b;
}

/** Body offset of header `index` in `b`. */
function bodyOf(b: Uint8Array, index: number): number {
  return parseIgvm(b).file!.headers[index]!.offset + 8;
}

function diags(b: Uint8Array): Diagnostic[] {
  return parseIgvm(b).diagnostics;
}
function find(b: Uint8Array, code: string): Diagnostic | undefined {
  return diags(b).find((d) => d.code === code);
}

const example = () => workedExample().build();
// Header indices in the example: 0 platform, 1 policy, 2-6 pages, 7 area, 8 VpCount, 9 insert, 10 VMSA.

function withDirective(h: IgvmHeaderInput, build = (b: IgvmBuilder) => b): Bytes {
  const b = workedExample();
  b.add(h);
  return build(b).build();
}

describe('IGVM validation rules', () => {
  it('the base example is clean', () => {
    expect(diags(example())).toEqual([]);
  });

  describe('fixed header (§2)', () => {
    it.each([
      ['IGVM_TRUNCATED', () => example().subarray(0, 20)],
      ['IGVM_BAD_MAGIC', () => { const b = example(); b[0] = 0x58; return b; }],
      ['IGVM_BAD_VERSION', () => { const b = example(); put32(b, 4, 3); return b; }],
    ])('%s stops parsing (no model)', (code, make) => {
      const r = parseIgvm(make());
      expect(r.file).toBeUndefined();
      expect(r.diagnostics.map((d) => [d.severity, d.code])).toEqual([['error', code]]);
    });

    it('IGVM_BAD_CHECKSUM is an error and the headers are still decoded', () => {
      const b = example();
      b[0x30] ^= 1;
      const r = parseIgvm(b);
      expect(r.diagnostics.find((d) => d.code === 'IGVM_BAD_CHECKSUM')?.severity).toBe('error');
      expect(r.file!.headers.length).toBe(11);
    });

    it('IGVM_BAD_TOTAL_SIZE on a file with trailing bytes', () => {
      const b = new Uint8Array(example().length + 8);
      b.set(example());
      expect(find(b, 'IGVM_BAD_TOTAL_SIZE')?.severity).toBe('error');
    });

    it('v2: IGVM_UNSUPPORTED_PAGE_SIZE and IGVM_BAD_ARCHITECTURE', () => {
      const b = new IgvmBuilder({ formatVersion: 2 });
      const m = b.platform({ type: 'SEV_SNP' });
      b.page({ gpa: 0, mask: m, data: new Uint8Array(1).fill(1) });
      const bytes = b.build();
      put32(bytes, 0x1c, 0x10000);
      put32(bytes, 0x18, 7);
      const codes = diags(fixCrc(bytes)).map((d) => d.code);
      expect(codes).toContain('IGVM_UNSUPPORTED_PAGE_SIZE');
      expect(codes).toContain('IGVM_BAD_ARCHITECTURE');
    });

    it('IGVM_VH_OFFSET_OUT_OF_RANGE and IGVM_VH_SECTION_OUT_OF_RANGE', () => {
      const a = example();
      put32(a, 8, a.length + 8);
      expect(find(fixCrc(a), 'IGVM_VH_OFFSET_OUT_OF_RANGE')?.severity).toBe('error');
      const b = example();
      put32(b, 12, b.length);
      expect(find(fixCrc(b), 'IGVM_VH_SECTION_OUT_OF_RANGE')?.severity).toBe('error');
    });

    it('IGVM_EMPTY_FILE_DATA is a warning (the Rust parser rejects it)', () => {
      const b = new IgvmBuilder();
      const m = b.platform({ type: 'TDX' });
      b.page({ gpa: 0, mask: m });
      expect(diags(b.build()).map((d) => [d.severity, d.code])).toEqual([['warning', 'IGVM_EMPTY_FILE_DATA']]);
    });
  });

  describe('framing and sections (§3)', () => {
    it('IGVM_NONZERO_PADDING is a warning (igvmgen)', () => {
      const b = example();
      const vp = bodyOf(b, 10);
      b.fill(0x30, vp + 20, vp + 24);
      const d = find(fixCrc(b), 'IGVM_NONZERO_PADDING')!;
      expect([d.severity, d.index, d.offset]).toEqual(['warning', 10, vp - 8]);
    });

    it('IGVM_HEADER_ORDER when a platform header follows a directive', () => {
      const b = workedExample();
      b.directives.push(b.platforms[0]!);
      const d = find(b.build(), 'IGVM_HEADER_ORDER')!;
      expect([d.severity, d.index]).toEqual(['error', 11]);
    });

    it.each([
      ['IGVM_BAD_HEADER_SECTION', 0x250, 'error'],
      ['IGVM_UNKNOWN_HEADER_TYPE', 0x3ff, 'error'],
      ['IGVM_UNKNOWN_HEADER_TYPE', 0x306, 'error'],
      ['IGVM_OPTIONAL_HEADER', 0x8000_0399, 'warning'],
    ])('%s for type %s (kept as Unknown)', (code, type, severity) => {
      const bytes = withDirective({ kind: 'Unknown', type, optional: false, section: 'directive', body: new Uint8Array(12).fill(9) });
      const r = parseIgvm(bytes);
      expect(r.diagnostics.map((d) => [d.severity, d.code, d.index])).toEqual([[severity, code, 11]]);
      const h = r.file!.headers[11]!;
      expect(h.kind === 'Unknown' && Array.from(h.body)).toEqual(new Array(12).fill(9));
    });

    it('IGVM_BAD_HEADER_LENGTH for a known type with the wrong length', () => {
      const b = example();
      put32(b, bodyOf(b, 8) - 4, 16); // VpCount with length 16 swallows the next 8 bytes
      const r = parseIgvm(fixCrc(b));
      expect(r.diagnostics.some((d) => d.code === 'IGVM_BAD_HEADER_LENGTH' && d.index === 8)).toBe(true);
    });

    it('IGVM_VH_OVERFLOW and IGVM_VH_TRUNCATED', () => {
      const a = example();
      put32(a, bodyOf(a, 10) - 4, 0x1000);
      expect(find(fixCrc(a), 'IGVM_VH_OVERFLOW')?.severity).toBe('error');
      const b = example();
      put32(b, 12, 0x130 + 4);
      expect(find(fixCrc(b), 'IGVM_VH_TRUNCATED')?.severity).toBe('error');
    });
  });

  describe('platform rules (§5)', () => {
    const platform = (o: Partial<Record<'mask' | 'vtl' | 'type' | 'version', number>> & { boundary?: bigint }) => {
      const b = new IgvmBuilder();
      b.add({
        kind: 'SupportedPlatform',
        compatibilityMask: o.mask ?? 1,
        highestVtl: o.vtl ?? 0,
        platformType: o.type ?? 3,
        platformVersion: o.version ?? 1,
        sharedGpaBoundary: o.boundary ?? 0n,
      });
      b.page({ gpa: 0, mask: 1, data: new Uint8Array([1]) });
      return b.build();
    };
    it.each([
      ['IGVM_PLATFORM_BAD_MASK', platform({ mask: 3 })],
      ['IGVM_PLATFORM_BAD_VTL', platform({ vtl: 1 })],
      ['IGVM_PLATFORM_BAD_TYPE', platform({ type: 9 })],
      ['IGVM_PLATFORM_BAD_VERSION', platform({ version: 2 })],
      ['IGVM_PLATFORM_BAD_SHARED_GPA_BOUNDARY', platform({ type: 1, boundary: 1n << 46n })],
    ])('%s', (code, bytes) => {
      const d = find(bytes, code)!;
      expect([d.severity, d.index, d.offset]).toEqual(['error', 0, 24]);
    });

    it('IGVM_NO_PLATFORMS, IGVM_DUPLICATE_PLATFORM_TYPE, IGVM_DUPLICATE_PLATFORM_MASK, IGVM_PLATFORM_ARCH', () => {
      const none = new IgvmBuilder();
      none.page({ gpa: 0, mask: 1, data: new Uint8Array([1]) });
      expect(find(none.build(), 'IGVM_NO_PLATFORMS')?.severity).toBe('error');
      const dup = new IgvmBuilder();
      dup.platform({ type: 'TDX', mask: 1 });
      dup.platform({ type: 'TDX', mask: 1 });
      dup.page({ gpa: 0, mask: 1, data: new Uint8Array([1]) });
      const codes = diags(dup.build()).map((d) => d.code);
      expect(codes).toContain('IGVM_DUPLICATE_PLATFORM_TYPE');
      expect(codes).toContain('IGVM_DUPLICATE_PLATFORM_MASK');
      const arm = new IgvmBuilder({ architecture: 'AArch64' });
      arm.platform({ type: 'SEV_SNP' });
      arm.page({ gpa: 0, mask: 1, data: new Uint8Array([1]) });
      expect(find(arm.build(), 'IGVM_PLATFORM_ARCH')?.severity).toBe('error');
    });
  });

  describe('directive rules (§7, §10)', () => {
    it('page data: unaligned gpa, bad data type, reserved, 2 MiB flag', () => {
      const b = workedExample();
      b.page({ gpa: 0x7001, mask: 1, dataType: 4, flags: { is2MbPage: true } });
      const bytes = b.build();
      put16(bytes, bodyOf(bytes, 11) + 22, 1);
      const got = diags(fixCrc(bytes)).map((d) => [d.severity, d.code, d.index]);
      expect(got).toEqual([
        ['error', 'IGVM_UNALIGNED_ADDRESS', 11],
        ['error', 'IGVM_BAD_PAGE_DATA_TYPE', 11],
        ['warning', 'IGVM_2MB_PAGE', 11],
        // The reserved fields of a declared header are checked after its own rules (registry.ts decodeDeclared).
        ['error', 'IGVM_RESERVED_NOT_ZERO', 11],
      ]);
    });

    it('file data: offsets into the headers and past the end', () => {
      const a = example();
      put32(a, bodyOf(a, 2) + 12, 0x30);
      expect(find(fixCrc(a), 'IGVM_DATA_OFFSET_IN_HEADERS')?.index).toBe(2);
      const b = example();
      put32(b, bodyOf(b, 2) + 12, b.length - 100);
      expect(find(fixCrc(b), 'IGVM_DATA_OUT_OF_RANGE')?.index).toBe(2);
    });

    it('parameter areas: size, duplicate index, use before declaration, use after insert', () => {
      const b = workedExample();
      b.parameterArea({ size: 100, index: 0 });
      b.parameter('MemoryMap', 5, 0);
      b.parameter('VpCount', 0, 0);
      b.parameterInsert({ gpa: 0x9000, mask: 1, index: 0 });
      const got = diags(b.build()).map((d) => [d.code, d.index]);
      expect(got).toEqual([
        ['IGVM_UNALIGNED_SIZE', 11],
        ['IGVM_PARAMETER_AREA_INDEX', 11],
        ['IGVM_PARAMETER_AREA_INDEX', 12],
        ['IGVM_PARAMETER_AREA_INDEX', 13],
        ['IGVM_PARAMETER_AREA_INDEX', 14],
      ]);
    });

    it('insert and required memory alignment, reserved fields', () => {
      const b = workedExample();
      b.parameterInsert({ gpa: 0x9010, mask: 1, index: 0 });
      b.requiredMemory({ gpa: 0x10, mask: 1, size: 0x10 });
      const bytes = b.build();
      put32(bytes, bodyOf(bytes, 12) + 20, 1);
      const got = diags(fixCrc(bytes)).map((d) => [d.code, d.index]);
      expect(got).toEqual([
        ['IGVM_UNALIGNED_ADDRESS', 11],
        ['IGVM_UNALIGNED_ADDRESS', 12],
        ['IGVM_UNALIGNED_SIZE', 12],
        ['IGVM_RESERVED_NOT_ZERO', 12],
        ['IGVM_PARAMETER_AREA_INDEX', 11],
      ]);
    });

    it('masks naming undeclared platforms are warnings', () => {
      const b = workedExample();
      b.page({ gpa: 0x8000, mask: 6 });
      expect(diags(b.build()).map((d) => [d.severity, d.code, d.index])).toEqual([['warning', 'IGVM_MASK_UNDECLARED', 11]]);
    });

    it('guest policy reserved field and SNP bit 17', () => {
      const bytes = example();
      put32(bytes, bodyOf(bytes, 1) + 12, 1);
      put64(bytes, bodyOf(bytes, 1), 0x10000n);
      const got = diags(fixCrc(bytes)).map((d) => [d.severity, d.code, d.index]);
      expect(got).toEqual([
        ['error', 'IGVM_RESERVED_NOT_ZERO', 1],
        ['warning', 'IGVM_SNP_POLICY_BIT17', 1],
      ]);
    });
  });

  describe('VP contexts (§7.7, §8)', () => {
    it('a mask that is not exactly one platform, and TDX', () => {
      const b = new IgvmBuilder();
      const snp = b.platform({ type: 'SEV_SNP' });
      const tdx = b.platform({ type: 'TDX' });
      b.snpVpContext({ gpa: 0x1000, mask: snp | tdx, vmsa: new Uint8Array(4096) });
      b.snpVpContext({ gpa: 0x1000, mask: tdx, vmsa: new Uint8Array(4096) });
      const r = b.buildFile();
      expect(r.diagnostics.map((d) => [d.code, d.index])).toEqual([
        ['IGVM_VP_CONTEXT_PLATFORM', 2],
        ['IGVM_VP_CONTEXT_PLATFORM', 3],
      ]);
      expect(r.file!.directives.map((d) => d.kind)).toEqual(['VpContext', 'VpContext']);
    });

    it('unaligned VMSA gpa', () => {
      const b = workedExample();
      b.snpVpContext({ gpa: 0x1008, mask: 1, vmsa: new Uint8Array(4096), vpIndex: 1 });
      expect(diags(b.build()).map((d) => [d.code, d.index])).toEqual([['IGVM_UNALIGNED_ADDRESS', 11]]);
    });

    it('native context tail must be zero; VBS rules', () => {
      const b = new IgvmBuilder({ formatVersion: 2 });
      const native = b.platform({ type: 'NATIVE' });
      const vbs = b.platform({ type: 'VSM_ISOLATION' });
      b.nativeVpContext({ mask: native, context: decodeZeroContext() });
      b.vbsVpContext({ mask: vbs, registers: [{ name: 0x20000, value: 1n }] }); // Rax: not accepted
      const bytes = b.build();
      const f = parseIgvm(bytes).file!;
      const nativeData = (f.directives[0] as { fileOffset: number }).fileOffset;
      bytes[nativeData + 4000] = 1;
      const got = diags(bytes).map((d) => [d.code, d.index]);
      expect(got).toEqual([
        ['IGVM_VP_CONTEXT_TAIL', 2],
        ['IGVM_UNSUPPORTED_X64_REGISTER', 3],
      ]);
    });

    it('VBS: no registers, mixed VTLs, vp_index', () => {
      const b = new IgvmBuilder();
      const vbs = b.platform({ type: 'VSM_ISOLATION', highestVtl: 2 });
      b.vbsVpContext({ mask: vbs, registers: [] });
      b.add({
        kind: 'X64VbsVpContext', gpa: 0n, compatibilityMask: vbs, fileOffset: 0, vpIndex: 0, reserved: 0, vtl: 0, context: new Uint8Array(0),
        registers: [
          { vtl: 0, name: 0x20010, mbz: new Uint8Array(11), value: new Uint8Array(16) },
          { vtl: 2, name: 0x20010, mbz: new Uint8Array(11), value: new Uint8Array(16) },
        ],
      });
      const bytes = b.build();
      const got = diags(bytes).map((d) => [d.code, d.index]);
      expect(got).toEqual([
        ['IGVM_VBS_NO_REGISTERS', 1],
        ['IGVM_VBS_MIXED_VTL', 2],
        // Both contexts are VP 0, VTL 0 (issue 11 item 3).
        ['IGVM_DUPLICATE_VP_CONTEXT', 2],
      ]);
      put16(bytes, bodyOf(bytes, 2) + 16, 3);
      expect(find(fixCrc(bytes), 'IGVM_VBS_VP_INDEX')?.index).toBe(2);
    });
  });

  describe('initialization rules (§6)', () => {
    const reloc = (o: Partial<{ alignment: bigint; gpa: bigint; size: bigint; vtl: number }> = {}): IgvmHeaderInput => ({
      kind: 'RelocatableRegion', compatibilityMask: 1, vpIndex: 0, vtl: o.vtl ?? 2, flags: 3,
      relocationAlignment: o.alignment ?? 0x200000n, relocationRegionGpa: o.gpa ?? 0x200000n, relocationRegionSize: o.size ?? 0x200000n,
      minimumRelocationGpa: 0n, maximumRelocationGpa: 0x1000000000n,
    });
    const pt = (gpa: bigint, size: bigint, used: bigint): IgvmHeaderInput => ({
      kind: 'PageTableRelocationRegion', compatibilityMask: 1, vpIndex: 0, vtl: 2, reserved: 0, gpa, size, usedSize: used,
    });
    const vbsFile = (...init: IgvmHeaderInput[]) => {
      const b = new IgvmBuilder();
      const m = b.platform({ type: 'VSM_ISOLATION', highestVtl: 2 });
      init.forEach((h) => b.add(h));
      b.vbsVpContext({ mask: m, vtl: 2, registers: [{ name: 0x20010, value: 0x200000n }] });
      return b.build();
    };
    it('a valid relocation setup is clean', () => {
      expect(diags(vbsFile(reloc(), pt(0x800000n, 0x10000n, 0x3000n)))).toEqual([]);
    });
    it.each([
      ['IGVM_RELOCATION_ALIGNMENT', [reloc({ alignment: 0n })]],
      ['IGVM_RELOCATION_ADDRESS', [reloc({ gpa: 0x201000n })]],
      ['IGVM_RELOCATION_SIZE', [reloc({ size: 0x1800n })]],
      ['IGVM_NO_MATCHING_VP_CONTEXT', [reloc({ vtl: 0 })]],
      ['IGVM_PAGE_TABLE_REGION_SIZE', [pt(0x800000n, 0x1000n, 0x2000n)]],
      ['IGVM_RELOCATION_REGIONS_OVERLAP', [reloc(), pt(0x300000n, 0x1000n, 0x1000n)]],
      ['IGVM_MULTIPLE_PAGE_TABLE_RELOCATION', [pt(0x800000n, 0x1000n, 0x1000n), pt(0x900000n, 0x1000n, 0x1000n)]],
    ])('%s', (code, init) => {
      expect(find(vbsFile(...(init as IgvmHeaderInput[])), code)?.severity).toBe('error');
    });

    it('IGVM_INSERT_IN_PAGE_TABLE_REGION', () => {
      const b = new IgvmBuilder();
      const m = b.platform({ type: 'VSM_ISOLATION', highestVtl: 2 });
      b.add(pt(0x800000n, 0x10000n, 0x1000n));
      b.parameterArea({ size: 4096 });
      b.parameterInsert({ gpa: 0x804000n, mask: m, index: 0 });
      b.vbsVpContext({ mask: m, vtl: 2, registers: [{ name: 0x20010, value: 1n }] });
      expect(diags(b.build()).map((d) => [d.code, d.index])).toEqual([['IGVM_INSERT_IN_PAGE_TABLE_REGION', 3]]);
    });

    it('CoRIM document/signature rules and CCA policy', () => {
      const corim = (kind: 'CorimDocument' | 'CorimSignature'): IgvmHeaderInput => ({
        kind, compatibilityMask: 1, fileOffset: 0, sizeBytes: 0, reserved: 0, data: new Uint8Array([0xd9, 1]),
      });
      const b = workedExample();
      b.add(corim('CorimSignature')).add(corim('CorimDocument')).add(corim('CorimDocument'));
      b.add({ kind: 'CcaPolicy', compatibilityMask: 1, reserved: 0, attributesRequiredZeroes: 1n, attributesRequiredOnes: 1n, hashAlgorithm: 0, lfaPolicy: 0, reserved2: new Uint8Array(6) });
      const got = diags(b.build()).map((d) => [d.code, d.index]);
      expect(got).toEqual([
        ['IGVM_CCA_ONES_ZEROES_OVERLAP', 5],
        ['IGVM_HEADER_ARCH', 5],
        ['IGVM_MISSING_CORIM_DOCUMENT', 2],
        ['IGVM_MULTIPLE_CORIM_DOCUMENTS', 4],
        ['IGVM_CCA_POLICY_MASK', 5],
      ]);
      const { file } = b.buildFile();
      const doc = file!.initialization.find((h) => h.kind === 'CorimDocument');
      expect(doc && doc.kind === 'CorimDocument' && Array.from(doc.data!)).toEqual([0xd9, 1]);
    });
  });
});

function decodeZeroContext() {
  const z = 0n;
  return {
    rax: z, rcx: z, rdx: z, rbx: z, rsp: z, rbp: z, rsi: z, rdi: z, r8: z, r9: z, r10: z, r11: z, r12: z, r13: z, r14: z, r15: z,
    rip: 0xfff0n, rflags: 2n, idtrBase: z, idtrLimit: 0, reserved: [0, 0] as [number, number], gdtrLimit: 0, gdtrBase: z,
    codeSelector: 0, codeAttributes: 0, codeBase: 0, codeLimit: 0, dataSelector: 0, dataAttributes: 0, dataBase: 0, dataLimit: 0,
    gsBase: z, cr0: z, cr3: z, cr4: z, efer: z,
  };
}
