// One plain-data summary of a PE/UKI for the CLI (`fukiscope pe`, `fukiscope inspect`) and the UI: sections
// with SHA-256, Authenticode digests, embedded signatures, UKI contents and PCR 11 per profile and phase.
// Digests are lowercase hex strings.
import { toHex } from '../bytes/bytes';
import { sectionDigest } from '../pe/section-hash';
import type { Diagnostic } from '../diagnostics';
import { defaultHash, type HashAlgorithm, type HashBackend } from '../hash/hash';
import { authenticodeDigests } from '../authenticode/digest';
import { embeddedSignatures, signaturesAndSha256, verifySignerSignature } from '../authenticode/signature';
import { sectionView } from '../pe/access';
import { parsePe } from '../pe/parse';
import type { PeFile } from '../pe/types';
import { parseUki, pick, type UkiModel, type UkiSection } from './model';
import { PCR_BANKS, ukiPcr11, type Pcr11Prediction } from './pcr';
import { isUkiSection } from './sections';
import { kernelRelease } from './build';

type Hex = string;
type BankHex = Partial<Record<HashAlgorithm, Hex>>;

export interface PeSummary {
  kind: UkiModel['kind'];
  fileSize: number;
  sha256: Hex;
  machine?: string;
  format?: 'PE32' | 'PE32+';
  stubInfo?: string;
  sections: {
    index: number;
    name: string;
    uki: boolean;
    virtualAddress: number;
    virtualSize: number;
    pointerToRawData: number;
    sizeOfRawData: number;
    characteristics: number;
    sha256: Hex;
  }[];
  authenticode?: { paddingMatters: boolean; digests: Record<HashAlgorithm, { pad8: Hex; none: Hex }> };
  signatures: {
    index: number;
    digestAlgorithm?: string;
    signedDigest?: Hex;
    matches?: boolean;
    signer?: { subject: string; issuer: string; serial: string; notBefore: string; notAfter: string };
    signingTime?: string;
    certificates: string[];
    /** Set by `verifySummarySignatures` (async, WebCrypto): the signer's signature over the signed attributes. */
    signerSignatureValid?: boolean;
  }[];
  uki?: {
    osRelease?: Record<string, string>;
    cmdline?: string;
    uname?: string;
    sbat?: string;
    profiles: { index: number; id?: string; title?: string; sections: string[] }[];
    efifw: { fwid: string; format: string; payloadSize: number }[];
    hwids: { type: string; chid: string; name?: string; fwid?: string; compatible?: string }[];
    /** `.linux` is itself a PE (EFI-stub kernel): its machine, release string and whether it carries a signature. */
    linux?: {
      release?: string;
      machine?: string;
      signed: boolean;
      /** The kernel's own Authenticode SHA-256 and embedded signatures (its Secure Boot signer). */
      authenticodeSha256?: Hex;
      signatures: { signer?: string; matches?: boolean }[];
    };
  };
  /** PCR 11 as systemd-measure predicts it, per profile (`null` = no profiles). */
  pcr11: {
    profile: number | null;
    mode: 'ukify' | 'stub-with-efifw';
    measured: string[];
    sections: BankHex;
    phases: Record<string, BankHex>;
  }[];
  diagnostics: Diagnostic[];
}

const bankHex = (v: Pcr11Prediction['sections']): BankHex =>
  Object.fromEntries(Object.entries(v).map(([k, b]) => [k, toHex(b)])) as BankHex;

function pcrRows(
  file: Uint8Array,
  model: UkiModel,
  banks: readonly HashAlgorithm[],
  hash: HashBackend,
): PeSummary['pcr11'] {
  const profiles: (number | null)[] = model.profiles.length ? model.profiles.map((p) => p.index) : [null];
  const hasEfifw = [...model.base, ...model.profiles.flatMap((p) => p.sections)].some(
    (s) => s.name === '.efifw',
  );
  const rows: PeSummary['pcr11'] = [];
  for (const profile of profiles) {
    for (const mode of hasEfifw ? (['ukify', 'stub-with-efifw'] as const) : (['ukify'] as const)) {
      const p = ukiPcr11(file, model, {
        profile: profile ?? undefined,
        banks,
        hash,
        efifw: mode === 'ukify' ? 'ukify' : 'stub',
      });
      rows.push({
        profile,
        mode,
        measured: p.measured,
        sections: bankHex(p.sections),
        phases: Object.fromEntries(p.phases.map((ph) => [ph.path, bankHex(ph.values)])),
      });
    }
  }
  return rows;
}

function linuxInfo(
  file: Uint8Array,
  s: UkiSection | undefined,
  hash: HashBackend,
): NonNullable<PeSummary['uki']>['linux'] {
  if (!s) return undefined;
  const kernel = sectionView(file, s.pe);
  const pe = parsePe(kernel);
  const { signatures: sigs, sha256 } = pe.ok
    ? signaturesAndSha256(kernel, pe, hash)
    : { signatures: [], sha256: undefined };
  return {
    release: kernelRelease(kernel),
    machine: pe.coff?.machineName,
    signed: pe.certificates.length > 0,
    authenticodeSha256: sha256 && toHex(sha256),
    signatures: sigs.map((g) => ({ signer: g.signer?.subject, matches: g.matches })),
  };
}

export interface SummarizeOptions {
  banks?: readonly HashAlgorithm[];
  hash?: HashBackend;
}

/** Summary of a parsed PE (parses what it is not given). */
export function summarizePe(
  parsed: { file: Uint8Array; pe?: PeFile; model?: UkiModel },
  opts: SummarizeOptions = {},
): PeSummary {
  const { file } = parsed;
  const hash = opts.hash ?? defaultHash();
  const pe = parsed.pe ?? parsePe(file);
  const model = parsed.model ?? parseUki(file, pe);
  const ac = authenticodeDigests(file, pe, hash);
  const sigs = embeddedSignatures(file, pe, 'pad8', hash);
  const text = (s: UkiSection | undefined): string | undefined => s?.text;
  const all = [...model.base, ...model.profiles.flatMap((p) => p.sections)];
  const summary: PeSummary = {
    kind: model.kind,
    fileSize: file.length,
    sha256: toHex(hash.digest('sha256', file)),
    machine: pe.coff?.machineName,
    format: pe.optional ? (pe.optional.pe32plus ? 'PE32+' : 'PE32') : undefined,
    stubInfo: model.stubInfo,
    sections: pe.sections.map((s) => ({
      index: s.index,
      name: s.name,
      uki: isUkiSection(s.name),
      virtualAddress: s.virtualAddress,
      virtualSize: s.virtualSize,
      pointerToRawData: s.pointerToRawData,
      sizeOfRawData: s.sizeOfRawData,
      characteristics: s.characteristics,
      sha256: toHex(sectionDigest(file, s, 'sha256', hash)),
    })),
    authenticode: ac && {
      paddingMatters: ac.paddingMatters,
      digests: Object.fromEntries(
        Object.entries(ac.digests).map(([k, v]) => [k, { pad8: toHex(v.pad8), none: toHex(v.none) }]),
      ) as Record<HashAlgorithm, { pad8: Hex; none: Hex }>,
    },
    signatures: sigs.map((s) => ({
      index: s.index,
      digestAlgorithm: s.digestAlgorithm,
      signedDigest: s.signedDigest && toHex(s.signedDigest),
      matches: s.matches,
      signer: s.signer,
      signingTime: s.signingTime,
      certificates: s.certificates.map((c) => c.subject),
    })),
    pcr11: model.kind === 'uki' ? pcrRows(file, model, opts.banks ?? PCR_BANKS, hash) : [],
    diagnostics: [...model.diagnostics, ...sigs.flatMap((s) => s.diagnostics)],
  };
  if (model.kind !== 'pe') {
    summary.uki = {
      osRelease: pick(model.base, '.osrel')?.fields,
      cmdline: text(pick(model.base, '.cmdline')),
      uname: text(pick(model.base, '.uname')),
      sbat: text(pick(model.base, '.sbat')),
      profiles: model.profiles.map((p) => ({
        index: p.index,
        id: p.id,
        title: p.title,
        sections: p.sections.map((s) => s.name),
      })),
      efifw: all.flatMap((s) =>
        s.efifw ? [{ fwid: s.efifw.fwid, format: s.efifw.format, payloadSize: s.efifw.payload.length }] : [],
      ),
      linux: linuxInfo(file, pick(model.base, '.linux'), hash),
      hwids: all
        .flatMap((s) => s.hwids ?? [])
        .map(({ type, chid, name, fwid, compatible }) => ({ type, chid, name, fwid, compatible })),
    };
  }
  return summary;
}

/** Adds `signerSignatureValid` to each signature of a summary (needs WebCrypto, hence async). */
export async function verifySummarySignatures(
  file: Uint8Array,
  summary: PeSummary,
  pe: PeFile = parsePe(file),
): Promise<void> {
  for (const s of summary.signatures) {
    const c = pe.certificates[s.index];
    if (!c) continue;
    s.signerSignatureValid = await verifySignerSignature(
      file.subarray(c.content.offset, c.content.offset + c.content.length),
    );
  }
}
