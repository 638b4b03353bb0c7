// The measured-boot events a UKI boot produces, predicted from the files (evidence §4), per systemd-stub version:
// PCR 4 image events (the UKI, its add-ons, and the embedded kernel for 252/257), PCR 11 (two EV_IPL events per
// measured section: the ASCII name with NUL, then the VirtualSize bytes), PCR 12 (the joined add-on command
// lines, then tagged add-on events), PCR 1's smbios tag (262), and PCR 9 (the kernel's LoadOptions and initrd).
// Each event says whether its digest is predicted from the files or depends on the firmware/VMM.
import { appendAll } from '../append';
import { authenticodeDigest } from '../authenticode/digest';
import { textEncoder, toHex, type Bytes } from '../bytes/bytes';
import { Diagnostics, type Diagnostic } from '../diagnostics';
import { DIGEST_LENGTH, defaultHash, type HashAlgorithm, type HashBackend } from '../hash/hash';
import { sectionBytes, sectionView } from '../pe/access';
import { parsePe } from '../pe/parse';
import { mergeAddons, type AddonInput, type InitrdPart } from './addons';
import {
  combineInitrds,
  SIDECAR_ORDER,
  SIDECARS,
  sidecarKindsFor,
  stubLiteralCpio,
  stubSidecarCpio,
  type SidecarFile,
  type SidecarKind,
} from './extra-cpio';
import { effectiveSections, parseUki, pick, type UkiModel, type UkiSection } from './model';
import { PCR12_TAGS, PCR_BANKS, profileSelectionEvent, utf16z, type BankValues } from './pcr';
import {
  pcr11SectionsFor,
  pcr11UnverifiedFor,
  stubAddsExtraCpio,
  stubLoadImagesKernel,
  stubLoadsAddons,
  stubMeasuresSmbios,
  stubVersion,
  type StubVersion,
} from './stub-version';

const SPEC = 'evidence §4';

/** TCG event types used here (TCG PFP §10.4.1). */
const EV_IPL = 0xd;
const EV_EVENT_TAG = 0x6;
const EV_EFI_BOOT_SERVICES_APPLICATION = 0x80000003;

/** systemd-stub's smbios tag and the Linux EFI stub's tags (systemd measure.h; Linux efistub.h). */
export const SMBIOS_TYPE1_TAG = 0xd5cb7cbc;
export const LINUX_LOAD_OPTIONS_TAG = 0x8f3b22ed;
export const LINUX_INITRD_TAG = 0x8f3b22ec;

export type EventSource = 'firmware' | 'uki' | 'uki-section' | 'addon' | 'kernel' | 'stub' | 'vmm';

export interface PredictedEvent {
  pcr: number;
  type: number;
  /** What produced it: the firmware loading the UKI, a UKI section the stub measured, an add-on, the kernel… */
  source: EventSource;
  description: string;
  /** The digest per bank, when it follows from the files. */
  digests?: Partial<BankValues>;
  /** Why the digest cannot be predicted from the files alone. */
  dependsOn?: string;
  tag?: number;
}

export interface BootPrediction {
  stub?: StubVersion;
  events: PredictedEvent[];
  /** PCR 11 and 12 as the stub leaves them (both start at zero and only the stub extends them). */
  pcr11: Partial<BankValues>;
  pcr12: Partial<BankValues>;
  /**
   * PCR 9 as the Linux EFI stub leaves it (LoadOptions, then the initrd), when every PCR 9 event is predicted.
   * Assumes nothing else extends PCR 9 (no boot loader before the stub measuring into it).
   */
  pcr9?: Partial<BankValues>;
  /** The command line the kernel gets and the LoadOptions digest input. */
  cmdline: string;
  /** Statements about what the prediction assumes. */
  assumptions: string[];
  diagnostics: Diagnostic[];
}

export interface BootPredictionOptions {
  banks?: readonly HashAlgorithm[];
  profile?: number;
  hash?: HashBackend;
  /** Override the stub version read from the file. */
  stubMajor?: number;
  /**
   * ESP sidecar files the stub packs into its own cpio archives (credentials, system/configuration extensions),
   * by kind. Absent: none on the ESP (the prediction says so).
   */
  sidecars?: Partial<Record<SidecarKind, SidecarFile[]>>;
}

function digests(data: Uint8Array, banks: readonly HashAlgorithm[], hash: HashBackend): Partial<BankValues> {
  const out: Partial<BankValues> = {};
  for (const alg of banks) out[alg] = hash.digest(alg, data);
  return out;
}

function authenticode(
  file: Uint8Array,
  banks: readonly HashAlgorithm[],
  hash: HashBackend,
): Partial<BankValues> | undefined {
  const pe = parsePe(file);
  if (!pe.ok) return undefined;
  const out: Partial<BankValues> = {};
  for (const alg of banks) {
    const v = authenticodeDigest(file, pe, alg, 'pad8', hash);
    if (!v) return undefined;
    out[alg] = v;
  }
  return out;
}

function replay(
  events: PredictedEvent[],
  pcr: number,
  banks: readonly HashAlgorithm[],
  hash: HashBackend,
): Partial<BankValues> {
  const out: Partial<BankValues> = {};
  for (const alg of banks) {
    let v: Bytes = new Uint8Array(DIGEST_LENGTH[alg]);
    for (const e of events)
      if (e.pcr === pcr && e.digests?.[alg]) v = hash.create(alg).update(v).update(e.digests[alg]!).digest();
    out[alg] = v;
  }
  return out;
}

/** KNOWN_STUBS: the versions booted in the corpus boot lab (evidence §4). Others are extrapolated. */
export const BOOTED_STUB_VERSIONS: readonly number[] = [252, 257, 262];

export function predictBoot(
  uki: { file: Uint8Array; model?: UkiModel },
  addons: AddonInput[] = [],
  opts: BootPredictionOptions = {},
): BootPrediction {
  const d = new Diagnostics();
  const banks = opts.banks ?? PCR_BANKS;
  const hash = opts.hash ?? defaultHash();
  const model = uki.model ?? parseUki(uki.file);
  const stub = stubVersion(model);
  const major = opts.stubMajor ?? stub?.major ?? 262;
  const assumptions: string[] = [];
  if (!stub && opts.stubMajor === undefined)
    d.warning(
      'BOOT_STUB_VERSION_UNKNOWN',
      'no systemd-stub version in .sdmagic or .sbat; predicting as for 262',
      { spec: SPEC },
    );
  else if (!BOOTED_STUB_VERSIONS.includes(major))
    d.warning(
      'BOOT_STUB_VERSION_UNVERIFIED',
      `systemd-stub ${major} was not booted in the boot lab (252, 257, 262); what it measures is extrapolated`,
      {
        spec: SPEC,
      },
    );
  const events: PredictedEvent[] = [];

  // PCR 4: the firmware measures the UKI's Authenticode digest in every bank (Secure Boot off or on).
  const ukiAuth = authenticode(uki.file, banks, hash);
  if (!ukiAuth)
    d.error('BOOT_UKI_NOT_PE', 'the UKI is not a PE whose Authenticode digest can be computed', {
      spec: SPEC,
    });
  events.push({
    pcr: 4,
    type: EV_EFI_BOOT_SERVICES_APPLICATION,
    source: 'uki',
    description: 'UKI (Authenticode), loaded by the firmware boot manager',
    ...(ukiAuth ? { digests: ukiAuth } : { dependsOn: 'a PE image' }),
  });

  // PCR 11: per measured section, name then contents (evidence §4).
  const eff = effectiveSections(model, opts.profile);
  const measured = pcr11SectionsFor(major);
  const unverified = pcr11UnverifiedFor(major);
  for (const name of measured) {
    if (name === '.efifw') {
      if (pick(eff, '.efifw'))
        assumptions.push(
          ".efifw is measured into PCR 11 only when a .hwids entry matches the machine's SMBIOS (not on QEMU): predicted as not measured",
        );
      continue;
    }
    const s = pick(eff, name);
    if (!s || s.size === 0) continue;
    if (unverified.includes(name))
      d.warning(
        'BOOT_PCR11_SECTION_UNVERIFIED',
        `stub ${major} measures ${name} per its source; no corpus boot covers it`,
        { spec: SPEC },
      );
    const whole = s.pe.data.length >= s.pe.virtualSize;
    const content = whole ? sectionView(uki.file, s.pe) : sectionBytes(uki.file, s.pe, { zeroFill: true });
    events.push({
      pcr: 11,
      type: EV_IPL,
      source: 'uki-section',
      description: `${name} (name)`,
      digests: digests(textEncoder.encode(name + '\0'), banks, hash),
    });
    events.push({
      pcr: 11,
      type: EV_IPL,
      source: 'uki-section',
      description: `${name} (contents)`,
      digests: digests(content, banks, hash),
    });
  }

  // ESP sidecars (credentials → PCR 12, system extensions → PCR 13, configuration extensions → PCR 12): each
  // archive the stub builds is measured as one EV_IPL event, after the devicetree add-ons and before the ucode and
  // initrd add-ons (stub.c run()), and becomes part of the kernel's initrd.
  const sidecarArchives: { kind: SidecarKind; cpio: Uint8Array; files: string[] }[] = [];
  const sidecarEvents: PredictedEvent[] = [];
  const givenSidecars = SIDECAR_ORDER.filter((k) => (opts.sidecars?.[k]?.length ?? 0) > 0);
  if (givenSidecars.length > 0 && !stubAddsExtraCpio(major))
    d.warning(
      'BOOT_SIDECARS_UNMODELLED',
      `ESP sidecar files are not modelled for systemd-stub ${major} (only 257+): they are left out of PCR 9, 12 and 13`,
      { spec: SPEC },
    );
  else
    for (const kind of givenSidecars) {
      if (!sidecarKindsFor(major).includes(kind)) {
        assumptions.push(
          `systemd-stub ${major} does not read ${SIDECARS[kind].esp}: the ${kind} files given are not measured or passed on`,
        );
        continue;
      }
      const a = stubSidecarCpio(opts.sidecars![kind]!, kind);
      if (!a) continue;
      sidecarArchives.push({ kind, ...a });
      sidecarEvents.push({
        pcr: SIDECARS[kind].pcr,
        type: EV_IPL,
        source: 'stub',
        description: `${SIDECARS[kind].description} (${a.files.join(', ')} from ${SIDECARS[kind].esp})`,
        digests: digests(a.cpio, banks, hash),
      });
    }
  if (stubAddsExtraCpio(major) && givenSidecars.length === 0)
    assumptions.push(
      'no credentials (*.cred) or extensions (*.raw) on the ESP: the stub adds no sidecar archive',
    );

  // Add-ons (257+): loaded (PCR 4), then their command lines joined (PCR 12), then tagged events.
  const merged = mergeAddons({ file: uki.file, model }, stubLoadsAddons(major) ? addons : [], {
    profile: opts.profile,
  });
  appendAll(
    d.list,
    merged.diagnostics.filter((x) => !model.diagnostics.includes(x)),
  );
  if (!stubLoadsAddons(major) && addons.length > 0)
    assumptions.push(
      `systemd-stub ${major} ignores add-ons: ${addons.length} given, none loaded or measured, command line unchanged`,
    );
  if (stubLoadsAddons(major)) {
    const byOrder = merged.order.map((key) => addons.find((a) => `${a.scope}/${a.fileName}` === key)!);
    for (const a of byOrder) {
      const auth = authenticode(a.file, banks, hash);
      events.push({
        pcr: 4,
        type: EV_EFI_BOOT_SERVICES_APPLICATION,
        source: 'addon',
        description: `${a.scope} add-on ${a.fileName} (Authenticode; logged by the firmware when the stub loads it)`,
        ...(auth ? { digests: auth } : { dependsOn: 'a PE image' }),
      });
    }
    const prof = opts.profile !== undefined ? profileSelectionEvent(opts.profile) : undefined;
    const pcr12 = prof ? [prof, ...merged.pcr12] : merged.pcr12;
    let smbiosDone = false;
    let sidecarsDone = false;
    for (const e of pcr12) {
      if (!sidecarsDone && (e.kind === 'ucode' || e.kind === 'initrd')) {
        appendAll(events, sidecarEvents);
        sidecarsDone = true;
      }
      if (e.tag !== undefined && e.kind !== 'profile' && !smbiosDone && stubMeasuresSmbios(major)) {
        events.push(smbiosEvent());
        smbiosDone = true;
      }
      events.push({
        pcr: 12,
        type: e.tag !== undefined ? EV_EVENT_TAG : EV_IPL,
        source: e.kind === 'profile' ? 'stub' : 'addon',
        description: e.description,
        digests: digests(e.data, banks, hash),
        ...(e.tag !== undefined ? { tag: e.tag } : {}),
      });
    }
    if (stubMeasuresSmbios(major) && !smbiosDone) events.push(smbiosEvent());
    if (!sidecarsDone) appendAll(events, sidecarEvents);
  }

  // PCR 4: the embedded kernel, LoadImage'd by 252/257 from memory (a vendor media device path).
  const linux = pick(eff, '.linux');
  if (linux && stubLoadImagesKernel(major)) {
    const auth = authenticode(sectionBytes(uki.file, linux.pe), banks, hash);
    events.push({
      pcr: 4,
      type: EV_EFI_BOOT_SERVICES_APPLICATION,
      source: 'kernel',
      description: "embedded kernel (.linux, Authenticode), LoadImage'd by the stub",
      ...(auth ? { digests: auth } : { dependsOn: 'a PE kernel image' }),
    });
  }

  // PCR 9: the Linux EFI stub measures its LoadOptions (the command line as UTF-16 with NUL) and the initrd.
  // (For 252 `merged` was computed without add-ons: the UKI's .cmdline alone.)
  const cmdline = merged.cmdline;
  events.push({
    pcr: 9,
    type: EV_EVENT_TAG,
    source: 'kernel',
    tag: LINUX_LOAD_OPTIONS_TAG,
    description: `LoadOptions (the command line the stub passes: "${cmdline}")`,
    digests: digests(utf16z(cmdline), banks, hash),
  });
  const initrdParts = stubLoadsAddons(major)
    ? merged.initrds
    : merged.initrds.filter((p) => p.source === 'UKI');
  const initrd = stubAddsExtraCpio(major)
    ? stubInitrd(uki.file, eff, initrdParts, sidecarArchives)
    : {
        parts: initrdParts.map((p) => p.data),
        label: initrdParts.map((p) => `${p.source} ${p.kind}`).join(' + '),
      };
  if (initrd.parts.length > 0) {
    const h = Object.fromEntries(banks.map((alg) => [alg, hash.create(alg)]));
    for (const p of combineInitrds(initrd.parts)) for (const alg of banks) h[alg]!.update(p);
    const dg: Partial<BankValues> = {};
    for (const alg of banks) dg[alg] = h[alg]!.digest();
    events.push({
      pcr: 9,
      type: EV_EVENT_TAG,
      source: 'kernel',
      tag: LINUX_INITRD_TAG,
      description: `Linux initrd (${initrd.label})`,
      digests: dg,
    });
  }

  if (stubAddsExtraCpio(major))
    assumptions.push(
      "PCR 9's initrd is the stub's combined buffer (UKI .ucode/.initrd, sidecar archives, the generated /.extra cpios, add-on initrds, each padded to 4 bytes): exact when the firmware or a boot loader registered no initrd of its own (LoadFile2) and passed no LoadOptions",
    );
  assumptions.push(
    "PCR 9 is the kernel's: the Linux EFI stub (6.1 in the boot lab) measures LoadOptions and the initrd as tagged events; a kernel whose EFI stub does not measure them leaves PCR 9 to the firmware",
  );
  assumptions.push(
    'PCR 0–3, 5–7 and the PCR 4 boot-manager events (EV_EFI_ACTION, separator) come from the firmware and the VMM, not from these files',
  );
  return {
    stub,
    events,
    pcr11: replay(events, 11, banks, hash),
    pcr12: replay(events, 12, banks, hash),
    ...(events.some((e) => e.pcr === 9 && !e.digests) ? {} : { pcr9: replay(events, 9, banks, hash) }),
    cmdline,
    assumptions,
    diagnostics: d.done(),
  };

  function smbiosEvent(): PredictedEvent {
    return {
      pcr: 1,
      type: EV_EVENT_TAG,
      source: 'vmm',
      tag: SMBIOS_TYPE1_TAG,
      description: 'smbios:type1 (systemd-stub measures the SMBIOS type 1 table)',
      dependsOn: "the VMM's SMBIOS type 1 table",
    };
  }
}

/**
 * The initrd systemd-stub 257+ hands to the kernel (stub.c run(): ucode add-ons, the UKI's .ucode and .initrd, the
 * sidecar archives, the generated /.extra cpios for .pcrsig, .pcrpkey, .osrel and .profile, then the initrd
 * add-ons), as the parts combine_initrds concatenates.
 */
function stubInitrd(
  file: Uint8Array,
  eff: UkiSection[],
  parts: InitrdPart[],
  sidecars: readonly { kind: SidecarKind; cpio: Uint8Array }[],
): { parts: Uint8Array[]; label: string } {
  const base = parts.filter((p) => p.source === 'UKI' || p.kind === 'ucode');
  const addonInitrds = parts.filter((p) => !(p.source === 'UKI' || p.kind === 'ucode'));
  const out: Uint8Array[] = base.map((p) => p.data);
  const label = base.map((p) => `${p.source} ${p.kind}`);
  for (const s of sidecars) {
    out.push(s.cpio);
    label.push(`${s.kind} cpio`);
  }
  for (const [section, name] of EXTRA_CPIO_FILES) {
    const s = pick(eff, section);
    if (!s) continue;
    // The stub packs the section as loaded in memory: VirtualSize bytes, zero-filled past the raw data.
    const cpio = stubLiteralCpio('.extra', name, sectionBytes(file, s.pe, { zeroFill: true }));
    if (!cpio) continue;
    out.push(cpio);
    label.push(`/.extra/${name} cpio`);
  }
  for (const p of addonInitrds) {
    out.push(p.data);
    label.push(`${p.source} ${p.kind}`);
  }
  return { parts: out, label: label.join(' + ') };
}

/** The sections the stub wraps as /.extra/<name>, in the order of its INITRD_* enum. */
const EXTRA_CPIO_FILES: readonly [string, string][] = [
  ['.pcrsig', 'tpm2-pcr-signature.json'],
  ['.pcrpkey', 'tpm2-pcr-public-key.pem'],
  ['.osrel', 'os-release'],
  ['.profile', 'profile'],
];

/** Re-exported so callers need one import for the tags they match on. */
export { PCR12_TAGS };

/** The JSON/text view of a prediction (hex digests), shared by the CLI and the worker. */
export function bootPredictionView(p: BootPrediction) {
  const hex = (v: Partial<BankValues> | undefined) =>
    v ? Object.fromEntries(Object.entries(v).map(([k, b]) => [k, toHex(b)])) : undefined;
  return {
    stub: p.stub ? `systemd-stub ${p.stub.text} (from ${p.stub.source})` : 'unknown',
    cmdline: p.cmdline,
    pcr11: hex(p.pcr11)!,
    pcr12: hex(p.pcr12)!,
    pcr9: hex(p.pcr9),
    events: p.events.map((e) => ({
      pcr: e.pcr,
      type: e.type,
      source: e.source,
      description: e.description,
      ...(e.tag !== undefined ? { tag: '0x' + e.tag.toString(16).padStart(8, '0') } : {}),
      digests: hex(e.digests),
      dependsOn: e.dependsOn,
    })),
    assumptions: p.assumptions,
    diagnostics: p.diagnostics,
  };
}

export type BootPredictionView = ReturnType<typeof bootPredictionView>;

/** Text lines for a prediction view. */
export function formatBootPrediction(v: BootPredictionView): string {
  const lines = [`measured boot (${v.stub}):`];
  for (const e of v.events)
    lines.push(
      `  PCR ${String(e.pcr).padStart(2)} ${e.source.padEnd(11)} ${e.description}${e.digests ? (e.digests.sha256 ? `  sha256 ${e.digests.sha256}` : '') : `  — depends on ${e.dependsOn}`}`,
    );
  for (const [bank, x] of Object.entries(v.pcr11)) lines.push(`  pcr11 (after the stub) ${bank} ${x}`);
  for (const [bank, x] of Object.entries(v.pcr12)) lines.push(`  pcr12 (after the stub) ${bank} ${x}`);
  for (const [bank, x] of Object.entries(v.pcr9 ?? {}))
    lines.push(`  pcr9 (after the Linux EFI stub) ${bank} ${x}`);
  for (const a of v.assumptions) lines.push(`  assumes: ${a}`);
  return lines.join('\n') + '\n';
}
