// What a CLI command may touch: its output streams and the file system, injected so tests can capture them.
import { readFileSync, writeFileSync } from 'node:fs';
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
  writeFile: (p, d) => writeFileSync(p, d),
};

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
