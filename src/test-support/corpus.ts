// Test-only access to ../shared/corpus (real files and expected values from independent tools).
// Tests read manifest.json and compute; they never copy an expected value into code.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Bytes } from '../core/bytes/bytes';

const here = dirname(fileURLToPath(import.meta.url));

/** The corpus folder: $FUKISCOPE_CORPUS, else ../shared/corpus beside the checkout. */
export const CORPUS_DIR = process.env.FUKISCOPE_CORPUS ?? resolve(here, '../../../shared/corpus');

export function corpusAvailable(): boolean {
  return existsSync(resolve(CORPUS_DIR, 'manifest.json'));
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Manifest = Record<string, any>;

let manifestCache: Manifest | undefined;
export function manifest(): Manifest {
  if (!corpusAvailable()) throw new Error(`corpus not found at ${CORPUS_DIR} (set FUKISCOPE_CORPUS)`);
  manifestCache ??= JSON.parse(readFileSync(resolve(CORPUS_DIR, 'manifest.json'), 'utf8')) as Manifest;
  return manifestCache;
}

export function corpusPath(rel: string): string {
  return resolve(CORPUS_DIR, rel);
}

export function readCorpus(rel: string): Bytes {
  const b = readFileSync(corpusPath(rel));
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength) as Bytes;
}

/**
 * `fukiscope compose` of the manifest's classic direct-boot case (kernel, initrd, command line) as an SNP IGVM to
 * out.igvm: the arguments the compose and export tests start from.
 */
export function classicComposeArgs(c: Manifest): string[] {
  return [
    ...['compose', '--firmware', corpusPath(c.params.ovmf.path), '--kernel', corpusPath(c.params.kernel.path)],
    ...['--initrd', corpusPath(c.params.initrd.path), '--cmdline', c.params.append],
    ...['--profile', 'classic-equivalent', '--platform', 'snp', '--igvm-out', 'out.igvm'],
  ];
}
