// Issue 10 item 1: a damaged IGVM never yields a digest. Every corpus IGVM, truncated (`head -c 5000`) and with a
// wrong checksum, must produce error diagnostics, and `fukiscope measure` must then exit 1 with no digest on stdout
// (also with --json: digest null; and with --force: the value only on stderr, labelled).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasErrors } from '../../core/diagnostics';
import { parseIgvm } from '../../core/igvm/parse';
import { captureIo } from '../../test-support/cli';
import { corpusAvailable, manifest, readCorpus } from '../../test-support/corpus';
import { main } from '../main';

/** Any run of 64+ hex digits: a SHA-256/384 value (lower or upper case). */
const DIGEST = /[0-9a-fA-F]{64,}/;

function truncated(b: Uint8Array): Uint8Array {
  return b.slice(0, 5000);
}

/** The checksum field (igvm-format §2.3: fixed header offset 20) with one bit flipped. */
function badChecksum(b: Uint8Array): Uint8Array {
  const c = b.slice();
  c[20] ^= 0x01;
  return c;
}

const paths = (): string[] => (manifest().igvm as { path: string }[]).map((e) => e.path);

describe.skipIf(!corpusAvailable())('fukiscope measure on damaged copies of every corpus IGVM', () => {
  for (const [what, damage] of [
    ['truncated to 5000 bytes', truncated],
    ['with a bad checksum', badChecksum],
  ] as const) {
    it(`${what}: error diagnostics, exit 1, no digest on stdout (text, --json, --force)`, async () => {
      const list = paths();
      expect(list.length).toBeGreaterThanOrEqual(8);
      for (const rel of list) {
        const bytes = damage(readCorpus(rel));
        expect(hasErrors(parseIgvm(bytes).diagnostics), `${rel} ${what}: the parser must report an error`).toBe(true);
        const files = { 'damaged.igvm': bytes };
        const text = captureIo(files);
        expect(await main(['measure', 'damaged.igvm'], text), rel).toBe(1);
        expect(text.stdout, rel).not.toMatch(DIGEST);
        expect(text.stderr, rel).toContain('no digest');

        const json = captureIo(files);
        expect(await main(['measure', 'damaged.igvm', '--json'], json), rel).toBe(1);
        if (json.stdout) {
          const out = JSON.parse(json.stdout) as { platforms: { digest: string | null; withheld?: { codes: string[] } }[] };
          for (const p of out.platforms) {
            expect(p.digest, rel).toBeNull();
            expect(p.withheld!.codes.length, rel).toBeGreaterThan(0);
          }
          expect(json.stdout, rel).not.toMatch(DIGEST);
        }

        const forced = captureIo(files);
        expect(await main(['measure', 'damaged.igvm', '--force'], forced), rel).toBe(1);
        expect(forced.stdout, rel).not.toMatch(DIGEST);
        if (parseIgvm(bytes).file) expect(forced.stderr, rel).toMatch(/[0-9a-f]{64,} {2}<- computed from a damaged file/);
      }
    }, 120_000);
  }

  it('the undamaged originals still measure (exit 0, a digest per platform)', async () => {
    for (const rel of paths().filter((p) => !p.includes('igvmgen'))) {
      const io = captureIo({ 'ok.igvm': readCorpus(rel) });
      expect(await main(['measure', 'ok.igvm'], io), rel).toBe(0);
      expect(io.stdout, rel).toMatch(DIGEST);
    }
  });
});

/** bin/fukiscope.mjs, the installed command, over the bundle in dist-cli (built by `npm ci` / `npm run build:cli`). */
const CLI = resolve(__dirname, '../../../bin/fukiscope.mjs');

describe.skipIf(!corpusAvailable() || !existsSync(resolve(__dirname, '../../../dist-cli/fukiscope.mjs')))(
  'the installed fukiscope command on damaged copies of every corpus IGVM',
  () => {
    it('truncated and bad-checksum files on disk: exit 1, no digest on stdout, the reason on stderr', () => {
      const dir = mkdtempSync(join(tmpdir(), 'fukiscope-damaged-'));
      try {
        const list = paths();
        expect(list.length).toBeGreaterThanOrEqual(8);
        for (const rel of list) {
          for (const [what, damage] of [
            ['cut', truncated],
            ['badsum', badChecksum],
          ] as const) {
            const file = join(dir, `${what}-${rel.replace(/\//g, '_')}`);
            writeFileSync(file, damage(readCorpus(rel)));
            for (const extra of [[], ['--json']]) {
              const r = spawnSync(process.execPath, [CLI, 'measure', file, ...extra], { encoding: 'utf8' });
              const id = `${what} ${rel} ${extra.join(' ')}`;
              expect(r.status, id).toBe(1);
              expect(r.stdout, id).not.toMatch(DIGEST);
              if (extra.length === 0) expect(r.stderr, id).toContain('no digest');
              else {
                // For scripts: each platform says digest null, and why.
                const out = JSON.parse(r.stdout) as { platforms: { digest: unknown; withheld?: { reason: string } }[] };
                expect(out.platforms.length, id).toBeGreaterThan(0);
                for (const p of out.platforms) {
                  expect(p.digest, id).toBeNull();
                  expect(p.withheld?.reason, id).toMatch(/^no digest/);
                }
              }
            }
          }
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 180_000);
  },
);
