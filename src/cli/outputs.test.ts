// Issue 11 item 7: the CLI never destroys its inputs or leaves half-written outputs. On the real file system (a
// temporary directory): an output naming an input (directly, via ./, or through a symlink) is refused before
// anything is read; the receipt cannot replace the IGVM; an option error found late writes nothing; outputs appear
// whole (temp + rename, no temp file left); `pe` fails on a damaged file.
import { mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { corpusAvailable, readCorpus } from '../test-support/corpus';
import { processIo, writeFileAtomic, type CliIo } from './io';
import { main } from './main';

let dir: string;
let io: CliIo & { stdout: string; stderr: string };
const path = (n: string) => join(dir, n);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fukiscope-out-'));
  io = {
    ...processIo,
    stdout: '',
    stderr: '',
    out(t) {
      io.stdout += t;
    },
    err(t) {
      io.stderr += t;
    },
  };
});

const snapshot = () => Object.fromEntries(readdirSync(dir).sort().map((n) => [n, readFileSync(path(n)).toString('base64')]));

describe.skipIf(!corpusAvailable())('outputs never replace inputs, never half-written', () => {
  beforeEach(() => {
    writeFileSync(path('fw.fd'), readCorpus('inputs/ovmf/sid/OVMF.amdsev.fd'));
    writeFileSync(path('uki.efi'), readCorpus('pe/uki-262.efi'));
    writeFileSync(path('stub.efi'), readCorpus('inputs/stub/262/linuxx64.efi.stub'));
    symlinkSync(path('fw.fd'), path('link.fd'));
  });

  it('compose: --igvm-out / --fuki-out / --receipt equal to an input (plain, ./, symlink) or to each other: exit 2, nothing changed', async () => {
    const before = snapshot();
    const base = ['compose', '--firmware', path('fw.fd'), '--uki', path('uki.efi')];
    for (const extra of [
      ['--igvm-out', path('fw.fd')],
      ['--igvm-out', join(dir, '.', 'uki.efi')],
      ['--igvm-out', path('link.fd')],
      ['--igvm-out', path('o.igvm'), '--receipt', path('o.igvm')],
      ['--igvm-out', path('o.igvm'), '--fuki-out', path('uki.efi')],
    ]) {
      io.stderr = '';
      expect(await main([...base, ...extra], io), extra.join(' ')).toBe(2);
      expect(io.stderr).toMatch(/refusing to overwrite an input|give each output its own path/);
      expect(snapshot()).toEqual(before);
    }
  });

  it('compose: an option error (a bad --fwid, with valid inputs and outputs) writes no file at all', async () => {
    const before = snapshot();
    const rc = await main(['compose', '--firmware', path('fw.fd'), '--uki', path('uki.efi'), '--igvm-out', path('o.igvm'),
      '--fuki-out', path('o.efi'), '--receipt', path('r.json'), '--fwid', 'bad id'], io);
    expect(rc).toBe(2);
    expect(snapshot()).toEqual(before);
  }, 30_000);

  it('compose: a damaged input (truncated UKI) writes nothing and exits 1', async () => {
    writeFileSync(path('cut.efi'), readCorpus('pe/uki-262.efi').slice(0, 300_000));
    const before = snapshot();
    expect(await main(['compose', '--firmware', path('fw.fd'), '--uki', path('cut.efi'), '--igvm-out', path('o.igvm'), '--receipt', path('r.json')], io)).toBe(1);
    expect(snapshot()).toEqual(before);
  });

  it('compose success: every output complete, no temporary file left; a rerun replaces them whole', async () => {
    const args = ['compose', '--firmware', path('fw.fd'), '--uki', path('uki.efi'), '--igvm-out', path('o.igvm'), '--receipt', path('r.json')];
    expect(await main(args, io), io.stderr).toBe(0);
    writeFileSync(path('o.igvm'), 'old');
    expect(await main(args, io)).toBe(0);
    const names = readdirSync(dir).sort();
    expect(names).toEqual(['fw.fd', 'link.fd', 'o.igvm', 'r.json', 'stub.efi', 'uki.efi']);
    const receipt = JSON.parse(readFileSync(path('r.json'), 'utf8')) as { outputs: { igvm: { size: number } } };
    expect(readFileSync(path('o.igvm')).length).toBe(receipt.outputs.igvm.size);
  }, 30_000);

  it('uki build: --output equal to the stub or the kernel is refused, inputs untouched', async () => {
    const before = snapshot();
    for (const out of [path('stub.efi'), path('uki.efi')])
      expect(await main(['uki', 'build', '--stub', path('stub.efi'), '--linux', path('uki.efi'), '--output', out], io)).toBe(2);
    expect(snapshot()).toEqual(before);
  });

  it('pe exits 1 on error diagnostics (a truncated UKI), like inspect', async () => {
    writeFileSync(path('cut.efi'), readCorpus('pe/uki-262.efi').slice(0, 300_000));
    expect(await main(['inspect', path('cut.efi')], io)).toBe(1);
    expect(await main(['pe', path('cut.efi')], io)).toBe(1);
    expect(await main(['pe', path('uki.efi')], io)).toBe(0);
  });
});

describe('writeFileAtomic', () => {
  it('a failed write leaves neither the target nor a temporary file', () => {
    expect(() => writeFileAtomic(join(dir, 'missing-dir', 'x.bin'), 'data')).toThrow();
    expect(readdirSync(dir)).toEqual([]);
    writeFileAtomic(path('x.bin'), new Uint8Array([1, 2, 3]));
    expect([...readFileSync(path('x.bin'))]).toEqual([1, 2, 3]);
    expect(readdirSync(dir)).toEqual(['x.bin']);
  });
});
