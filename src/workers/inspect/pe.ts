// A PE/EFI binary (kernel, UKI, add-on, stub) as plain view data: section layout and hashes, decoded text
// sections, Authenticode digests in both padding conventions and the embedded signatures (src/core/pe,
// src/core/authenticode).
import { describeLoaderInfo } from '../../core/uki/loader-info';
import { toHex } from '../../core/bytes/bytes';
import { authenticodeDigests, embeddedSignatures, signaturesAndSha256 } from '../../core/authenticode';
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
import { parseUki, type UkiModel } from '../../core/uki/model';
import { ukiPcr11, type BankValues } from '../../core/uki/pcr';
import type { HashBackend } from '../../core/hash';
import { withWebCryptoHashes } from '../webcrypto-replay';
import type {
  Field,
  OpenResult,
  PcrValues,
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

async function sha256(b: Uint8Array): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', b.slice())));
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
function ukiView(bytes: Uint8Array, model: UkiModel, hash: HashBackend): UkiView {
  const profiles = model.profiles.map((p) => ({ index: p.index, id: p.id, title: p.title }));
  const efifw = [...model.base, ...model.profiles.flatMap((p) => p.sections)]
    .filter((s) => s.efifw)
    .map((s) => ({
      fwid: s.efifw!.fwid,
      size: s.efifw!.payload.length,
      offset: s.pe.data.offset + s.efifw!.payload.offset,
    }));
  const targets =
    model.kind === 'uki' ? (profiles.length > 0 ? profiles.map((p) => p.index) : [undefined]) : [];
  const pcr11 = targets.map((profile) => {
    const p = ukiPcr11(bytes, model, { profile, hash });
    return {
      profile,
      measured: p.measured,
      sections: hexBanks(p.sections),
      phases: p.phases.map((ph) => ({ path: ph.path, values: hexBanks(ph.values) })),
    };
  });
  return {
    kind: model.kind,
    stubInfo: model.stubInfo,
    profiles,
    efifw,
    pcr11,
    kernel: kernelView(bytes, model, hash),
  };
}

/** The `.linux` PE of a UKI: Authenticode SHA-256 and its own embedded signatures. */
function kernelView(bytes: Uint8Array, model: UkiModel, hash: HashBackend): UkiView['kernel'] {
  const linux = model.base.find((s) => s.name === '.linux');
  if (!linux) return undefined;
  const at = linux.pe.data.offset;
  const kernel = sectionView(bytes, linux.pe);
  const kpe = parsePe(kernel);
  if (!kpe.ok) return undefined;
  const { signatures, sha256 } = signaturesAndSha256(kernel, kpe, hash);
  return {
    offset: at,
    length: kernel.length,
    authenticodeSha256: sha256 && toHex(sha256),
    signatures: signatureRows(signatures, at),
  };
}

function signatureRows(sigs: ReturnType<typeof embeddedSignatures>, base = 0): PeSignatureRow[] {
  return sigs.map((s) => ({
    index: s.index,
    offset: base + s.content.offset,
    length: s.content.length,
    digestAlgorithm: String(s.digestAlgorithm ?? '?'),
    matches: s.matches,
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
  const sections: PeSectionRow[] = [];
  for (const s of pe.sections) {
    const data = bytes.subarray(s.data.offset, s.data.offset + s.data.length);
    const row: PeSectionRow = {
      index: s.index,
      name: s.name,
      offset: s.data.offset,
      length: s.data.length,
      virtualAddress: s.virtualAddress,
      virtualSize: s.virtualSize,
      flags: flags(s.characteristics),
      sha256: await sha256(data),
    };
    if (TEXT_SECTIONS.has(s.name))
      row.text = new TextDecoder('utf-8', { fatal: false })
        .decode(data.subarray(0, MAX_TEXT))
        .replace(/\0+$/, '');
    sections.push(row);
  }
  // Authenticode (4 algorithms, both paddings), the signature check and PCR 11 (4 banks) hash the whole file
  // about a dozen times: their large inputs go to WebCrypto (webcrypto-replay.ts).
  const { result: hashed } = await withWebCryptoHashes((hash) => ({
    auth: pe.ok ? authenticodeDigests(bytes, pe, hash) : undefined,
    sigs: pe.ok ? embeddedSignatures(bytes, pe, 'pad8', hash) : [],
    uki: model && model.kind !== 'pe' ? ukiView(bytes, model, hash) : undefined,
  }));
  const { auth, sigs } = hashed;
  const view: PeView = {
    format: pe.optional ? (pe.optional.pe32plus ? 'PE32+' : 'PE32') : 'unknown',
    machine: pe.coff?.machineName ?? '?',
    subsystem: pe.optional?.subsystem ?? 0,
    entryPoint: '0x' + (pe.optional?.addressOfEntryPoint ?? 0).toString(16),
    sections,
    layout: layout(pe),
    authenticode: auth
      ? Object.entries(auth.digests).map(([algorithm, d]) => ({
          algorithm,
          pad8: toHex(d.pad8),
          none: toHex(d.none),
        }))
      : [],
    paddingMatters: auth?.paddingMatters ?? false,
    uki: hashed.uki,
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
          : `${sigs.length} (${sigs.filter((s) => s.matches).length} matching this file)`,
    },
  ];
  if (model?.stubInfo) summary.push({ label: 'Built by (.sdmagic)', value: describeLoaderInfo(model.stubInfo) });
  return {
    kindLabel,
    summary,
    diagnostics: [...(model?.diagnostics ?? pe.diagnostics), ...sigs.flatMap((s) => s.diagnostics)],
    pe: view,
  };
}
