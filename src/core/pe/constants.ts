// PE/COFF constants (fuki-uki-kernel-hashes.md §2.1; Microsoft PE/COFF specification).

export const SPEC_PE = 'fuki §2.1';

export const DOS_MAGIC = 0x5a4d; // 'MZ'
export const DOS_E_LFANEW_OFFSET = 0x3c;
export const PE_SIGNATURE = 0x00004550; // 'PE\0\0'
export const COFF_HEADER_SIZE = 20;
export const SECTION_HEADER_SIZE = 40;
export const SYMBOL_SIZE = 18;

export const PE32_MAGIC = 0x10b;
export const PE32PLUS_MAGIC = 0x20b;

/** Optional-header offsets shared by PE32 and PE32+ (§2.1 table). */
export const OPT_CHECKSUM = 64;
/** Start of the data directories: PE32+ at 112, PE32 at 96. */
export const dataDirectoryStart = (pe32plus: boolean): number => (pe32plus ? 112 : 96);

/** Data directory indices (PE/COFF "Optional Header Data Directories"). */
export const DIR_CERTIFICATE = 4;
export const DIR_BASERELOC = 5;
export const DATA_DIRECTORY_NAMES = [
  'export',
  'import',
  'resource',
  'exception',
  'certificate',
  'basereloc',
  'debug',
  'architecture',
  'globalptr',
  'tls',
  'loadconfig',
  'boundimport',
  'iat',
  'delayimport',
  'clr',
  'reserved',
] as const;

/** Section characteristics used by UKIs (§2.1): `.linux` CODE|READ, other UKI sections INITIALIZED_DATA|READ. */
export const SCN_CNT_CODE = 0x00000020;
export const SCN_CNT_INITIALIZED_DATA = 0x00000040;
export const SCN_MEM_EXECUTE = 0x20000000;
export const SCN_MEM_READ = 0x40000000;
export const SCN_MEM_WRITE = 0x80000000;

/** COFF characteristics flag ukify sets when it strips a trailing symbol table (§2.5 step 2). */
export const FILE_LOCAL_SYMS_STRIPPED = 0x0008;

/** WIN_CERTIFICATE (§2.1: revision 0x0200, type 0x0002 = PKCS#7 SignedData). */
export const WIN_CERT_REVISION_2 = 0x0200;
export const WIN_CERT_TYPE_PKCS_SIGNED_DATA = 0x0002;
export const WIN_CERT_HEADER_SIZE = 8;

export const MACHINE_NAMES: Record<number, string> = {
  0x8664: 'x86-64',
  0xaa64: 'arm64',
  0x014c: 'i386',
  0x01c2: 'arm-thumb',
  0x01c4: 'armv7',
  0x5032: 'riscv32',
  0x5064: 'riscv64',
  0x6232: 'loongarch32',
  0x6264: 'loongarch64',
};

// Hard limits for untrusted input. The loader limit on sections is 96; we read up to what the header
// area can hold and at most MAX_SECTIONS, and flag the rest.
export const MAX_SECTIONS = 1024;
export const MAX_DATA_DIRECTORIES = 16;
export const MAX_CERTIFICATES = 64;

/**
 * Limit on the bytes hashed for one digest over a PE's sections (an Authenticode digest; all section SHA-256s
 * together): 2 × the file size + 64 KiB (issue 11). A well-formed PE's sections are disjoint parts of the file,
 * so its hashed bytes never exceed the file size (+ 7 bytes of Authenticode padding); only overlapping or
 * aliased section headers (1024 headers on one 14 MiB `.linux`) reach the limit, and beyond it the digest is
 * refused with a diagnostic instead of hashing the same bytes a thousand times.
 */
export const hashedBytesLimit = (fileSize: number): number => 2 * fileSize + 64 * 1024;
