// Test-only: hand-made IGVM models (the shape parseIgvm returns) for op-level measurement tests.
import type { IgvmDirectiveHeader, IgvmHeader, IgvmSupportedPlatform } from '../igvm/types';
import type { MeasureSource } from './source';

let next = 0;
const pos = () => ({ index: next, offset: 0x100 + 8 * next++, length: 32, bodyLength: 24 });

export function platform(platformType: number, compatibilityMask: number): IgvmSupportedPlatform {
  return {
    kind: 'SupportedPlatform',
    type: 1,
    ...pos(),
    compatibilityMask,
    highestVtl: 0,
    platformType,
    platformVersion: 1,
    sharedGpaBoundary: 0n,
  };
}

export function page(
  gpa: bigint,
  o: { mask?: number; flags?: number; dataType?: number; data?: Uint8Array } = {},
): IgvmDirectiveHeader {
  return {
    kind: 'PageData',
    type: 0x302,
    ...pos(),
    gpa,
    compatibilityMask: o.mask ?? 1,
    fileOffset: o.data ? 0x1000 : 0,
    flags: o.flags ?? 0,
    dataType: o.dataType ?? 0,
    reserved: 0,
    data: o.data,
  };
}

export function area(parameterAreaIndex: number, numberOfBytes: bigint): IgvmDirectiveHeader {
  return { kind: 'ParameterArea', type: 0x301, ...pos(), numberOfBytes, parameterAreaIndex, fileOffset: 0 };
}

export function insert(gpa: bigint, parameterAreaIndex: number, mask = 1): IgvmDirectiveHeader {
  return { kind: 'ParameterInsert', type: 0x303, ...pos(), gpa, compatibilityMask: mask, parameterAreaIndex };
}

export function vmsa(gpa: bigint, bytes: Uint8Array, mask = 1): IgvmDirectiveHeader {
  return {
    kind: 'SnpVpContext',
    type: 0x304,
    ...pos(),
    gpa,
    compatibilityMask: mask,
    fileOffset: 0x2000,
    vpIndex: 0,
    reserved: 0,
    vmsa: bytes,
  };
}

export function vbsContext(
  mask: number,
  vtl: number,
  regs: { name: number; value: Uint8Array }[],
): IgvmDirectiveHeader {
  return {
    kind: 'X64VbsVpContext',
    type: 0x304,
    ...pos(),
    gpa: 0n,
    compatibilityMask: mask,
    fileOffset: 0x3000,
    vpIndex: 0,
    reserved: 0,
    vtl,
    registers: regs.map((r) => ({ vtl, name: r.name, mbz: new Uint8Array(11), value: r.value })),
    context: new Uint8Array(4 + 32 * regs.length),
  };
}

export function guestPolicy(mask = 1): IgvmHeader {
  return {
    kind: 'GuestPolicy',
    type: 0x101,
    ...pos(),
    policy: 0x30000n,
    compatibilityMask: mask,
    reserved: 0,
  };
}

export function model(
  platforms: IgvmSupportedPlatform[],
  directives: IgvmDirectiveHeader[],
  policy = true,
): MeasureSource {
  return {
    platforms,
    initialization: policy ? [guestPolicy(platforms[0]?.compatibilityMask ?? 1) as never] : [],
    directives,
  };
}

/** Bytes 0x00..0xFF repeated 16 times (the §18 pattern page). */
export function patternPage(): Uint8Array {
  return Uint8Array.from({ length: 4096 }, (_, i) => i & 0xff);
}

/** The §18.1 VMSA: zero page with rip 0xFFF0 @0x178, cr0 0x31 @0x158, sev_features 1 @0x3B0. */
export function exampleVmsa(cr0 = 0x31): Uint8Array {
  const v = new Uint8Array(4096);
  const dv = new DataView(v.buffer);
  dv.setBigUint64(0x178, 0xfff0n, true);
  dv.setBigUint64(0x158, BigInt(cr0), true);
  dv.setBigUint64(0x3b0, 1n, true);
  return v;
}
