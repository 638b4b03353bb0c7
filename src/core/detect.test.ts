import { describe, expect, it } from 'vitest';
import { corpusAvailable, manifest, readCorpus } from '../test-support/corpus';
import { detectFileKind, type FileKind } from './detect';
import { workedExample } from './igvm/examples';

// Expected kinds follow from which manifest section / folder a file is in.
function expectedKind(path: string): FileKind {
  if (path.startsWith('igvm/')) return 'igvm';
  if (path.includes('/ovmf/')) return 'firmware';
  if (path.endsWith('.cpio.gz')) return 'gzip';
  if (path.endsWith('.cpio')) return 'cpio';
  if (path.includes('/misc/')) return 'text';
  return 'pe'; // kernels, stubs, UKIs, add-ons
}

describe('detectFileKind', () => {
  it('recognizes small synthetic inputs', () => {
    expect(detectFileKind(workedExample().build())).toBe('igvm');
    expect(detectFileKind(new Uint8Array(0))).toBe('unknown');
    expect(detectFileKind(new Uint8Array([0, 1, 2, 0xff]))).toBe('unknown');
    expect(detectFileKind(new TextEncoder().encode('console=ttyS0 root=/dev/vda1\n'))).toBe('text');
    expect(detectFileKind(new TextEncoder().encode('070701000000'))).toBe('cpio');
    expect(detectFileKind(new Uint8Array([0x1f, 0x8b, 8, 0]))).toBe('gzip');
    const mzOnly = new Uint8Array(0x80);
    mzOnly.set([0x4d, 0x5a]);
    expect(detectFileKind(mzOnly)).toBe('unknown');
  });

  it.runIf(corpusAvailable())('classifies every corpus input, IGVM and PE file', () => {
    const m = manifest();
    const paths = new Set<string>([
      ...Object.values(m.inputs as Record<string, { path: string }>).map((e) => e.path),
      ...(m.igvm as { path: string }[]).map((e) => e.path),
      ...(m.pe as { path: string }[]).map((e) => e.path),
    ]);
    const got = [...paths].map((p) => [p, detectFileKind(readCorpus(p))]);
    expect(got).toEqual([...paths].map((p) => [p, expectedKind(p)]));
    expect(new Set(got.map(([, k]) => k))).toEqual(new Set(['igvm', 'pe', 'firmware', 'gzip', 'cpio', 'text']));
  });
});
