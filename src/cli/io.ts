// What a CLI command may touch: its output streams and the file system, injected so tests can capture them.
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Bytes } from '../core/bytes/bytes';
import { defaultHash, type HashAlgorithm } from '../core/hash/hash';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  readFile(path: string): Bytes;
  writeFile(path: string, data: Uint8Array | string): void;
  /** The digest of a file's bytes without holding them (optional: `fileDigest` falls back to `readFile`). */
  hashFile?(path: string, alg: HashAlgorithm): Bytes;
  /**
   * True when `readFile` reads the real file system, so a command may read a path its own way (`fukiscope measure`
   * reads a large IGVM into shared memory for its page-hash thread, page-hash-thread.ts); injected ios leave it unset.
   */
  fileSystem?: boolean;
}

/**
 * Read size of `hashFile`: small enough to stay in cache, large enough that syscalls do not count. 64 KiB, not the
 * 1 MiB it was: a 1 MiB buffer does not fit the L2 cache, so each chunk is copied out of the page cache into memory
 * and read back from it by the hash. Streaming the 14 MiB kernel of the measure-ovmf bench took 25.3 ms with 1 MiB and
 * 16.9 ms with 64 KiB (128 KiB: 16.8 ms) (in-process medians of 21 interleaved runs, issue 16).
 */
export const HASH_CHUNK = 1 << 16;
let chunk: Buffer | undefined;

/**
 * Hashes a file through one reused 1 MiB buffer, as `openssl dgst` does. Reading a 14 MiB kernel whole
 * (readFileSync) costs ~8 ms of page faults on fresh memory before the first byte is hashed; streamed, the read is
 * ~2 ms (measure-ovmf profile, issue 16).
 */
function hashFileStreamed(path: string, alg: HashAlgorithm): Bytes {
  const buf = (chunk ??= Buffer.allocUnsafe(HASH_CHUNK));
  const h = createHash(alg);
  const fd = openSync(path, 'r');
  try {
    let n: number;
    while ((n = readSync(fd, buf, 0, buf.length, null)) > 0) h.update(n === buf.length ? buf : buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  const d = h.digest();
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength) as Bytes;
}

/** A file's digest: streamed where the io can (`hashFile`), else the default backend over `readFile`. */
export function fileDigest(io: CliIo, path: string, alg: HashAlgorithm): Bytes {
  return io.hashFile ? io.hashFile(path, alg) : defaultHash().digest(alg, io.readFile(path));
}

export const processIo: CliIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  readFile: (p) => {
    const b = readFileSync(p);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength) as Bytes;
  },
  writeFile: (p, d) => writeFileAtomic(p, d),
  hashFile: hashFileStreamed,
  fileSystem: true,
};

/**
 * Writes `data` to a temporary file beside `path`, then renames it into place (issue 11 item 7): a reader never sees
 * a half-written output, and an existing file at `path` is replaced only by a complete one. On any failure the
 * temporary file is removed and the error propagates.
 */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const tmp = join(dirname(path), `.${basename(path)}.fukiscope-${process.pid}-${Date.now().toString(36)}.tmp`);
  const fd = openSync(tmp, 'wx', 0o644);
  try {
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** JSON with bigint as hex strings and byte arrays as lowercase hex: the `--json` output of every command. */
export function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_k, v: unknown) => {
      if (typeof v === 'bigint') return '0x' + v.toString(16);
      if (v instanceof Uint8Array) return Array.from(v, (x) => x.toString(16).padStart(2, '0')).join('');
      return v;
    },
    2,
  );
}

/** A usage error: printed with the command's usage, exit status 2. */
export class UsageError extends Error {}

type CommandOptions = NonNullable<ParseArgsConfig['options']>;

/** A command's arguments: its options (strict: an unknown option is a usage error) and positionals. */
export function commandArgs<const O extends CommandOptions>(args: string[], options: O) {
  return parseArgs({ args, allowPositionals: true, strict: true, options });
}
