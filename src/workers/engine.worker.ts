// The engine worker: format parsing, measurement and hashing run here, never on the main thread.
// It exposes one typed object through comlink; every result is plain structured-clone data (protocol.ts).
import { expose, transfer } from 'comlink';
import { ledgerBuffers } from './ledger-columns';
import { Engine, SLICED_FROM } from './engine';
import { ComposeService, type ComposeRequest } from './compose';
import { diffFiles } from '../core/diff';
import { defaultHash, setDefaultHash, type HashAlgorithm } from '../core/hash/hash';
import { loadWasmHash } from '../core/hash/wasm';
import type { EventLogDiffRequest, EvidenceVerifyOptions, MeasureOptions, OpenResult, Progress } from './protocol';
import { headerColumnBuffers } from './header-columns';
import { warmUpSnpChain } from './warm-up';
import { blobSlices } from './slice-reader';

const engine = new Engine();
/**
 * The WebAssembly SHA-2 as this worker's default backend once it has loaded (noble until then, and for good where
 * WebAssembly cannot run: the same digests either way). Calls that hash wait for the load, which takes a few ms.
 */
const hashReady = loadWasmHash().then((wasm) => {
  if (!wasm) return;
  setDefaultHash(wasm);
  // Then, in a task of its own (a file that arrives meanwhile waits for it: a few ms, tens on a loaded machine), the
  // classic SNP chain's hot code runs over synthetic pages (warm-up.ts), so that the first measurement of a file is
  // not the one that tiers up the WebAssembly SHA-384 and compiles the PAGE_INFO, ledger and hex code. Nothing it
  // computes is kept. Not with noble (no WebAssembly here): 1 MiB of cold JavaScript SHA-384 would cost more than it
  // saves.
  setTimeout(() => warmUpSnpChain(wasm), 0);
});
/** Debug hook (closeDuringNextMeasure): the next measure() closes the worker without an error event. */
let closeOnNextMeasure = false;
const composer = new ComposeService(
  (id) => engine.bytesOf(id),
  undefined,
  (id) => engine.diagnosticsOf(id),
  (id) => engine.nameOf(id),
);

/** The composer's IGVM for a request, as a file to compare evidence with (outputs() refuses a damaged input). */
function composedIgvm(request: ComposeRequest): { name: string; bytes: Uint8Array } {
  return { name: "the composer's result", bytes: composer.outputs(request).igvm };
}

/** An open result with its IGVM header columns marked for transfer (moved to the page, not cloned: issue 16). */
function withTransfer(r: OpenResult): OpenResult {
  return r.igvm?.headers ? transfer(r, headerColumnBuffers(r.igvm.headers)) : r;
}

const api = {
  /**
   * Opens a file from its Blob, read here on this thread as load() does (issue 16: read in the page, a 14 MiB File
   * took ~80 ms of the main thread in mojo chunk handling, between animation frames, before the worker could start).
   */
  async open(id: string, name: string, blob: Blob, onProgress?: (p: Progress) => void) {
    // A large IGVM is opened from the File in slices, never read whole (engine.openFromFile, SLICED_FROM); any other
    // file's read starts at once, before the hash backend is ready.
    const read = blob.size < SLICED_FROM ? blob.arrayBuffer() : undefined;
    await hashReady;
    const options = { deferSha256: true, deferIgvmTables: true, source: blobSlices(blob) };
    const sliced = read ? undefined : await engine.openFromFile(id, name, options.source, onProgress, options);
    if (sliced) return withTransfer(sliced);
    const bytes = new Uint8Array(await (read ?? blob.arrayBuffer()));
    // An IGVM's SHA-256 follows (fileSha256): its view is not held up by one more pass over the file; so do its
    // header columns and page maps (igvmTables), which the first screen does not show. A large IGVM the sliced open
    // left to this path (past its limits) is not held after this either: its pages are read from the File again.
    return withTransfer(await engine.open(id, name, bytes, onProgress, options));
  },
  /** The header columns (transferred) and page maps an IGVM's open result left pending. */
  igvmTables(id: string) {
    const t = engine.igvmTables(id);
    return transfer(t, headerColumnBuffers(t.headers));
  },
  /** The SHA-256 of an open file (the one open() left pending, or the one it returned). */
  fileSha256(id: string) {
    return engine.sha256Of(id);
  },
  /** Re-load a file's bytes after a worker restart (the Blob is passed by reference, no copy). */
  async load(id: string, blob: Blob, name?: string) {
    await hashReady;
    const source = blobSlices(blob);
    if (await engine.openFromFile(id, name ?? id, source, undefined, { deferIgvmTables: true })) return;
    await engine.load(id, new Uint8Array(await blob.arrayBuffer()), name, source);
  },
  async openDemo(id: string) {
    await hashReady;
    return withTransfer(await engine.openDemo(id));
  },
  async read(id: string, offset: number, length: number) {
    const bytes = await engine.readAsync(id, offset, length);
    return transfer(bytes, [bytes.buffer]);
  },
  headerDetail(id: string, index: number) {
    return engine.headerDetailAsync(id, index);
  },
  async measure(id: string, options: MeasureOptions, onProgress?: (p: Progress) => void) {
    await hashReady;
    if (closeOnNextMeasure) {
      // The silent death the client's liveness lock must notice: no error event, no answer (issue 11 item 5).
      self.close();
      return new Promise<never>(() => undefined);
    }
    const r = await engine.measureAsync(id, options, onProgress);
    // The ledger's typed columns are moved to the page, not cloned (issue 16).
    return transfer(r, ledgerBuffers(r.ledger));
  },
  /**
   * Holds the Web Lock `name` for as long as this worker lives; resolves once it is held. The client waits for the
   * same lock: it is granted the moment the worker is gone, however it died (client.ts).
   */
  holdLifeLock(name: string): Promise<void> {
    return new Promise<void>((held) => {
      void navigator.locks.request(name, () => {
        held();
        return new Promise<never>(() => undefined);
      });
    });
  },
  /** Liveness answer for the client's heartbeat where Web Locks are missing. */
  ping() {
    return true;
  },
  /** For tests: make the next measure() call self.close() mid-call. */
  closeDuringNextMeasure() {
    closeOnNextMeasure = true;
  },
  /**
   * For tests of the worker CSP: tries to reach `url` from inside this worker (fetch, or a dynamic import) and
   * reports what happened, with the CSP violation the worker saw, if any.
   */
  async probeNetwork(url: string, how: 'fetch' | 'import'): Promise<{ outcome: string; violation?: string }> {
    let violation: string | undefined;
    const onViolation = (e: SecurityPolicyViolationEvent) => (violation = `${e.effectiveDirective} ${e.blockedURI}`);
    self.addEventListener('securitypolicyviolation', onViolation);
    let outcome: string;
    try {
      if (how === 'fetch') outcome = `fetched: HTTP ${(await fetch(url)).status}`;
      else outcome = `imported: ${Object.keys((await import(/* @vite-ignore */ url)) as object).join(',')}`;
    } catch (e) {
      outcome = `blocked: ${e instanceof Error ? e.message : String(e)}`;
    }
    await new Promise((r) => setTimeout(r, 50)); // the violation event is queued after the rejection
    self.removeEventListener('securitypolicyviolation', onViolation);
    return { outcome, violation };
  },
  /** `composed`: compare with the composer's result (its IGVM is built here, from the open files). */
  // Comparing evidence with an IGVM, composing and diffing read whole files: a detached IGVM is held whole again
  // first (Engine.holdWhole; the memory is theirs).
  async verifyEvidence(id: string, options: EvidenceVerifyOptions, composed?: ComposeRequest) {
    await engine.holdWhole([...(options.compareWith ? [options.compareWith] : []), ...engine.openIdsIn(composed)]);
    return engine.verifyEvidence(id, options, composed && composedIgvm(composed));
  },
  async searchEvidence(id: string, compareWith: string, onProgress?: (p: Progress) => void, options?: EvidenceVerifyOptions, composed?: ComposeRequest) {
    await engine.holdWhole([compareWith, ...engine.openIdsIn(composed)]);
    return engine.searchEvidence(id, compareWith, onProgress, options, composed && composedIgvm(composed));
  },
  async eventLog(id: string, tableId?: string) {
    await hashReady;
    return engine.eventLog(id, tableId);
  },
  async eventLogDiff(request: EventLogDiffRequest) {
    await hashReady;
    return engine.eventLogDiff(request);
  },
  async peDigests(id: string, algorithms: HashAlgorithm[]) {
    await hashReady;
    return engine.peDigests(id, algorithms);
  },
  whatIf(id: string, headerIndex: number, byteOffset: number) {
    return engine.whatIfAsync(id, headerIndex, byteOffset);
  },
  async compose(request: ComposeRequest, onProgress?: (done: number, total: number) => void) {
    await hashReady;
    await engine.holdWhole(engine.openIdsIn(request));
    // The large input digests with WebCrypto first (a 14 MiB UKI: ~1 s in noble), then the synchronous compose.
    await composer.primeInputDigests(request);
    return composer.compose(request, onProgress);
  },
  async composeOutputs(request: ComposeRequest, fuki?: { fwid: string; chids?: string[]; stubId?: string }) {
    await engine.holdWhole(engine.openIdsIn([request, fuki]));
    const out = composer.outputs(request, fuki);
    return transfer(out, [out.igvm.buffer, ...(out.fuki ? [out.fuki.buffer] : [])]);
  },
  efifwPayload(id: string, index: number) {
    const p = engine.efifwPayload(id, index);
    return transfer(p, [p.bytes.buffer]);
  },
  async diff(idA: string, idB: string) {
    await engine.holdWhole([idA, idB]);
    return diffFiles(engine.bytesOf(idA), engine.bytesOf(idB), defaultHash());
  },
  close(id: string) {
    engine.close(id);
  },
  /** Throws outside any call, so the worker's error event fires: used to test crash recovery. */
  crash() {
    setTimeout(() => {
      throw new Error('crash requested');
    });
  },
};

export type EngineApi = typeof api;

expose(api);
