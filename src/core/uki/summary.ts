// One plain-data summary of a PE/UKI for the CLI (`fukiscope pe`, `fukiscope inspect`) and the UI: sections
// with SHA-256, Authenticode digests, embedded signatures, UKI contents and PCR 11 per profile and phase.
// Digests are lowercase hex strings.
import { appendAll } from '../append';
import { toHex } from '../bytes/bytes';
import type { Diagnostic } from '../diagnostics';
import { defaultHash, type HashAlgorithm, type HashBackend } from '../hash/hash';
import { authenticodeDigests, authenticodeLimitDiagnostic } from '../authenticode/digest';
import { peDigestBlocker } from '../pe/digest-gate';
import { sectionDigests } from '../pe/section-digests';
import {
  completeVerdict,
  embeddedSignatures,
  signaturesAndSha256,
  type EmbeddedSignature,
} from '../authenticode/signature';
import type { SignatureVerdict } from '../authenticode/verdict';
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
    /** SHA-256 of the bytes the file holds; absent beyond the hashing limit (PE_SECTION_HASH_LIMIT). */
    sha256?: Hex;
  }[];
  authenticode?: { paddingMatters: boolean; digests: Record<HashAlgorithm, { pad8: Hex; none: Hex }> };
  signatures: {
    index: number;
    /** The PKCS#7 blob in the file. */
    offset: number;
    length: number;
    digestAlgorithm?: string;
    signedDigest?: Hex;
    /** The signed image digest equals the file's Authenticode digest: check 1 only, never the verdict. */
    matches?: boolean;
    signer?: { subject: string; issuer: string; serial: string; notBefore: string; notAfter: string };
    signingTime?: string;
    certificates: string[];
    /**
     * Whether the signature covers the file (src/core/authenticode/verdict.ts). The signer check is 'not-checked'
     * until `verifySummarySignatures` (async, WebCrypto) ran.
     */
    verdict: SignatureVerdict;
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
      /** The kernel's bytes in the UKI. */
      offset: number;
      length: number;
      release?: string;
      machine?: string;
      signed: boolean;
      /** The kernel's own Authenticode SHA-256 and embedded signatures (its Secure Boot signer). */
      authenticodeSha256?: Hex;
      /** Offsets relative to the UKI; `verdict` as for the top-level signatures (what it covers is the kernel). */
      signatures: {
        index: number;
        offset: number;
        length: number;
        signer?: string;
        matches?: boolean;
        verdict: SignatureVerdict;
      }[];
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
  /**
   * The file's structure has error diagnostics (core/pe/digest-gate.ts): `authenticode`, every section `sha256`,
   * `pcr11` and the kernel's `authenticodeSha256` are then absent (issue 10).
   */
  withheld?: { reason: string; codes: string[] };
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

/** Diagnostics of the kernel's signatures, moved to UKI offsets and marked as the kernel's. */
export const kernelSignatureDiagnostics = (sigs: EmbeddedSignature[], at: number): Diagnostic[] =>
  sigs.flatMap((g) =>
    g.diagnostics.map((d) => ({
      ...d,
      message: `.linux: ${d.message}`,
      ...(d.offset !== undefined && { offset: d.offset + at }),
    })),
  );

function linuxInfo(
  file: Uint8Array,
  s: UkiSection | undefined,
  hash: HashBackend,
  diagnostics: Diagnostic[],
  /** The UKI around it is damaged: no kernel digest either. */
  withheld: boolean,
): NonNullable<PeSummary['uki']>['linux'] {
  if (!s) return undefined;
  const at = s.pe.data.offset;
  const kernel = sectionView(file, s.pe);
  const pe = parsePe(kernel);
  const { signatures: sigs, sha256 } = pe.ok
    ? signaturesAndSha256(kernel, pe, hash)
    : { signatures: [], sha256: undefined };
  appendAll(diagnostics, kernelSignatureDiagnostics(sigs, at));
  return {
    offset: at,
    length: kernel.length,
    release: kernelRelease(kernel),
    machine: pe.coff?.machineName,
    signed: pe.certificates.length > 0,
    authenticodeSha256: sha256 && !withheld && !peDigestBlocker(pe.diagnostics) ? toHex(sha256) : undefined,
    signatures: sigs.map((g) => ({
      index: g.index,
      offset: at + g.content.offset,
      length: g.content.length,
      signer: g.signer?.subject,
      matches: g.matches,
      verdict: g.verdict,
    })),
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
  const acLimit = authenticodeLimitDiagnostic(pe);
  const sectionHashes = sectionDigests(file, pe, 'sha256', hash);
  const sigs = embeddedSignatures(file, pe, 'pad8', hash);
  const blocked = peDigestBlocker([
    ...model.diagnostics,
    ...(acLimit ? [acLimit] : []),
    ...sectionHashes.diagnostics,
  ]);
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
      sha256: !blocked && sectionHashes.digests[s.index] ? toHex(sectionHashes.digests[s.index]!) : undefined,
    })),
    authenticode:
      ac && !blocked
        ? {
            paddingMatters: ac.paddingMatters,
            digests: Object.fromEntries(
              Object.entries(ac.digests).map(([k, v]) => [k, { pad8: toHex(v.pad8), none: toHex(v.none) }]),
            ) as Record<HashAlgorithm, { pad8: Hex; none: Hex }>,
          }
        : undefined,
    signatures: sigs.map((s) => ({
      index: s.index,
      offset: s.content.offset,
      length: s.content.length,
      digestAlgorithm: s.digestAlgorithm,
      signedDigest: s.signedDigest && toHex(s.signedDigest),
      matches: s.matches,
      signer: s.signer,
      signingTime: s.signingTime,
      certificates: s.certificates.map((c) => c.subject),
      verdict: s.verdict,
    })),
    pcr11: model.kind === 'uki' && !blocked ? pcrRows(file, model, opts.banks ?? PCR_BANKS, hash) : [],
    ...(blocked && { withheld: blocked }),
    diagnostics: [
      ...model.diagnostics,
      ...(acLimit ? [acLimit] : []),
      ...sectionHashes.diagnostics,
      ...sigs.flatMap((s) => s.diagnostics),
    ],
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
      linux: linuxInfo(file, pick(model.base, '.linux'), hash, summary.diagnostics, !!blocked),
      // Aliasing headers share one decoded .hwids (model.ts): list each decoded table once.
      hwids: [...new Set(all.map((s) => s.hwids).filter((h) => h !== undefined))]
        .flat()
        .map(({ type, chid, name, fwid, compatible }) => ({ type, chid, name, fwid, compatible })),
    };
  }
  return summary;
}

/**
 * Decides the signer check (WebCrypto, hence async) of every signature in a summary, the UKI's own and those
 * of its `.linux` kernel, completing their verdicts; failures become diagnostics of the summary.
 */
export async function verifySummarySignatures(file: Uint8Array, summary: PeSummary): Promise<void> {
  const rows = [
    ...summary.signatures.map((s) => ({ s, prefix: '' })),
    ...(summary.uki?.linux?.signatures ?? []).map((s) => ({ s, prefix: '.linux: ' })),
  ];
  for (const { s, prefix } of rows) {
    const der = file.subarray(s.offset, s.offset + s.length);
    const r = await completeVerdict(der, s.verdict, { index: s.index, offset: s.offset, prefix });
    s.verdict = r.verdict;
    if (r.diagnostic) summary.diagnostics.push(r.diagnostic);
  }
}

/** Signatures in a summary (the file's and its kernel's) that do not cover what they sign. */
export function uncoveredSignatures(
  summary: PeSummary,
): { index: number; kernel: boolean; verdict: SignatureVerdict }[] {
  return [
    ...summary.signatures.map((s) => ({ index: s.index, kernel: false, verdict: s.verdict })),
    ...(summary.uki?.linux?.signatures ?? []).map((s) => ({
      index: s.index,
      kernel: true,
      verdict: s.verdict,
    })),
  ].filter((s) => !s.verdict.covers);
}
