// `fukiscope measure` of a large IGVM on two threads (issue 16): the file is read into a SharedArrayBuffer, and a
// worker thread hashes its 4 KiB windows (SHA-384, node:crypto) while this thread reads the rest, parses the headers
// and runs the SNP chain. The page hashes reach the core through an ordinary HashBackend (`backend`): asked for the
// SHA-384 of exactly one of those windows of the shared buffer it hands over the worker's digest of those very bytes,
// and computes everything else itself. So a value never depends on the worker: a window the worker has not done (or
// an IGVM whose pages sit elsewhere) is hashed here, and a worker that fails or stalls only costs time.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { Bytes } from '../core/bytes/bytes';
import type { HashBackend } from '../core/hash/hash';
import { nodeHashBackend } from './node-hash';

/** Files below this are read and hashed on one thread: a worker's start-up (~20–80 ms of the other core) is not worth it. */
export const SHARED_READ_MIN = 32 << 20;
const PAGE = 4096;
const D = 48;
/** Windows per batch: what one thread claims at a time (64 pages ≈ 0.3 ms of SHA-384). */
export const BATCH = 64;
/** Read size: the unit the two threads share the read in, and the worker starts hashing on. */
const READ_CHUNK = 8 << 20;
/** Longest wait for a batch the worker has claimed before this thread hashes the page itself. */
const WAIT_MS = 200;

/** Control words (Int32, shared): next batch to claim, stop flag. */
const CLAIM = 0;
const STOP = 1;
/** Read-chunk states (Int32 per chunk, shared): claimed by one thread, then read. */
const CLAIMED = 1;
const READ = 2;

/** Batch flags (Int32, shared): 0 not done, 1 hashed by this thread, 2 hashed by the worker. */
const BY_WORKER = 2;

/**
 * The worker. First it reads chunks of the file into the shared buffer from the end backwards while this thread reads
 * from the start (each chunk claimed by compare-and-swap, so each is read by one thread: the page faults of the
 * fresh memory, most of a read's cost, are split over both cores); then it claims batches of windows in order (this
 * thread may take one instead), waits until their chunks are read, writes each window's SHA-384 into `digests`, and
 * marks the batch done. Plain JavaScript run with `eval` (the CLI is one bundle: no second file to ship).
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { hash } = require('node:crypto');
const { openSync, readSync, closeSync } = require('node:fs');
const { path, file, digests, control, chunks, done, base, windows, batch, chunk } = workerData;
const bytes = new Uint8Array(file);
const out = new Uint8Array(digests);
const ctl = new Int32Array(control);
const state = new Int32Array(chunks);
const flags = new Int32Array(done);
const batches = Math.ceil(windows / batch);
const fd = openSync(path, 'r');
try {
  for (let c = state.length - 1; c >= 0 && !Atomics.load(ctl, ${STOP}); c--) {
    if (Atomics.compareExchange(state, c, 0, ${CLAIMED}) !== 0) break;
    const end = Math.min(bytes.length, (c + 1) * chunk);
    for (let off = c * chunk; off < end; ) {
      const n = readSync(fd, bytes, off, end - off, off);
      if (n <= 0) throw new Error('short read');
      off += n;
    }
    Atomics.store(state, c, ${READ});
    Atomics.notify(state, c);
  }
} finally {
  closeSync(fd);
}
const waitRead = (c) => {
  while (Atomics.load(state, c) !== ${READ} && !Atomics.load(ctl, ${STOP})) Atomics.wait(state, c, Atomics.load(state, c), 1000);
};
for (;;) {
  if (Atomics.load(ctl, ${STOP})) break;
  const b = Atomics.load(ctl, ${CLAIM});
  if (b >= batches) break;
  if (Atomics.compareExchange(ctl, ${CLAIM}, b, b + 1) !== b) continue;
  const last = Math.min(windows, (b + 1) * batch);
  const from = Math.floor((base + b * batch * ${PAGE}) / chunk);
  const to = Math.floor((base + last * ${PAGE} - 1) / chunk);
  for (let c = from; c <= to; c++) waitRead(c);
  if (Atomics.load(ctl, ${STOP})) break;
  for (let w = b * batch; w < last; w++) {
    const s = hash('sha384', bytes.subarray(base + w * ${PAGE}, base + w * ${PAGE} + ${PAGE}), 'latin1');
    for (let k = 0; k < ${D}; k++) out[w * ${D} + k] = s.charCodeAt(k);
  }
  Atomics.store(flags, b, ${BY_WORKER});
  Atomics.notify(flags, b);
}
`;

export interface SharedRead {
  /** The whole file, in a SharedArrayBuffer. */
  bytes: Bytes;
  /** node:crypto, with the SHA-384 of a shared 4 KiB window taken from the worker when it has it. */
  backend: HashBackend;
  /** Page digests handed over that the worker computed (for the tests: the worker did take part). */
  readonly fromWorker: number;
  /** Settles when the worker has exited (every batch claimed, stopped, or failed). */
  readonly workerExited: Promise<void>;
  /** Stops and releases the worker (idempotent). */
  stop(): void;
}

/**
 * Reads an IGVM file of at least `minSize` bytes into shared memory with a page-hash worker started first, or
 * returns undefined (smaller file, not IGVM, no SharedArrayBuffer): the caller reads it the ordinary way.
 */
export function readIgvmShared(path: string, minSize = SHARED_READ_MIN): SharedRead | undefined {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size < minSize || size > 2 ** 40) return undefined;
    const head = new Uint8Array(16);
    if (readSync(fd, head, 0, 16, 0) !== 16 || !isIgvmMagic(head)) return undefined;
    return startSharedRead(path, fd, size, fileDataStart(head, size));
  } finally {
    closeSync(fd);
  }
}

/** 'IGVM' little-endian (igvm-format §2). */
function isIgvmMagic(h: Uint8Array): boolean {
  return h[0] === 0x49 && h[1] === 0x47 && h[2] === 0x56 && h[3] === 0x4d;
}

/**
 * Where the worker's windows start: the file data section (variable_header_offset + variable_header_size, §2, §4),
 * where PAGE_DATA contents are laid out page after page. Only a guess for speed: pages elsewhere miss the windows
 * and are hashed by the core's caller as usual.
 */
function fileDataStart(h: Uint8Array, size: number): number {
  const v = new DataView(h.buffer, h.byteOffset, h.byteLength);
  const at = v.getUint32(8, true) + v.getUint32(12, true);
  return at < size ? at : size;
}

function startSharedRead(path: string, fd: number, size: number, base: number): SharedRead {
  const file = new SharedArrayBuffer(size);
  // Typed as Bytes (views of an ArrayBuffer) for the core: it only reads views and copies with slice(), which works
  // the same on shared memory (the corpus measure tests run through here, page-hash-thread.test.ts).
  const bytes = new Uint8Array(file) as unknown as Bytes;
  const windows = Math.floor((size - base) / PAGE);
  const batches = Math.ceil(windows / BATCH);
  const digests = new Uint8Array(new SharedArrayBuffer(Math.max(1, windows * D)));
  const ctl = new Int32Array(new SharedArrayBuffer(2 * 4));
  const chunks = new Int32Array(new SharedArrayBuffer(Math.ceil(size / READ_CHUNK) * 4));
  const done = new Int32Array(new SharedArrayBuffer(Math.max(1, batches) * 4));
  let worker: Worker | undefined = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      path,
      file,
      digests: digests.buffer,
      control: ctl.buffer,
      chunks: chunks.buffer,
      done: done.buffer,
      base,
      windows,
      batch: BATCH,
      chunk: READ_CHUNK,
    },
    // Small heaps: the worker holds no objects of its own (issue 16: max RSS ≤ 1.5× the file).
    resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 8, stackSizeMb: 1 },
  });
  worker.unref();
  // A worker error only means this thread hashes more itself.
  worker.on('error', () => Atomics.store(ctl, STOP, 1));
  const workerExited = new Promise<void>((resolve) => worker!.once('exit', () => resolve()));
  const stop = (): void => {
    Atomics.store(ctl, STOP, 1);
    Atomics.store(ctl, CLAIM, batches);
    void worker?.terminate();
    worker = undefined;
  };
  const readChunk = (c: number): void => {
    const end = Math.min(size, (c + 1) * READ_CHUNK);
    for (let off = c * READ_CHUNK; off < end; ) {
      const n = readSync(fd, bytes, off, end - off, off);
      if (n <= 0) throw new Error(`short read at ${off} of ${size} bytes`);
      off += n;
    }
    Atomics.store(chunks, c, READ);
    Atomics.notify(chunks, c);
  };
  let stalled = false;
  try {
    // From the start until a chunk the worker has claimed (it reads from the end).
    let c = 0;
    for (; c < chunks.length && Atomics.compareExchange(chunks, c, 0, CLAIMED) === 0; c++) readChunk(c);
    // The worker's chunks: waited for, or read here when it is slow or gone (the same file bytes either way).
    for (; c < chunks.length; c++) {
      if (!stalled && Atomics.wait(chunks, c, CLAIMED, WAIT_MS) === 'timed-out') stalled = true;
      if (Atomics.load(chunks, c) !== READ) readChunk(c);
    }
  } catch (e) {
    stop();
    throw e;
  }

  let fromWorker = 0;
  const hashBatchHere = (b: number): void => {
    const last = Math.min(windows, (b + 1) * BATCH);
    for (let w = b * BATCH; w < last; w++)
      nodeHashBackend.digestInto!('sha384', bytes.subarray(base + w * PAGE, base + w * PAGE + PAGE), digests, w * D);
    Atomics.store(done, b, 1);
  };
  /** The window's digest is in `digests` (true), or this thread should hash the page itself (false). */
  const ready = (w: number): boolean => {
    const b = Math.floor(w / BATCH);
    if (Atomics.load(done, b) !== 0) return true;
    // Stopped, failed or once too slow: no more waiting, this thread hashes the rest.
    if (stalled || Atomics.load(ctl, STOP) !== 0) {
      stalled = true;
      return false;
    }
    const claimed = Atomics.load(ctl, CLAIM);
    if (claimed === b && Atomics.compareExchange(ctl, CLAIM, b, b + 1) === b) {
      hashBatchHere(b);
      return true;
    }
    if (claimed < b) return false; // the worker is behind: not worth waiting for
    // Claimed by the worker (a claim of ours would be done already): it is hashing this batch now. Rather than wait
    // for it (and then for the next one it takes, in lockstep), hash the next unclaimed batch here meanwhile.
    const ahead = Atomics.load(ctl, CLAIM);
    if (ahead < batches && Atomics.compareExchange(ctl, CLAIM, ahead, ahead + 1) === ahead) hashBatchHere(ahead);
    if (Atomics.wait(done, b, 0, WAIT_MS) !== 'timed-out' || Atomics.load(done, b) !== 0) return true;
    stalled = true;
    return false;
  };

  const count = (w: number): void => {
    if (Atomics.load(done, Math.floor(w / BATCH)) === BY_WORKER) fromWorker++;
  };
  const windowOf = (data: Uint8Array): number => {
    if (data.buffer !== file || data.length !== PAGE) return -1;
    const rel = data.byteOffset - base;
    return rel >= 0 && rel % PAGE === 0 && rel / PAGE < windows ? rel / PAGE : -1;
  };
  const backend: HashBackend = {
    name: 'node:crypto (2 threads for page SHA-384s)',
    digest(alg, data) {
      const w = alg === 'sha384' ? windowOf(data) : -1;
      if (w >= 0 && ready(w)) {
        count(w);
        return digests.slice(w * D, w * D + D);
      }
      return nodeHashBackend.digest(alg, data);
    },
    digestInto(alg, data, out, offset) {
      const w = alg === 'sha384' ? windowOf(data) : -1;
      if (w >= 0 && ready(w)) {
        if (offset < 0 || offset + D > out.length) throw new RangeError(`no room for a ${alg} digest at ${offset}`);
        for (let k = 0; k < D; k++) out[offset + k] = digests[w * D + k]!;
        count(w);
        return;
      }
      nodeHashBackend.digestInto!(alg, data, out, offset);
    },
    create: (alg) => nodeHashBackend.create(alg),
  };
  return {
    bytes,
    backend,
    get fromWorker() {
      return fromWorker;
    },
    workerExited,
    stop,
  };
}
