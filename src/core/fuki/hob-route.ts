// The IGVM-firmware route (fuki-uki-kernel-hashes.md §5.4, §5.5; microsoft/igvm #91): an existing OVMF IGVM plus a
// UKI (and optionally shim and a Secure Boot db) → one IGVM whose measured pages carry the blobs and, in the HOB
// area the firmware advertises in its IGVM metadata, the EFI_IGVM_DATA HOBs that tell edk2 where they are — what
// virtfw-igvm-tools' igvm-update does. The whole UKI becomes part of the launch measurement.
import { concatBytes, guidFromString, put16, put32, put64, toHex, type Bytes } from '../bytes/bytes';
import { Diagnostics, type Diagnostic } from '../diagnostics';
import { authenticodeDigest } from '../authenticode/digest';
import { parseFirmware } from '../firmware/firmware';
import { IGVM_METADATA_TYPE } from '../firmware/igvm-metadata';
import { defaultHash, type HashBackend } from '../hash/hash';
import { parseIgvm } from '../igvm/parse';
import { serializeIgvm } from '../igvm/serialize';
import {
  isVpContext,
  supportedPlatforms,
  type IgvmFile,
  type IgvmHeaderInput,
  type IgvmPageData,
} from '../igvm/types';
import { parsePe } from '../pe/parse';
import { authenticatedVariable, signatureDatabase } from './efi-sigdb';
import { appendAll } from '../append';

/** edk2 `OvmfPkg/Include/IndustryStandard/IgvmData.h`: GUID-extension HOB carrying {Address, Length, DataType, Flags}. */
export const EFI_IGVM_DATA_HOB_GUID = '3dd177ff-b632-4e25-bef3-065063d55fc4';
export const EFI_HOB_TYPE_GUID_EXTENSION = 0x0004;
export const IGVM_DATA_HOB_LENGTH = 48;
export const IGVM_DATA_TYPE = { PK: 0x100, KEK: 0x101, DB: 0x102, DBX: 0x103, SHIM: 0x200, KERNEL: 0x201 } as const;
export const IGVM_DATA_TYPE_NAME: Record<number, string> = {
  0x100: 'PK',
  0x101: 'KEK',
  0x102: 'db',
  0x103: 'dbx',
  0x200: 'shim',
  0x201: 'kernel',
};

/** Default GPA for the first blob: above the firmware's fixed MEMFD layout, in RAM of any realistic guest. */
export const DEFAULT_BLOB_BASE = 0x4000000n;

export interface HobRouteInput {
  igvm: Uint8Array;
  /** The EFI binary edk2 boots (typically a UKI). */
  kernel: Uint8Array;
  shim?: Uint8Array;
  /** DER X.509 certificates for db. */
  dbCerts?: Uint8Array[];
  /** Add the Authenticode SHA-256 of shim and kernel to db (igvm-update --add-hash). */
  dbHashes?: boolean;
  blobBase?: bigint;
}

export interface DataHob {
  type: number;
  typeName: string;
  gpa: bigint;
  length: number;
  sha256: string;
}

export interface HobRouteResult {
  igvm?: Bytes;
  hobs: DataHob[];
  hobAreaGpa?: bigint;
  diagnostics: Diagnostic[];
}

function dataHob(gpa: bigint, length: number, type: number): Bytes {
  const h = new Uint8Array(IGVM_DATA_HOB_LENGTH);
  put16(h, 0, EFI_HOB_TYPE_GUID_EXTENSION);
  put16(h, 2, IGVM_DATA_HOB_LENGTH);
  h.set(guidFromString(EFI_IGVM_DATA_HOB_GUID), 8);
  put64(h, 24, gpa);
  put64(h, 32, BigInt(length));
  put32(h, 40, type);
  put32(h, 44, 0);
  return h;
}

/**
 * The firmware image as mapped below 4 GiB, rebuilt from the data pages of `mask` that end at 0xFFFFFFFF (the
 * OVMF footer table and metadata are there, §4.2.1). Undefined when no such pages exist.
 */
export function firmwareImageOf(file: IgvmFile, mask: number): Uint8Array | undefined {
  const pages = new Map<bigint, Uint8Array>();
  for (const h of file.directives)
    if (h.kind === 'PageData' && (h.compatibilityMask & mask) !== 0 && h.data) pages.set(h.gpa, h.data);
  let gpa = 0xfffff000n;
  const chunks: Uint8Array[] = [];
  while (pages.has(gpa) && chunks.length < 0x10000) {
    const p = pages.get(gpa)!;
    const page = new Uint8Array(4096);
    page.set(p.subarray(0, 4096));
    chunks.unshift(page);
    gpa -= 4096n;
  }
  return chunks.length ? concatBytes(...chunks) : undefined;
}

export function combineIgvmWithUki(input: HobRouteInput, hash: HashBackend = defaultHash()): HobRouteResult {
  const d = new Diagnostics();
  const fail = (): HobRouteResult => ({ hobs: [], diagnostics: d.done() });
  const parsed = parseIgvm(input.igvm);
  if (!parsed.file) {
    for (const x of parsed.diagnostics) d.add(x);
    d.error('HOB_IGVM_UNREADABLE', 'the firmware IGVM could not be parsed');
    return fail();
  }
  const file = parsed.file;
  const platforms = supportedPlatforms(file);
  const mask = platforms.reduce((m, p) => m | p.compatibilityMask, 0);
  const image = firmwareImageOf(file, mask);
  const fw = image && parseFirmware(image);
  const hobArea = fw?.igvmMetadata?.entries.find((e) => e.type === IGVM_METADATA_TYPE.HOB_AREA);
  if (!hobArea) {
    d.error(
      'HOB_NO_HOB_AREA',
      'the firmware in this IGVM advertises no IGVM HOB area (needs OVMF with IGVM metadata, edk2-stable202511 or newer)',
      { spec: 'fuki §5.4' },
    );
    return fail();
  }
  const hobAreaGpa = BigInt(hobArea.location);

  // Blobs: shim, kernel, then db built from certificates and Authenticode hashes.
  const blobs: { type: number; data: Uint8Array }[] = [];
  if (input.shim) blobs.push({ type: IGVM_DATA_TYPE.SHIM, data: input.shim });
  blobs.push({ type: IGVM_DATA_TYPE.KERNEL, data: input.kernel });
  const hashes: Uint8Array[] = [];
  if (input.dbHashes) {
    for (const b of blobs) {
      const pe = parsePe(b.data);
      const digest = pe.ok ? authenticodeDigest(b.data, pe, 'sha256', 'pad8', hash) : undefined;
      if (!digest) {
        d.error('HOB_NOT_PE', `${IGVM_DATA_TYPE_NAME[b.type]} is not a PE image: no Authenticode hash for db`);
        return fail();
      }
      hashes.push(digest);
    }
  }
  if ((input.dbCerts?.length ?? 0) > 0 || hashes.length > 0)
    blobs.push({ type: IGVM_DATA_TYPE.DB, data: authenticatedVariable(signatureDatabase(input.dbCerts ?? [], hashes)) });

  const hobs: DataHob[] = [];
  const hobBytes: Uint8Array[] = [];
  const blobDirectives: IgvmHeaderInput[] = [];
  let gpa = input.blobBase ?? DEFAULT_BLOB_BASE;
  if (gpa % 4096n !== 0n) {
    d.error('HOB_BLOB_BASE', `blob base 0x${gpa.toString(16)} is not page aligned`);
    return fail();
  }
  for (const b of blobs) {
    hobs.push({
      type: b.type,
      typeName: IGVM_DATA_TYPE_NAME[b.type]!,
      gpa,
      length: b.data.length,
      sha256: toHex(hash.digest('sha256', b.data)),
    });
    hobBytes.push(dataHob(gpa, b.data.length, b.type));
    for (let off = 0; off < b.data.length; off += 4096) {
      blobDirectives.push({
        kind: 'PageData',
        compatibilityMask: mask,
        gpa: gpa + BigInt(off),
        fileOffset: 0,
        flags: 0,
        dataType: 0,
        reserved: 0,
        data: b.data.subarray(off, Math.min(off + 4096, b.data.length)),
      });
    }
    gpa += BigInt(Math.ceil(b.data.length / 4096) * 4096);
  }
  const hobPage = new Uint8Array(4096);
  hobPage.set(concatBytes(...hobBytes).subarray(0, 4096 - 8));
  if (hobBytes.length * IGVM_DATA_HOB_LENGTH > 4096 - 8) {
    d.error('HOB_AREA_FULL', 'too many data HOBs for one HOB page');
    return fail();
  }

  // Replace the HOB-area page (a zero page in the firmware IGVM) by the measured HOB page; blobs go before the
  // first VP context so VMSAs stay last (QEMU/KVM measure them at the end, igvm-format §14.7).
  const directives: IgvmHeaderInput[] = [];
  let replaced = false;
  let blobsPlaced = false;
  for (const h of file.directives) {
    if (!blobsPlaced && isVpContext(h)) {
      appendAll(directives, blobDirectives);
      blobsPlaced = true;
    }
    if (h.kind === 'PageData' && h.gpa === hobAreaGpa) {
      if (!replaced) directives.push({ ...(h as IgvmPageData), flags: h.flags & ~0x2, fileOffset: 0, data: hobPage });
      replaced = true;
      continue;
    }
    directives.push(h);
  }
  if (!blobsPlaced) appendAll(directives, blobDirectives);
  if (!replaced) {
    // The firmware IGVM does not import the HOB page: add it.
    directives.splice(directives.length - blobDirectives.length, 0, {
      kind: 'PageData',
      compatibilityMask: mask,
      gpa: hobAreaGpa,
      fileOffset: 0,
      flags: 0,
      dataType: 0,
      reserved: 0,
      data: hobPage,
    });
    d.info('HOB_PAGE_ADDED', `the HOB page at 0x${hobAreaGpa.toString(16)} was not in the firmware IGVM; added`);
  }
  const igvm = serializeIgvm({
    formatVersion: file.formatVersion,
    architecture: file.architecture,
    platforms: file.platforms,
    initialization: file.initialization,
    directives,
  });
  return { igvm, hobs, hobAreaGpa, diagnostics: d.done() };
}
