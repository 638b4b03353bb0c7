// The worked example of igvm-format §18.1, built with IgvmBuilder, must come out byte for byte.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { toHex } from '../bytes/bytes';
import { IgvmBuilder } from './builder';
import { workedExample } from './examples';
import { parseIgvm } from './parse';
import { serializeIgvm } from './serialize';

const HEADER_HEX = `
49 47 56 4d 01 00 00 00 18 00 00 00 30 01 00 00 48 21 00 00 81 3c 4a 11 01 00 00 00 10 00 00 00
01 00 00 00 00 02 01 00 00 00 00 00 00 00 00 00 01 01 00 00 10 00 00 00 00 00 03 00 00 00 00 00
01 00 00 00 00 00 00 00 02 03 00 00 18 00 00 00 00 00 00 00 00 00 00 00 01 00 00 00 48 01 00 00
00 00 00 00 00 00 00 00 02 03 00 00 18 00 00 00 00 10 00 00 00 00 00 00 01 00 00 00 00 00 00 00
00 00 00 00 00 00 00 00 02 03 00 00 18 00 00 00 00 20 00 00 00 00 00 00 01 00 00 00 00 00 00 00
02 00 00 00 00 00 00 00 02 03 00 00 18 00 00 00 00 30 00 00 00 00 00 00 01 00 00 00 00 00 00 00
00 00 00 00 01 00 00 00 02 03 00 00 18 00 00 00 00 40 00 00 00 00 00 00 01 00 00 00 00 00 00 00
00 00 00 00 02 00 00 00 01 03 00 00 10 00 00 00 00 10 00 00 00 00 00 00 00 00 00 00 00 00 00 00
07 03 00 00 08 00 00 00 00 00 00 00 00 00 00 00 03 03 00 00 10 00 00 00 00 50 00 00 00 00 00 00
01 00 00 00 00 00 00 00 04 03 00 00 14 00 00 00 00 f0 ff ff ff ff 00 00 01 00 00 00 48 11 00 00
00 00 00 00 00 00 00 00`.replace(/\s+/g, '');

describe('IgvmBuilder', () => {
  it('reproduces the §18.1 worked example byte for byte', () => {
    const out = workedExample().build();
    expect(out.length).toBe(0x2148);
    expect(toHex(out.subarray(0, 0x148))).toBe(HEADER_HEX);
    expect(createHash('sha256').update(out).digest('hex')).toBe('aeb80f70a47db3d52acafed31e1e1a4a5a7478cfb607b8128a7b0f7bf5ff54a2');
  });

  it('parses its own output without diagnostics and round-trips through the model', () => {
    const bytes = workedExample().build();
    const { file, diagnostics } = parseIgvm(bytes);
    expect(diagnostics).toEqual([]);
    expect(file!.directives.map((d) => d.kind)).toEqual([
      'PageData', 'PageData', 'PageData', 'PageData', 'PageData', 'ParameterArea', 'VpCount', 'ParameterInsert', 'SnpVpContext',
    ]);
    expect(toHex(serializeIgvm(file!))).toBe(toHex(bytes));
  });

  it('de-duplicates identical blobs and keeps zero pages without data at offset 0', () => {
    const b = new IgvmBuilder();
    const m = b.platform({ type: 'TDX' });
    const d = new Uint8Array(4096).fill(7);
    b.page({ gpa: 0, mask: m, data: d }).page({ gpa: 0x1000, mask: m, data: d }).page({ gpa: 0x2000, mask: m });
    b.page({ gpa: 0x3000, mask: m, data: new Uint8Array(4096) });
    const { file } = b.buildFile();
    const pages = file!.directives.filter((h) => h.kind === 'PageData');
    expect(pages.map((p) => p.fileOffset)).toEqual([file!.fileDataOffset, file!.fileDataOffset, 0, file!.fileDataOffset + 4096]);
    expect(file!.size).toBe(file!.fileDataOffset + 8192);
  });

  it('splits data into pages, assigns masks and parameter indices, writes v2 headers', () => {
    const b = new IgvmBuilder({ formatVersion: 2 });
    const snp = b.platform({ type: 'SEV_SNP' });
    const native = b.platform({ type: 'NATIVE' });
    expect([snp, native]).toEqual([1, 2]);
    b.pages({ gpa: 0x10000, mask: snp | native, data: new Uint8Array(5000).fill(1) });
    expect([b.parameterArea({ size: 4096 }), b.parameterArea({ size: 8192 })]).toEqual([0, 1]);
    b.requiredMemory({ gpa: 0x100000, mask: snp, size: 0x10000, vtl2Protectable: true });
    const { file, diagnostics } = b.buildFile();
    expect(diagnostics).toEqual([]);
    expect(file!.formatVersion).toBe(2);
    expect(file!.fixedHeader.length).toBe(32);
    const pages = file!.directives.filter((h) => h.kind === 'PageData');
    expect(pages.map((p) => p.gpa)).toEqual([0x10000n, 0x11000n]);
    expect(pages[1]!.data!.subarray(0, 904).every((x) => x === 1)).toBe(true);
    expect(pages[1]!.data!.subarray(904).every((x) => x === 0)).toBe(true);
  });

  it('writes native and VBS VP contexts that decode back', () => {
    const b = new IgvmBuilder({ formatVersion: 2 });
    const native = b.platform({ type: 'NATIVE' });
    const vbs = b.platform({ type: 'VSM_ISOLATION', highestVtl: 2 });
    const zero = 0n;
    const context = {
      rax: 1n, rcx: zero, rdx: zero, rbx: zero, rsp: 0x8000n, rbp: zero, rsi: 0x7000n, rdi: zero,
      r8: zero, r9: zero, r10: zero, r11: zero, r12: zero, r13: zero, r14: zero, r15: 0x15n,
      rip: 0xfff0n, rflags: 2n, idtrBase: zero, idtrLimit: 0, reserved: [0, 0] as [number, number], gdtrLimit: 0x27,
      gdtrBase: 0x1000n, codeSelector: 8, codeAttributes: 0xa09b, codeBase: 0, codeLimit: 0xffffffff, dataSelector: 0x10,
      dataAttributes: 0xc093, dataBase: 0, dataLimit: 0xffffffff, gsBase: zero, cr0: 0x80000031n, cr3: 0x3000n, cr4: 0x20n, efer: 0x500n,
    };
    b.nativeVpContext({ mask: native, context });
    b.vbsVpContext({ mask: vbs, registers: [{ name: 0x20010, value: 0xfff0n }, { name: 0x40002, value: 0x3000n }] });
    const { file, diagnostics } = b.buildFile();
    expect(diagnostics).toEqual([]);
    const [n, v] = file!.directives;
    expect(n!.kind === 'X64NativeVpContext' && n.context).toEqual(context);
    expect(v!.kind === 'X64VbsVpContext' && v.registers.map((r) => [r.nameText, r.value[0], r.value[1]])).toEqual([
      ['Rip', 0xf0, 0xff],
      ['Cr3', 0x00, 0x30],
    ]);
  });
});
