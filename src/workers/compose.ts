// Worker-side API of the FUKI composer (issue #6): plain data in, plain data out, so the engine worker can expose
// it through comlink. File bytes are referenced by the ids the engine already holds (no second copy); one
// ComposeSession is kept so edits of the command line or add-on toggles re-hash only what changed.
import { toHex } from '../core/bytes/bytes';
import { digestBlocker, Diagnostics, type Diagnostic } from '../core/diagnostics';
import {
  addonMatrix,
  buildFukiPe,
  ComposeSession,
  DEFAULT_SETTINGS,
  describeMeasurement,
  FUKI_PROFILES,
  directBootBlobs,
  ukiBootBlobs,
  type BootBlobs,
  type ComposeSettings,
  type FukiPlatform,
  type FukiProfile,
  type Receipt,
  type ReceiptAddonCombination,
  type ReceiptMeasurement,
} from '../core/fuki';
import type { HashBackend } from '../core/hash/hash';
import type { AddonInput } from '../core/uki/addons';
import { predictPcr12 } from '../core/uki/pcr';
import type { VmmType } from '../core/vmsa/build';
import { VCPU_TYPES } from '../core/vmsa/vcpu-types';
import { webCryptoDigestOf } from './webcrypto-replay';
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
  igvmSize: number;
  /** Milliseconds spent in the worker. */
  ms: number;
}

export interface ComposeOutputs {
  igvm: Uint8Array<ArrayBuffer>;
  fuki?: Uint8Array<ArrayBuffer>;
  receiptJson: string;
  diagnostics: Diagnostic[];
}

export type BytesOf = (id: string) => Uint8Array;
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

function toSettings(s: ComposeSettingsInput, d: Diagnostics): ComposeSettings | undefined {
  const sig = VCPU_TYPES[s.vcpuType];
  if (sig === undefined) {
    d.error('COMPOSE_VCPU_TYPE', `unknown vCPU type ${s.vcpuType}`);
    return undefined;
  }
  const big = (v: string, what: string): bigint | undefined => {
    try {
      return BigInt(v.trim());
    } catch {
      d.error('COMPOSE_BAD_NUMBER', `${what}: '${v}' is not a number (use 0x… for hex)`);
      return undefined;
    }
  };
  const guestFeatures = big(s.guestFeatures, 'guest features');
  const snpPolicy = big(s.snpPolicy, 'SNP policy');
  if (guestFeatures === undefined || snpPolicy === undefined) return undefined;
  if (!Number.isInteger(s.vcpus) || s.vcpus < 1 || s.vcpus > 512) {
    d.error('COMPOSE_VCPUS', `vCPU count ${s.vcpus} is outside 1…512`);
    return undefined;
  }
  return {
    ...DEFAULT_SETTINGS,
    profile: s.profile,
    vcpus: s.vcpus,
    vcpuType: s.vcpuType,
    vcpuSig: sig,
    vmm: s.vmm,
    guestFeatures,
    snpPolicy,
    platforms: s.platforms,
    hashOutputs: false,
  };
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

  constructor(bytesOf: BytesOf, hash?: HashBackend, diagnosticsOf: DiagnosticsOf = () => []) {
    this.bytesOf = bytesOf;
    this.diagnosticsOf = diagnosticsOf;
    this.session = new ComposeSession(hash);
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
      all.push(...list);
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
    const r = this.session.compose({ firmware, boot: src.boot, settings });
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
    const r = this.session.compose({ firmware, boot: src.boot, settings: { ...settings, hashOutputs: true } });
    if (!r.igvm || !r.receipt) throw new Error(r.diagnostics.map((x) => x.message).join('; ') || 'composition failed');
    const blocked = this.withheld(req, r.diagnostics);
    if (blocked) throw new Error(`Nothing written: ${blocked.reason}`);
    const out: ComposeOutputs = { igvm: new Uint8Array(r.igvm), receiptJson: '', diagnostics: [...r.diagnostics] };
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
      out.diagnostics.push(...pe.diagnostics);
      if (!pe.file) throw new Error(pe.diagnostics.map((x) => x.message).join('; '));
      out.fuki = new Uint8Array(pe.file);
      r.receipt.outputs.fuki = {
        size: pe.file.length,
        sha256: toHex(this.session.hash.digest('sha256', pe.file)),
        sha384: toHex(this.session.hash.digest('sha384', pe.file)),
        note: `.efifw '${fuki.fwid}' holds the IGVM. ${pe.caveat}`,
      };
    }
    out.receiptJson = JSON.stringify(r.receipt, null, 2);
    return out;
  }
}
