// The one-file `measure-ovmf` bundle against the full CLI: same stdout, stderr, exit status and written files for
// every corpus case (in-process, from the sources), and the built bundle run through bin/fukiscope.mjs prints the
// manifest's digests (a child process per case, in a temp dir for the --dump-vmsa files).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main as fullMain } from './main';
import { main as oneMain } from './measure-ovmf-main';
import { captureIo } from '../test-support/cli';
import { corpusAvailable, corpusPath, manifest, readCorpus, type Manifest } from '../test-support/corpus';
import { equalBytes } from '../core/bytes/bytes';

const PATH_OPTIONS = new Set(['--ovmf', '--kernel', '--initrd']);
const argvOf = (c: Manifest): string[] =>
  (c.argv as string[]).map((a, i, all) => (i > 0 && PATH_OPTIONS.has(all[i - 1]!) ? corpusPath(a) : a));
const cases = (): Manifest[] => (corpusAvailable() ? (manifest().ovmf_measure as Manifest[]) : []);

async function both(args: string[]) {
  const a = captureIo();
  const b = captureIo();
  const codes = [await fullMain(args, a), await oneMain(args, b)];
  return { codes, a, b };
}

describe('measure-ovmf bundle entry vs the full CLI (sources)', () => {
  it.runIf(corpusAvailable())('every corpus case: same output', async () => {
    expect(cases().length).toBeGreaterThan(0);
    for (const c of cases()) {
      const { codes, a, b } = await both(['measure-ovmf', ...argvOf(c)]);
      expect(codes[1], c.id).toBe(codes[0]);
      expect(b.stdout, c.id).toBe(a.stdout);
      expect(b.stderr, c.id).toBe(a.stderr);
      expect(b.written, c.id).toEqual(a.written);
      if (!c.expected_error) expect(b.stdout, c.id).toBe(`${c.expected}\n`);
    }
  });

  it('usage errors, --help and thrown errors are handled alike', async () => {
    for (const args of [
      ['measure-ovmf'],
      ['measure-ovmf', '--mode', 'bogus', '--ovmf', 'x'],
      ['measure-ovmf', '--no-such-option'],
      ['measure-ovmf', '--help'],
      [
        'measure-ovmf',
        '--mode',
        'snp',
        '--ovmf',
        '/nonexistent/OVMF.fd',
        '--vcpus',
        '1',
        '--vcpu-type',
        'EPYC',
      ],
    ]) {
      const { codes, a, b } = await both(args);
      expect(codes[1], args.join(' ')).toBe(codes[0]);
      expect(b.stdout, args.join(' ')).toBe(a.stdout);
      expect(b.stderr, args.join(' ')).toBe(a.stderr);
    }
  });

  it('refuses another command', async () => {
    await expect(oneMain(['measure', 'x.igvm'], captureIo())).rejects.toThrow(/cannot run 'measure'/);
  });
});

const root = resolve(__dirname, '../..');
const BUNDLE = join(root, 'dist-cli/measure-ovmf.mjs');
describe.runIf(corpusAvailable() && existsSync(BUNDLE))(
  'bin/fukiscope.mjs measure-ovmf (the built bundle)',
  () => {
    it('prints every corpus digest and writes the same VMSAs', () => {
      // One file: no import of a chunk or of another file of ours, only node: built-ins.
      const specifiers = [
        ...readFileSync(BUNDLE, 'utf8').matchAll(
          /^\s*import\b[^'"]*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]/gm,
        ),
      ].map((m) => m[1] ?? m[2]);
      expect(specifiers.length).toBeGreaterThan(0);
      expect(specifiers.filter((s) => !s!.startsWith('node:'))).toEqual([]);
      // Nor the IGVM codec, whose header tables are built at module load (~3-5 ms a run, issue 16): the bundler
      // names each module it inlines in a `// src/...` line, so the command's own module must be named.
      const text = readFileSync(BUNDLE, 'utf8');
      expect(text).toMatch(/^\/\/ src\/cli\/commands\/measure-ovmf\.ts$/m);
      expect(text.match(/^\/\/ src\/core\/igvm\/.*$/gm) ?? []).toEqual([]);
      // Nor @noble/hashes (src/cli/no-noble.ts stands in): this bundle hashes through node:crypto.
      expect(text.match(/^\/\/ node_modules\/@noble\/.*$/gm) ?? []).toEqual([]);
      expect(text).toMatch(/^\/\/ src\/cli\/no-noble\.ts$/m);
      for (const c of cases()) {
        const cwd = mkdtempSync(join(tmpdir(), 'fukiscope-ovmf-bundle-'));
        try {
          const r = spawnSync(
            process.execPath,
            [join(root, 'bin/fukiscope.mjs'), 'measure-ovmf', ...argvOf(c)],
            { cwd, encoding: 'utf8' },
          );
          if (c.expected_error) {
            expect(r.status, c.id).toBe(1);
            expect(r.stderr, c.id).toContain(c.expected_error);
            continue;
          }
          expect(r.status, `${c.id}: ${r.stderr}`).toBe(0);
          expect(r.stdout, c.id).toBe(`${c.expected}\n`);
          const dumps = (c.vmsa_dumps ?? []) as Manifest[];
          expect(readdirSync(cwd).length, c.id).toBe(c.argv.includes('--dump-vmsa') ? dumps.length : 0);
          for (const [i, dump] of dumps.entries())
            expect(equalBytes(readFileSync(join(cwd, `vmsa${i}.bin`)), readCorpus(dump.path)), c.id).toBe(
              true,
            );
        } finally {
          rmSync(cwd, { recursive: true, force: true });
        }
      }
    });
  },
);
