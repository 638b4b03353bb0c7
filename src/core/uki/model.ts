// The UKI view of a PE (fuki §2.2–§2.4, §2.7): stub vs UKI sections, base + profiles split at each `.profile`,
// decoded text/structured sections, and what kind of file it is (UKI, add-on, profile PE, plain PE).
import { Diagnostics, type Diagnostic } from '../diagnostics';
import { parsePe } from '../pe/parse';
import { sectionView } from '../pe/access';
import type { PeFile, PeSection } from '../pe/types';
import { decodeEfifw, type EfifwBlob } from './efifw';
import { decodeHwids, type HwidEntry } from './hwids';
import { decodePcrsig, type PcrSignature } from './pcrsig';
import {
  ADDON_INFORMATIONAL_SECTIONS,
  ADDON_PAYLOAD_SECTIONS,
  isUkiSection,
  MULTI_INSTANCE_SECTIONS,
  SPEC_SECTIONS,
  TEXT_SECTIONS,
} from './sections';
import { parseEnvText, parseSbat, sectionText, type SbatEntry } from './text';

export type UkiKind = 'uki' | 'addon' | 'profile-pe' | 'pe';

/** Max profiles systemd-stub accepts (§2.4). */
export const MAX_PROFILES = 256;

export interface UkiSection {
  name: string;
  /** The PE section it comes from. */
  pe: PeSection;
  size: number;
  text?: string;
  /** `.osrel` and `.profile`: the KEY=VALUE pairs. */
  fields?: Record<string, string>;
  sbat?: SbatEntry[];
  efifw?: EfifwBlob;
  hwids?: HwidEntry[];
  pcrsig?: PcrSignature[];
}

export interface UkiProfile {
  index: number;
  id?: string;
  title?: string;
  /** The profile's own sections, starting with its `.profile`. */
  sections: UkiSection[];
}

export interface UkiModel {
  kind: UkiKind;
  pe: PeFile;
  /** `.sdmagic` text, e.g. `#### LoaderInfo: systemd-stub 262.1-1 ####`. */
  stubInfo?: string;
  /** Sections systemd does not know (`.text`, `.data`, `.sdmagic`, …): the stub's own, or extras. */
  otherSections: PeSection[];
  /** UKI sections before the first `.profile`. */
  base: UkiSection[];
  profiles: UkiProfile[];
  diagnostics: Diagnostic[];
}

/**
 * Text sections larger than this are not decoded (issue 11: bounded work). Real ones are small: a kernel
 * command line is at most a few KiB (COMMAND_LINE_SIZE), os-release, SBAT, PEM keys and PCR signatures are KiB.
 */
export const MAX_TEXT_SECTION = 1024 * 1024;

/** What decodeSection derives from a section's bytes (shared by headers that alias the same bytes). */
type Decoded = Pick<UkiSection, 'text' | 'fields' | 'sbat' | 'efifw' | 'hwids' | 'pcrsig'>;

function decodeContents(file: Uint8Array, s: PeSection, d: Diagnostics): Decoded {
  const data = sectionView(file, s);
  const u: Decoded = {};
  if (TEXT_SECTIONS.has(s.name)) {
    if (data.length > MAX_TEXT_SECTION)
      d.warning(
        'UKI_TEXT_TOO_LARGE',
        `${s.name}: ${data.length} bytes, more than the ${MAX_TEXT_SECTION} bytes decoded as text`,
        { offset: s.data.offset, index: s.index, spec: SPEC_SECTIONS },
      );
    else {
      u.text = sectionText(data);
      if (u.text === undefined)
        d.warning('UKI_TEXT_NOT_UTF8', `${s.name} is not valid UTF-8`, {
          offset: s.data.offset,
          index: s.index,
          spec: SPEC_SECTIONS,
        });
    }
  }
  if (u.text !== undefined && (s.name === '.osrel' || s.name === '.profile')) u.fields = parseEnvText(u.text);
  if (u.text !== undefined && s.name === '.sbat') u.sbat = parseSbat(u.text);
  if (u.text !== undefined && s.name === '.pcrsig') u.pcrsig = decodePcrsig(u.text, d, s.data.offset);
  if (s.name === '.efifw') u.efifw = decodeEfifw(data, d, s.data.offset);
  if (s.name === '.hwids') u.hwids = decodeHwids(data, d, s.data.offset);
  return u;
}

/**
 * A UKI section with its decoded contents. Headers that alias the same bytes under the same name are decoded
 * once (`cache`, by name + offset + length) and share the result (issue 11: 1024 headers on one range).
 */
function decodeSection(
  file: Uint8Array,
  s: PeSection,
  d: Diagnostics,
  cache: Map<string, Decoded>,
): UkiSection {
  if (s.virtualSize > s.sizeOfRawData)
    d.warning(
      'UKI_SECTION_VIRTUAL_SIZE_EXCEEDS_RAW',
      `${s.name}: VirtualSize > SizeOfRawData; systemd-stub (since PR #36263) refuses such a UKI section`,
      { offset: s.offset, index: s.index, spec: 'fuki §2.1' },
    );
  const key = `${s.name}\0${s.data.offset}:${s.data.length}`;
  let decoded = cache.get(key);
  if (!decoded) {
    decoded = decodeContents(file, s, d);
    cache.set(key, decoded);
  }
  return { name: s.name, pe: s, size: s.virtualSize, ...decoded };
}

function checkDuplicates(scope: UkiSection[], where: string, d: Diagnostics): void {
  const seen = new Set<string>();
  for (const s of scope) {
    if (seen.has(s.name) && !MULTI_INSTANCE_SECTIONS.has(s.name))
      d.warning(
        'UKI_DUPLICATE_SECTION',
        `${where}: ${s.name} occurs more than once; systemd-stub uses the first`,
        { offset: s.pe.offset, index: s.pe.index, spec: 'fuki §2.1' },
      );
    seen.add(s.name);
  }
}

function classify(base: UkiSection[], profiles: UkiProfile[]): UkiKind {
  const all = [...base, ...profiles.flatMap((p) => p.sections)];
  if (all.some((s) => s.name === '.linux')) return 'uki';
  if (base.length === 0 && profiles.length > 0) return 'profile-pe';
  if (all.some((s) => ADDON_PAYLOAD_SECTIONS.has(s.name))) return 'addon';
  return 'pe';
}

/** The UKI model of a file (parses the PE unless given). */
export function parseUki(file: Uint8Array, pe: PeFile = parsePe(file)): UkiModel {
  const d = new Diagnostics();
  const model: UkiModel = { kind: 'pe', pe, otherSections: [], base: [], profiles: [], diagnostics: [] };
  if (!pe.ok) {
    model.diagnostics = pe.diagnostics;
    return model;
  }
  let scope = model.base;
  const cache = new Map<string, Decoded>();
  for (const s of pe.sections) {
    if (s.name === '.sdmagic' && model.stubInfo === undefined && s.data.length <= MAX_TEXT_SECTION)
      model.stubInfo = sectionText(sectionView(file, s));
    if (!isUkiSection(s.name)) {
      model.otherSections.push(s);
      continue;
    }
    const u = decodeSection(file, s, d, cache);
    if (s.name === '.profile') {
      if (model.profiles.length >= MAX_PROFILES) {
        d.error('UKI_TOO_MANY_PROFILES', `more than ${MAX_PROFILES} profiles; the rest are ignored`, {
          offset: s.offset,
          index: s.index,
          spec: 'fuki §2.4',
        });
        break;
      }
      const p: UkiProfile = {
        index: model.profiles.length,
        id: u.fields?.ID,
        title: u.fields?.TITLE,
        sections: [u],
      };
      model.profiles.push(p);
      scope = p.sections;
      continue;
    }
    scope.push(u);
  }
  checkDuplicates(model.base, 'base', d);
  for (const p of model.profiles) checkDuplicates(p.sections, `profile ${p.index}`, d);
  model.kind = classify(model.base, model.profiles);
  if (model.kind === 'addon') {
    for (const s of model.base)
      if (!ADDON_PAYLOAD_SECTIONS.has(s.name) && !ADDON_INFORMATIONAL_SECTIONS.has(s.name))
        d.warning(
          'ADDON_SECTION_IGNORED',
          `${s.name} in an add-on is ignored by systemd-stub (it takes .cmdline .dtb .dtbauto .initrd .ucode)`,
          { offset: s.pe.offset, index: s.pe.index, spec: 'fuki §2.7' },
        );
  }
  if (
    model.kind === 'uki' &&
    !model.base.some((s) => s.name === '.linux') &&
    model.profiles.some((p) => !p.sections.some((s) => s.name === '.linux'))
  )
    d.error(
      'UKI_NO_LINUX',
      'a profile without .linux and no .linux in the base: systemd-stub cannot boot it',
      { spec: 'fuki §2.1' },
    );
  if (model.base.concat(model.profiles.flatMap((p) => p.sections)).some((s) => s.name === '.efifw'))
    d.warning(
      'UKI_EFIFW_PCR11',
      '.efifw: systemd-stub measures a selected firmware blob into PCR 11, but ukify does not pass it to systemd-measure, so a signed/predicted PCR 11 policy would not match if the stub ever selected one (stored stubs never select it)',
      { spec: 'fuki §1.5, §6 item 4' },
    );
  model.diagnostics = [...pe.diagnostics, ...d.done()];
  return model;
}

/**
 * The sections in effect when booting `profile` (§2.4): the base, overridden name-by-name by the profile's
 * sections. Without profiles (or `profile` undefined on a profile-less UKI) the base alone.
 */
export function effectiveSections(model: UkiModel, profile?: number): UkiSection[] {
  const p =
    profile === undefined
      ? model.profiles.length > 0
        ? model.profiles[0]
        : undefined
      : model.profiles[profile];
  if (!p) return model.base;
  const own = new Set(p.sections.map((s) => s.name));
  return [...model.base.filter((s) => !own.has(s.name)), ...p.sections];
}

/** First section of a name in the effective set. */
export const pick = (sections: UkiSection[], name: string): UkiSection | undefined =>
  sections.find((s) => s.name === name);

/**
 * systemd-stub's profile selection (§2.4): load options starting with `@N` (decimal) followed by a space or
 * the end select profile N; the prefix is stripped and not measured as part of the command line.
 */
export function selectProfile(loadOptions: string): { profile: number; rest: string } {
  const m = /^@(\d{1,3})(?: |$)/.exec(loadOptions);
  if (!m || Number(m[1]) >= MAX_PROFILES) return { profile: 0, rest: loadOptions };
  return { profile: Number(m[1]), rest: loadOptions.slice(m[0].length) };
}
