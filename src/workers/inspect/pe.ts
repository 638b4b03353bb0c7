// A PE/EFI binary (kernel, UKI, add-on, stub) as plain view data: section layout and hashes, decoded text
// sections, Authenticode digests in both padding conventions and the embedded signatures (src/core/pe,
// src/core/authenticode).
import { describeLoaderInfo } from '../../core/uki/loader-info';
import { toHex } from '../../core/bytes/bytes';
import { measureEfifwPayload } from '../../core/fuki/payload-measure';
import { efifwPayloads } from '../../core/uki/efifw-payload';
import { sectionHashedBytes } from '../../core/pe/section-hash';
import {
  authenticodeDigest,
  authenticodeLimitDiagnostic,
  authenticodeRanges,
  HASH_ALGORITHMS,
  completeVerdict,
  embeddedSignatures,
  signaturesAndSha256,
  verdictText,
  verifySigners,
} from '../../core/authenticode';
import type { Diagnostic } from '../../core/diagnostics';
import { peDigestBlocker } from '../../core/pe/digest-gate';
import { kernelSignatureDiagnostics } from '../../core/uki/summary';
import {
  parsePe,
  SCN_CNT_CODE,
  SCN_CNT_INITIALIZED_DATA,
  SCN_MEM_EXECUTE,
  SCN_MEM_READ,
  SCN_MEM_WRITE,
  type PeFile,
} from '../../core/pe';
import { sectionView } from '../../core/pe/access';
import { sectionDigests } from '../../core/pe/section-digests';
import { parseUki, type UkiModel } from '../../core/uki/model';
import { ukiPcr11, type BankValues } from '../../core/uki/pcr';
import type { HashAlgorithm, HashBackend } from '../../core/hash';
import { withWebCryptoHashes } from '../webcrypto-replay';
import type {
  DigestWithheld,
  Field,
  OpenResult,
  PcrValues,
  PeMoreDigests,
  PeSectionRow,
  PeSignatureRow,
  PeView,
  UkiView,
} from '../protocol';

/** Sections whose contents are text (systemd UKI/add-on sections, ukify §; fuki spec §2). */
const TEXT_SECTIONS = new Set(['.cmdline', '.osrel', '.uname', '.sbat', '.profile', '.pcrpkey']);
const MAX_TEXT = 4096;

function flags(c: number): string {
  const out = [];
  if (c & SCN_CNT_CODE) out.push('code');
  if (c & SCN_CNT_INITIALIZED_DATA) out.push('data');
  if (c & SCN_MEM_READ) out.push('R');
  if (c & SCN_MEM_WRITE) out.push('W');
  if (c & SCN_MEM_EXECUTE) out.push('X');
  return out.join(' ');
}

function layout(pe: PeFile): PeView['layout'] {
  const out: PeView['layout'] = [];
  const headersEnd = pe.optional?.sizeOfHeaders ?? pe.sectionTable?.offset ?? 0;
  if (headersEnd > 0) out.push({ label: 'headers', offset: 0, length: headersEnd, kind: 'headers' });
  for (const s of pe.sections)
    if (s.sizeOfRawData > 0)
      out.push({
        label: s.name,
        offset: s.pointerToRawData,
        length: Math.min(s.sizeOfRawData, pe.fileSize - s.pointerToRawData),
        kind: 'section',
      });
  if (pe.symbolTable) out.push({ label: 'symbols', ...pe.symbolTable, kind: 'symbols' });
  if (pe.certificateTable) out.push({ label: 'certificates', ...pe.certificateTable, kind: 'certificates' });
  if (pe.overlay) out.push({ label: 'overlay', ...pe.overlay, kind: 'overlay' });
  return out.filter((l) => l.length > 0).sort((a, b) => a.offset - b.offset);
}

const UKI_KIND_LABEL: Record<string, string> = {
  uki: 'UKI (unified kernel image)',
  addon: 'UKI add-on',
  'profile-pe': 'UKI profile PE',
  pe: 'PE / EFI binary',
};

function hexBanks(v: Partial<BankValues>): PcrValues {
  const out: PcrValues = {};
  for (const [bank, bytes] of Object.entries(v)) if (bytes) out[bank] = toHex(bytes);
  return out;
}

/** The systemd view of the PE: kind, profiles, .efifw blobs and PCR 11 per profile (fuki §3.1, §3.2). */
function ukiView(
  bytes: Uint8Array,
  model: UkiModel,
  hash: HashBackend,
): { view: UkiView; kernelDiagnostics: Diagnostic[] } {
  const profiles = model.profiles.map((p) => ({ index: p.index, id: p.id, title: p.title }));
  // Payloads are measured later, outside the WebCrypto record/replay backend (payloadViews): a measurement is not a
  // fixed set of one-shot digests that backend can replay.
  const efifw = efifwPayloads(bytes, model).map((e) => ({ fwid: e.fwid, size: e.length, offset: e.offset }));
  const pcr11 = pcr11Targets(model).map((profile) => {
    const p = ukiPcr11(bytes, model, { profile, hash, banks: OPEN_ALGORITHMS });
    return {
      profile,
      measured: p.measured,
      sections: hexBanks(p.sections),
      phases: p.phases.map((ph) => ({ path: ph.path, values: hexBanks(ph.values) })),
    };
  });
  const kernel = kernelView(bytes, model, hash);
  return {
    view: { kind: model.kind, stubInfo: model.stubInfo, profiles, efifw, pcr11, kernel: kernel?.view },
    kernelDiagnostics: kernel?.diagnostics ?? [],
  };
}

/** The PCR 11 predictions a UKI gets: one per profile, or one without profiles; none for add-ons and plain PEs. */
function pcr11Targets(model: UkiModel): (number | undefined)[] {
  if (model.kind !== 'uki') return [];
  return model.profiles.length > 0 ? model.profiles.map((p) => p.index) : [undefined];
}

/**
 * What opening a PE computes: SHA-256 only. The SHA-1, SHA-384 and SHA-512 Authenticode digests and PCR 11 banks
 * are each about one more pass over the file (a 14 MiB UKI: ~a dozen in all); the view asks for them when shown
 * (Engine.peDigests). The values are the same whenever they are computed.
 */
export const OPEN_ALGORITHMS: readonly HashAlgorithm[] = ['sha256'];

/** Authenticode digests in `algs` (HASH_ALGORITHMS order), both paddings, as core authenticodeDigests gives them. */
function authenticodeFor(bytes: Uint8Array, pe: PeFile, algs: readonly HashAlgorithm[], hash: HashBackend) {
  if (!pe.ok || authenticodeLimitDiagnostic(pe)) return undefined;
  const paddingMatters = authenticodeRanges(pe, 'pad8').some((r) => r.zeros);
  const rows: PeView['authenticode'] = [];
  for (const alg of HASH_ALGORITHMS) {
    if (!algs.includes(alg)) continue;
    const pad8 = authenticodeDigest(bytes, pe, alg, 'pad8', hash)!;
    const none = paddingMatters ? authenticodeDigest(bytes, pe, alg, 'none', hash)! : pad8;
    rows.push({ algorithm: alg, pad8: toHex(pad8), none: toHex(none) });
  }
  return { paddingMatters, rows };
}

/** The Authenticode digests and PCR 11 banks in `algs` of an open PE (what the view asks for after open). */
export async function peMoreDigests(bytes: Uint8Array, algs: readonly HashAlgorithm[]): Promise<PeMoreDigests> {
  const pe = parsePe(bytes);
  const model = pe.ok ? parseUki(bytes, pe) : undefined;
  // The digest gate, as at open: a damaged PE gets none of these either (its view offers none, and the engine API
  // does not hand them out when asked directly).
  const structural = [
    ...(model?.diagnostics ?? pe.diagnostics),
    ...[authenticodeLimitDiagnostic(pe)].filter((d): d is Diagnostic => d !== undefined),
  ];
  if (peDigestBlocker(structural)) return { authenticode: [], pcr11: [] };
  const { result } = await withWebCryptoHashes((hash) => ({
    authenticode: pe.ok ? (authenticodeFor(bytes, pe, algs, hash)?.rows ?? []) : [],
    pcr11: model
      ? pcr11Targets(model).map((profile) => {
          const p = ukiPcr11(bytes, model, { profile, hash, banks: algs });
          return { sections: hexBanks(p.sections), phases: p.phases.map((ph) => hexBanks(ph.values)) };
        })
      : [],
  }));
  return result;
}

/**
 * The UKI view of a damaged file: no PCR 11 values, no kernel Authenticode digest and no .efifw payload digests, each
 * replaced by the reason (the structure — profiles, .efifw entries, kernel signatures — stays visible).
 */
function withholdUki(uki: UkiView, withheld: DigestWithheld): UkiView {
  return {
    ...uki,
    pcr11: [],
    // Only where there was a prediction to withhold (an add-on has none: PCR 12, not 11).
    ...(uki.pcr11.length > 0 && { pcr11Withheld: withheld }),
    efifw: uki.efifw.map((f) => ({ ...f, payload: undefined, payloadWithheld: withheld })),
    ...(uki.kernel && {
      kernel: { ...uki.kernel, authenticodeSha256: undefined, authenticodeWithheld: withheld },
    }),
  };
}

/**
 * Every .efifw entry's payload recognised (IGVM or OVMF) and measured as a file of its own (issue 10 item 3), with the
 * default hash backend; a damaged payload's digests are withheld.
 */
function withPayloads(bytes: Uint8Array, model: UkiModel, uki: UkiView): UkiView {
  const entries = efifwPayloads(bytes, model);
  return {
    ...uki,
    efifw: uki.efifw.map((f, i) => {
      const e = entries[i];
      if (!e) return f;
      const m = measureEfifwPayload(e);
      return {
        ...f,
        payload: {
          kind: e.kind,
          measurements: m.measurements.map((x) => ({
            platform: x.platform,
            label: x.label,
            digest: x.digest ? toHex(x.digest) : '',
            ...(x.withheld && { withheld: x.withheld }),
          })),
        },
      };
    }),
  };
}

/**
 * The `.linux` PE of a UKI: Authenticode SHA-256 and its own embedded signatures (signer check still pending:
 * `completeRows`), with their diagnostics at UKI offsets.
 */
function kernelView(
  bytes: Uint8Array,
  model: UkiModel,
  hash: HashBackend,
): { view: NonNullable<UkiView['kernel']>; diagnostics: Diagnostic[] } | undefined {
  const linux = model.base.find((s) => s.name === '.linux');
  if (!linux) return undefined;
  const at = linux.pe.data.offset;
  const kernel = sectionView(bytes, linux.pe);
  const kpe = parsePe(kernel);
  if (!kpe.ok) return undefined;
  const { signatures, sha256 } = signaturesAndSha256(kernel, kpe, hash);
  // A damaged kernel PE (e.g. a UKI cut inside .linux) gets no Authenticode digest, like any damaged file.
  const blocked = peDigestBlocker(kpe.diagnostics);
  return {
    view: {
      offset: at,
      length: kernel.length,
      authenticodeSha256: sha256 && !blocked ? toHex(sha256) : undefined,
      ...(blocked && { authenticodeWithheld: { reason: blocked.reason, codes: blocked.codes } }),
      signatures: signatureRows(signatures, at),
    },
    diagnostics: kernelSignatureDiagnostics(signatures, at),
  };
}

/** Decides the signer check of signature rows (DER at their offsets in `bytes`); failures are diagnostics. */
async function completeRows(
  bytes: Uint8Array,
  rows: PeSignatureRow[],
  prefix: string,
): Promise<Diagnostic[]> {
  const out: Diagnostic[] = [];
  for (const row of rows) {
    const r = await completeVerdict(bytes.subarray(row.offset, row.offset + row.length), row.verdict, {
      index: row.index,
      offset: row.offset,
      prefix,
    });
    row.verdict = r.verdict;
    if (r.diagnostic) out.push(r.diagnostic);
  }
  return out;
}

function signatureRows(sigs: ReturnType<typeof embeddedSignatures>, base = 0): PeSignatureRow[] {
  return sigs.map((s) => ({
    index: s.index,
    offset: base + s.content.offset,
    length: s.content.length,
    digestAlgorithm: String(s.digestAlgorithm ?? '?'),
    matches: s.matches,
    verdict: s.verdict,
    signer: s.signer?.subject,
    issuer: s.signer?.issuer,
    validity: s.signer ? `${s.signer.notBefore} – ${s.signer.notAfter}` : undefined,
    signingTime: s.signingTime,
    certificates: s.certificates.length,
  }));
}

export async function inspectPe(
  bytes: Uint8Array,
): Promise<Pick<OpenResult, 'summary' | 'diagnostics' | 'pe' | 'kindLabel'>> {
  const pe = parsePe(bytes);
  const model = pe.ok ? parseUki(bytes, pe) : undefined;
  const kindLabel = UKI_KIND_LABEL[model?.kind ?? 'pe'] ?? 'PE / EFI binary';
  // Authenticode (4 algorithms, both paddings), the signature check, the section SHA-256s (each distinct range
  // once, bounded: sectionDigests) and PCR 11 (4 banks) hash the whole file about a dozen times: their large
  // inputs go to WebCrypto (webcrypto-replay.ts).
  const { result: hashed } = await withWebCryptoHashes((hash) => ({
    auth: pe.ok ? authenticodeFor(bytes, pe, OPEN_ALGORITHMS, hash) : undefined,
    sigs: pe.ok ? embeddedSignatures(bytes, pe, 'pad8', hash) : [],
    sections: sectionDigests(bytes, pe, 'sha256', hash),
    uki: model && model.kind !== 'pe' ? ukiView(bytes, model, hash) : undefined,
  }));
  // The digest gate (core/pe/digest-gate.ts): an error in the file's own structure withholds every digest of it.
  const structural = [
    ...(model?.diagnostics ?? pe.diagnostics),
    ...[authenticodeLimitDiagnostic(pe)].filter((d): d is Diagnostic => d !== undefined),
    ...hashed.sections.diagnostics,
  ];
  const blocker = peDigestBlocker(structural);
  const withheld: DigestWithheld | undefined = blocker && { reason: blocker.reason, codes: blocker.codes };
  const sections: PeSectionRow[] = [];
  for (const s of pe.sections) {
    // The bytes the one section-hash definition covers (core/pe/section-hash: ukify's VirtualSize bytes).
    const data = sectionHashedBytes(bytes, s);
    const row: PeSectionRow = {
      index: s.index,
      name: s.name,
      offset: s.data.offset,
      length: s.data.length,
      virtualAddress: s.virtualAddress,
      virtualSize: s.virtualSize,
      flags: flags(s.characteristics),
      sha256: !withheld && hashed.sections.digests[s.index] ? toHex(hashed.sections.digests[s.index]!) : undefined,
    };
    if (TEXT_SECTIONS.has(s.name))
      row.text = new TextDecoder('utf-8', { fatal: false })
        .decode(data.subarray(0, MAX_TEXT))
        .replace(/\0+$/, '');
    sections.push(row);
  }
  const { auth, sigs } = hashed;
  // Check 3 of every verdict (WebCrypto): the file's signatures and those of the kernel inside a UKI.
  await verifySigners(bytes, sigs);
  const uki = hashed.uki?.view && (withheld ? withholdUki(hashed.uki.view, withheld) : hashed.uki.view);
  const kernelDiagnostics = [
    ...(hashed.uki?.kernelDiagnostics ?? []),
    ...(uki?.kernel ? await completeRows(bytes, uki.kernel.signatures, '.linux: ') : []),
  ];
  const view: PeView = {
    format: pe.optional ? (pe.optional.pe32plus ? 'PE32+' : 'PE32') : 'unknown',
    machine: pe.coff?.machineName ?? '?',
    subsystem: pe.optional?.subsystem ?? 0,
    entryPoint: '0x' + (pe.optional?.addressOfEntryPoint ?? 0).toString(16),
    sections,
    layout: layout(pe),
    authenticode: withheld ? [] : (auth?.rows ?? []),
    ...(auth && !withheld && { pendingAlgorithms: HASH_ALGORITHMS.filter((a) => !OPEN_ALGORITHMS.includes(a)) }),
    paddingMatters: auth?.paddingMatters ?? false,
    ...(withheld && { withheld }),
    uki: uki && model && !withheld ? withPayloads(bytes, model, uki) : uki,
    loaderInfo: model?.stubInfo,
    signatures: signatureRows(sigs),
  };
  const summary: Field[] = [
    { label: 'Format', value: `${view.format}, ${view.machine}` },
    { label: 'Entry point (RVA)', value: view.entryPoint },
    {
      label: 'Sections',
      value: String(sections.length),
      ...(pe.sectionTable && { offset: pe.sectionTable.offset, length: pe.sectionTable.length }),
    },
    {
      label: 'Signatures',
      value:
        sigs.length === 0
          ? 'unsigned'
          : sigs.length === 1
            ? verdictText(sigs[0]!.verdict)
            : `${sigs.length} (${sigs.filter((s) => s.verdict.covers).length} covering this file)`,
    },
  ];
  if (model?.stubInfo)
    summary.push({ label: 'Built by (.sdmagic)', value: describeLoaderInfo(model.stubInfo) });
  return {
    kindLabel,
    summary,
    diagnostics: [
      ...structural,
      ...sigs.flatMap((s) => s.diagnostics),
      ...kernelDiagnostics,
    ],
    pe: view,
  };
}
