// Main-thread side of the engine worker. Wraps the comlink proxy so that:
//  - each open() hands the worker the file's Blob (cloned as a handle: the worker reads it, off the main thread) while the main thread keeps it,
//  - a worker crash (uncaught error, failed load) rejects every pending call with EngineCrashedError
//    instead of leaving promises hanging, and the next call transparently starts a fresh worker that
//    re-loads the files it had (from the kept Blobs),
//  - a worker that dies without an error event (self.close(), killed by the browser) is noticed at once through a
//    Web Lock it holds while it lives (heartbeat pings where Web Locks are missing), reported like a crash, and a
//    fresh worker is started with the open files reloaded (issue 11 item 5),
//  - cancel() of a running job terminates the worker (measurement is synchronous inside it) and restarts it;
//    the cancelled job rejects with JobCancelledError, every other call in flight is run again on the new worker.
import { proxy, releaseProxy, wrap, type Remote } from 'comlink';
import type { EngineApi } from './engine.worker';
import type { IgvmTables, MeasureOptions, MeasureResult, OpenResult, Progress } from './protocol';
import type { HashAlgorithm } from '../core/hash/hash';

export class EngineCrashedError extends Error {
  override name = 'EngineCrashedError';
}
export class JobCancelledError extends Error {
  override name = 'JobCancelledError';
  /** The job that was cancelled; other calls that were in flight on its worker are retried. */
  readonly job: number;
  constructor(job: number) {
    super('Cancelled');
    this.job = job;
  }
}

/** How many times a call is run again after another job's cancel took its worker down. */
const RETRIES_AFTER_CANCEL = 3;

// The name goes with the Blob: a restarted worker reloads the file under it (receipts and download names use it).
type Source = { blob: Blob; name: string } | { demo: true };

interface Live {
  worker: Worker;
  remote: Remote<EngineApi>;
  /** Rejects when the worker dies; every call races against it. */
  died: Promise<never>;
  /** Set once kill() ran: a later death signal of the same worker is not a new crash. */
  dead: boolean;
  kill(reason: Error): void;
}

/** Where Web Locks are missing: ping this often, and call the worker dead after this long without an answer. */
const HEARTBEAT_MS = 5_000;
const HEARTBEAT_DEAD_MS = 30_000;
let lifeLocks = 0;

export type CrashListener = (message: string) => void;

export class EngineClient {
  private live: Live | null = null;
  private readonly sources = new Map<string, Source>();
  private readonly loaded = new Set<string>();
  private readonly running = new Map<number, Live>();
  /** Jobs created but not yet on a worker, and those of them cancelled meanwhile. */
  private readonly waiting = new Set<number>();
  private readonly cancelledEarly = new Set<number>();
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
      dead: false,
      kill: (reason) => {
        live.dead = true;
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
    this.watchLife(live);
    return live;
  }

  /** Notices a worker that stops without an error event; reports it, and starts a fresh one with the files. */
  private watchLife(live: Live): void {
    const died = () => {
      if (live.dead) return; // terminated by us (cancel, crash handling): already dealt with
      const message =
        'The engine worker stopped without reporting an error. It was restarted; open files were kept.';
      live.kill(new EngineCrashedError(message));
      this.onCrash(message);
      void this.ready().catch(() => undefined);
    };
    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
    if (locks) {
      const name = `fukiscope-engine-life-${++lifeLocks}-${Math.random().toString(36).slice(2)}`;
      // Granted to us only once the worker, which holds it from its first call on, no longer exists.
      this.race(live, live.remote.holdLifeLock(name))
        .then(() => locks.request(name, died))
        .catch(() => undefined);
      return;
    }
    let answered = Date.now();
    const timer = setInterval(() => {
      if (live.dead) return clearInterval(timer);
      if (Date.now() - answered > HEARTBEAT_DEAD_MS) {
        clearInterval(timer);
        return died();
      }
      void live.remote.ping().then(() => (answered = Date.now()), () => undefined);
    }, HEARTBEAT_MS);
  }

  /** The running worker, with every known file loaded into it (after a restart, from the kept Blobs). */
  private async ready(except?: string): Promise<Live> {
    const live = (this.live ??= this.start());
    for (const [id, src] of this.sources) {
      if (id === except || this.loaded.has(id)) continue;
      this.loaded.add(id);
      // One file failing to reload must not fail calls about the others.
      const reload: Promise<unknown> = 'blob' in src ? live.remote.load(id, src.blob, src.name) : live.remote.openDemo(id);
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

  /**
   * Runs `fn` on a ready worker. If another job's cancel terminates that worker meanwhile, `fn` runs again on
   * a fresh one (with the files reloaded); only the cancelled job itself (`job`) rejects.
   */
  private async run<T>(fn: (live: Live) => Promise<T>, opts: { job?: number; except?: string } = {}): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const live = await this.ready(opts.except);
      if (opts.job !== undefined) {
        // Cancelled before it reached a worker: never start it.
        this.waiting.delete(opts.job);
        if (this.cancelledEarly.delete(opts.job)) throw new JobCancelledError(opts.job);
        this.running.set(opts.job, live);
      }
      try {
        return await this.race(live, fn(live));
      } catch (e) {
        const otherCancelled = e instanceof JobCancelledError && e.job !== opts.job;
        if (!otherCancelled || attempt >= RETRIES_AFTER_CANCEL) throw e;
      } finally {
        if (opts.job !== undefined) this.running.delete(opts.job);
      }
    }
  }

  async open(id: string, file: Blob, name: string, onProgress?: (p: Progress) => void): Promise<OpenResult> {
    this.sources.set(id, { blob: file, name });
    return this.run(
      async (live) => {
        // The Blob itself goes to the worker, which reads it off the main thread (a Blob clones as a handle).
        this.loaded.add(id);
        return live.remote.open(id, name, file, onProgress ? proxy(onProgress) : undefined);
      },
      { except: id },
    );
  }

  /** The SHA-256 (hex) of open file `id`; an IGVM's open result leaves it pending (OpenResult.sha256Pending). */
  async sha256(id: string): Promise<string> {
    return this.run((live) => live.remote.fileSha256(id));
  }

  /** The header columns and page maps of open IGVM `id`, which its open result left pending (IgvmView `tablesPending`). */
  async igvmTables(id: string): Promise<IgvmTables> {
    return this.run((live) => live.remote.igvmTables(id));
  }

  async openDemo(id: string): Promise<OpenResult> {
    const result = await this.run((live) => live.remote.openDemo(id), { except: id });
    this.sources.set(id, { demo: true });
    this.loaded.add(id);
    return result;
  }

  async read(id: string, offset: number, length: number): Promise<Uint8Array> {
    return this.run((live) => live.remote.read(id, offset, length));
  }

  async detail(id: string, headerIndex: number) {
    return this.run((live) => live.remote.headerDetail(id, headerIndex));
  }

  async peDigests(id: string, algorithms: HashAlgorithm[]) {
    return this.run((live) => live.remote.peDigests(id, algorithms));
  }

  async whatIf(id: string, headerIndex: number, byteOffset: number) {
    return this.run((live) => live.remote.whatIf(id, headerIndex, byteOffset));
  }

  /** Starts a measurement; returns its job id at once (for cancel) and the result promise. */
  measure(id: string, options: MeasureOptions, onProgress?: (p: Progress) => void): { job: number; result: Promise<MeasureResult> } {
    return this.job((remote) => remote.measure(id, options, onProgress ? proxy(onProgress) : undefined));
  }

  /** Stops a running job by terminating its worker; the next call starts a fresh one. */
  cancel(job: number): void {
    const live = this.running.get(job);
    if (live) live.kill(new JobCancelledError(job));
    else if (this.waiting.has(job)) this.cancelledEarly.add(job);
  }

  /**
   * Like call(), for a long synchronous job (the add-on matrix): returns its job id at once so cancel(job) can
   * stop it by terminating the worker.
   */
  job<T>(fn: (remote: Remote<EngineApi>) => Promise<T>): { job: number; result: Promise<T> } {
    const job = this.nextJob++;
    this.waiting.add(job);
    return { job, result: this.run((live) => fn(live.remote), { job }) };
  }

  /** Calls a worker API method with every open file loaded (the composer and diff pages use it). */
  async call<T>(fn: (remote: Remote<EngineApi>) => Promise<T>): Promise<T> {
    return this.run((live) => fn(live.remote));
  }

  close(id: string): void {
    this.sources.delete(id);
    if (this.loaded.delete(id)) void this.live?.remote.close(id);
  }

  /** For tests: the next measurement closes the worker (self.close()) without any error event. */
  async closeDuringNextMeasureForTest(): Promise<void> {
    const live = await this.ready();
    await live.remote.closeDuringNextMeasure();
  }

  /** For tests of the worker CSP: what happens when the engine worker tries to reach `url`. */
  async probeNetworkForTest(url: string, how: 'fetch' | 'import') {
    const live = await this.ready();
    return live.remote.probeNetwork(url, how);
  }

  /** For tests and the diagnostics menu: make the worker throw an uncaught error. */
  async crashForTest(): Promise<void> {
    const live = await this.ready();
    await live.remote.crash();
  }
}
