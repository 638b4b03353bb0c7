// Which systemd-stub a UKI carries (evidence §4): from `.sdmagic` ("#### LoaderInfo: systemd-stub 262.1-1 ####"),
// else from the `systemd-stub` line of `.sbat`. The version decides what the stub measures.
import { pick, type UkiModel } from './model';

export interface StubVersion {
  /** Major version, e.g. 257. */
  major: number;
  text: string;
  source: '.sdmagic' | '.sbat';
}

export function stubVersion(model: UkiModel): StubVersion | undefined {
  const magic = model.stubInfo && /systemd-stub\s+(\d+)([^\s#]*)/.exec(model.stubInfo);
  if (magic) return { major: Number(magic[1]), text: magic[1]! + magic[2]!, source: '.sdmagic' };
  const sbat = pick(model.base, '.sbat')?.sbat?.find((e) => e.component === 'systemd-stub');
  const v = sbat && /^(\d+)/.exec(sbat.version);
  if (v) return { major: Number(v[1]), text: sbat.version, source: '.sbat' };
  return undefined;
}

/**
 * The UKI sections a stub version measures into PCR 11, in measurement order (systemd's UnifiedSection enum
 * at that version). 252: the enum ended at `.pcrpkey` and had no `.uname`/`.sbat` (evidence §4: the booted 252
 * stub measured `.linux .osrel .cmdline .initrd` and not `.uname`, `.sbat`); 253–257 add `.uname .sbat .ucode
 * .profile .dtbauto .hwids`; 258+ add `.efifw` (measured only when a `.hwids` entry matches the machine).
 */
export function pcr11SectionsFor(major: number): readonly string[] {
  if (major <= 252) return ['.linux', '.osrel', '.cmdline', '.initrd', '.splash', '.dtb', '.pcrpkey'];
  const all = ['.linux', '.osrel', '.cmdline', '.initrd', '.ucode', '.splash', '.dtb', '.uname', '.sbat', '.pcrpkey', '.profile', '.dtbauto', '.hwids'];
  return major >= 258 ? [...all, '.efifw'] : all;
}

/** Sections whose PCR 11 treatment at this version comes from the source, not from a boot in the corpus. */
export function pcr11UnverifiedFor(major: number): readonly string[] {
  return major <= 252 ? ['.splash', '.dtb', '.pcrpkey'] : [];
}

/** Stub 252 ignores add-ons (no load, no PCR 4 or 12 event; evidence §4). */
export const stubLoadsAddons = (major: number): boolean => major >= 253;
/** 252 and 257 LoadImage the embedded kernel (a PCR 4 event); 262 does not (evidence §4). */
export const stubLoadImagesKernel = (major: number): boolean => major < 258;
/** 262 adds EV_EVENT_TAG smbios:type1 to PCR 1 (evidence §4). */
export const stubMeasuresSmbios = (major: number): boolean => major >= 258;
/** 257/262 append a generated `/.extra` cpio (os-release, profile) to the kernel's initrd (evidence §4). */
export const stubAddsExtraCpio = (major: number): boolean => major >= 257;
