// Issue 11 item 2, "Done when": every crafted IGVM finishes in under 2 s of CPU with a max RSS under 2 × its size
// + 256 MiB, run as a child process of the built CLI bundle (dist-cli); the worker's code path (Engine.open,
// Engine.measure, in-process here) reports the same refusal. CPU time, not wall time, is the CLI budget:
// the CI machine is shared, and a loaded machine stretches wall time without the work growing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HOSTILE_IGVM } from '../test-support/hostile-igvm';
import { Engine } from '../workers/engine';

const BUNDLE = resolve(__dirname, '../../dist-cli/fukiscope.mjs');
/** bin/fukiscope.mjs loads the bundle (dist-cli) the way the installed command does. */
const CLI = resolve(__dirname, '../../bin/fukiscope.mjs');
const dir = mkdtempSync(join(tmpdir(), 'fukiscope-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MiB = 2 ** 20;
const CPU_BUDGET_MS = 2000;

/** Runs the CLI bundle with a preload that reports its own max RSS and CPU time when it exits. */
function runCli(args: string[]): {
  status: number | null;
  maxRssBytes: number;
  cpuMs: number;
  wallMs: number;
  stdoutBytes: number;
  stderr: string;
  text: string;
} {
  const report = join(dir, `usage-${Math.random().toString(36).slice(2)}.json`);
  const preload = join(dir, 'usage-preload.mjs');
  if (!existsSync(preload))
    writeFileSync(
      preload,
      `import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => { const c = process.cpuUsage(); ` +
        `writeFileSync(process.env.FUKISCOPE_USAGE, JSON.stringify({ maxRss: process.resourceUsage().maxRSS * 1024, cpuMs: (c.user + c.system) / 1000 })); });\n`,
    );
  const t = performance.now();
  const r = spawnSync(process.execPath, ['--import', preload, CLI, ...args], {
    env: { ...process.env, FUKISCOPE_USAGE: report },
    maxBuffer: 1 << 30,
    encoding: 'buffer',
  });
  const wallMs = performance.now() - t;
  const u = JSON.parse(readFileSync(report, 'utf8')) as { maxRss: number; cpuMs: number };
  const text = r.stdout.subarray(0, 1 << 16).toString() + r.stderr.toString();
  return {
    status: r.status,
    maxRssBytes: u.maxRss,
    cpuMs: u.cpuMs,
    wallMs,
    stdoutBytes: r.stdout.length,
    stderr: r.stderr.toString(),
    text,
  };
}

const COMMANDS: string[][] = [
  ['inspect'],
  ['measure', '--ledger', '--json'],
  ['measure', '--format', 'igvmmeasure', '--verbose'],
];

describe.skipIf(!existsSync(BUNDLE))(
  'crafted IGVM inputs stay within time and memory bounds (issue 11)',
  () => {
    for (const [name, c] of Object.entries(HOSTILE_IGVM)) {
      it(`${name}: CLI`, () => {
        const bytes = c.bytes();
        const path = join(dir, `${name}.igvm`);
        writeFileSync(path, bytes);
        for (const cmd of COMMANDS) {
          const r = runCli([...cmd, path]);
          const label = `${name} ${cmd.join(' ')}: ${r.cpuMs.toFixed(0)} ms CPU (${r.wallMs.toFixed(0)} ms wall), ${(r.maxRssBytes / MiB).toFixed(0)} MiB RSS, ${r.stdoutBytes} B out`;
          console.log(label);
          expect(r.status, `${label}\n${r.stderr.slice(0, 2000)}`).not.toBeNull();
          expect(r.cpuMs, label).toBeLessThan(CPU_BUDGET_MS);
          expect(r.maxRssBytes, label).toBeLessThan(2 * bytes.length + 256 * MiB);
          // Output is bounded by the headers, not by the sizes they state: at most one ledger entry (~600 B of JSON)
          // per 32-byte header and platform, runs of identical pages folded into one.
          expect(r.stdoutBytes, label).toBeLessThan(64 * bytes.length + 1 * MiB);
        }
        // Work beyond a documented limit is refused with an error diagnostic (which withholds the digest, issue 10).
        const m = runCli([...c.refused.args, path]);
        // Refused with an error either way: by the header cap when parsing, or by the work limit when measuring.
        expect(m.text, m.text.slice(0, 2000)).toMatch(
          new RegExp(`error\\W+(${c.refused.code}|IGVM_TOO_MANY_HEADERS)`),
        );
      }, 120_000);

      // The worker's code path (Engine in-process; @noble/hashes as in the browser). Its per-step UI ledger still makes
      // hostile files take several seconds per call here (logged, not yet bounded to 2 s: see the branch report);
      // this checks that every call returns and that the refusal reaches the UI as an error diagnostic.
      it(`${name}: worker engine calls end, with the error diagnostic`, async () => {
        const bytes = c.bytes();
        const engine = new Engine();
        let t = performance.now();
        const opened = await engine.open(name, name, bytes);
        console.log(`${name} worker open: ${(performance.now() - t).toFixed(0)} ms`);
        const codes = opened.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);
        for (const m of opened.measurable) {
          t = performance.now();
          const r = engine.measure(name, {
            platform: m.platform,
            ...(c.refused.args.includes('igvmmeasure') && { profile: 'igvmmeasure' }),
          });
          console.log(
            `${name} worker measure ${m.platform}: ${(performance.now() - t).toFixed(0)} ms, ${r.entries.length} ledger entries`,
          );
          for (const d of r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code))
            codes.push(d);
        }
        expect(
          codes.some((x) => x === c.refused.code || x === 'IGVM_TOO_MANY_HEADERS' || c.parseCodes?.includes(x)),
          codes.join(' '),
        ).toBe(true);
        engine.close(name);
      }, 120_000);
    }
  },
);
