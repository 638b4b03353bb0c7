// Measurement variants as explicit options, with the presets of igvm-format-and-measurement.md §20
// (the differences are listed in §14.2.3 and §19).

export interface SnpOptions {
  /** PAGE_DATA with the `shared` flag: RS-MEAS/Hyper-V skip it, igvmmeasure/QEMU measure it (§19.1). */
  sharedPages: 'skip' | 'measure';
  /** PARAMETER_INSERT: one UNMEASURED page per 4K of the area (RS-MEAS, QEMU/KVM) or only the first (igvmmeasure) (§19.2). */
  parameterInsertPages: 'all' | 'first';
  /** SNP VMSAs: only those whose mask applies to SNP (RS-MEAS) or every SnpVpContext in the file (igvmmeasure) (§19.3). */
  vmsaMaskFilter: boolean;
  /** file_offset-0 NORMAL pages: NORMAL with the zero-page hash (spec, QEMU) or the SNP ZERO page type (§14.2.4). */
  zeroPages: 'normal' | 'native';
  /** 2MB-flagged pages: one update at gpa (RS-MEAS) or 512 4K updates when empty (igvmmeasure) (§19.5). */
  twoMbPages: 'single' | 'expand';
  /** RS-MEAS refuses files without a GUEST_POLICY for SNP (`MissingGuestPolicy`, §14.2.3). */
  requireGuestPolicy: boolean;
  /** Mask test: `(mask & P) == P` (RS-MEAS) or `(mask & P) != 0` (igvmmeasure); identical for one-bit platform masks (§9). */
  maskTest: 'contains' | 'overlaps';
}

export const SNP_PROFILES = ['igvm', 'igvmmeasure', 'native-zero'] as const;
export type SnpProfile = (typeof SNP_PROFILES)[number];

export const SNP_PROFILE_OPTIONS: Readonly<Record<SnpProfile, Readonly<SnpOptions>>> = {
  /** microsoft/igvm measurement module (= OpenVMM, Hyper-V loader). */
  igvm: {
    sharedPages: 'skip',
    parameterInsertPages: 'all',
    vmsaMaskFilter: true,
    zeroPages: 'normal',
    twoMbPages: 'single',
    requireGuestPolicy: true,
    maskTest: 'contains',
  },
  /** coconut-svsm igvmmeasure, default mode. */
  igvmmeasure: {
    sharedPages: 'measure',
    parameterInsertPages: 'first',
    vmsaMaskFilter: false,
    zeroPages: 'normal',
    twoMbPages: 'expand',
    requireGuestPolicy: false,
    maskTest: 'overlaps',
  },
  /** coconut-svsm igvmmeasure `--native-zero`. */
  'native-zero': {
    sharedPages: 'measure',
    parameterInsertPages: 'first',
    vmsaMaskFilter: false,
    zeroPages: 'native',
    twoMbPages: 'expand',
    requireGuestPolicy: false,
    maskTest: 'overlaps',
  },
};

export function snpOptions(profile: SnpProfile = 'igvm', overrides: Partial<SnpOptions> = {}): SnpOptions {
  return { ...SNP_PROFILE_OPTIONS[profile], ...overrides };
}

/** TDX MRTD page order (§14.4): each page's ADD then its EXTENDs, or all ADDs then all EXTENDs. */
export const TDX_ORDERS = ['single-pass', 'two-pass'] as const;
export type TdxOrder = (typeof TDX_ORDERS)[number];

/** Upper bound on operations per platform, so hostile sizes (parameter areas, error ranges, 2MB pages) cannot stall us. */
export const MAX_MEASURE_OPS = 1 << 19; // 2 GiB of 4K pages; ~100 bytes of engine state each
