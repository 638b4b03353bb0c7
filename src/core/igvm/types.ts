// The typed IGVM model shared by the codec, the measurement engines and the UI.
// Every structure restates igvm-format-and-measurement.md (§ numbers below); u64 fields are bigint.
// Stable API: add fields and kinds, never rename.
import type { Bytes } from '../bytes/bytes';
import type { Diagnostic } from '../diagnostics';

// ---------------------------------------------------------------------------------------------------------------
// Constants (§2, §3.3, §5.2, §7.2, §7.3)

/** "IGVM" read as a little-endian u32 (§2.1). */
export const IGVM_MAGIC = 0x4d564749;
export const IGVM_FIXED_HEADER_V1_SIZE = 24; // §2.1
export const IGVM_FIXED_HEADER_V2_SIZE = 32; // §2.2
export const IGVM_VARIABLE_HEADER_SIZE = 8; // §3.1 (type u32, length u32)
export const IGVM_PAGE_SIZE = 4096;
export const IGVM_PAGE_SIZE_2MB = 0x200000;
/** Bit 31 of a header type: a loader may ignore the header if it does not understand it (§3.2). */
export const IGVM_VHT_OPTIONAL_BIT = 0x8000_0000;

/** Variable header type values (§3.3). */
export const IGVM_VHT = {
  SUPPORTED_PLATFORM: 0x001,
  GUEST_POLICY: 0x101,
  RELOCATABLE_REGION: 0x102,
  PAGE_TABLE_RELOCATION_REGION: 0x103,
  CORIM_DOCUMENT: 0x104,
  CORIM_SIGNATURE: 0x105,
  CCA_POLICY: 0x106,
  PARAMETER_AREA: 0x301,
  PAGE_DATA: 0x302,
  PARAMETER_INSERT: 0x303,
  VP_CONTEXT: 0x304,
  REQUIRED_MEMORY: 0x305,
  SHARED_BOUNDARY_GPA_RESERVED: 0x306,
  VP_COUNT_PARAMETER: 0x307,
  SRAT: 0x308,
  MADT: 0x309,
  MMIO_RANGES: 0x30a,
  SNP_ID_BLOCK: 0x30b,
  MEMORY_MAP: 0x30c,
  ERROR_RANGE: 0x30d,
  COMMAND_LINE: 0x30e,
  SLIT: 0x30f,
  PPTT: 0x310,
  VBS_MEASUREMENT: 0x311,
  DEVICE_TREE: 0x312,
  ENVIRONMENT_INFO_PARAMETER: 0x313,
} as const;

/** Section ranges, inclusive (§3.2). */
export const IGVM_SECTION_RANGES = {
  platform: [0x001, 0x100],
  initialization: [0x101, 0x200],
  directive: [0x301, 0x400],
} as const;
export type IgvmSection = keyof typeof IGVM_SECTION_RANGES;

/** Body sizes (the value of the record's `length` field) per known type (§3.3). */
export const IGVM_BODY_SIZE: Readonly<Record<number, number>> = {
  0x001: 16,
  0x101: 16,
  0x102: 48,
  0x103: 32,
  0x104: 16,
  0x105: 16,
  0x106: 32,
  0x301: 16,
  0x302: 24,
  0x303: 16,
  0x304: 20,
  0x305: 24,
  0x307: 8,
  0x308: 8,
  0x309: 8,
  0x30a: 8,
  0x30b: 696,
  0x30c: 8,
  0x30d: 16,
  0x30e: 8,
  0x30f: 8,
  0x310: 8,
  0x311: 864,
  0x312: 8,
  0x313: 8,
};

/** `IgvmPlatformType` (§5.2). */
export const IGVM_PLATFORM_TYPE = {
  NATIVE: 0x00,
  VSM_ISOLATION: 0x01,
  SEV_SNP: 0x02,
  TDX: 0x03,
  SEV: 0x04,
  SEV_ES: 0x05,
  CCA: 0x06,
} as const;
export type IgvmPlatformTypeName = keyof typeof IGVM_PLATFORM_TYPE;
export const IGVM_PLATFORM_TYPE_NAME: Readonly<Record<number, IgvmPlatformTypeName>> = {
  0: 'NATIVE',
  1: 'VSM_ISOLATION',
  2: 'SEV_SNP',
  3: 'TDX',
  4: 'SEV',
  5: 'SEV_ES',
  6: 'CCA',
};

/** `IgvmArchitecture` in the v2 fixed header (§2.2). v1 files are X64. */
export const IGVM_ARCHITECTURE = { X64: 0, AARCH64: 1 } as const;
export type IgvmArchitecture = 'X64' | 'AArch64';

/** `IgvmPageDataType` (§7.3). */
export const IGVM_PAGE_DATA_TYPE = { NORMAL: 0, SECRETS: 1, CPUID_DATA: 2, CPUID_XF: 3 } as const;
export type IgvmPageDataTypeName = keyof typeof IGVM_PAGE_DATA_TYPE;
export const IGVM_PAGE_DATA_TYPE_NAME: Readonly<Record<number, IgvmPageDataTypeName>> = {
  0: 'NORMAL',
  1: 'SECRETS',
  2: 'CPUID_DATA',
  3: 'CPUID_XF',
};

/** `IgvmPageDataFlags` bits (§7.2). */
export const IGVM_PAGE_FLAG = { IS_2MB_PAGE: 0x1, UNMEASURED: 0x2, SHARED: 0x4 } as const;
/** `RequiredMemoryFlags` (§7.8). */
export const IGVM_REQUIRED_MEMORY_FLAG = { VTL2_PROTECTABLE: 0x1 } as const;
/** Relocatable region flags (§6.2). */
export const IGVM_RELOCATION_FLAG = { IS_VTL2: 0x1, APPLY_PC: 0x2, APPLY_GDTR: 0x4 } as const;
/** `IgvmEnvironmentInfo` bits written by the loader (§7.6). */
export const IGVM_ENVIRONMENT_INFO = { MEMORY_IS_SHARED: 0x1 } as const;
/** `MemoryMapEntryType` (§8.4). */
export const IGVM_MEMORY_MAP_ENTRY_TYPE_NAME: Readonly<Record<number, string>> = {
  0: 'MEMORY',
  1: 'PLATFORM_RESERVED',
  2: 'PERSISTENT',
  3: 'VTL2_PROTECTABLE',
  4: 'SPECIFIC_PURPOSE',
  5: 'HIDDEN',
};

/** Sizes of VP context data (§7.7, §8.2, §8.3). */
export const SNP_VMSA_SIZE = 4096;
export const NATIVE_X64_VP_CONTEXT_SIZE = 232;
export const CCA_VP_CONTEXT_SIZE = 80;
export const VBS_VP_CONTEXT_HEADER_SIZE = 4;
export const VBS_VP_CONTEXT_REGISTER_SIZE = 32;

// ---------------------------------------------------------------------------------------------------------------
// Fixed header (§2)

export interface IgvmFixedHeader {
  offset: number;
  /** 24 (v1) or 32 (v2). */
  length: number;
  magic: number;
  formatVersion: number;
  variableHeaderOffset: number;
  variableHeaderSize: number;
  totalFileSize: number;
  checksum: number;
  /** v2 only (raw u32; 0 X64, 1 AArch64). */
  architecture?: number;
  /** v2 only. */
  pageSize?: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Variable headers: one interface per structure, discriminated on `kind` (§3.3).
// `kind` names follow the Rust crate's enum variants so counts compare directly with the corpus manifest.

export type IgvmHeaderKind =
  | 'SupportedPlatform'
  | 'GuestPolicy'
  | 'RelocatableRegion'
  | 'PageTableRelocationRegion'
  | 'CorimDocument'
  | 'CorimSignature'
  | 'CcaPolicy'
  | 'PageData'
  | 'ParameterArea'
  | 'ParameterInsert'
  | 'VpCount'
  | 'Srat'
  | 'Madt'
  | 'MmioRanges'
  | 'MemoryMap'
  | 'CommandLine'
  | 'Slit'
  | 'Pptt'
  | 'DeviceTree'
  | 'EnvironmentInfo'
  | 'RequiredMemory'
  | 'SnpVpContext'
  | 'X64NativeVpContext'
  | 'X64VbsVpContext'
  | 'AArch64VbsVpContext'
  | 'AArch64CcaVpContext'
  | 'VpContext'
  | 'ErrorRange'
  | 'SnpIdBlock'
  | 'VbsMeasurement'
  | 'Unknown';

/** What every decoded header carries. */
export interface IgvmHeaderBase {
  kind: IgvmHeaderKind;
  /** The record's `type` field (§3.1). */
  type: number;
  /** Position among all variable headers of the file, 0-based, in file order. */
  index: number;
  /** File offset of the 8-byte record header. */
  offset: number;
  /** Record size in the file: 8 + align8(bodyLength). */
  length: number;
  /** The record's `length` field (body size, not rounded). */
  bodyLength: number;
  /** The whole record as found in the file (view), for exact re-serialization of non-canonical files. */
  raw?: Uint8Array;
}

/** A header that applies only to the platforms whose bits are set (§9). */
export interface IgvmMasked {
  compatibilityMask: number;
}

// --- platform (§5) -----------------------------------------------------------------------------------------------

export interface IgvmSupportedPlatform extends IgvmHeaderBase, IgvmMasked {
  kind: 'SupportedPlatform';
  highestVtl: number;
  platformType: number;
  /** Name of `platformType`, undefined when unknown. */
  platformName?: IgvmPlatformTypeName;
  platformVersion: number;
  sharedGpaBoundary: bigint;
}

// --- initialization (§6) -------------------------------------------------------------------------------------------

export interface IgvmGuestPolicy extends IgvmHeaderBase, IgvmMasked {
  kind: 'GuestPolicy';
  policy: bigint;
  reserved: number;
}

export interface IgvmRelocatableRegion extends IgvmHeaderBase, IgvmMasked {
  kind: 'RelocatableRegion';
  vpIndex: number;
  vtl: number;
  flags: number;
  relocationAlignment: bigint;
  relocationRegionGpa: bigint;
  relocationRegionSize: bigint;
  minimumRelocationGpa: bigint;
  maximumRelocationGpa: bigint;
}

export interface IgvmPageTableRelocationRegion extends IgvmHeaderBase, IgvmMasked {
  kind: 'PageTableRelocationRegion';
  vpIndex: number;
  vtl: number;
  reserved: number;
  gpa: bigint;
  size: bigint;
  usedSize: bigint;
}

export interface IgvmCorimData extends IgvmHeaderBase, IgvmMasked {
  kind: 'CorimDocument' | 'CorimSignature';
  fileOffset: number;
  sizeBytes: number;
  reserved: number;
  /** The payload (view), undefined when it could not be read; empty when size is 0. */
  data?: Uint8Array;
}

export interface IgvmCcaPolicy extends IgvmHeaderBase, IgvmMasked {
  kind: 'CcaPolicy';
  reserved: number;
  attributesRequiredZeroes: bigint;
  attributesRequiredOnes: bigint;
  hashAlgorithm: number;
  lfaPolicy: number;
  reserved2: Uint8Array;
}

// --- directives (§7) ------------------------------------------------------------------------------------------------

export interface IgvmPageData extends IgvmHeaderBase, IgvmMasked {
  kind: 'PageData';
  gpa: bigint;
  /** Absolute file offset; 0 = a page of zeros. */
  fileOffset: number;
  flags: number;
  dataType: number;
  reserved: number;
  /** The page's data (view, up to 4096 bytes), undefined for file_offset 0 or unreadable data. */
  data?: Uint8Array;
}

export interface IgvmParameterArea extends IgvmHeaderBase {
  kind: 'ParameterArea';
  numberOfBytes: bigint;
  parameterAreaIndex: number;
  fileOffset: number;
  /** Initial contents (view), undefined for file_offset 0. */
  data?: Uint8Array;
}

export interface IgvmParameterInsert extends IgvmHeaderBase, IgvmMasked {
  kind: 'ParameterInsert';
  gpa: bigint;
  parameterAreaIndex: number;
}

/** Kinds that use `IGVM_VHS_PARAMETER` (§7.6). */
export type IgvmParameterKind =
  | 'VpCount'
  | 'Srat'
  | 'Madt'
  | 'MmioRanges'
  | 'MemoryMap'
  | 'CommandLine'
  | 'Slit'
  | 'Pptt'
  | 'DeviceTree'
  | 'EnvironmentInfo';

export interface IgvmParameter extends IgvmHeaderBase {
  kind: IgvmParameterKind;
  parameterAreaIndex: number;
  byteOffset: number;
}

export interface IgvmRequiredMemory extends IgvmHeaderBase, IgvmMasked {
  kind: 'RequiredMemory';
  gpa: bigint;
  numberOfBytes: number;
  flags: number;
  reserved: number;
}

export interface IgvmErrorRange extends IgvmHeaderBase, IgvmMasked {
  kind: 'ErrorRange';
  gpa: bigint;
  sizeBytes: number;
}

/** Fields of `IGVM_VHS_VP_CONTEXT` shared by every VP context kind (§7.7). */
export interface IgvmVpContextFields extends IgvmHeaderBase, IgvmMasked {
  gpa: bigint;
  fileOffset: number;
  vpIndex: number;
  reserved: number;
  /** The 4 padding bytes after the 20-byte body as found (igvmgen writes '0' = 0x30), for exact round trips. */
  padding?: Uint8Array;
  /** The platform the mask resolved to, when it did. */
  platformType?: number;
}

/** SEV-SNP or SEV-ES VMSA page (§8.1). */
export interface IgvmSnpVpContext extends IgvmVpContextFields {
  kind: 'SnpVpContext';
  /** The full 4096-byte VMSA page (view). */
  vmsa: Uint8Array;
}

/** `IgvmNativeVpContextX64` (§8.2). */
export interface NativeVpContextX64 {
  rax: bigint;
  rcx: bigint;
  rdx: bigint;
  rbx: bigint;
  rsp: bigint;
  rbp: bigint;
  rsi: bigint;
  rdi: bigint;
  r8: bigint;
  r9: bigint;
  r10: bigint;
  r11: bigint;
  r12: bigint;
  r13: bigint;
  r14: bigint;
  r15: bigint;
  rip: bigint;
  rflags: bigint;
  idtrBase: bigint;
  idtrLimit: number;
  reserved: [number, number];
  gdtrLimit: number;
  gdtrBase: bigint;
  codeSelector: number;
  codeAttributes: number;
  codeBase: number;
  codeLimit: number;
  dataSelector: number;
  dataAttributes: number;
  dataBase: number;
  dataLimit: number;
  gsBase: bigint;
  cr0: bigint;
  cr3: bigint;
  cr4: bigint;
  efer: bigint;
}

export interface IgvmX64NativeVpContext extends IgvmVpContextFields {
  kind: 'X64NativeVpContext';
  context: NativeVpContextX64;
  /** The 4096-byte page as stored (view). */
  page: Uint8Array;
}

/** One `VbsVpContextRegister` (§8.3). */
export interface VbsVpRegister {
  vtl: number;
  /** Hyper-V register name value. */
  name: number;
  /** Symbolic name when known (e.g. 'Rip', 'Cr3', 'XPc'). */
  nameText?: string;
  mbz: Uint8Array;
  /** 16-byte register value (view). */
  value: Uint8Array;
}

export interface IgvmVbsVpContext extends IgvmVpContextFields {
  kind: 'X64VbsVpContext' | 'AArch64VbsVpContext';
  vtl: number;
  registers: VbsVpRegister[];
  /** `4 + 32 * n` bytes as stored (view). */
  context: Uint8Array;
}

export interface IgvmCcaVpContext extends IgvmVpContextFields {
  kind: 'AArch64CcaVpContext';
  /** The 4096-byte page as stored (view); the first 80 bytes are `IgvmVpContextAArch64Cca`. */
  page: Uint8Array;
}

/** A VP context whose mask does not resolve to one platform that can carry one (kept, reported). */
export interface IgvmUnresolvedVpContext extends IgvmVpContextFields {
  kind: 'VpContext';
  /** Data at file_offset when readable (up to 4096 bytes, view). */
  data?: Uint8Array;
}

export type IgvmVpContext =
  | IgvmSnpVpContext
  | IgvmX64NativeVpContext
  | IgvmVbsVpContext
  | IgvmCcaVpContext
  | IgvmUnresolvedVpContext;

export interface IgvmSnpSignature {
  rComp: Uint8Array;
  sComp: Uint8Array;
}
export interface IgvmSnpPublicKey {
  curve: number;
  reserved: number;
  qx: Uint8Array;
  qy: Uint8Array;
}

/** `IGVM_VHS_SNP_ID_BLOCK` (§7.10). Byte arrays are views into the file. */
export interface IgvmSnpIdBlock extends IgvmHeaderBase, IgvmMasked {
  kind: 'SnpIdBlock';
  authorKeyEnabled: number;
  reserved: Uint8Array;
  ld: Uint8Array;
  familyId: Uint8Array;
  imageId: Uint8Array;
  version: number;
  guestSvn: number;
  idKeyAlgorithm: number;
  authorKeyAlgorithm: number;
  idKeySignature: IgvmSnpSignature;
  idPublicKey: IgvmSnpPublicKey;
  authorKeySignature: IgvmSnpSignature;
  authorPublicKey: IgvmSnpPublicKey;
}

/** `IGVM_VHS_VBS_MEASUREMENT` (§7.11). */
export interface IgvmVbsMeasurement extends IgvmHeaderBase, IgvmMasked {
  kind: 'VbsMeasurement';
  version: number;
  productId: number;
  moduleId: number;
  securityVersion: number;
  policyFlags: number;
  bootDigestAlgo: number;
  signingAlgo: number;
  bootMeasurementDigest: Uint8Array;
  signature: Uint8Array;
  publicKey: Uint8Array;
}

/** A header of an unknown type, or a known type with the wrong length (kept, reported). */
export interface IgvmUnknownHeader extends IgvmHeaderBase {
  kind: 'Unknown';
  /** True when bit 31 says a loader may ignore it (§3.2). */
  optional: boolean;
  /** Section it was found in. */
  section: IgvmSection;
  /** Body bytes (view). */
  body: Uint8Array;
}

export type IgvmPlatformHeader = IgvmSupportedPlatform | IgvmUnknownHeader;
export type IgvmInitializationHeader =
  | IgvmGuestPolicy
  | IgvmRelocatableRegion
  | IgvmPageTableRelocationRegion
  | IgvmCorimData
  | IgvmCcaPolicy
  | IgvmUnknownHeader;
export type IgvmDirectiveHeader =
  | IgvmPageData
  | IgvmParameterArea
  | IgvmParameterInsert
  | IgvmParameter
  | IgvmRequiredMemory
  | IgvmErrorRange
  | IgvmVpContext
  | IgvmSnpIdBlock
  | IgvmVbsMeasurement
  | IgvmUnknownHeader;
export type IgvmHeader = IgvmPlatformHeader | IgvmInitializationHeader | IgvmDirectiveHeader;

// ---------------------------------------------------------------------------------------------------------------
// File

export interface IgvmFile {
  /** 1 or 2 (§13). */
  formatVersion: 1 | 2;
  architecture: IgvmArchitecture;
  pageSize: number;
  /** Input size in bytes. */
  size: number;
  fixedHeader: IgvmFixedHeader;
  /** Platform headers in file order (unknown ones from the platform range included). */
  platforms: IgvmPlatformHeader[];
  initialization: IgvmInitializationHeader[];
  directives: IgvmDirectiveHeader[];
  /** Every variable header in file order (the concatenation of the three lists). */
  headers: IgvmHeader[];
  /** Computed CRC-32 over the fixed header (checksum 0) and the variable header section (§2.3). */
  computedChecksum: number;
  /** Start of the file data section (`variable_header_offset + variable_header_size`). */
  fileDataOffset: number;
  /** The whole input (view), so views in headers can be related to it. */
  bytes: Uint8Array;
}

/** Result of `parseIgvm`: what could be decoded plus every problem found. */
export interface IgvmParseResult {
  file?: IgvmFile;
  diagnostics: Diagnostic[];
}

// ---------------------------------------------------------------------------------------------------------------
// Builder / serializer input: the same model without file positions.

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type Positional = 'type' | 'index' | 'offset' | 'length' | 'bodyLength' | 'raw';

/** A header as given to the serializer or builder: no positions; derived names optional. */
export type IgvmHeaderInput = DistributiveOmit<IgvmHeader, Positional> & Partial<Pick<IgvmHeaderBase, Positional>>;

export interface IgvmFileInput {
  formatVersion: 1 | 2;
  architecture?: IgvmArchitecture;
  platforms: readonly IgvmHeaderInput[];
  initialization: readonly IgvmHeaderInput[];
  directives: readonly IgvmHeaderInput[];
}

/** Bytes as produced by the serializer. */
export type IgvmBytes = Bytes;

// ---------------------------------------------------------------------------------------------------------------
// Flag decoders

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
export function decodeTdxPolicy(policy: bigint): { debugAllowed: boolean; septVeDisable: boolean; migratable: boolean; reserved: bigint } {
  return {
    debugAllowed: (policy & 1n) !== 0n,
    septVeDisable: (policy & 2n) !== 0n,
    migratable: (policy & 4n) !== 0n,
    reserved: policy & ~7n,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Small model helpers

/** The section a type value belongs to, or undefined outside the three ranges (§3.2). */
export function sectionOfType(type: number): IgvmSection | undefined {
  for (const s of ['platform', 'initialization', 'directive'] as const) {
    const [lo, hi] = IGVM_SECTION_RANGES[s];
    if (type >= lo && type <= hi) return s;
  }
  return undefined;
}

/**
 * Whether a header applies to the platform with mask `platformMask`; mask-less headers apply to all (§9).
 * `overlaps` = (mask & P) != 0 (QEMU, igvmmeasure); `contains` = (mask & P) == P (RS-MEAS).
 */
export function appliesTo(
  header: IgvmHeaderInput | IgvmHeader,
  platformMask: number,
  test: 'contains' | 'overlaps' = 'overlaps',
): boolean {
  const m = (header as Partial<IgvmMasked>).compatibilityMask;
  if (m === undefined) return true;
  return test === 'overlaps' ? (m & platformMask) !== 0 : (m & platformMask) >>> 0 === platformMask >>> 0;
}

/** The declared platforms (known platform headers only). */
export function supportedPlatforms(file: Pick<IgvmFile, 'platforms'>): IgvmSupportedPlatform[] {
  return file.platforms.filter((p): p is IgvmSupportedPlatform => p.kind === 'SupportedPlatform');
}

/** VP context kinds. */
export const VP_CONTEXT_KINDS: readonly IgvmHeaderKind[] = [
  'SnpVpContext',
  'X64NativeVpContext',
  'X64VbsVpContext',
  'AArch64VbsVpContext',
  'AArch64CcaVpContext',
  'VpContext',
];
export function isVpContext(h: IgvmHeader): h is IgvmVpContext {
  return VP_CONTEXT_KINDS.includes(h.kind);
}

/** Parameter header kind per type value (§7.6). */
export const IGVM_PARAMETER_KIND_BY_TYPE: Readonly<Record<number, IgvmParameterKind>> = {
  0x307: 'VpCount',
  0x308: 'Srat',
  0x309: 'Madt',
  0x30a: 'MmioRanges',
  0x30c: 'MemoryMap',
  0x30e: 'CommandLine',
  0x30f: 'Slit',
  0x310: 'Pptt',
  0x312: 'DeviceTree',
  0x313: 'EnvironmentInfo',
};
export const IGVM_PARAMETER_TYPE_BY_KIND: Readonly<Record<IgvmParameterKind, number>> = {
  VpCount: 0x307,
  Srat: 0x308,
  Madt: 0x309,
  MmioRanges: 0x30a,
  MemoryMap: 0x30c,
  CommandLine: 0x30e,
  Slit: 0x30f,
  Pptt: 0x310,
  DeviceTree: 0x312,
  EnvironmentInfo: 0x313,
};
