// The engine worker: format parsing, measurement and hashing run here, never on the main thread.
// It exposes one typed object through comlink; every result is plain structured-clone data (protocol.ts).
import { expose, transfer } from 'comlink';
import { Engine } from './engine';
import { ComposeService, type ComposeRequest } from './compose';
import { diffFiles } from '../core/diff';
import { defaultHash } from '../core/hash/hash';
import type { MeasureOptions, Progress } from './protocol';

const engine = new Engine();
const composer = new ComposeService(
  (id) => engine.bytesOf(id),
  undefined,
  (id) => engine.nameOf(id),
);

const api = {
  open(id: string, name: string, buffer: ArrayBuffer, onProgress?: (p: Progress) => void) {
    return engine.open(id, name, new Uint8Array(buffer), onProgress);
  },
  /** Re-load a file's bytes after a worker restart (the Blob is passed by reference, no copy). */
  async load(id: string, blob: Blob) {
    await engine.load(id, new Uint8Array(await blob.arrayBuffer()));
  },
  openDemo(id: string) {
    return engine.openDemo(id);
  },
  read(id: string, offset: number, length: number) {
    const bytes = engine.read(id, offset, length);
    return transfer(bytes, [bytes.buffer]);
  },
  headerDetail(id: string, index: number) {
    return engine.headerDetail(id, index);
  },
  measure(id: string, options: MeasureOptions, onProgress?: (p: Progress) => void) {
    return engine.measureAsync(id, options, onProgress);
  },
  whatIf(id: string, headerIndex: number, byteOffset: number) {
    return engine.whatIf(id, headerIndex, byteOffset);
  },
  async compose(request: ComposeRequest, onProgress?: (done: number, total: number) => void) {
    // The large input digests with WebCrypto first (a 14 MiB UKI: ~1 s in noble), then the synchronous compose.
    await composer.primeInputDigests(request);
    return composer.compose(request, onProgress);
  },
  composeOutputs(request: ComposeRequest, fuki?: { fwid: string; chids?: string[] }) {
    const out = composer.outputs(request, fuki);
    return transfer(out, [out.igvm.buffer, ...(out.fuki ? [out.fuki.buffer] : [])]);
  },
  diff(idA: string, idB: string) {
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
