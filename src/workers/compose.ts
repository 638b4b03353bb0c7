// Worker-side API of the FUKI composer (issue #6): plain data in, plain data out, so the engine worker can expose
// it through comlink. File bytes are referenced by the ids the engine already holds (no second copy); one
// ComposeSession is kept so edits of the command line or add-on toggles re-hash only what changed.
import { toHex } from '../core/bytes/bytes';
import { digestBlocker, Diagnostics, type Diagnostic } from '../core/diagnostics';
import {
  addonMatrix,
  buildFukiPe,
  ComposeSession,
  contentFileName,
  describeMeasurement,
  FUKI_PROFILES,
  directBootBlobs,
  kernelInputDiagnostics,
  ukiBootBlobs,
  type BootBlobs,
  type ComposeInput,
  type ComposeSettings,
  type FukiPlatform,
  type FukiProfile,
  type Receipt,
  type ReceiptAddonCombination,
  type ReceiptMeasurement,
} from '../core/fuki';
import type { HashBackend } from '../core/hash/hash';
import { publishedReceipt } from '../core/export/receipt-json';
import type { AddonInput } from '../core/uki/addons';
import { predictPcr12 } from '../core/uki/pcr';
import { predictBoot } from '../core/uki/boot-prediction';
import { predictTdxRtmrs, rtmrOfPcr, type RtmrPrediction } from '../core/uki/tdx-rtmr';
import { checkLog, type ParsedLog } from '../core/eventlog';
import { readLog } from './inspect/eventlog';
import type { VmmType } from '../core/vmsa/build';
import { parseComposeSettings } from '../core/settings';
import { webCryptoDigestOf } from './webcrypto-replay';
import { appendAll } from '../core/append';
import type { DigestWithheld } from './protocol';

export type ComposeSource =
  | { kind: 'none' }
  | { kind: 'direct'; kernelId: string; initrdIds: string[]; cmdline: string }
  | {
      kind: 'uki';
      ukiId: string;
      /** scope: where the add-on sits on the ESP (default global = loader/addons/); it decides the order. */
      addons: { id: string; fileName: string; enabled: boolean; scope?: 'global' | 'per-uki' }[];
    };

export interface ComposeSettingsInput {
  profile: FukiProfile;
  vcpus: number;
  vcpuType: string;
  vmm: VmmType;
  /** Hex strings (0x…), as typed by the user. */
  guestFeatures: string;
  snpPolicy: string;
  platforms?: FukiPlatform[];
}

export interface ComposeRequest {
  firmwareId: string;
  source: ComposeSource;
  settings: ComposeSettingsInput;
  /** Every combination of the UKI's add-ons (enabled or not). */
  addonMatrix?: boolean;
  /** The SNP ledger, entry by entry (teaching mode). */
  ledger?: boolean;
  /**
   * An open event log whose firmware RTMR1 events (TDVF's boot-manager action, separator, GPT, ExitBootServices)
   * complete the predicted RTMR1 of a TDX composition: a CCEL of the same TDVF, or a TPM log re-mapped by edk2's
   * PCR → RTMR mapping.
   */
  rtmrReferenceId?: string;
}

/** Predicted TDX RTMR1/RTMR2 of a UKI composition (core/uki/tdx-rtmr.ts), with what they assume. */
export interface ComposeTdxRtmrs {
  rtmr1: RtmrPrediction;
  rtmr2: RtmrPrediction;
  assumptions: string[];
  /** The reference log's name, when one was used. */
  reference?: string;
}

export interface LedgerRow {
  step: number;
  header: number;
  offset: number;
  gpa: string;
  type: string;
  contentHash?: string;
  value?: string;
}

export interface ComposeResponse {
  ok: boolean;
  /**
   * Set when an input file (firmware, kernel, UKI, add-on) or the composition itself has error diagnostics: then
   * `measurements`, `receipt`, `ledger`, `pcr12` and `addonMatrix` are empty and outputs() refuses (issue 10).
   */
  withheld?: DigestWithheld;
  diagnostics: Diagnostic[];
  measurements: ReceiptMeasurement[];
  cmdline: string;
  kernelHashes?: { kernel: string; initrd: string; cmdline: string; gpa: string; offsetInPage: number; table: string };
  receipt?: Receipt;
  ledger?: LedgerRow[];
  addonMatrix?: ReceiptAddonCombination[];
  /**
   * UKI route: what systemd-stub would extend into PCR 12 for the enabled add-ons (one event for all add-on
   * command lines, then devicetree, ucode, initrd add-ons) and PCR 12 after only those events, per bank.
   */
  pcr12?: { events: { description: string; kind: string; tag?: string; sha256: string }[]; values: Record<string, string> };
  /** A UKI composition with a TDX measurement: the predicted RTMR[1] and RTMR[2] (SHA-384) next to MRTD. */
  tdxRtmrs?: ComposeTdxRtmrs;
  igvmSize: number;
  /** Milliseconds spent in the worker. */
  ms: number;
}

export interface ComposeOutputs {
  igvm: Uint8Array<ArrayBuffer>;
  fuki?: Uint8Array<ArrayBuffer>;
  receiptJson: string;
  /** Download names after the content: `<name>-snp-<first 12 hex>.igvm`, `….efi`, `….receipt.json`. */
  fileNames: { igvm: string; fuki: string; receipt: string };
  diagnostics: Diagnostic[];
}

export type BytesOf = (id: string) => Uint8Array;
/** The file name of an open file, for receipts and download names. */
export type NameOf = (id: string) => string | undefined;
/** The diagnostics the engine found when it opened a file (digest gate). */
export type DiagnosticsOf = (id: string) => readonly Diagnostic[];

/** The parsed inputs of a request, by role. The initrds are opaque bytes (QEMU hashes them as they are): not listed. */
function parsedInputs(req: ComposeRequest): { role: string; id: string }[] {
  const out = [{ role: 'firmware', id: req.firmwareId }];
  if (req.source.kind === 'direct') out.push({ role: 'kernel', id: req.source.kernelId });
  if (req.source.kind === 'uki') {
    out.push({ role: 'UKI', id: req.source.ukiId });
    for (const a of req.source.addons) out.push({ role: `add-on ${a.fileName}`, id: a.id });
  }
  return out;
}

/** The form's text through the core's one settings parser (defaults and limits shared with the CLI and UI). */
export function toSettings(s: ComposeSettingsInput, d: Diagnostics): ComposeSettings | undefined {
  const parsed = parseComposeSettings(s);
  for (const x of parsed.diagnostics) d.add(x);
  return parsed.value && { ...parsed.value, hashOutputs: false };
}

/** The session's hash backend, with one-shot digests of 64 KiB or more taken from its input-digest cache. */
function cachingLargeInputs(session: ComposeSession): HashBackend {
  return {
    name: `${session.hash.name}+cache`,
    digest: (alg, data) => (data.length >= 64 * 1024 ? session.cache.of(alg, [data]) : session.hash.digest(alg, data)),
    create: (alg) => session.hash.create(alg),
  };
}

export class ComposeService {
  private readonly session: ComposeSession;
  private readonly bytesOf: BytesOf;
  private readonly diagnosticsOf: DiagnosticsOf;
  private readonly nameOf: NameOf;

  constructor(bytesOf: BytesOf, hash?: HashBackend, diagnosticsOf: DiagnosticsOf = () => [], nameOf: NameOf = () => undefined) {
    this.bytesOf = bytesOf;
    this.diagnosticsOf = diagnosticsOf;
    this.nameOf = nameOf;
    this.session = new ComposeSession(hash);
  }

  /** The file names of a request's inputs (undefined where the host does not know them). */
  private names(req: ComposeRequest): ComposeInput['names'] {
    const s = req.source;
    return {
      firmware: this.nameOf(req.firmwareId),
      kernel: s.kind === 'direct' ? this.nameOf(s.kernelId) : undefined,
      initrds: s.kind === 'direct' ? s.initrdIds.map((id) => this.nameOf(id) ?? id) : undefined,
      uki: s.kind === 'uki' ? this.nameOf(s.ukiId) : undefined,
    };
  }

  /**
   * Why no digest of `req` may be given (digestBlocker over every parsed input's diagnostics and the composition's
   * own `more`), naming the damaged inputs; undefined when the digests may be shown.
   */
  withheld(req: ComposeRequest, more: readonly Diagnostic[] = []): DigestWithheld | undefined {
    const damaged: string[] = [];
    const all: Diagnostic[] = [];
    for (const input of parsedInputs(req)) {
      const list = this.diagnosticsOf(input.id);
      if (digestBlocker(list)) damaged.push(input.role);
      appendAll(all, list);
    }
    const blocker = digestBlocker([...all, ...more]);
    if (!blocker) return undefined;
    const which = damaged.length ? `the ${damaged.join(', ')} ${damaged.length === 1 ? 'is' : 'are'} damaged; ` : '';
    return { reason: blocker.reason.replace(/^no digest: /, `no digest: ${which}`), codes: blocker.codes };
  }

  private boot(source: ComposeSource, d: Diagnostics): { boot?: BootBlobs; addons: AddonInput[]; uki?: Uint8Array } | undefined {
    if (source.kind === 'none') return { addons: [] };
    if (source.kind === 'direct') {
      const b = directBootBlobs({ kernel: this.bytesOf(source.kernelId), cmdline: source.cmdline });
      // The kernel's own check too, so the gate holds even when no open-file diagnostics are supplied.
      for (const x of kernelInputDiagnostics(b.kernel)) d.add(x);
      b.initrds = source.initrdIds.map((id) => this.bytesOf(id));
      b.provenance.initrds = source.initrdIds;
      return { boot: b, addons: [] };
    }
    const uki = this.bytesOf(source.ukiId);
    const all: AddonInput[] = source.addons.map((a) => ({
      file: this.bytesOf(a.id),
      fileName: a.fileName,
      scope: a.scope ?? 'global',
    }));
    const enabled = all.filter((_, i) => source.addons[i]!.enabled);
    const boot = ukiBootBlobs(uki, enabled, d);
    return boot ? { boot, addons: all, uki } : undefined;
  }

  /**
   * Computes with WebCrypto the input digests (firmware, kernel, initrds; SHA-256 and SHA-384) the next compose()
   * of `req` would otherwise compute in noble, and primes the session's cache with them. Returns how many.
   */
  async primeInputDigests(req: ComposeRequest): Promise<number> {
    const src = this.boot(req.source, new Diagnostics());
    if (!src) return 0;
    const missing = this.session.missingInputDigests({ firmware: this.bytesOf(req.firmwareId), boot: src.boot });
    const digests = await Promise.all(missing.map((m) => webCryptoDigestOf(m.alg, m.parts)));
    missing.forEach((m, i) => this.session.cache.prime(m.alg, m.parts, digests[i]!));
    return missing.length;
  }

  compose(req: ComposeRequest, onProgress?: (done: number, total: number) => void): ComposeResponse {
    const t0 = performance.now();
    const d = new Diagnostics();
    const fail = (): ComposeResponse => ({
      ok: false,
      diagnostics: d.done(),
      measurements: [],
      cmdline: '',
      igvmSize: 0,
      ms: performance.now() - t0,
    });
    const settings = toSettings(req.settings, d);
    if (!settings) return fail();
    const blockedInputs = this.withheld(req);
    if (blockedInputs) return { ...fail(), withheld: blockedInputs };
    const src = this.boot(req.source, d);
    if (!src) return fail();
    const firmware = this.bytesOf(req.firmwareId);
    const r = this.session.compose({ firmware, boot: src.boot, settings, names: this.names(req) });
    for (const x of r.diagnostics) d.add(x);
    if (!r.igvm) return fail();
    const blocked = this.withheld(req, d.list);
    if (blocked) return { ...fail(), withheld: blocked };
    const snp = r.measurements.find((m) => m.platform === 'SEV_SNP');
    const response: ComposeResponse = {
      ok: !d.hasErrors,
      diagnostics: [],
      measurements: r.measurements.map((m) => describeMeasurement(m, settings.profile)),
      cmdline: src.boot?.cmdline ?? '',
      kernelHashes:
        r.kernelHashes && r.kernelHashesPage
          ? {
              kernel: toHex(r.kernelHashes.kernel),
              initrd: toHex(r.kernelHashes.initrd),
              cmdline: toHex(r.kernelHashes.cmdline),
              gpa: '0x' + r.kernelHashesPage.gpa.toString(16),
              offsetInPage: r.kernelHashesPage.offsetInPage,
              table: toHex(r.kernelHashesPage.table),
            }
          : undefined,
      receipt: r.receipt,
      ledger: req.ledger && snp?.ledger
        ? snp.ledger.map((e) => ({
            step: e.step,
            header: e.header,
            offset: e.offset,
            gpa: '0x' + e.gpa.toString(16),
            type: e.type,
            contentHash: e.contentHash && toHex(e.contentHash),
            value: e.value && toHex(e.value),
          }))
        : undefined,
      igvmSize: r.igvm.length,
      ms: 0,
    };
    if (src.boot?.pcr12) {
      // Large event data (initrd add-ons) through the session's digest cache: an edit does not re-hash them.
      const p = predictPcr12(src.boot.pcr12, { hash: cachingLargeInputs(this.session) });
      response.pcr12 = {
        events: p.events.map((e) => ({
          description: e.description,
          kind: e.kind,
          tag: e.tag === undefined ? undefined : '0x' + e.tag.toString(16),
          sha256: e.digests.sha256 ? toHex(e.digests.sha256) : '',
        })),
        values: Object.fromEntries(Object.entries(p.values).map(([bank, v]) => [bank, v ? toHex(v) : ''])),
      };
    }
    if (req.source.kind === 'uki' && src.uki && r.measurements.some((m) => m.platform === 'TDX'))
      response.tdxRtmrs = this.tdxRtmrs(req, src.uki);
    if (req.addonMatrix && req.source.kind === 'uki' && src.uki) {
      const m = addonMatrix(this.session, {
        firmware,
        uki: src.uki,
        addons: src.addons,
        settings,
        snpProfiles: FUKI_PROFILES,
        // Stopping happens by terminating the worker (EngineClient.job/cancel): the loop is synchronous, so a
        // cancel message could not be read before it ends.
        onProgress: (done, total) => {
          onProgress?.(done, total);
        },
      });
      for (const x of m.diagnostics) d.add(x);
      response.addonMatrix = m.combinations;
      // The matrix moved the session's cached page; put the selected combination back for downloads.
      this.session.compose({ firmware, boot: src.boot, settings });
    }
    response.diagnostics = d.done();
    response.ms = performance.now() - t0;
    return response;
  }

  /**
   * RTMR[1]/RTMR[2] for the UKI and its enabled add-ons, from the same predicted event sequence as the PCRs; RTMR1's
   * firmware events from the reference log when one is given (a damaged reference log gives no RTMR1).
   */
  private tdxRtmrs(req: ComposeRequest, uki: Uint8Array): ComposeTdxRtmrs {
    const source = req.source as Extract<ComposeSource, { kind: 'uki' }>;
    const addons: AddonInput[] = source.addons
      .filter((a) => a.enabled)
      .map((a) => ({ file: this.bytesOf(a.id), fileName: a.fileName, scope: a.scope ?? 'global' }));
    const hash = cachingLargeInputs(this.session);
    const p = predictBoot({ file: uki }, addons, { banks: ['sha384'], hash });
    let reference: ParsedLog | undefined;
    const notes: string[] = [];
    let refBlocked: string | undefined;
    const refName = req.rtmrReferenceId ? (this.nameOf(req.rtmrReferenceId) ?? req.rtmrReferenceId) : undefined;
    if (req.rtmrReferenceId) {
      const { log, ccel } = readLog(this.bytesOf(req.rtmrReferenceId));
      // What a verifier rejects (a duplicate separator, a digest not matching its data) is no reference either.
      const checks = checkLog(log, ccel ? 'rtmr' : 'pcr', hash);
      const blocked = digestBlocker([...log.diagnostics, ...checks.diagnostics]);
      if (blocked) refBlocked = `the reference log ${refName} is damaged (${blocked.codes.join(', ')})`;
      // A duplicate separator is only a warning in the log's own view (it replays intact), but its firmware
      // events are not a pattern to predict from: go-eventlog rejects such a log, and in the corpus cases the
      // separator sits in RTMR0 where RTMR1 expects it.
      else if (checks.duplicateSeparators.length)
        refBlocked = `the reference log ${refName} has a duplicate separator (event #${checks.duplicateSeparators[0]}, EVENTLOG_DUPLICATE_SEPARATOR) that verifiers reject`;
      else if (ccel) reference = log;
      else {
        // A TPM log of the same firmware: its events re-indexed as TDVF would log them (CC MR = RTMR + 1).
        reference = {
          ...log,
          events: log.events.map((e) => ({ ...e, register: e.index === 0 ? 0 : (rtmrOfPcr(e.register) ?? -1) + 1 })),
        };
        notes.push(
          `${refName} is a TPM event log: its PCR 2–6 firmware events stand for TDVF's RTMR1 events (edk2 maps PCR 2–6 → RTMR1), which assumes the TD's firmware logs the same boot-manager events as that boot`,
        );
      }
    }
    const r = predictTdxRtmrs(p, reference, hash);
    const rtmr1 = refBlocked ? { steps: r.rtmr1.steps, why: `no RTMR1: ${refBlocked}` } : r.rtmr1;
    return {
      rtmr1,
      rtmr2: r.rtmr2,
      assumptions: [
        ...(p.stub ? [`systemd-stub ${p.stub.text} (read from ${p.stub.source}) decides which sections and add-ons are measured`] : []),
        ...r.assumptions,
        ...notes,
        ...p.assumptions,
      ],
      ...(refName ? { reference: refName } : {}),
    };
  }

  /** The files to download: the IGVM, optionally the FUKI PE, and the receipt with output hashes. */
  outputs(
    req: ComposeRequest,
    fuki?: { fwid: string; stubId?: string; osRelease?: string; chids?: string[] },
  ): ComposeOutputs {
    const d = new Diagnostics();
    const settings = toSettings(req.settings, d);
    const src = settings && this.boot(req.source, d);
    if (!settings || !src) throw new Error(d.done().map((x) => x.message).join('; '));
    const blockedInputs = this.withheld(req);
    if (blockedInputs) throw new Error(`Nothing written: ${blockedInputs.reason}`);
    const firmware = this.bytesOf(req.firmwareId);
    const names = this.names(req);
    const r = this.session.compose({ firmware, boot: src.boot, settings: { ...settings, hashOutputs: true }, names });
    if (!r.igvm || !r.receipt) throw new Error(r.diagnostics.map((x) => x.message).join('; ') || 'composition failed');
    // The boot inputs' own diagnostics (d) count as in compose(): a damaged UKI or kernel writes nothing.
    const blocked = this.withheld(req, [...d.list, ...r.diagnostics]);
    if (blocked) throw new Error(`Nothing written: ${blocked.reason}`);
    const stem = names?.uki ?? names?.kernel ?? names?.firmware ?? 'fukiscope';
    const first = r.receipt.measurements[0];
    const out: ComposeOutputs = {
      igvm: new Uint8Array(r.igvm),
      receiptJson: '',
      fileNames: {
        igvm: contentFileName(stem, first, 'igvm'),
        fuki: contentFileName(stem, first, 'efi'),
        receipt: contentFileName(stem, first, 'receipt.json'),
      },
      diagnostics: [...r.diagnostics],
    };
    if (fuki) {
      const source = src.uki
        ? { uki: src.uki }
        : fuki.stubId && src.boot
          ? {
              stub: this.bytesOf(fuki.stubId),
              kernel: src.boot.kernel,
              initrd: src.boot.initrds.length === 1 ? src.boot.initrds[0] : undefined,
              cmdline: src.boot.cmdline,
              osRelease: fuki.osRelease,
            }
          : undefined;
      if (!source) throw new Error('a FUKI needs a UKI, or a systemd-stub with a kernel');
      const hwids = fuki.chids?.length ? { name: fuki.fwid, chids: fuki.chids } : undefined;
      const pe = buildFukiPe({ payload: r.igvm, fwid: fuki.fwid, source, hwids });
      appendAll(out.diagnostics, pe.diagnostics);
      if (!pe.file) throw new Error(pe.diagnostics.map((x) => x.message).join('; '));
      out.fuki = new Uint8Array(pe.file);
      r.receipt.outputs.fuki = {
        size: pe.file.length,
        sha256: toHex(this.session.hash.digest('sha256', pe.file)),
        sha384: toHex(this.session.hash.digest('sha384', pe.file)),
        note: `.efifw '${fuki.fwid}' holds the IGVM. ${pe.caveat}`,
      };
    }
    out.receiptJson = JSON.stringify(publishedReceipt(r.receipt), null, 2);
    return out;
  }
}
