// IGVM constants (igvm-format-and-measurement.md § numbers below). Header body sizes and the type ↔ kind maps are
// not here: they come from the header declarations (platform.ts, initialization.ts, directives.ts; registry.ts).
// Value → name maps are derived from the `{ NAME: value }` tables (enumNames), never restated.
import { enumNames } from '../fields/field-table';

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
export const IGVM_PLATFORM_TYPE_NAME = enumNames(IGVM_PLATFORM_TYPE);

/** `IgvmArchitecture` in the v2 fixed header (§2.2). v1 files are X64. */
export const IGVM_ARCHITECTURE = { X64: 0, AARCH64: 1 } as const;
export type IgvmArchitecture = 'X64' | 'AArch64';

/** `IgvmPageDataType` (§7.3). */
export const IGVM_PAGE_DATA_TYPE = { NORMAL: 0, SECRETS: 1, CPUID_DATA: 2, CPUID_XF: 3 } as const;
export type IgvmPageDataTypeName = keyof typeof IGVM_PAGE_DATA_TYPE;
export const IGVM_PAGE_DATA_TYPE_NAME = enumNames(IGVM_PAGE_DATA_TYPE);

/** `IgvmPageDataFlags` bits (§7.2). */
export const IGVM_PAGE_FLAG = { IS_2MB_PAGE: 0x1, UNMEASURED: 0x2, SHARED: 0x4 } as const;
/** `RequiredMemoryFlags` (§7.8). */
export const IGVM_REQUIRED_MEMORY_FLAG = { VTL2_PROTECTABLE: 0x1 } as const;
/** Relocatable region flags (§6.2). */
export const IGVM_RELOCATION_FLAG = { IS_VTL2: 0x1, APPLY_PC: 0x2, APPLY_GDTR: 0x4 } as const;
/** `IgvmEnvironmentInfo` bits written by the loader (§7.6). */
export const IGVM_ENVIRONMENT_INFO = { MEMORY_IS_SHARED: 0x1 } as const;
/** `MemoryMapEntryType` (§8.4). */
export const IGVM_MEMORY_MAP_ENTRY_TYPE = {
  MEMORY: 0,
  PLATFORM_RESERVED: 1,
  PERSISTENT: 2,
  VTL2_PROTECTABLE: 3,
  SPECIFIC_PURPOSE: 4,
  HIDDEN: 5,
} as const;
export const IGVM_MEMORY_MAP_ENTRY_TYPE_NAME = enumNames(IGVM_MEMORY_MAP_ENTRY_TYPE);

/** Sizes of VP context data (§7.7, §8.2, §8.3). */
export const SNP_VMSA_SIZE = 4096;
export const NATIVE_X64_VP_CONTEXT_SIZE = 232;
export const CCA_VP_CONTEXT_SIZE = 80;
export const VBS_VP_CONTEXT_HEADER_SIZE = 4;
export const VBS_VP_CONTEXT_REGISTER_SIZE = 32;
