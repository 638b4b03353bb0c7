// Test-only: runs the built `fukiscope` (bin/fukiscope.mjs → dist-cli) in a CHILD process and reports what it cost:
// its own max RSS, CPU time and work counters — bytes and calls through node:crypto's hashes, the work every
// amplifying size field multiplies — written by a preload when it exits, plus the bytes it printed.
// Asynchronous `spawn` with stdin ignored and stdout/stderr drained as they come (a full pipe cannot stall the child),
// and a kill timer as the only guard against a hang: nothing here asserts on time.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const CLI_BUNDLE = resolve(__dirname, '../../dist-cli/fukiscope.mjs');
/** bin/fukiscope.mjs loads the bundle the way the installed command does. */
const CLI = resolve(__dirname, '../../bin/fukiscope.mjs');

export interface ChildRun {
  /** Exit status; null when the child was killed (by the hang guard or a signal). */
  status: number | null;
  signal: NodeJS.Signals | null;
  killedByGuard: boolean;
  maxRssBytes: number;
  cpuMs: number;
  /** Bytes fed to node:crypto hashes (crypto.hash and createHash().update), and the number of hash calls. */
  hashedBytes: number;
  hashCalls: number;
  stdoutBytes: number;
  /** The first 64 KiB of stdout and all of stderr (up to 1 MiB). */
  text: string;
  stderr: string;
}

// Counts in the child: the bundle imports `hash` and `createHash` from node:crypto, so the preload wraps them on the
// builtin module and syncs its ESM exports before the bundle is loaded (--import runs first).
const PRELOAD = `import { createRequire, syncBuiltinESMExports } from 'node:module';
import { writeFileSync } from 'node:fs';
const crypto = createRequire(import.meta.url)('node:crypto');
let bytes = 0, calls = 0;
const size = (d) => (typeof d === 'string' ? Buffer.byteLength(d) : d.byteLength ?? 0);
const oneShot = crypto.hash;
crypto.hash = function (alg, data, ...rest) { bytes += size(data); calls++; return oneShot.call(this, alg, data, ...rest); };
const create = crypto.createHash;
crypto.createHash = function (...args) {
  const h = create.apply(this, args);
  const update = h.update;
  calls++;
  h.update = function (d, ...rest) { bytes += size(d); return update.call(this, d, ...rest); };
  return h;
};
syncBuiltinESMExports();
process.on('exit', () => {
  const c = process.cpuUsage();
  writeFileSync(process.env.FUKISCOPE_USAGE, JSON.stringify({ maxRss: process.resourceUsage().maxRSS * 1024, cpuMs: (c.user + c.system) / 1000, bytes, calls }));
});
`;

export class ChildCli {
  private readonly dir = mkdtempSync(join(tmpdir(), 'fukiscope-child-'));
  private readonly preload = join(this.dir, 'usage-preload.mjs');
  private n = 0;
  constructor() {
    writeFileSync(this.preload, PRELOAD);
  }
  static available(): boolean {
    return existsSync(CLI_BUNDLE);
  }
  /** A file in this runner's temporary folder. */
  file(name: string, bytes: Uint8Array): string {
    const p = join(this.dir, name);
    writeFileSync(p, bytes);
    return p;
  }
  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Runs `fukiscope ...args`; `guardMs` kills a child that hangs (generous: it is not a budget). */
  run(args: string[], guardMs = 60_000): Promise<ChildRun> {
    const report = join(this.dir, `usage-${this.n++}.json`);
    return new Promise((done, fail) => {
      const child = spawn(process.execPath, ['--import', this.preload, CLI, ...args], {
        env: { ...process.env, FUKISCOPE_USAGE: report },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdoutBytes = 0;
      let head = '';
      let stderr = '';
      child.stdout.on('data', (b: Buffer) => {
        stdoutBytes += b.length;
        if (head.length < 1 << 16) head += b.toString('utf8', 0, Math.min(b.length, (1 << 16) - head.length));
      });
      child.stderr.on('data', (b: Buffer) => {
        if (stderr.length < 1 << 20) stderr += b.toString();
      });
      let killedByGuard = false;
      const guard = setTimeout(() => {
        killedByGuard = true;
        child.kill('SIGKILL');
      }, guardMs);
      child.on('error', (e) => {
        clearTimeout(guard);
        fail(e);
      });
      child.on('close', (status, signal) => {
        clearTimeout(guard);
        const u = existsSync(report)
          ? (JSON.parse(readFileSync(report, 'utf8')) as { maxRss: number; cpuMs: number; bytes: number; calls: number })
          : { maxRss: Number.NaN, cpuMs: Number.NaN, bytes: Number.NaN, calls: Number.NaN };
        done({
          status,
          signal,
          killedByGuard,
          maxRssBytes: u.maxRss,
          cpuMs: u.cpuMs,
          hashedBytes: u.bytes,
          hashCalls: u.calls,
          stdoutBytes,
          text: head + stderr,
          stderr,
        });
      });
    });
  }
}
