// UKI section names and their rules (fuki-uki-kernel-hashes.md §2.3; systemd src/fundamental/uki.h).

export const SPEC_SECTIONS = 'fuki §2.3';

/** systemd's UnifiedSection enum, "do not reorder": the PCR 11 measurement order (§2.3, §3.1). */
export const UKI_SECTIONS = [
  '.linux',
  '.osrel',
  '.cmdline',
  '.initrd',
  '.ucode',
  '.splash',
  '.dtb',
  '.uname',
  '.sbat',
  '.pcrsig',
  '.pcrpkey',
  '.profile',
  '.dtbauto',
  '.hwids',
  '.efifw',
] as const;
export type UkiSectionName = (typeof UKI_SECTIONS)[number];

export const isUkiSection = (name: string): name is UkiSectionName =>
  (UKI_SECTIONS as readonly string[]).includes(name);

/** Sections that may occur more than once in one profile scope (§2.3 "Multiple?"). */
export const MULTI_INSTANCE_SECTIONS: ReadonlySet<string> = new Set(['.dtbauto', '.efifw']);

/** Never measured into PCR 11 (§2.3): `.pcrsig` carries the signatures over the measurement. */
export const UNMEASURED_SECTIONS: ReadonlySet<string> = new Set(['.pcrsig']);

/** Sections systemd-stub takes from an add-on (§2.7); at least one of them must be present. */
export const ADDON_PAYLOAD_SECTIONS: ReadonlySet<string> = new Set([
  '.cmdline',
  '.dtb',
  '.dtbauto',
  '.initrd',
  '.ucode',
]);
/** Also allowed in an add-on without effect on the boot: `.sbat` (recommended), `.uname` (must match the UKI's). */
export const ADDON_INFORMATIONAL_SECTIONS: ReadonlySet<string> = new Set(['.sbat', '.uname']);

/** Sections ukify imports from a profile PE when joining profiles (§2.4). */
export const PROFILE_IMPORTED_SECTIONS: ReadonlySet<string> = new Set([
  '.linux',
  '.osrel',
  '.cmdline',
  '.initrd',
  '.efifw',
  '.ucode',
  '.splash',
  '.dtb',
  '.uname',
  '.sbat',
  '.profile',
]);

/** The order ukify (262) lays new sections out in (§2.5, checked against the corpus UKIs); extras go before `.sbat`. */
export const UKIFY_ORDER = [
  '.profile',
  '.osrel',
  '.cmdline',
  '.dtb',
  '.dtbauto',
  '.hwids',
  '.uname',
  '.splash',
  '.pcrpkey',
  '.linux',
  '.initrd',
  '.efifw',
  '.ucode',
] as const;
export const UKIFY_TAIL = ['.sbat', '.pcrsig'] as const;

/** Sections whose contents are text (shown as such). */
export const TEXT_SECTIONS: ReadonlySet<string> = new Set([
  '.cmdline',
  '.osrel',
  '.uname',
  '.sbat',
  '.pcrpkey',
  '.pcrsig',
  '.profile',
  '.sdmagic',
]);
