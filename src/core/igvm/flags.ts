// IGVM flag and policy decoders (igvm-format §6.1, §6.2, §7.2, §7.8).
import { IGVM_PAGE_DATA_TYPE_NAME, IGVM_PAGE_FLAG, IGVM_RELOCATION_FLAG } from './constants';

export interface PageDataFlags {
  is2MbPage: boolean;
  unmeasured: boolean;
  shared: boolean;
  /** Bits 3–31 (RS does not check them). */
  reserved: number;
}
export function decodePageDataFlags(flags: number): PageDataFlags {
  return {
    is2MbPage: (flags & IGVM_PAGE_FLAG.IS_2MB_PAGE) !== 0,
    unmeasured: (flags & IGVM_PAGE_FLAG.UNMEASURED) !== 0,
    shared: (flags & IGVM_PAGE_FLAG.SHARED) !== 0,
    reserved: (flags & ~0x7) >>> 0,
  };
}
export function encodePageDataFlags(f: Partial<PageDataFlags>): number {
  return (
    ((f.is2MbPage ? IGVM_PAGE_FLAG.IS_2MB_PAGE : 0) |
      (f.unmeasured ? IGVM_PAGE_FLAG.UNMEASURED : 0) |
      (f.shared ? IGVM_PAGE_FLAG.SHARED : 0) |
      (f.reserved ?? 0)) >>>
    0
  );
}

export interface RelocationFlags {
  isVtl2: boolean;
  applyPc: boolean;
  applyGdtr: boolean;
  reserved: number;
}
export function decodeRelocationFlags(flags: number): RelocationFlags {
  return {
    isVtl2: (flags & IGVM_RELOCATION_FLAG.IS_VTL2) !== 0,
    applyPc: (flags & IGVM_RELOCATION_FLAG.APPLY_PC) !== 0,
    applyGdtr: (flags & IGVM_RELOCATION_FLAG.APPLY_GDTR) !== 0,
    reserved: flags & ~0x7 & 0xff,
  };
}

export function decodeRequiredMemoryFlags(flags: number): { vtl2Protectable: boolean; reserved: number } {
  return { vtl2Protectable: (flags & 1) !== 0, reserved: (flags & ~1) >>> 0 };
}

/** AMD SNP guest policy (§6.1). */
export interface SnpPolicy {
  abiMinor: number;
  abiMajor: number;
  smt: boolean;
  /** Bit 17, must be 1. */
  reservedMbo: boolean;
  migrateMa: boolean;
  debug: boolean;
  singleSocket: boolean;
  /** Bits 21–63 as a bigint (newer AMD specs define some). */
  upper: bigint;
}
export function decodeSnpPolicy(policy: bigint): SnpPolicy {
  const bit = (n: number): boolean => ((policy >> BigInt(n)) & 1n) === 1n;
  return {
    abiMinor: Number(policy & 0xffn),
    abiMajor: Number((policy >> 8n) & 0xffn),
    smt: bit(16),
    reservedMbo: bit(17),
    migrateMa: bit(18),
    debug: bit(19),
    singleSocket: bit(20),
    upper: policy >> 21n,
  };
}

/** TDX policy (§6.1). */
export function decodeTdxPolicy(policy: bigint): {
  debugAllowed: boolean;
  septVeDisable: boolean;
  migratable: boolean;
  reserved: bigint;
} {
  return {
    debugAllowed: (policy & 1n) !== 0n,
    septVeDisable: (policy & 2n) !== 0n,
    migratable: (policy & 4n) !== 0n,
    reserved: policy & ~7n,
  };
}

/** PageData flags in words (§7.2: bit 0 2 MiB page, bit 1 unmeasured, bit 2 shared). */
export function pageDataFlagsText(flags: number): string {
  const f = decodePageDataFlags(flags);
  const names = [
    f.is2MbPage && '2 MiB page',
    f.unmeasured && 'unmeasured',
    f.shared && 'shared',
    f.reserved && `reserved bits 0x${f.reserved.toString(16)} set`,
  ].filter(Boolean);
  return `0x${flags.toString(16)} (${names.length ? names.join(', ') : 'none: a measured 4 KiB page'})`;
}

/** `IgvmPageDataType` in words (§7.3). */
export function pageDataTypeText(t: number): string {
  return `${t} (${IGVM_PAGE_DATA_TYPE_NAME[t] ?? 'unknown'})`;
}
