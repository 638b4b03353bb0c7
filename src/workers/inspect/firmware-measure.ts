// Classic (QEMU -bios) launch measurements of an OVMF/TDVF image for the firmware view: SNP / SEV-ES / SEV
// through core/classic (sev-snp-measure's rules), TDX MRTD in both page orders. What-if controls (vCPUs,
// vCPU type, VMM, guest features) arrive as MeasureOptions; the result is plain ledger data.
import { toHex, type Bytes } from '../../core/bytes/bytes';
import { defaultHash, type HashBackend } from '../../core/hash/hash';
import {
  measureClassic,
  tdvfMrtd,
  TDVF_PAGE_ORDERS,
  type ClassicMode,
  type ClassicStep,
  type TdvfPageOrder,
} from '../../core/classic';
import type { ParsedFirmware } from '../../core/firmware';
import { VCPU_TYPE_NAMES } from '../../core/vmsa/vcpu-types';
import { VMM_TYPES } from '../../core/vmsa/build';
import { parseMeasureSettings } from '../../core/settings/launch-settings';
import { kernelHashes, withCmdline, type KernelHashes } from '../../core/kernel-hashes';
import { coalesceLedger, type LedgerEntry as CoreLedgerEntry } from '../../core/measure/ledger';
import { vmsaGroups } from './vmsa';
import type { LedgerEntry, MeasureChoice, MeasureOptions, MeasureResult } from '../protocol';
import { byteLedgerColumns, ledgerColumns, type ByteLedgerEntry } from '../ledger-columns';

const CLASSIC = { vcpuTypes: [...VCPU_TYPE_NAMES], vmms: [...VMM_TYPES] };

/** What can be measured for this firmware, from its features. */
/**
 * The measurements a firmware image offers, the one to show first first. A TDVF opens on TDX: every corpus build
 * (Debian's OVMF.fd, OVMF.amdsev.fd, OVMF.inteltdx.ms.fd) carries both SEV and TDX metadata, so the bytes alone
 * cannot tell a TDVF from a generic OVMF; a name saying tdx/tdvf, or TDX metadata without SNP metadata, can.
 */
export function firmwareChoices(fw: ParsedFirmware, name = ''): MeasureChoice[] {
  const out: MeasureChoice[] = [];
  if (fw.features.snp)
    out.push({
      platform: 'snp',
      label: 'SEV-SNP launch digest',
      profiles: [],
      tdxOrders: [],
      classic: CLASSIC,
    });
  if (fw.features.sevEs)
    out.push({
      platform: 'seves',
      label: 'SEV-ES launch digest',
      profiles: [],
      tdxOrders: [],
      classic: CLASSIC,
    });
  if (fw.footer) out.push({ platform: 'sev', label: 'SEV launch digest', profiles: [], tdxOrders: [] });
  if (fw.features.tdx) {
    const tdx: MeasureChoice = { platform: 'tdx', label: 'TDX MRTD', profiles: [], tdxOrders: [...TDVF_PAGE_ORDERS] };
    if (!fw.features.snp || /tdx|tdvf/i.test(name)) out.unshift(tdx);
    else out.push(tdx);
  }
  return out;
}

function measureTdvf(bytes: Uint8Array, parsed: ParsedFirmware, order: TdvfPageOrder): MeasureResult {
  const t0 = performance.now();
  const r = tdvfMrtd(bytes, order, parsed);
  const entries: LedgerEntry[] = [];
  for (const s of r.sections) {
    entries.push({
      gpa: '0x' + s.memBase.toString(16),
      pageType: `${s.typeName ?? s.type} × ${s.memSize / 4096n} ${s.memSize === 4096n ? 'page' : 'pages'}`,
      source: s.extendMr ? 'TDH.MEM.PAGE.ADD + TDH.MR.EXTEND' : 'TDH.MEM.PAGE.ADD only',
      contentHash: '',
      running: '',
    });
  }
  return {
    platform: 'tdx',
    label: `TDX MRTD (${order})`,
    algorithm: 'SHA-384 over 128-byte records',
    digest: r.mrtd ? toHex(r.mrtd) : '',
    ms: performance.now() - t0,
    ledger: ledgerColumns(entries),
    runs: entries.map((_, i) => ({ first: i, count: 1 })),
    diagnostics: r.diagnostics,
  };
}

/** Reads another open file's bytes by id (kernel, initrd for the kernel-hashes table). */
export type FileBytes = (id: string) => Uint8Array;

/** Kernel/initrd SHA-256s per "kernelId\0initrdId", so editing the command line rehashes only the command line. */
export type BlobHashCache = Map<string, KernelHashes>;

function directBoot(
  o: MeasureOptions,
  fileBytes: FileBytes,
  blobHashes: BlobHashCache,
): KernelHashes | undefined {
  if (!o.kernelFile) return undefined;
  const key = `${o.kernelFile}\0${o.initrdFile ?? ''}`;
  let h = blobHashes.get(key);
  if (!h) {
    h = kernelHashes({
      kernel: fileBytes(o.kernelFile),
      initrd: o.initrdFile ? fileBytes(o.initrdFile) : undefined,
    });
    blobHashes.set(key, h);
  }
  return withCmdline(h, o.append);
}

/** A classic step in the core ledger's shape, so one coalescing rule serves IGVM and firmware ledgers: steps
 * from one metadata section share a "header"; firmware pages are all "header" -1. */
function asCoreEntry(s: ClassicStep): CoreLedgerEntry {
  return {
    step: s.index,
    header: s.metadataIndex ?? (s.vcpu !== undefined ? 1000 + s.vcpu * 2 : -1),
    offset: 0,
    gpa: s.gpa ?? -1n,
    type: s.pageTypeName ?? s.source,
  };
}

/**
 * A backend that remembers the SHA-384 of each 4 KiB page of `file` (views into its own buffer, keyed by offset),
 * so a what-if change of vCPUs, vCPU type or VMM re-chains from cached page hashes instead of hashing the
 * firmware again; every other input goes to `base()` as it is. The file's bytes must never change (the engine's
 * never do). A copy is returned each time, so no caller can alter the cached value.
 */
export function pageMemoBackend(file: Uint8Array, base: () => HashBackend = defaultHash): HashBackend & { hits: number } {
  const memo = new Map<number, Bytes>();
  const start = file.byteOffset;
  const end = start + file.length;
  const b: HashBackend & { hits: number } = {
    name: 'page-memo',
    hits: 0,
    digest(alg, data) {
      if (alg !== 'sha384' || data.length !== PAGE || data.buffer !== file.buffer || data.byteOffset < start || data.byteOffset + PAGE > end)
        return base().digest(alg, data);
      let d = memo.get(data.byteOffset);
      if (d) b.hits++;
      else memo.set(data.byteOffset, (d = base().digest(alg, data)));
      return d.slice();
    },
    create: (alg) => base().create(alg),
  };
  return b;
}
const PAGE = 4096;

export function measureFirmware(
  bytes: Uint8Array,
  parsed: ParsedFirmware,
  o: MeasureOptions,
  fileBytes: FileBytes,
  cache: BlobHashCache,
  hash: HashBackend = defaultHash(),
): MeasureResult {
  if (o.platform === 'tdx') return measureTdvf(bytes, parsed, (o.tdxOrder as TdvfPageOrder) ?? 'single-pass');
  const t0 = performance.now();
  const mode = o.platform as ClassicMode;
  const classic = mode === 'snp' || mode === 'seves';
  // The what-if text through the core's one settings parser (same limits as the CLI and the composer).
  const settings = parseMeasureSettings({ vcpus: o.vcpus, vcpuType: o.vcpuType, vmm: o.vmm, guestFeatures: o.guestFeatures });
  const s = settings.value;
  const r = s
    ? measureClassic({
        mode,
        firmware: bytes,
        parsed,
        ...(classic && { vcpus: s.vcpus, vcpuSig: s.vmm !== 'QEMU' ? undefined : s.vcpuSig, vmm: s.vmm }),
        ...(mode === 'snp' && o.guestFeatures !== undefined && { guestFeatures: s.guestFeatures }),
        kernel: directBoot(o, fileBytes, cache),
      }, hash)
    : { digest: undefined, algorithm: '', steps: [], vmsas: [], diagnostics: settings.diagnostics };
  // The digests stay bytes (byteLedgerColumns): the page shows toHex of them, as it did of the hex strings.
  const entries: ByteLedgerEntry[] = r.steps.map((s) => ({
    gpa: s.gpa === undefined ? '' : '0x' + s.gpa.toString(16),
    pageType: s.pageTypeName ?? s.label,
    source: s.source + (s.vcpu !== undefined ? ` (vCPU ${s.vcpu})` : ''),
    contentHash: s.contents,
    running: s.digestAfter,
  }));
  return {
    platform: o.platform,
    label:
      {
        snp: 'SEV-SNP launch digest',
        seves: 'SEV-ES launch digest',
        sev: 'SEV launch digest',
        'snp:ovmf-hash': 'SNP OVMF hash',
      }[mode] ?? mode,
    algorithm: r.algorithm,
    digest: r.digest ? toHex(r.digest) : '',
    ms: performance.now() - t0,
    ledger: byteLedgerColumns(entries),
    runs: coalesceLedger(r.steps.map(asCoreEntry)).map((run) => ({ first: run.firstStep, count: run.count })),
    // BSP and first AP: every further AP page is the same as the first.
    vmsas: r.vmsas
      .slice(0, 2)
      .map((page, i) => ({
        title: i === 0 ? 'BSP (vCPU 0)' : 'APs (vCPU 1…)',
        groups: vmsaGroups(page, 0).groups,
      })),
    diagnostics: r.diagnostics,
  };
}

/** Drops cached kernel/initrd hashes of a closed file. */
export function forgetBlobHashes(blobHashes: BlobHashCache, id: string): void {
  for (const key of blobHashes.keys()) if (key.split('\0').includes(id)) blobHashes.delete(key);
}
