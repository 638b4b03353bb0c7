// What a CLI command may touch: its output streams and the file system, injected so tests can capture them.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Bytes } from '../core/bytes/bytes';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  readFile(path: string): Bytes;
  writeFile(path: string, data: Uint8Array | string): void;
}

export const processIo: CliIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  readFile: (p) => {
    const b = readFileSync(p);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength) as Bytes;
  },
  writeFile: (p, d) => writeFileAtomic(p, d),
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
