// Building UKIs and add-ons from a systemd stub plus sections, laid out like ukify 262 (fuki §2.5): ukify's
// section order, the stub's `.sbat` replaced in place by the merged SBAT, `.uname` read from the kernel when
// not given, `.linux` VirtualSize = data length (PR #36259), profiles appended after the base.
import { decodeUtf8, textEncoder, u16, u32, type Bytes } from '../bytes/bytes';
import { Diagnostics, type Diagnostic } from '../diagnostics';
import type { DiagnosticCode } from '../diagnostic-codes';
import { editSections, type SectionEdit } from '../pe/edit';
import { findSection, sectionBytes } from '../pe/access';
import { parsePe } from '../pe/parse';
import type { PeFile } from '../pe/types';
import {
  isUkiSection,
  ADDON_INFORMATIONAL_SECTIONS,
  ADDON_PAYLOAD_SECTIONS,
  PROFILE_IMPORTED_SECTIONS,
  UKIFY_ORDER,
  UKIFY_TAIL,
} from './sections';
import { mergeSbat, SBAT_ADDON_LINE, SBAT_HEADER, SBAT_UKI_LINE, sectionText } from './text';
import { appendAll } from '../append';

export interface SectionInput {
  name: string;
  data: Uint8Array | string;
}

export interface ProfileInput {
  /** `.profile` contents, e.g. `ID=debug\nTITLE=Debug`. */
  profile: string | Uint8Array;
  sections: SectionInput[];
}

export interface BuildUkiOptions {
  stub: Uint8Array;
  sections: SectionInput[];
  /** 'uki' needs `.linux`; 'addon' must not have it. Default: 'uki' when `.linux` is given. */
  kind?: 'uki' | 'addon';
  /** Extra SBAT CSV texts merged after the stub's and the kernel's lines; default: the UKI or add-on line. */
  sbat?: string[];
  /** Write ukify ≤ 257's trailing NUL after the SBAT text. */
  sbatTrailingNul?: boolean;
  /** Detect `.uname` from the kernel's setup header when no `.uname` section is given (default true). */
  detectUname?: boolean;
  /** Base profile (`.profile` last in the base) and further profiles (fuki §2.4). */
  baseProfile?: string | Uint8Array;
  profiles?: ProfileInput[];
  /**
   * Build a standalone profile PE (ukify --profile without --join-profile, §2.4): `.profile` first, no `.sbat`,
   * no `.uname` detection; ukify --join-profile later imports its sections into a multi-profile UKI.
   */
  profilePe?: string | Uint8Array;
  /** 'ukify' (default) sorts sections in ukify's order; 'given' keeps the caller's order. */
  order?: 'ukify' | 'given';
}

export interface BuildResult {
  file?: Bytes;
  pe?: PeFile;
  /** Section names in file order as added (after the stub's own). */
  added: string[];
  diagnostics: Diagnostic[];
}

const asBytes = (d: Uint8Array | string): Uint8Array => (typeof d === 'string' ? textEncoder.encode(d) : d);

/**
 * The kernel release from an x86 bzImage (fuki §2.2 step 6): `HdrS` at 0x202, u16 at 0x20E + 0x200 is the
 * offset of a NUL-terminated string like `6.1.0-56-cloud-amd64 (debian-kernel@…) #1 SMP …`.
 */
export function kernelRelease(kernel: Uint8Array): string | undefined {
  if (kernel.length < 0x210 || u32(kernel, 0x202) !== 0x53726448) return undefined;
  const at = u16(kernel, 0x20e) + 0x200;
  if (at >= kernel.length) return undefined;
  let end = kernel.indexOf(0, at);
  if (end < 0 || end - at > 128) end = Math.min(kernel.length, at + 128);
  const m = /^([a-z0-9._-]+) \([^ )]+\) (?:#.*)/.exec(decodeUtf8(kernel.subarray(at, end)));
  return m?.[1];
}

function ukifySort(sections: SectionInput[]): SectionInput[] {
  const rank = (name: string): number => {
    const i = (UKIFY_ORDER as readonly string[]).indexOf(name);
    if (i >= 0) return i;
    const t = (UKIFY_TAIL as readonly string[]).indexOf(name);
    return t >= 0 ? 1000 + t : 500; // extras (`--section`) before .sbat
  };
  return sections
    .map((s, i) => ({ s, i }))
    .sort((a, b) => rank(a.s.name) - rank(b.s.name) || a.i - b.i)
    .map((x) => x.s);
}

/** Builds a UKI or add-on. Never throws on bad input: problems are diagnostics and `file` is absent. */
export function buildUki(opts: BuildUkiOptions): BuildResult {
  const d = new Diagnostics();
  const stubPe = parsePe(opts.stub);
  const fail = (code: DiagnosticCode, message: string): BuildResult => {
    d.error(code, message, { spec: 'fuki §2.5' });
    return { added: [], diagnostics: [...d.done()] };
  };
  if (!stubPe.ok) return { added: [], diagnostics: stubPe.diagnostics };
  const sections = [...opts.sections];
  const linux = sections.find((s) => s.name === '.linux');
  if (opts.profilePe !== undefined) {
    const ordered = [
      { name: '.profile', data: opts.profilePe },
      ...(opts.order === 'given' ? sections : ukifySort(sections)),
    ];
    const r = editSections(
      opts.stub,
      ordered.map((s) => ({ name: s.name, data: asBytes(s.data), mode: 'append' as const })),
    );
    return { file: r.file, pe: r.pe, added: ordered.map((s) => s.name), diagnostics: r.diagnostics };
  }
  const kind = opts.kind ?? (linux ? 'uki' : 'addon');
  if (kind === 'uki' && !linux) return fail('UKI_BUILD_NO_LINUX', 'a UKI needs a .linux section');
  if (kind === 'addon') {
    if (linux) return fail('UKI_BUILD_ADDON_WITH_LINUX', 'an add-on must not contain .linux (fuki §2.7)');
    // UKI-only sections have no effect in an add-on; unknown extras (ukify --section) are allowed.
    for (const s of sections)
      if (
        isUkiSection(s.name) &&
        !ADDON_PAYLOAD_SECTIONS.has(s.name) &&
        !ADDON_INFORMATIONAL_SECTIONS.has(s.name)
      )
        d.warning('ADDON_SECTION_IGNORED', `${s.name} in an add-on is ignored by systemd-stub`, {
          spec: 'fuki §2.7',
        });
    if (!sections.some((s) => ADDON_PAYLOAD_SECTIONS.has(s.name)))
      d.warning('ADDON_EMPTY', 'the add-on has none of .cmdline .dtb .dtbauto .initrd .ucode', {
        spec: 'fuki §2.7',
      });
  }
  const stubSdmagic = findSection(stubPe, '.sdmagic');
  const stubInfo = stubSdmagic ? sectionText(sectionBytes(opts.stub, stubSdmagic)) : undefined;
  if (stubInfo && (kind === 'uki') !== stubInfo.includes('systemd-stub'))
    d.warning(
      'UKI_BUILD_STUB_KIND',
      `stub is "${stubInfo}" but building ${kind === 'uki' ? 'a UKI' : 'an add-on'}`,
      { spec: 'fuki §2' },
    );

  if (kind === 'uki' && opts.detectUname !== false && !sections.some((s) => s.name === '.uname')) {
    const rel = kernelRelease(asBytes(linux!.data));
    if (rel) sections.push({ name: '.uname', data: rel });
    else
      d.info('UKI_BUILD_NO_UNAME', 'no kernel release found in .linux; .uname not added', {
        spec: 'fuki §2.2',
      });
  }
  // SBAT (§2.5): stub lines, kernel lines, then the caller's or the default line. Standalone profile PEs get none.
  if (!sections.some((s) => s.name === '.sbat')) {
    const inputs: string[] = [];
    for (const [f, pe] of [
      [opts.stub, stubPe],
      ...(linux ? [[asBytes(linux.data), parsePe(asBytes(linux.data))] as const] : []),
    ] as const) {
      const s = pe.ok ? findSection(pe, '.sbat') : undefined;
      const t = s ? sectionText(sectionBytes(f, s)) : undefined;
      if (t) inputs.push(t);
    }
    appendAll(inputs, opts.sbat ?? [`${SBAT_HEADER}\n${kind === 'uki' ? SBAT_UKI_LINE : SBAT_ADDON_LINE}\n`]);
    sections.push({ name: '.sbat', data: mergeSbat(inputs, opts.sbatTrailingNul) });
  }
  const ordered = opts.order === 'given' ? sections : ukifySort(sections);
  const edits: SectionEdit[] = ordered.map((s) => ({ name: s.name, data: asBytes(s.data) }));
  // Sections after the base (.pcrsig stays last).
  const tail = edits.filter((e) => e.name === '.pcrsig');
  const base = edits.filter((e) => e.name !== '.pcrsig');
  if (opts.baseProfile !== undefined)
    base.push({ name: '.profile', data: asBytes(opts.baseProfile), mode: 'append' });
  for (const p of opts.profiles ?? []) {
    base.push({ name: '.profile', data: asBytes(p.profile), mode: 'append' });
    for (const s of ukifySort(p.sections)) {
      if (!PROFILE_IMPORTED_SECTIONS.has(s.name))
        d.warning('UKI_BUILD_PROFILE_SECTION', `ukify does not import ${s.name} from a profile`, {
          spec: 'fuki §2.4',
        });
      base.push({ name: s.name, data: asBytes(s.data), mode: 'append' });
    }
  }
  const all = [...base, ...tail];
  const r = editSections(opts.stub, all, { replaceScope: stubPe.sections.length });
  return {
    file: r.file,
    pe: r.pe,
    added: all.map((e) => e.name),
    diagnostics: [...d.done(), ...r.diagnostics],
  };
}
