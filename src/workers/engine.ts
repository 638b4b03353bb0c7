// The engine behind the worker: keeps each open file's bytes, detects its kind by content, builds the plain
// view data the UI renders, serves byte ranges to the hex view and runs measurements. Pure logic over
// src/core (no DOM), so it is unit-tested in Node too.
import { describeUnknown, detectFileKind } from '../core/detect';
import { buildDemoIgvm } from './demo';
import { digestBlocker, type Diagnostic } from '../core/diagnostics';
import type { ParsedFirmware } from '../core/firmware';
import { inspectFirmware } from './inspect/firmware';
import { IGVM_SESSION_PARSE, IgvmSession } from './inspect/igvm';
import { parseIgvmSliced, type FileRange, type SlicedIgvmStep } from '../core/igvm/sliced';
import { webCryptoSha256Hex } from './webcrypto-replay';
import { defaultHash, type HashAlgorithm, type HashBackend } from '../core/hash/hash';
import { toHex } from '../core/bytes/bytes';
import { inspectPe, peMoreDigests } from './inspect/pe';
import { HASH_ALGORITHMS } from '../core/authenticode';
import { inThreadHasher, PageHashPool, syncHasher, type PageHasher } from './page-hash-pool';
import { forgetBlobHashes, measureFirmware, pageMemoBackend, type BlobHashCache } from './inspect/firmware-measure';
import type { FieldGroup, FileKind, IgvmTables, MeasureChoice, MeasureOptions, MeasureResult, OpenResult, Progress } from './protocol';
import { efifwPayloads } from '../core/uki/efifw-payload';
import { fileReadFailed, readFailedResult, withholdIfDamaged } from './withhold';
import { ledgerColumns } from './ledger-columns';
import type { Evidence } from '../core/attest/evidence';
import { evidenceView, searchEvidenceInWorker, verifyEvidenceInWorker } from './inspect/evidence';
import type { EvidenceSearchResult, EvidenceVerifyOptions, EvidenceVerifyResult, PeMoreDigests } from './protocol';
import type { EventLogDiff, EventLogDiffRequest, EventLogView } from './protocol';
import { ccelTableView, eventLogDiff, eventLogView } from './inspect/eventlog';
import { readCertificates } from '../core/x509/cert';
import { collateralTime, parseCollateral } from '../core/attest/tdx-collateral';
import { SLICE_BYTES, SliceReadError, type FileSlices } from './slice-reader';

/** The hex view reads at most this much per call. */
export const MAX_READ = 1 << 20;

const KIND_LABEL: Record<FileKind, string> = {
  igvm: 'IGVM',
  pe: 'PE / EFI binary',
  firmware: 'OVMF / TDVF firmware',
  evidence: 'Attestation evidence (SEV-SNP report / TDX quote)',
  eventlog: 'Event log (TCG PC Client / TDX CCEL)',
  'ccel-table': 'ACPI CCEL table (TDX event log locator)',
  cpio: 'cpio archive (initrd)',
  gzip: 'gzip data',
  text: 'Text',
  unknown: 'Unknown data',
};

interface OpenEntry {
  name: string;
  /** The file's bytes, unless it is a large IGVM read in slices from `source` (SLICED_FROM). */
  bytes?: Uint8Array;
  /** The file itself (the dropped File), when the engine reads it again instead of holding it. */
  source?: FileSlices;
  igvm?: IgvmSession;
  firmware?: ParsedFirmware;
  /** The firmware's page SHA-384s, kept across re-measures (what-if settings change only the VMSA steps). */
  firmwarePages?: HashBackend;
  evidence?: Evidence;
  /** What open() found: the digest gate (withhold.ts) blocks on its errors. */
  diagnostics: Diagnostic[];
  /** The open result's measurement choices (labels for a refused measurement). */
  measurable: MeasureChoice[];
  /** The file's SHA-256 (hex): set by open(), or on first ask when open() deferred it (`sha256Of`). */
  sha256?: Promise<string>;
  /** Slice size of the reads from `source`. */
  sliceBytes?: number;
}

/** What open() may leave for later. */
export interface OpenOptions {
  /**
   * An IGVM below STREAM_HASH_BYTES is returned before its SHA-256 is computed (`sha256: ''`, `sha256Pending`);
   * the caller asks `sha256Of(id)` next. WebCrypto's digest() runs on the calling thread, so hashing first made the
   * open wait one SHA-256 pass over the file before the parse (issue 16: open of a 14 MiB IGVM).
   */
  deferSha256?: boolean;
  /**
   * An IGVM's result leaves out its header columns and page maps (IgvmView `tablesPending`); the caller asks
   * `igvmTables(id)` next. The first screen shows neither, and building them took about as long as the rest of the
   * view together for a 14 MiB IGVM (issue 16).
   */
  deferIgvmTables?: boolean;
  /**
   * The file the bytes came from (the dropped File, `blobSlices`): an IGVM of `slicedFrom` bytes or more is then not
   * held once open() has built its view; its pages are read from here in slices of `sliceBytes` (tests force both
   * low to run the sliced path on small files).
   */
  source?: FileSlices;
  slicedFrom?: number;
  sliceBytes?: number;
}

/**
 * IGVMs from this size on are not held by the engine after open() (issue 16: a 512 MiB IGVM was 512 MiB of the
 * worker's memory for as long as it was open): the view is built from the whole parse, then the model is detached
 * (core/igvm/detach.ts) and the SNP measurement, what-if edits, hex reads and header details read the File in
 * slices. 64 MiB, the size from which the SHA-256 is streamed too: below it a file costs less than the slices' reads
 * and a large corpus-sized IGVM (14 MiB) keeps the simpler whole-file path.
 */
export const SLICED_FROM = 64 << 20;

/** The sliced open's first read: the fixed header and, for most files, the whole header section (64 KiB). */
const SLICED_FIRST_READ = 64 << 10;
/** Most parse rounds of a sliced open (each reads what the last one asked for: the head, data, a VBS context's rest). */
const SLICED_ROUNDS = 6;

/** Files from this size on are hashed in slices by the default backend instead of one WebCrypto call. */
export const STREAM_HASH_BYTES = 64 << 20;
const SLICE = 16 << 20;

/**
 * A file's SHA-256 (its identity in the app). WebCrypto copies its input before hashing, which for a 512 MiB IGVM
 * is 512 MiB more at the peak; a large file is therefore streamed through the default backend (the WebAssembly
 * SHA-256 in the worker) in 16 MiB slices of the same buffer, reporting progress and yielding between slices.
 */
export async function fileSha256Hex(
  bytes: Uint8Array,
  onDone?: (done: number) => void,
  streamFrom = STREAM_HASH_BYTES,
  slice = SLICE,
): Promise<string> {
  if (bytes.length < streamFrom) return webCryptoSha256Hex(bytes);
  const h = defaultHash().create('sha256');
  for (let at = 0; at < bytes.length; at += slice) {
    h.update(bytes.subarray(at, Math.min(bytes.length, at + slice)));
    onDone?.(Math.min(bytes.length, at + slice));
    await new Promise((r) => setTimeout(r, 0)); // let the progress message go out
  }
  return toHex(h.digest());
}

/**
 * fileSha256Hex of a file the engine does not hold: streamed through the default backend, one slice at a time (the
 * next slice's read in flight while one is hashed), with the bytes done so far after each.
 */
export async function sha256OfSlices(
  file: FileSlices,
  slice = SLICE_BYTES,
  onDone?: (done: number) => void,
  signal?: AbortSignal,
): Promise<string> {
  const h = defaultHash().create('sha256');
  const readAt = (at: number) => file.read(at, Math.min(slice, file.size - at));
  let next = file.size > 0 ? readAt(0) : undefined;
  for (let at = 0; next; at += slice) {
    const bytes = await next;
    signal?.throwIfAborted();
    next = at + slice < file.size ? readAt(at + slice) : undefined;
    h.update(bytes);
    onDone?.(Math.min(file.size, at + slice));
  }
  return toHex(h.digest());
}

/** Certificates are a few KiB and collateral tens of KiB: larger files are not looked at as either. */
const MAX_SUPPLY_SIZE = 256 * 1024;

/** An X.509 certificate file (DER, PEM, a bundle) or PCS collateral JSON, as evidence supplies; undefined otherwise. */
function evidenceSupply(base: OpenResult, bytes: Uint8Array): OpenResult | undefined {
  if (bytes.length === 0 || bytes.length > MAX_SUPPLY_SIZE) return undefined;
  const { certs, bad } = readCertificates(bytes);
  if (certs.length) {
    const summary = [...base.summary];
    certs.forEach((c, i) => {
      const n = certs.length > 1 ? ` #${i + 1}` : '';
      summary.push(
        { label: `Subject${n}`, value: c.subject },
        { label: `Issuer${n}`, value: c.issuer },
        { label: `Valid${n}`, value: `${c.notBefore.toISOString()} – ${c.notAfter.toISOString()}` },
        { label: `Public key SHA-256${n}`, value: c.spkiSha256 },
      );
    });
    summary.push({ label: 'Used by', value: 'every open SEV-SNP report and TDX quote: open its tab to see the checks' });
    const diagnostics: Diagnostic[] = bad ? [{ severity: 'warning', code: 'EVIDENCE_BAD_CERT', message: `${bad} PEM block(s) do not decode as X.509` }] : [];
    return { ...base, kindLabel: certs.length > 1 ? `X.509 certificates (${certs.length})` : 'X.509 certificate', summary, diagnostics };
  }
  if (bytes[0] !== 0x7b) return undefined;
  const c = parseCollateral(new TextDecoder().decode(bytes));
  if (!c) return undefined;
  const at = collateralTime(c);
  return {
    ...base,
    kindLabel: 'Intel PCS collateral (TCB info + QE identity)',
    summary: [...base.summary, { label: 'Issued', value: at ? at.toISOString() : '—' }, { label: 'Used by', value: 'every open TDX quote (TCB status at the collateral’s time)' }],
  };
}

function textSummary(bytes: Uint8Array): string {
  const head = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, 200));
  return head.length < 200 ? head : head + '…';
}

export class Engine {
  private readonly files = new Map<string, OpenEntry>();
  private readonly blobHashes: BlobHashCache = new Map();
  private pageHasher?: PageHasher;

  /** Re-loads a file after a worker restart: the same parse as open(), without returning the view. */
  async load(id: string, bytes: Uint8Array, name = id, source?: FileSlices): Promise<void> {
    await this.open(id, name, bytes, undefined, { deferSha256: true, deferIgvmTables: true, source });
  }

  async open(
    id: string,
    name: string,
    bytes: Uint8Array,
    onProgress?: (p: Progress) => void,
    options: OpenOptions = {},
  ): Promise<OpenResult> {
    const entry: OpenEntry = { name, bytes, diagnostics: [], measurable: [] };
    this.files.set(id, entry);
    const kind = detectFileKind(bytes);
    // Below STREAM_HASH_BYTES the SHA-256 is one WebCrypto call (it hashes on this thread, before the parse); an
    // IGVM's may be left to sha256Of() (OpenOptions.deferSha256). A larger file is hashed here in slices with
    // progress, before parsing.
    const defer = options.deferSha256 === true && kind === 'igvm' && bytes.length < STREAM_HASH_BYTES;
    if (!defer) {
      onProgress?.({ done: 0, total: bytes.length, label: 'Hashing' });
      entry.sha256 = fileSha256Hex(bytes, (done) => onProgress?.({ done: done / 2, total: bytes.length, label: 'Hashing' }));
      if (bytes.length >= STREAM_HASH_BYTES) await entry.sha256;
    }
    onProgress?.({ done: bytes.length / 2, total: bytes.length, label: 'Parsing' });
    const base: OpenResult = {
      id,
      name,
      size: bytes.length,
      kind,
      kindLabel: KIND_LABEL[kind] ?? kind,
      sha256: '',
      summary: [{ label: 'Size', value: `${bytes.length.toLocaleString('en')} bytes` }],
      diagnostics: [],
      measurable: [],
    };
    let result: OpenResult;
    switch (kind) {
      case 'firmware': {
        const fw = inspectFirmware(bytes, name);
        entry.firmware = fw.parsed;
        result = { ...base, ...fw.view, summary: [...base.summary, ...fw.view.summary] };
        break;
      }
      case 'igvm': {
        entry.igvm = new IgvmSession(bytes);
        // The file this IGVM is read from in slices after open (SLICED_FROM), if it is.
        const source = options.source?.size === bytes.length && bytes.length >= (options.slicedFrom ?? SLICED_FROM) ? options.source : undefined;
        // Tables deferred or not as asked: after detach() they are built from the detached model, whose offsetOf gives
        // the same data offsets (engine-sliced.test.ts).
        const v = entry.igvm.view({ tables: options.deferIgvmTables !== true });
        result = { ...base, ...v, summary: [...base.summary, ...v.summary] };
        if (source) {
          // From here on the pages are read from the file (SLICED_FROM).
          entry.igvm.detach(source, options.sliceBytes ?? SLICE_BYTES);
          entry.source = source;
        }
        break;
      }
      case 'pe': {
        const pe = await inspectPe(bytes);
        result = { ...base, ...pe, summary: [...base.summary, ...pe.summary] };
        break;
      }
      case 'evidence': {
        const ev = evidenceView(bytes);
        entry.evidence = ev.evidence;
        result = { ...base, evidence: ev.view, diagnostics: ev.evidence.diagnostics, summary: [...base.summary, ...(ev.view ? [{ label: 'Evidence', value: ev.view.kind === 'snp-report' ? 'SEV-SNP attestation report' : 'TDX quote' }] : [])] };
        break;
      }
      case 'eventlog': {
        const v = eventLogView(bytes);
        result = {
          ...base,
          kindLabel: v.format === 'ccel' ? 'TDX CCEL log area' : v.format === 'tcg2' ? 'TCG2 event log (crypto-agile)' : 'TCG event log (SHA-1 format)',
          eventLog: v,
          diagnostics: v.diagnostics,
          summary: [
            ...base.summary,
            { label: 'Events', value: String(v.events.length) },
            { label: 'Banks', value: v.banks.join(', ') || 'none' },
          ],
        };
        break;
      }
      case 'ccel-table': {
        const t = ccelTableView(bytes);
        result = { ...base, structure: t.structure, diagnostics: t.diagnostics, summary: [...base.summary, ...t.summary] };
        break;
      }
      case 'text':
        result = evidenceSupply(base, bytes) ?? { ...base, summary: [...base.summary, { label: 'Starts with', value: textSummary(bytes) }] };
        break;
      case 'unknown': {
        // A DER certificate (VCEK/VLEK, ASK/ARK) or PCS collateral is not a file of its own kind: it attaches to the
        // open reports and quotes (issue 13 §6).
        const supply = evidenceSupply(base, bytes);
        if (supply) {
          result = supply;
          break;
        }
        // Name what it is when the magic says so (an empty file, a PNG, a ZIP, an ELF…), not just "unknown".
        const named = describeUnknown(bytes);
        const empty = bytes.length === 0;
        result = {
          ...base,
          kindLabel: empty ? 'Empty file' : (named ?? KIND_LABEL.unknown),
          diagnostics: [
            {
              severity: 'error',
              code: empty ? 'EMPTY_FILE' : 'UNKNOWN_FILE_KIND',
              message: empty
                ? 'Empty file: it has no bytes at all, so there is nothing to inspect or measure.'
                : named
                  ? `Recognised as ${named}: not a file kind Fukiscope inspects (IGVM, PE/UKI, OVMF/TDVF firmware, cpio or gzip initrd). The bytes are shown as they are.`
                  : 'Not a file kind Fukiscope understands: no IGVM, PE, OVMF footer, event log, cpio or gzip signature was found. The bytes are shown as they are.',
              offset: 0,
              length: Math.min(16, bytes.length),
            },
          ],
        };
        break;
      }
      default:
        result = base;
    }
    result = entry.sha256 ? { ...result, sha256: await entry.sha256 } : { ...result, sha256: '', sha256Pending: true };
    entry.diagnostics = result.diagnostics;
    entry.measurable = result.measurable;
    // A detached IGVM: the engine keeps no reference to the bytes (the caller's goes when open() returns).
    if (entry.source) {
      entry.bytes = undefined;
      entry.sliceBytes = options.sliceBytes ?? SLICE_BYTES;
    }
    onProgress?.({ done: bytes.length, total: bytes.length, label: 'Done' });
    return result;
  }

  /**
   * Opens a large IGVM (`slicedFrom`, SLICED_FROM by default) from `file` without ever holding it whole (issue 16: the
   * open of a 512 MiB IGVM peaked at 1.67× its size): its SHA-256 streamed over slices, then the header section and
   * the non-page data its headers point at read and parsed (core/igvm/sliced.ts: the model detachPageData would give,
   * with the same diagnostics), the view built from that model; the pages stay in the file (measure-sliced.ts).
   * Undefined when the file is not on this path: smaller, not an IGVM by its magic, or with a header section or
   * non-page data past the sliced parse's limits; the caller then opens its bytes whole (open()). A failed read is a
   * FILE_READ_FAILED error in the result (no digest).
   */
  async openFromFile(
    id: string,
    name: string,
    file: FileSlices,
    onProgress?: (p: Progress) => void,
    options: Pick<OpenOptions, 'deferIgvmTables' | 'slicedFrom' | 'sliceBytes'> = {},
  ): Promise<OpenResult | undefined> {
    const size = file.size;
    if (size < (options.slicedFrom ?? SLICED_FROM) || size < 4) return undefined;
    const sliceBytes = options.sliceBytes ?? SLICE_BYTES;
    const base = (): OpenResult => ({
      id,
      name,
      size,
      kind: 'igvm',
      kindLabel: KIND_LABEL.igvm,
      sha256: '',
      summary: [{ label: 'Size', value: `${size.toLocaleString('en')} bytes` }],
      diagnostics: [],
      measurable: [],
    });
    let step: SlicedIgvmStep;
    let sha256: string;
    const stop = new AbortController();
    try {
      let head = await file.read(0, Math.min(size, SLICED_FIRST_READ));
      if (detectFileKind(head.subarray(0, 4)) !== 'igvm') return undefined;
      onProgress?.({ done: 0, total: size, label: 'Hashing' });
      // The SHA-256's slices are read and hashed while the headers are read and parsed (both on this thread: the parse
      // runs while a slice's read is in flight); its rejection is the one awaited below, if the parse got that far.
      const hashing = sha256OfSlices(file, sliceBytes, (done) => onProgress?.({ done: done / 2, total: size, label: 'Hashing' }), stop.signal);
      hashing.catch(() => undefined);
      const data: FileRange[] = [];
      // Each round reads what the last parse asked for; the data of a VBS context takes two (its register count
      // first, §8.3), so more than SLICED_ROUNDS means something else is wrong: the whole-file path then.
      for (let round = 0; ; round++) {
        step = parseIgvmSliced({ size, head, data }, IGVM_SESSION_PARSE);
        if (step.kind === 'done') break;
        if (step.kind === 'too-large' || round >= SLICED_ROUNDS) {
          // Left to the whole-file path (which hashes the bytes it reads): the slices' hashing stops.
          stop.abort();
          await hashing.catch(() => undefined);
          return undefined;
        }
        if (step.kind === 'head') head = await file.read(0, step.length);
        else for (const r of step.ranges) data.push({ offset: r.offset, bytes: await file.read(r.offset, r.length) });
      }
      sha256 = await hashing;
      onProgress?.({ done: size / 2, total: size, label: 'Parsing' });
    } catch (err) {
      // The file changed on disk since the drop (NotReadableError), or a short read: no view of part of a file.
      stop.abort();
      if (!(err instanceof SliceReadError)) throw err;
      const failed = [fileReadFailed(err, true)];
      this.files.set(id, { name, source: file, diagnostics: failed, measurable: [] });
      return { ...base(), diagnostics: failed };
    }
    const entry: OpenEntry = { name, source: file, diagnostics: [], measurable: [], sliceBytes, sha256: Promise.resolve(sha256) };
    entry.igvm = new IgvmSession({ detached: step.detached, diagnostics: step.diagnostics, file, sliceBytes });
    const b = base();
    const v = entry.igvm.view({ tables: options.deferIgvmTables !== true });
    const result: OpenResult = { ...b, ...v, summary: [...b.summary, ...v.summary], sha256 };
    entry.diagnostics = result.diagnostics;
    entry.measurable = result.measurable;
    this.files.set(id, entry);
    onProgress?.({ done: size, total: size, label: 'Done' });
    return result;
  }

  /** The SHA-256 (hex) of open file `id`: the one open() returned, or computed now when open() deferred it. */
  sha256Of(id: string): Promise<string> {
    const e = this.need(id);
    return (e.sha256 ??= e.bytes ? fileSha256Hex(e.bytes) : sha256OfSlices(e.source!, e.sliceBytes));
  }

  async openDemo(id: string): Promise<OpenResult> {
    return this.open(id, 'demo.igvm', buildDemoIgvm());
  }

  read(id: string, offset: number, length: number): Uint8Array<ArrayBuffer> {
    const bytes = this.held(id);
    const start = Math.max(0, Math.min(offset, bytes.length));
    const end = Math.min(bytes.length, start + Math.max(0, Math.min(length, MAX_READ)));
    return bytes.slice(start, end);
  }

  /** read(), from the file for one the engine does not hold (the hex view asks for at most MAX_READ at a time). */
  async readAsync(id: string, offset: number, length: number): Promise<Uint8Array<ArrayBuffer>> {
    const e = this.need(id);
    if (e.bytes || !e.source) return this.read(id, offset, length);
    const size = e.source.size;
    const start = Math.max(0, Math.min(offset, size));
    const end = Math.min(size, start + Math.max(0, Math.min(length, MAX_READ)));
    return new Uint8Array(await e.source.read(start, end - start));
  }

  /** The header columns and page maps of open IGVM `id` (what open() with `deferIgvmTables` left out). */
  igvmTables(id: string): IgvmTables {
    const t = this.need(id).igvm?.tables();
    if (!t) throw new Error(`${this.need(id).name} is not a parsed IGVM file`);
    return t;
  }

  headerDetail(id: string, index: number): FieldGroup | null {
    return this.need(id).igvm?.headerDetail(index) ?? null;
  }

  /** headerDetail(), a detached IGVM's page read from the file for its data row. */
  async headerDetailAsync(id: string, index: number): Promise<FieldGroup | null> {
    return (await this.need(id).igvm?.headerDetailAsync(index)) ?? null;
  }

  /**
   * The diagnostics that decide whether a measurement of `id` with `options` may give a digest: the file's own, and
   * for a direct boot the kernel's (a damaged PE). The initrd is opaque bytes to QEMU's hashes table, never parsed.
   */
  inputDiagnostics(id: string, options: MeasureOptions): Diagnostic[] {
    const own = this.need(id).diagnostics;
    if (!options.kernelFile) return own;
    return [...own, ...this.need(options.kernelFile).diagnostics];
  }

  /** Diagnostics open() found for a file (the composer's digest gate reads them). */
  diagnosticsOf(id: string): Diagnostic[] {
    return this.need(id).diagnostics;
  }

  measure(id: string, options: MeasureOptions, onProgress?: (p: Progress) => void): MeasureResult {
    const e = this.need(id);
    const refused = this.refuse(id, options);
    if (refused) return refused;
    let r: MeasureResult;
    if (e.igvm) r = e.igvm.measure(options, onProgress);
    else if (e.firmware) {
      const bytes = this.held(id);
      e.firmwarePages ??= pageMemoBackend(bytes);
      r = measureFirmware(bytes, e.firmware, options, (other) => this.held(other), this.blobHashes, e.firmwarePages);
    }
    else throw new Error('This kind of file has no launch measurement.');
    return withholdIfDamaged(r, this.inputDiagnostics(id, options), options.force);
  }

  /**
   * Without `force`, a measurement whose inputs already have errors is not computed at all (its digest would be
   * withheld anyway, and hostile size fields must not make a refused file expensive): the withheld result at once.
   */
  private refuse(id: string, o: MeasureOptions): MeasureResult | undefined {
    if (o.force) return undefined;
    const inputs = this.inputDiagnostics(id, o);
    if (!digestBlocker(inputs)) return undefined;
    const label = this.need(id).measurable.find((m) => m.platform === o.platform)?.label ?? o.platform;
    const empty: MeasureResult = { platform: o.platform, label, algorithm: '', digest: '', ms: 0, ledger: ledgerColumns([]), runs: [], diagnostics: [] };
    return withholdIfDamaged(empty, inputs);
  }

  /** measure(), with an IGVM's SNP page hashes from the WebCrypto worker pool (in this thread where no Worker exists). */
  async measureAsync(id: string, options: MeasureOptions, onProgress?: (p: Progress) => void): Promise<MeasureResult> {
    const s = this.need(id).igvm;
    if (s?.detached) {
      const refused = this.refuse(id, options);
      if (refused) return refused;
      let r: MeasureResult;
      if (options.platform === 'SEV_SNP') r = await s.measureSliced(options, this.hasher(), onProgress);
      else {
        // TDX, VBS, SEV read every page in file order through the core engines: the file is read whole for this
        // measurement and parsed again (its memory is this call's; nothing of it is kept).
        const whole = await this.readWhole(id);
        r = whole instanceof Uint8Array ? new IgvmSession(whole).measure(options, onProgress) : whole;
      }
      return withholdIfDamaged(r, this.inputDiagnostics(id, options), options.force);
    }
    if (!s || options.platform !== 'SEV_SNP') return this.measure(id, options, onProgress);
    const refused = this.refuse(id, options);
    if (refused) return refused;
    const r = await s.measureFast(options, this.hasher(), onProgress);
    return withholdIfDamaged(r, this.inputDiagnostics(id, options), options.force);
  }

  /** The SNP page hasher of both IGVM paths (whole and sliced). */
  private hasher(): PageHasher {
    // The WebAssembly SHA-384 in this thread where it loaded (no page copies); else WebCrypto over the worker pool.
    const hash = defaultHash();
    return (this.pageHasher ??= hash.name === 'wasm' ? syncHasher(hash) : typeof Worker === 'undefined' ? inThreadHasher : new PageHashPool());
  }

  /** More Authenticode digests and PCR 11 banks of an open PE (computed on demand, see OPEN_ALGORITHMS). */
  peDigests(id: string, algorithms: readonly HashAlgorithm[]): Promise<PeMoreDigests> {
    const algs = algorithms.filter((a) => (HASH_ALGORITHMS as readonly string[]).includes(a));
    return peMoreDigests(this.held(id), algs);
  }

  whatIf(id: string, headerIndex: number, byteOffset: number) {
    const e = this.need(id);
    const s = e.igvm;
    if (!s) throw new Error('What-if edits work on IGVM files.');
    // A what-if digest of a damaged file would look as right as the withheld digest itself.
    const blocked = digestBlocker(e.diagnostics);
    if (blocked) throw new Error(blocked.reason);
    return s.whatIf(headerIndex, byteOffset);
  }

  /** whatIf(), for a detached IGVM with the page read from the file (IgvmSession.whatIfAsync). */
  async whatIfAsync(id: string, headerIndex: number, byteOffset: number) {
    const e = this.need(id);
    const s = e.igvm;
    if (!s?.detached) return this.whatIf(id, headerIndex, byteOffset);
    const blocked = digestBlocker(e.diagnostics);
    if (blocked) throw new Error(blocked.reason);
    return s.whatIfAsync(headerIndex, byteOffset, this.hasher());
  }

  /**
   * A copy of the payload of `.efifw` entry `index` of an open FUKI (section order, as UkiView.efifw), with a file name
   * for it: the UI opens it as its own tab.
   */
  efifwPayload(id: string, index: number): { name: string; bytes: Uint8Array<ArrayBuffer> } {
    const e = this.need(id);
    const entry = efifwPayloads(this.held(id))[index];
    if (!entry) throw new Error(`${e.name} has no .efifw entry ${index}`);
    const ext = entry.kind === 'igvm' ? '.igvm' : entry.kind === 'firmware' ? '.fd' : '.bin';
    const safe = entry.fwid.replace(/[^A-Za-z0-9._-]/g, '_') || 'payload';
    return { name: `${e.name.replace(/\.efi$/i, '')}.efifw-${index}-${safe}${ext}`, bytes: entry.bytes.slice() };
  }

  /** Verifies an open report/quote with the certificates and collateral among the other open files (issue 13 §6). */
  /**
   * Verifies an open report/quote with the certificates and collateral among the other open files (issue 13 §6).
   * `compareBytes` (the composer's IGVM, built in the worker) stands in for an open file to compare with.
   */
  async verifyEvidence(id: string, options: EvidenceVerifyOptions = {}, compareBytes?: { name: string; bytes: Uint8Array }): Promise<EvidenceVerifyResult> {
    const e = this.need(id);
    if (!e.evidence?.kind) throw new Error('This file is not an attestation report or quote.');
    // Certificates and collateral among the other files (a detached IGVM is neither: it is not held, not offered).
    const others = [...this.files.entries()]
      .filter(([k, f]) => k !== id && k !== options.compareWith && f.bytes)
      .map(([, f]) => ({ name: f.name, bytes: f.bytes! }));
    const cmp = compareBytes ?? (options.compareWith ? { name: this.need(options.compareWith).name, bytes: this.held(options.compareWith) } : undefined);
    return verifyEvidenceInWorker(e.evidence, others, cmp && { name: cmp.name, bytes: cmp.bytes }, options);
  }

  /** The mismatch search of a report against an open firmware or IGVM (or the composer's IGVM, `compareBytes`). */
  searchEvidence(id: string, compareWith: string, onProgress?: (p: Progress) => void, options: EvidenceVerifyOptions = {}, compareBytes?: { name: string; bytes: Uint8Array }): Promise<EvidenceSearchResult> {
    const e = this.need(id);
    if (!e.evidence?.kind) throw new Error('This file is not an attestation report or quote.');
    const f = compareBytes ?? { name: this.need(compareWith).name, bytes: this.held(compareWith) };
    return searchEvidenceInWorker(e.evidence, { name: f.name, bytes: f.bytes }, (done, total) => onProgress?.({ done, total, label: 'Searching' }), options);
  }

  /** An open event log read again, with an open ACPI CCEL table when one is given (a CCEL area then). */
  eventLog(id: string, tableId?: string): EventLogView {
    const t = tableId ? this.need(tableId) : undefined;
    return eventLogView(this.held(id), t && { name: t.name, bytes: this.held(tableId!) });
  }

  /** The log ↔ prediction diff of an open log against an open UKI and add-ons. */
  eventLogDiff(req: EventLogDiffRequest): EventLogDiff {
    const uki = this.need(req.ukiId);
    const addons = req.addons.map((a) => ({ file: this.held(a.id), fileName: a.fileName, scope: a.scope }));
    const d = eventLogDiff(this.held(req.logId), this.held(req.ukiId), addons, req.tableId ? this.held(req.tableId) : undefined);
    // A damaged UKI, add-on or log gives predicted values that look right: no predicted digest is shown (issue 10).
    // A damaged log too: PCR 4's firmware events and the match come from it.
    const inputs = [...uki.diagnostics, ...req.addons.flatMap((a) => this.need(a.id).diagnostics), ...d.diagnostics];
    const blocked = digestBlocker(inputs);
    if (!blocked) return d;
    return {
      ...d,
      ok: false,
      withheld: blocked.reason,
      rows: d.rows.map((r) => ({ ...r, digests: r.digests.map(({ predicted: _, ...x }) => x) })),
      registers: d.registers.map(({ predicted: _, equal: __, ...x }) => ({ ...x, why: 'withheld: an input is damaged' })),
    };
  }

  /** The bytes of an open file (composer and diff read them in the worker, no copy); see holdWhole for a detached IGVM. */
  bytesOf(id: string): Uint8Array {
    return this.held(id);
  }

  /**
   * The whole file of a detached IGVM, read again in one read, for the operations that need every byte at once
   * (diff, compose, evidence comparison and search, TDX/VBS/SEV measurements): the memory is theirs. A failed read is
   * the FILE_READ_FAILED result, never a partial buffer.
   */
  private async readWhole(id: string): Promise<Uint8Array | MeasureResult> {
    const e = this.need(id);
    if (e.bytes) return e.bytes;
    try {
      return await e.source!.read(0, e.source!.size);
    } catch (err) {
      return readFailedResult(err, 0);
    }
  }

  /**
   * Holds the detached IGVMs among `ids` whole again (diff, compose and evidence read open files synchronously through
   * bytesOf): from then on such a file is held as before the sliced path, until it is closed. Ids that are not open
   * are ignored. Rejects when a read fails (the operation then fails; nothing partial is held).
   */
  async holdWhole(ids: Iterable<string>): Promise<void> {
    for (const id of ids) {
      const e = this.files.get(id);
      if (e && !e.bytes && e.source) e.bytes = await e.source.read(0, e.source.size);
    }
  }

  /** The open files a request names: every string in it that is an open file's id (compose requests name many). */
  openIdsIn(request: unknown): string[] {
    const out = new Set<string>();
    const walk = (x: unknown): void => {
      if (typeof x === 'string') {
        if (this.files.has(x)) out.add(x);
      } else if (Array.isArray(x)) x.forEach(walk);
      else if (typeof x === 'object' && x !== null) Object.values(x).forEach(walk);
    };
    walk(request);
    return [...out];
  }

  /** The name an open file was opened with (receipts, download names). */
  nameOf(id: string): string | undefined {
    return this.files.get(id)?.name;
  }

  close(id: string): void {
    this.files.delete(id);
    forgetBlobHashes(this.blobHashes, id);
  }

  /** The bytes of an open file the engine holds (every file but a detached IGVM before holdWhole()). */
  private held(id: string): Uint8Array {
    const e = this.need(id);
    if (!e.bytes) throw new Error(`${e.name} is read from the file in slices, not held: this needs holdWhole() first`);
    return e.bytes;
  }

  private need(id: string): OpenEntry {
    const e = this.files.get(id);
    if (!e) throw new Error(`file ${id} is not open in the engine`);
    return e;
  }
}

export type { Diagnostic };
