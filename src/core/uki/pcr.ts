// PCR predictions around UKIs (fuki §3.1, §3.2): PCR 11 as systemd-measure computes it (sections in enum
// order, each as name-with-NUL then contents, then the boot-phase words), and the PCR 12 contributions of
// add-ons and of the selected profile (§2.4, §2.7).
import { textEncoder, type Bytes } from '../bytes/bytes';
import { DIGEST_LENGTH, defaultHash, type HashAlgorithm, type HashBackend } from '../hash/hash';
import { sectionBytes, sectionView } from '../pe/access';
import { effectiveSections, type UkiModel } from './model';
import { UKI_SECTIONS, UNMEASURED_SECTIONS } from './sections';

export const PCR_BANKS: readonly HashAlgorithm[] = ['sha1', 'sha256', 'sha384', 'sha512'];

/** systemd-measure's default phase paths (§3.2 step 3). */
export const DEFAULT_PHASE_PATHS = [
  'enter-initrd',
  'enter-initrd:leave-initrd',
  'enter-initrd:leave-initrd:sysinit',
  'enter-initrd:leave-initrd:sysinit:ready',
] as const;

export type BankValues = Record<HashAlgorithm, Bytes>;

export interface MeasuredBlob {
  name: string;
  data: Uint8Array;
}

export interface Pcr11Prediction {
  /** Section names extended, in order. */
  measured: string[];
  /** PCR 11 after the UKI sections, before systemd-pcrphase. */
  sections: Partial<BankValues>;
  /** PCR 11 after each phase path. */
  phases: { path: string; values: Partial<BankValues> }[];
}

/** extend: pcr = H(pcr ‖ H(data)). */
function extend(pcr: Bytes, data: Uint8Array, alg: HashAlgorithm, hash: HashBackend): Bytes {
  return hash.create(alg).update(pcr).update(hash.digest(alg, data)).digest();
}

export interface PcrOptions {
  banks?: readonly HashAlgorithm[];
  phasePaths?: readonly string[];
  hash?: HashBackend;
}

/** PCR 11 over the given sections (any order; unknown, `.pcrsig` and empty ones skipped), like systemd-measure. */
export function predictPcr11(blobs: MeasuredBlob[], opts: PcrOptions = {}): Pcr11Prediction {
  const banks = opts.banks ?? PCR_BANKS;
  const hash = opts.hash ?? defaultHash();
  const ordered: MeasuredBlob[] = [];
  for (const name of UKI_SECTIONS) {
    if (UNMEASURED_SECTIONS.has(name)) continue;
    const b = blobs.find((x) => x.name === name && x.data.length > 0);
    if (b) ordered.push(b);
  }
  const sections: Partial<BankValues> = {};
  const phases: Pcr11Prediction['phases'] = (opts.phasePaths ?? DEFAULT_PHASE_PATHS).map((path) => ({
    path,
    values: {},
  }));
  for (const alg of banks) {
    let pcr: Bytes = new Uint8Array(DIGEST_LENGTH[alg]);
    for (const b of ordered) {
      pcr = extend(pcr, textEncoder.encode(b.name + '\0'), alg, hash);
      pcr = extend(pcr, b.data, alg, hash);
    }
    sections[alg] = pcr;
    for (const ph of phases) {
      let v = pcr;
      for (const word of ph.path.split(':')) if (word) v = extend(v, textEncoder.encode(word), alg, hash);
      ph.values[alg] = v;
    }
  }
  return { measured: ordered.map((b) => b.name), sections, phases };
}

export interface UkiPcr11Options extends PcrOptions {
  /** Profile to boot (default 0 when the UKI has profiles). */
  profile?: number;
  /**
   * 'ukify': what ukify/systemd-measure predict (no `.efifw`); 'stub': what systemd-stub would extend if it
   * selected the `efifwIndex`-th `.efifw` (§1.5, §6 item 4).
   */
  efifw?: 'ukify' | 'stub';
  efifwIndex?: number;
}

/** PCR 11 of a parsed UKI for one profile. */
export function ukiPcr11(file: Uint8Array, model: UkiModel, opts: UkiPcr11Options = {}): Pcr11Prediction {
  const eff = effectiveSections(model, opts.profile);
  const blobs: MeasuredBlob[] = [];
  let efifwSeen = 0;
  for (const s of eff) {
    if (s.name === '.efifw') {
      if (opts.efifw !== 'stub' || efifwSeen++ !== (opts.efifwIndex ?? 0)) continue;
    }
    // A view when the file holds the whole section (no copy of a 14 MiB .linux); zero-filled to VirtualSize otherwise.
    const whole = s.pe.data.length >= s.pe.virtualSize;
    blobs.push({ name: s.name, data: whole ? sectionView(file, s.pe) : sectionBytes(file, s.pe, { zeroFill: true }) });
  }
  return predictPcr11(blobs, opts);
}

// PCR 12 (§2.4, §2.7, §3.1).

/** Event tags systemd-stub logs with PCR 12 measurements (§2.4, §2.7). */
export const PCR12_TAGS = {
  profile: 0x13aed6db,
  devicetreeAddon: 0x6c46f751,
  initrdAddon: 0x49dffe0f,
  ucodeAddon: 0xdac08e1a,
} as const;

export interface Pcr12Event {
  /** What was measured, e.g. `global add-on foo.addon.efi: .cmdline`. */
  description: string;
  kind: 'cmdline' | 'devicetree' | 'initrd' | 'ucode' | 'profile';
  /** Event tag when the stub logs a tagged event. */
  tag?: number;
  /** The measured bytes (UTF-16LE with NUL for strings). */
  data: Uint8Array;
}

/** A string as the stub measures it: UTF-16LE including the terminating NUL. */
export function utf16z(s: string): Bytes {
  const out = new Uint8Array((s.length + 1) * 2);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out[2 * i] = c & 0xff;
    out[2 * i + 1] = c >>> 8;
  }
  return out;
}

/** Selecting profile N ≠ 0 extends PCR 12 with its decimal number (UTF-16LE + NUL, tag 0x13aed6db, §2.4). */
export function profileSelectionEvent(profile: number): Pcr12Event | undefined {
  if (profile === 0) return undefined;
  return {
    description: `profile @${profile} selected`,
    kind: 'profile',
    tag: PCR12_TAGS.profile,
    data: utf16z(String(profile)),
  };
}

export interface Pcr12Prediction {
  events: (Pcr12Event & { digests: Partial<BankValues> })[];
  /** PCR 12 if these were its only extensions (other boot components may add more). */
  values: Partial<BankValues>;
}

export function predictPcr12(events: Pcr12Event[], opts: PcrOptions = {}): Pcr12Prediction {
  const banks = opts.banks ?? PCR_BANKS;
  const hash = opts.hash ?? defaultHash();
  const values: Partial<BankValues> = {};
  const out = events.map((e) => ({ ...e, digests: {} as Partial<BankValues> }));
  for (const alg of banks) {
    let pcr: Bytes = new Uint8Array(DIGEST_LENGTH[alg]);
    for (const e of out) {
      const dgst = hash.digest(alg, e.data);
      e.digests[alg] = dgst;
      pcr = hash.create(alg).update(pcr).update(dgst).digest();
    }
    values[alg] = pcr;
  }
  return { events: out, values };
}
