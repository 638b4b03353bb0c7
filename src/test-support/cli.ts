// Test-only: a CliIo that captures output and serves in-memory files (falls back to the real disk).
import { readFileSync } from 'node:fs';
import type { CliIo } from '../cli/io';

export function captureIo(files: Record<string, Uint8Array> = {}): CliIo & { stdout: string; stderr: string; written: Record<string, Uint8Array | string> } {
  const io = {
    stdout: '',
    stderr: '',
    written: {} as Record<string, Uint8Array | string>,
    out(t: string) {
      io.stdout += t;
    },
    err(t: string) {
      io.stderr += t;
    },
    readFile(p: string) {
      const f = files[p];
      if (f) return new Uint8Array(f);
      const b = readFileSync(p);
      return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    },
    writeFile(p: string, d: Uint8Array | string) {
      io.written[p] = d;
    },
  };
  return io;
}

