// The typed IGVM model shared by the codec, the measurement engines and the UI (igvm-format § numbers below);
// u64 fields are bigint. The header types are derived from their declarations (HeaderOf: one property per body
// field); what a declaration cannot say (VP context data, the fixed header, the file) is written out here.
// Stable API: add fields and kinds, never rename.
import type { Bytes } from '../bytes/bytes';
import type { Diagnostic } from '../diagnostics';
import type { IgvmArchitecture, IgvmSection } from './constants';
import { IGVM_SECTION_RANGES } from './constants';
import type {
  DIRECTIVE_HEADERS,
  ERROR_RANGE,
  PAGE_DATA,
  PARAMETER_AREA,
  PARAMETER_INSERT,
  REQUIRED_MEMORY,
  VBS_MEASUREMENT,
} from './directives';
import type { FieldsModel, HeaderOf, IgvmHeaderBase } from './header-fields';
import type {
  CCA_POLICY,
  GUEST_POLICY,
  INITIALIZATION_HEADERS,
  PAGE_TABLE_RELOCATION_REGION,
  RELOCATABLE_REGION,
} from './initialization';
import type { PLATFORM_HEADERS, SUPPORTED_PLATFORM } from './platform';
import { VP_CONTEXT_KINDS, type VP_CONTEXT_FIELDS } from './vp-context';

export type { IgvmHeaderBase } from './header-fields';
export type { IgvmCorimData } from './initialization';
export type {
  IgvmParameter,
  IgvmParameterKind,
  IgvmSnpIdBlock,
  IgvmSnpPublicKey,
  IgvmSnpSignature,
} from './directives';

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
// Variable headers, discriminated on `kind` (§3.3). `kind` names follow the Rust crate's enum variants so counts
// compare directly with the corpus manifest.

/** A header that applies only to the platforms whose bits are set (§9). */
export interface IgvmMasked {
  compatibilityMask: number;
}

export type IgvmSupportedPlatform = HeaderOf<typeof SUPPORTED_PLATFORM>;
export type IgvmGuestPolicy = HeaderOf<typeof GUEST_POLICY>;
export type IgvmRelocatableRegion = HeaderOf<typeof RELOCATABLE_REGION>;
export type IgvmPageTableRelocationRegion = HeaderOf<typeof PAGE_TABLE_RELOCATION_REGION>;
export type IgvmCcaPolicy = HeaderOf<typeof CCA_POLICY>;
export type IgvmPageData = HeaderOf<typeof PAGE_DATA>;
export type IgvmParameterArea = HeaderOf<typeof PARAMETER_AREA>;
export type IgvmParameterInsert = HeaderOf<typeof PARAMETER_INSERT>;
export type IgvmRequiredMemory = HeaderOf<typeof REQUIRED_MEMORY>;
export type IgvmErrorRange = HeaderOf<typeof ERROR_RANGE>;
export type IgvmVbsMeasurement = HeaderOf<typeof VBS_MEASUREMENT>;

/** Fields of `IGVM_VHS_VP_CONTEXT` shared by every VP context kind (§7.7). */
export type IgvmVpContextFields = IgvmHeaderBase &
  FieldsModel<typeof VP_CONTEXT_FIELDS> & {
    /** The 4 padding bytes after the 20-byte body as found (igvmgen writes '0' = 0x30), for exact round trips. */
    padding?: Uint8Array;
    /** The platform the mask resolved to, when it did. */
    platformType?: number;
  };

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
  IgvmSnpVpContext | IgvmX64NativeVpContext | IgvmVbsVpContext | IgvmCcaVpContext | IgvmUnresolvedVpContext;

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

/** The three sections' headers: each declared type of the section's list, plus unknown ones found in its range. */
export type IgvmPlatformHeader = HeaderOf<(typeof PLATFORM_HEADERS)[number]> | IgvmUnknownHeader;
export type IgvmInitializationHeader = HeaderOf<(typeof INITIALIZATION_HEADERS)[number]> | IgvmUnknownHeader;
export type IgvmDirectiveHeader =
  HeaderOf<(typeof DIRECTIVE_HEADERS)[number]> | IgvmVpContext | IgvmUnknownHeader;
export type IgvmHeader = IgvmPlatformHeader | IgvmInitializationHeader | IgvmDirectiveHeader;
export type IgvmHeaderKind = IgvmHeader['kind'];

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
export type IgvmHeaderInput = DistributiveOmit<IgvmHeader, Positional> &
  Partial<Pick<IgvmHeaderBase, Positional>>;

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
// Small model helpers

const [PLATFORM_LO, PLATFORM_HI] = IGVM_SECTION_RANGES.platform;
const [INIT_LO, INIT_HI] = IGVM_SECTION_RANGES.initialization;
const [DIRECTIVE_LO, DIRECTIVE_HI] = IGVM_SECTION_RANGES.directive;

/** The section a type value belongs to, or undefined outside the three ranges (§3.2). */
export function sectionOfType(type: number): IgvmSection | undefined {
  // Asked twice per header (parse and header table): plain bound compares, no tuple per range.
  if (type >= PLATFORM_LO && type <= PLATFORM_HI) return 'platform';
  if (type >= INIT_LO && type <= INIT_HI) return 'initialization';
  if (type >= DIRECTIVE_LO && type <= DIRECTIVE_HI) return 'directive';
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
export { VP_CONTEXT_KINDS };
export function isVpContext(h: IgvmHeader): h is IgvmVpContext {
  return (VP_CONTEXT_KINDS as readonly string[]).includes(h.kind);
}
