// The package as a user gets it (issue 15): `npm pack`, the tarball installed into an empty project, and there
// the CLI, a plain Node ESM script importing `fukiscope`, a type-check of that script against the shipped
// `.d.ts`, and the size of a bundle that imports only `measureIgvm`. Nothing here reads the source tree: every
// check runs against what the tarball installed.
import { execFileSync, type ExecFileSyncOptions } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusAvailable, corpusPath, manifest, type Manifest } from './test-support/corpus';

const root = resolve(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string; files: string[] };
const REL = 'igvm/igvm-crate/lib-multi.igvm';
/** A bundle of `measureIgvm` alone: parse + validate + the four measurement engines + noble's SHA-2 (≈ 60 kB today). */
const MEASURE_ONLY_LIMIT = 150_000;

interface Entry {
  path: string;
  measurements: Record<string, Record<string, { value: string }>>;
}
const expected = (): Record<string, string> => {
  const e = (manifest().igvm as Entry[]).find((x) => x.path === REL)!;
  return Object.fromEntries(Object.entries(e.measurements).map(([p, v]) => [p, Object.values(v)[0]!.value]));
};

let dir = '';
let tarball = '';
let packed: string[] = [];
const run = (cmd: string, args: string[], o: ExecFileSyncOptions = {}): string =>
  execFileSync(cmd, args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000, ...o }) as string;

describe.skipIf(!corpusAvailable())('the packed `fukiscope` package, installed into an empty project', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fukiscope-pack-'));
    // The CLI bundle is built by `npm ci` (prepare) and by test-all.sh before vitest; rebuilding it here would
    // race the tests that run bin/fukiscope.mjs. The library is built here (npm pack's prepack does the same).
    expect(existsSync(join(root, 'dist-cli/fukiscope.mjs')), 'dist-cli/fukiscope.mjs: run `npm run build:cli`').toBe(true);
    run('npm', ['run', '--silent', 'build:lib'], { cwd: root });
    const out = JSON.parse(run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: root })) as {
      filename: string;
      files: { path: string }[];
    }[];
    tarball = join(dir, out[0]!.filename);
    packed = out[0]!.files.map((f) => f.path);
    const project = join(dir, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    // Dependencies come from the npm cache when they are there (offline-capable), else the registry.
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel', 'error', tarball], { cwd: project });
    dir = project;
  }, 240_000);
  afterAll(() => {
    if (dir) rmSync(resolve(dir, '..'), { recursive: true, force: true });
  });

  it('ships only the whitelisted files: the library, its types and schemas, the CLI bundle and bin', () => {
    expect(packed).toContain('dist-lib/index.js');
    expect(packed).toContain('dist-lib/index.d.ts');
    expect(packed).toContain('dist-lib/schemas/receipt.schema.json');
    expect(packed).toContain('dist-cli/fukiscope.mjs');
    expect(packed).toContain('bin/fukiscope.mjs');
    expect(packed).toContain('dist-cli/measure-ovmf.mjs');
    const allowed = (p: string) =>
      p === 'package.json' || p === 'README.md' || p === 'CHANGELOG.md' || p.startsWith('dist-lib/') || p === 'dist-cli/fukiscope.mjs' || p === 'dist-cli/measure-ovmf.mjs' || /^dist-cli\/assets\/[^/]+\.js$/.test(p) || p.startsWith('bin/');
    expect(packed.filter((p) => !allowed(p))).toEqual([]);
  });

  it('`npx fukiscope --version` prints the package version', () => {
    expect(run('npx', ['--no-install', 'fukiscope', '--version']).trim()).toContain(pkg.version);
  });

  it('`npx fukiscope measure` gives the manifest digests', () => {
    const out = JSON.parse(run('npx', ['--no-install', 'fukiscope', 'measure', '--json', corpusPath(REL)])) as {
      platforms: { platform: string; digest: string | null }[];
    };
    const want = expected();
    expect(Object.fromEntries(out.platforms.filter((p) => p.platform in want).map((p) => [p.platform, p.digest]))).toEqual(want);
  });

  it('`npx fukiscope measure-ovmf` (its own one-file bundle) gives the manifest digest', () => {
    const c = (manifest().ovmf_measure as Manifest[]).find((x) => x.params.mode === 'snp' && x.params.kernel && x.expected)!;
    const argv = (c.argv as string[]).filter((a) => a !== '--dump-vmsa').map((a, i, all) => (['--ovmf', '--kernel', '--initrd'].includes(all[i - 1]!) ? corpusPath(a) : a));
    expect(run('npx', ['--no-install', 'fukiscope', 'measure-ovmf', ...argv])).toBe(`${c.expected}\n`);
  });

  const script = `import { readFileSync } from 'node:fs';
import { measureIgvm, VERSION } from 'fukiscope';

/** @type {import('fukiscope').IgvmMeasureResult} */
const r = measureIgvm(readFileSync(process.argv[2]));
/** @type {Record<string, string | null>} */
const digests = {};
for (const m of r.measurements) digests[m.platform] = m.digest;
console.log(JSON.stringify({ version: VERSION, digests }));
`;

  it('a plain Node ESM script that imports `fukiscope` measures the manifest digests', () => {
    writeFileSync(join(dir, 'measure.mjs'), script);
    const out = JSON.parse(run(process.execPath, ['measure.mjs', corpusPath(REL)])) as { version: string; digests: Record<string, string> };
    expect(out.version).toBe(pkg.version);
    const want = expected();
    expect(Object.fromEntries(Object.entries(out.digests).filter(([p]) => p in want))).toEqual(want);
  });

  it('the script and the README examples type-check against the shipped .d.ts (and a misuse does not)', () => {
    writeFileSync(join(dir, 'measure.mjs'), script);
    writeFileSync(join(dir, 'misuse.mjs'), `import { measureIgvm } from 'fukiscope';\nmeasureIgvm('not bytes');\n`);
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    const config = (files: string[]) =>
      JSON.stringify({
        compilerOptions: {
          allowJs: true,
          checkJs: true,
          noEmit: true,
          strict: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          // pkijs's declarations (the verify API's certificate type) need the DOM's WebCrypto types.
          lib: ['es2022', 'dom'],
          types: ['node'],
          typeRoots: [join(root, 'node_modules/@types')],
          skipLibCheck: false,
        },
        files,
      });
    // The README's library examples (measure, compose, verify) are checked the same way.
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('\n## Library'), readme.indexOf('\n## ', readme.indexOf('\n## Library') + 1));
    const examples = [...section.matchAll(/```js\n([\s\S]*?)```/g)].map((m, i) => {
      writeFileSync(join(dir, `readme-${i}.mjs`), m[1]!);
      return `readme-${i}.mjs`;
    });
    expect(examples.length).toBe(3);
    // One tsc run over all: the scripts must have no error, the misuse exactly its own (the check is not vacuous).
    writeFileSync(join(dir, 'tsconfig.json'), config(['measure.mjs', ...examples, 'misuse.mjs']));
    let out = '';
    try {
      run(process.execPath, [tsc, '-p', 'tsconfig.json']);
    } catch (e) {
      out = String((e as { stdout?: string }).stdout);
    }
    const errors = out.split('\n').filter((l) => /error TS\d+/.test(l));
    expect(errors, out).toHaveLength(1);
    expect(errors[0]).toMatch(/^misuse\.mjs\(2,\d+\): error TS2345/);
  });

  it('a bundle importing only `measureIgvm` stays small', async () => {
    const { build } = (await import('rolldown')) as typeof import('rolldown');
    const bundle = async (code: string) => {
      writeFileSync(join(dir, 'entry.mjs'), code);
      const out = await build({
        input: join(dir, 'entry.mjs'),
        cwd: dir,
        platform: 'browser',
        write: false,
        logLevel: 'silent',
        output: { format: 'es', minify: true },
      });
      return out.output.filter((c) => c.type === 'chunk').map((c) => (c as { code: string }).code).join('');
    };
    const only = await bundle(`import { measureIgvm } from 'fukiscope';\nglobalThis.measure = measureIgvm;\n`);
    const all = await bundle(`import * as f from 'fukiscope';\nglobalThis.f = f;\n`);
    console.log(`bundle, measureIgvm only: ${only.length} bytes minified; whole library: ${all.length} bytes (${((100 * only.length) / all.length).toFixed(0)} %)`);
    expect(only.length).toBeLessThan(MEASURE_ONLY_LIMIT);
    expect(only.length).toBeLessThan(all.length / 2);
    // The CoRIM encoder, PKI and PE code are not in it.
    expect(only).not.toContain('launch-measurement');
    expect(only).not.toContain('pkijs');
  });
});
