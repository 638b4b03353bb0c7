// Main-thread side of the engine worker. Wraps the comlink proxy so that:
//  - each open() transfers the file's ArrayBuffer (no copy) while the main thread keeps the File/Blob,
//  - a worker crash (uncaught error, failed load) rejects every pending call with EngineCrashedError
//    instead of leaving promises hanging, and the next call transparently starts a fresh worker that
//    re-loads the files it had (from the kept Blobs),
//  - cancel() of a running job terminates the worker (measurement is synchronous inside it) and restarts it.
import { proxy, releaseProxy, transfer, wrap, type Remote } from 'comlink';
import type { EngineApi } from './engine.worker';
import type { MeasureOptions, MeasureResult, OpenResult, Progress } from './protocol';

export class EngineCrashedError extends Error {
  override name = 'EngineCrashedError';
}
export class JobCancelledError extends Error {
  override name = 'JobCancelledError';
}

type Source = { blob: Blob } | { demo: true };

interface Live {
  worker: Worker;
  remote: Remote<EngineApi>;
  /** Rejects when the worker dies; every call races against it. */
  died: Promise<never>;
  kill(reason: Error): void;
}

export type CrashListener = (message: string) => void;

export class EngineClient {
  private live: Live | null = null;
  private readonly sources = new Map<string, Source>();
  private readonly loaded = new Set<string>();
  private readonly running = new Map<number, Live>();
  private nextJob = 1;
  private readonly onCrash: CrashListener;

  constructor(onCrash: CrashListener) {
    this.onCrash = onCrash;
  }

  private start(): Live {
    const worker = new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module', name: 'fukiscope-engine' });
    const remote = wrap<EngineApi>(worker);
    let reject!: (e: Error) => void;
    const died = new Promise<never>((_, r) => (reject = r));
    died.catch(() => undefined); // observed by callers through race()
    const live: Live = {
      worker,
      remote,
      died,
      kill: (reason) => {
        if (this.live === live) this.live = null;
        this.loaded.clear();
        remote[releaseProxy]();
        worker.terminate();
        reject(reason);
      },
    };
    worker.addEventListener('error', (e) => {
      e.preventDefault();
      const message = `The engine worker crashed${e.message ? `: ${e.message}` : ''}. It was restarted; open files were reloaded.`;
      live.kill(new EngineCrashedError(message));
      this.onCrash(message);
    });
    worker.addEventListener('messageerror', () => {
      live.kill(new EngineCrashedError('The engine worker sent a message that could not be read.'));
    });
    return live;
  }

  /** The running worker, with every known file loaded into it (after a restart, from the kept Blobs). */
  private async ready(except?: string): Promise<Live> {
    const live = (this.live ??= this.start());
    for (const [id, src] of this.sources) {
      if (id === except || this.loaded.has(id)) continue;
      this.loaded.add(id);
      // One file failing to reload must not fail calls about the others.
      const reload: Promise<unknown> = 'blob' in src ? live.remote.load(id, src.blob) : live.remote.openDemo(id);
      await this.race(live, reload).catch((e: unknown) => {
        if (e instanceof EngineCrashedError) throw e;
        this.loaded.delete(id);
      });
    }
    return live;
  }

  private race<T>(live: Live, p: Promise<T>): Promise<T> {
    return Promise.race([p, live.died]);
  }

  async open(id: string, file: Blob, name: string, onProgress?: (p: Progress) => void): Promise<OpenResult> {
    this.sources.set(id, { blob: file });
    const live = await this.ready(id);
    const buffer = await file.arrayBuffer();
    this.loaded.add(id);
    return this.race(live, live.remote.open(id, name, transfer(buffer, [buffer]), onProgress ? proxy(onProgress) : undefined));
  }

  async openDemo(id: string): Promise<OpenResult> {
    const live = await this.ready(id);
    const result = await this.race(live, live.remote.openDemo(id));
    this.sources.set(id, { demo: true });
    this.loaded.add(id);
    return result;
  }

  async read(id: string, offset: number, length: number): Promise<Uint8Array> {
    const live = await this.ready();
    return this.race(live, live.remote.read(id, offset, length));
  }

  async detail(id: string, headerIndex: number) {
    const live = await this.ready();
    return this.race(live, live.remote.headerDetail(id, headerIndex));
  }

  async whatIf(id: string, headerIndex: number, byteOffset: number) {
    const live = await this.ready();
    return this.race(live, live.remote.whatIf(id, headerIndex, byteOffset));
  }

  /** Starts a measurement; returns its job id at once (for cancel) and the result promise. */
  measure(id: string, options: MeasureOptions, onProgress?: (p: Progress) => void): { job: number; result: Promise<MeasureResult> } {
    return this.job((remote) => remote.measure(id, options, onProgress ? proxy(onProgress) : undefined));
  }

  /** Stops a running job by terminating its worker; the next call starts a fresh one. */
  cancel(job: number): void {
    this.running.get(job)?.kill(new JobCancelledError('Cancelled'));
  }

  /**
   * Like call(), for a long synchronous job (the add-on matrix): returns its job id at once so cancel(job) can
   * stop it by terminating the worker.
   */
  job<T>(fn: (remote: Remote<EngineApi>) => Promise<T>): { job: number; result: Promise<T> } {
    const job = this.nextJob++;
    const result = (async () => {
      const live = await this.ready();
      this.running.set(job, live);
      try {
        return await this.race(live, fn(live.remote));
      } finally {
        this.running.delete(job);
      }
    })();
    return { job, result };
  }

  /** Calls a worker API method with every open file loaded (the composer and diff pages use it). */
  async call<T>(fn: (remote: Remote<EngineApi>) => Promise<T>): Promise<T> {
    const live = await this.ready();
    return this.race(live, fn(live.remote));
  }

  close(id: string): void {
    this.sources.delete(id);
    if (this.loaded.delete(id)) void this.live?.remote.close(id);
  }

  /** For tests and the diagnostics menu: make the worker throw an uncaught error. */
  async crashForTest(): Promise<void> {
    const live = await this.ready();
    await live.remote.crash();
  }
}
