// IGVM_VHS_VP_CONTEXT (§7.7): the 20-byte body plus data whose format follows the platform of the mask —
// SNP/SEV-ES VMSA (§8.1), native x64 context (§8.2), VBS register list (§8.3), CCA context.
import { isAllZero, put16, put32, put64, u16, u32, u64, u8, type Bytes } from '../bytes/bytes';
import { at, hex, pageAligned, readFileData, type ParseContext } from './context';
import {
  CCA_VP_CONTEXT_SIZE,
  IGVM_PLATFORM_TYPE,
  IGVM_PLATFORM_TYPE_NAME,
  NATIVE_X64_VP_CONTEXT_SIZE,
  SNP_VMSA_SIZE,
  VBS_VP_CONTEXT_HEADER_SIZE,
  VBS_VP_CONTEXT_REGISTER_SIZE,
} from './constants';
import { decodeFields, padded, u16h, u32h, u64h, type BlobSink, type IgvmHeaderBase } from './header-fields';
import type {
  IgvmHeaderInput,
  IgvmVpContext,
  IgvmVpContextFields,
  NativeVpContextX64,
  VbsVpRegister,
} from './model';
import { VBS_AARCH64_REGISTER_NAMES, VBS_X64_REGISTER_NAMES } from './vbs-registers';

export function decodeNativeContext(p: Uint8Array): NativeVpContextX64 {
  const q = (i: number) => u64(p, i * 8);
  return {
    rax: q(0),
    rcx: q(1),
    rdx: q(2),
    rbx: q(3),
    rsp: q(4),
    rbp: q(5),
    rsi: q(6),
    rdi: q(7),
    r8: q(8),
    r9: q(9),
    r10: q(10),
    r11: q(11),
    r12: q(12),
    r13: q(13),
    r14: q(14),
    r15: q(15),
    rip: u64(p, 0x80),
    rflags: u64(p, 0x88),
    idtrBase: u64(p, 0x90),
    idtrLimit: u16(p, 0x98),
    reserved: [u16(p, 0x9a), u16(p, 0x9c)],
    gdtrLimit: u16(p, 0x9e),
    gdtrBase: u64(p, 0xa0),
    codeSelector: u16(p, 0xa8),
    codeAttributes: u16(p, 0xaa),
    codeBase: u32(p, 0xac),
    codeLimit: u32(p, 0xb0),
    dataSelector: u16(p, 0xb4),
    dataAttributes: u16(p, 0xb6),
    dataBase: u32(p, 0xb8),
    dataLimit: u32(p, 0xbc),
    gsBase: u64(p, 0xc0),
    cr0: u64(p, 0xc8),
    cr3: u64(p, 0xd0),
    cr4: u64(p, 0xd8),
    efer: u64(p, 0xe0),
  };
}

/** The model kinds of a VP context: by the platform of its mask (SNP/SEV-ES, native, VBS, CCA) or unresolved. */
export const VP_CONTEXT_KINDS = [
  'SnpVpContext',
  'X64NativeVpContext',
  'X64VbsVpContext',
  'AArch64VbsVpContext',
  'AArch64CcaVpContext',
  'VpContext',
] as const satisfies readonly IgvmVpContext['kind'][];

/** The 20-byte body of `IGVM_VHS_VP_CONTEXT` (§7.7), shared by every VP context kind. */
export const VP_CONTEXT_FIELDS = [
  u64h('gpa', 0, { doc: 'VMSA GPA (SNP/SEV-ES); 0 otherwise' }),
  u32h('compatibility_mask', 8),
  u32h('file_offset', 12),
  u16h('vp_index', 16),
  // Not checked: readers accept any value.
  u16h('reserved', 18, { reserved: 'ignored' }),
] as const;

/** The VP context body values the serializer computes: the data's file offset, and gpa/vp_index per kind. */
export function vpContextComputed(h: IgvmHeaderInput, data: BlobSink): Record<string, number | bigint> {
  const v = h as Extract<IgvmHeaderInput, { kind: IgvmVpContext['kind'] }>;
  switch (v.kind) {
    case 'SnpVpContext':
      return { fileOffset: data.add(padded(v.vmsa, SNP_VMSA_SIZE, 'VMSA')) };
    case 'X64NativeVpContext':
      return {
        gpa: 0n,
        fileOffset: data.add(padded(encodeNativeContext(v.context), SNP_VMSA_SIZE, 'native context')),
      };
    case 'AArch64CcaVpContext':
      return {
        gpa: 0n,
        fileOffset: data.add(padded(v.page.subarray(0, CCA_VP_CONTEXT_SIZE), SNP_VMSA_SIZE, 'CCA context')),
      };
    case 'VpContext':
      return { fileOffset: v.data && v.data.length > 0 ? data.add(v.data) : 0 };
    default:
      return { gpa: 0n, vpIndex: 0, fileOffset: data.add(encodeVbsContext(v.registers)) };
  }
}

export function encodeNativeContext(c: NativeVpContextX64): Bytes {
  const p = new Uint8Array(NATIVE_X64_VP_CONTEXT_SIZE);
  const gprs = [
    c.rax,
    c.rcx,
    c.rdx,
    c.rbx,
    c.rsp,
    c.rbp,
    c.rsi,
    c.rdi,
    c.r8,
    c.r9,
    c.r10,
    c.r11,
    c.r12,
    c.r13,
    c.r14,
    c.r15,
  ];
  gprs.forEach((v, i) => put64(p, i * 8, v));
  put64(p, 0x80, c.rip);
  put64(p, 0x88, c.rflags);
  put64(p, 0x90, c.idtrBase);
  put16(p, 0x98, c.idtrLimit);
  put16(p, 0x9a, c.reserved[0]);
  put16(p, 0x9c, c.reserved[1]);
  put16(p, 0x9e, c.gdtrLimit);
  put64(p, 0xa0, c.gdtrBase);
  put16(p, 0xa8, c.codeSelector);
  put16(p, 0xaa, c.codeAttributes);
  put32(p, 0xac, c.codeBase);
  put32(p, 0xb0, c.codeLimit);
  put16(p, 0xb4, c.dataSelector);
  put16(p, 0xb6, c.dataAttributes);
  put32(p, 0xb8, c.dataBase);
  put32(p, 0xbc, c.dataLimit);
  put64(p, 0xc0, c.gsBase);
  put64(p, 0xc8, c.cr0);
  put64(p, 0xd0, c.cr3);
  put64(p, 0xd8, c.cr4);
  put64(p, 0xe0, c.efer);
  return p;
}

export function encodeVbsContext(registers: readonly Pick<VbsVpRegister, 'vtl' | 'name' | 'value'>[]): Bytes {
  const out = new Uint8Array(VBS_VP_CONTEXT_HEADER_SIZE + registers.length * VBS_VP_CONTEXT_REGISTER_SIZE);
  put32(out, 0, registers.length);
  registers.forEach((r, i) => {
    const o = VBS_VP_CONTEXT_HEADER_SIZE + i * VBS_VP_CONTEXT_REGISTER_SIZE;
    out[o] = r.vtl;
    put32(out, o + 1, r.name);
    out.set(r.value.subarray(0, 16), o + 16);
  });
  return out;
}

/** Upper bound on VBS registers, before any array is allocated (the file size bounds it too). */
export const MAX_VBS_REGISTERS = 4096;

export function decodeVpContext(ctx: ParseContext, base: IgvmHeaderBase, body: number): IgvmVpContext {
  const b = ctx.bytes;
  const d = ctx.diags;
  const w = at(base, '7.7');
  const fields = { ...base } as unknown as Omit<IgvmVpContextFields, 'kind'>;
  decodeFields(fields as unknown as Record<string, unknown>, b, body, VP_CONTEXT_FIELDS);
  const padEnd = base.offset + base.length;
  if (padEnd <= ctx.fileSize) fields.padding = b.subarray(body + 20, padEnd);
  const platform = ctx.maskToPlatform.get(fields.compatibilityMask);
  const name = platform === undefined ? undefined : IGVM_PLATFORM_TYPE_NAME[platform];
  if (platform === undefined || platform === IGVM_PLATFORM_TYPE.TDX || name === undefined) {
    d.error(
      'IGVM_VP_CONTEXT_PLATFORM',
      platform === undefined
        ? `VP context mask ${hex(fields.compatibilityMask)} is not exactly one declared platform's mask`
        : `VP contexts are not defined for ${name ?? `platform type ${platform}`}`,
      w,
    );
    return {
      ...fields,
      kind: 'VpContext',
      platformType: platform,
      data: readFileData(
        ctx,
        fields.fileOffset,
        Math.min(SNP_VMSA_SIZE, Math.max(0, ctx.fileSize - fields.fileOffset)),
        base,
        'VP context',
      ),
    };
  }
  fields.platformType = platform;
  const archIs = (a: 'X64' | 'AArch64', what: string) => {
    if (ctx.architecture !== a)
      d.error('IGVM_HEADER_ARCH', `${what} VP context in a ${ctx.architecture} file`, w);
  };
  if (platform === IGVM_PLATFORM_TYPE.SEV_SNP || platform === IGVM_PLATFORM_TYPE.SEV_ES) {
    if (!pageAligned(fields.gpa))
      d.error('IGVM_UNALIGNED_ADDRESS', `VMSA gpa ${hex(fields.gpa)} is not 4 KiB aligned`, w);
    const vmsa = readVpData(ctx, fields.fileOffset, SNP_VMSA_SIZE, base, 'VMSA');
    return { ...fields, kind: 'SnpVpContext', vmsa };
  }
  if (fields.gpa !== 0n)
    d.warning('IGVM_VP_CONTEXT_GPA', `gpa ${hex(fields.gpa)} should be 0 for ${name} VP contexts`, w);
  if (platform === IGVM_PLATFORM_TYPE.NATIVE || platform === IGVM_PLATFORM_TYPE.SEV) {
    archIs('X64', 'a native x64');
    if (ctx.formatVersion === 1)
      d.info(
        'IGVM_NATIVE_CONTEXT_V1',
        'a native x64 VP context is only defined for format v2 (accepted by the Rust parser)',
        at(base, '13'),
      );
    const page = readVpData(ctx, fields.fileOffset, SNP_VMSA_SIZE, base, 'native VP context');
    if (!isAllZero(page.subarray(NATIVE_X64_VP_CONTEXT_SIZE)))
      d.error(
        'IGVM_VP_CONTEXT_TAIL',
        'bytes after the 232-byte native context must be zero',
        at(base, '8.2'),
      );
    const context = decodeNativeContext(page);
    if (context.codeAttributes & 0xf00)
      d.warning('IGVM_NATIVE_CODE_ATTRIBUTES', 'code_attributes bits 11:8 must be 0', at(base, '8.2'));
    return { ...fields, kind: 'X64NativeVpContext', context, page };
  }
  if (platform === IGVM_PLATFORM_TYPE.CCA) {
    archIs('AArch64', 'a CCA');
    const page = readVpData(ctx, fields.fileOffset, SNP_VMSA_SIZE, base, 'CCA VP context');
    if (!isAllZero(page.subarray(CCA_VP_CONTEXT_SIZE)))
      d.error('IGVM_VP_CONTEXT_TAIL', 'bytes after the 80-byte CCA context must be zero', w);
    return { ...fields, kind: 'AArch64CcaVpContext', page };
  }
  return decodeVbsContext(ctx, base, fields);
}

/**
 * Reads `n` bytes of VP data. Missing data (offset 0 or out of range) reads as zeros so decoding goes on, and is an
 * error: a VP context without its register state cannot start a vCPU, and a digest over made-up zeros would look
 * like a real one (issue 10). Callers tell "missing" from real zeros by the returned array not being a view of the file.
 */
function readVpData(
  ctx: ParseContext,
  fileOffset: number,
  n: number,
  base: IgvmHeaderBase,
  what: string,
): Uint8Array {
  if (fileOffset === 0) {
    ctx.diags.error(
      'IGVM_VP_CONTEXT_NO_DATA',
      `${what} has file_offset 0: the VP context has no register data`,
      at(base, '4'),
    );
    return new Uint8Array(n);
  }
  return readFileData(ctx, fileOffset, n, base, what) ?? new Uint8Array(n);
}

function decodeVbsContext(
  ctx: ParseContext,
  base: IgvmHeaderBase,
  fields: Omit<IgvmVpContextFields, 'kind'>,
): IgvmVpContext {
  const d = ctx.diags;
  const w = at(base, '8.3');
  const x64 = ctx.architecture === 'X64';
  const kind = x64 ? 'X64VbsVpContext' : 'AArch64VbsVpContext';
  const names = x64 ? VBS_X64_REGISTER_NAMES : VBS_AARCH64_REGISTER_NAMES;
  const head = readFileData(ctx, fields.fileOffset, VBS_VP_CONTEXT_HEADER_SIZE, base, 'VBS VP context');
  if (fields.fileOffset === 0) d.error('IGVM_VBS_NO_REGISTERS', 'VBS VP context has no data', w);
  const count = head ? u32(head, 0) : 0;
  const maxFit = Math.floor(
    Math.max(0, ctx.fileSize - fields.fileOffset - VBS_VP_CONTEXT_HEADER_SIZE) / VBS_VP_CONTEXT_REGISTER_SIZE,
  );
  const registers: VbsVpRegister[] = [];
  let context: Uint8Array = head ?? new Uint8Array(0);
  if (head && count === 0) d.error('IGVM_VBS_NO_REGISTERS', 'VBS VP context register_count is 0', w);
  if (head && count > 0) {
    if (count > maxFit || count > MAX_VBS_REGISTERS) {
      d.error('IGVM_DATA_OUT_OF_RANGE', `VBS register_count ${count} does not fit in the file`, w);
    } else {
      // In range (count ≤ maxFit, after the header's read): no diagnostic; zeros only in a sliced parse's first pass.
      const n = VBS_VP_CONTEXT_HEADER_SIZE + count * VBS_VP_CONTEXT_REGISTER_SIZE;
      context = readFileData(ctx, fields.fileOffset, n, base, 'VBS VP context') ?? new Uint8Array(n);
      for (let i = 0; i < count; i++) {
        const o = VBS_VP_CONTEXT_HEADER_SIZE + i * VBS_VP_CONTEXT_REGISTER_SIZE;
        const name = u32(context, o + 1);
        registers.push({
          vtl: u8(context, o),
          name,
          nameText: names[name],
          mbz: context.subarray(o + 5, o + 16),
          value: context.subarray(o + 16, o + 32),
        });
      }
    }
  }
  const vtl = registers[0]?.vtl ?? 0;
  if (registers.some((r) => r.vtl !== vtl))
    d.error('IGVM_VBS_MIXED_VTL', 'VBS registers do not all have the same VTL', w);
  if (vtl > 2) d.error('IGVM_BAD_VTL', `VBS register VTL ${vtl} must be 0, 1 or 2`, w);
  if (fields.vpIndex !== 0)
    d.error('IGVM_VBS_VP_INDEX', `VBS VP context vp_index ${fields.vpIndex} must be 0`, w);
  const unsupported = registers.filter((r) => r.nameText === undefined);
  if (unsupported.length > 0)
    d.error(
      x64 ? 'IGVM_UNSUPPORTED_X64_REGISTER' : 'IGVM_UNSUPPORTED_AARCH64_REGISTER',
      `unsupported register name(s): ${unsupported
        .slice(0, 8)
        .map((r) => hex(r.name))
        .join(', ')}`,
      w,
    );
  if (registers.some((r) => !isAllZero(r.mbz)))
    d.warning('IGVM_VBS_MBZ', 'VBS register mbz bytes are not zero', w);
  return { ...fields, kind, vtl, registers, context };
}
