import { describe, expect, it } from 'vitest';
import { corpusAvailable, manifest, readCorpus } from '../test-support/corpus';
import { describeUnknown, detectFileKind, type FileKind } from './detect';
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

describe('describeUnknown', () => {
  const bytes = (...b: number[]) => new Uint8Array(b);
  it('names an empty file and common non-firmware types by their magic numbers', () => {
    expect(describeUnknown(new Uint8Array(0))).toBe('empty file');
    expect(describeUnknown(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0))).toBe('PNG image');
    expect(describeUnknown(bytes(0x50, 0x4b, 0x03, 0x04, 0x14))).toBe('ZIP archive');
    expect(describeUnknown(bytes(0x7f, 0x45, 0x4c, 0x46, 2, 1, 1))).toBe('ELF binary');
    expect(describeUnknown(new TextEncoder().encode('%PDF-1.7'))).toBe('PDF document');
    expect(describeUnknown(bytes(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0))).toBe('xz-compressed data');
    const tar = new Uint8Array(512);
    tar.set(new TextEncoder().encode('ustar'), 257);
    expect(describeUnknown(tar)).toBe('tar archive');
  });
  it('says nothing for bytes it does not recognise, and never reads past the end', () => {
    expect(describeUnknown(bytes(0, 1, 2, 0xff))).toBeUndefined();
    expect(describeUnknown(bytes(0x89, 0x50))).toBeUndefined();
    expect(describeUnknown(new Uint8Array(300))).toBeUndefined();
  });
});
