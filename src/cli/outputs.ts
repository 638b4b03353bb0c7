// The CLI never destroys its inputs (issue 11 item 7): every command that writes files first collects all of them,
// checks no output path names an input or another output (by real path, so `./a`, `a` and a symlink to it are one
// file), and writes only after every option and computation has succeeded, each file through temp + rename.
import { existsSync, realpathSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { UsageError, type CliIo } from './io';

/** The path's real location: realpath when it exists, else its directory's realpath plus its name. */
export function canonicalPath(p: string): string {
  try {
    if (existsSync(p)) return realpathSync(p);
    const dir = dirname(resolve(p));
    return resolve(existsSync(dir) ? realpathSync(dir) : dir, basename(p));
  } catch {
    return resolve(p);
  }
}

export interface PlannedOutput {
  /** The option that named it, for messages (e.g. --igvm-out). */
  option: string;
  path: string;
}

/** Throws a usage error when an output path is an input or another output. Call before reading or computing. */
export function checkOutputPaths(inputs: readonly (string | undefined)[], outputs: readonly PlannedOutput[]): void {
  const ins = new Map<string, string>();
  for (const i of inputs) if (i) ins.set(canonicalPath(i), i);
  const outs = new Map<string, string>();
  for (const o of outputs) {
    const c = canonicalPath(o.path);
    const input = ins.get(c);
    if (input !== undefined) throw new UsageError(`${o.option} ${o.path} is the input ${input}: refusing to overwrite an input`);
    const other = outs.get(c);
    if (other !== undefined) throw new UsageError(`${o.option} ${o.path} is also ${other}: give each output its own path`);
    outs.set(c, o.option);
  }
}

/** Files to write once everything has succeeded. */
export class OutputPlan {
  private readonly files: { path: string; data: Uint8Array | string }[] = [];
  add(path: string, data: Uint8Array | string): void {
    this.files.push({ path, data });
  }
  /** Writes every planned file (each atomically through io.writeFile). */
  commit(io: CliIo): void {
    for (const f of this.files) io.writeFile(f.path, f.data);
  }
}
