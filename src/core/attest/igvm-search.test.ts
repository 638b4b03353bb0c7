// The IGVM mismatch search (profiles × vCPUs with VMSA replication) against full measurements of IGVMs that really
// carry the extra VMSAs: the extension by one PAGE_INFO step per vCPU must equal measuring the longer file.
import { describe, expect, it } from 'vitest';
import { toHex } from '../bytes/bytes';
import { parseIgvm, type IgvmFile } from '../igvm';
import { withMoreVmsas } from '../../test-support/more-vmsas';
import { measureIgvm } from '../measure/measure-igvm';
import { corpusAvailable, manifest, readCorpus, type Manifest } from '../../test-support/corpus';
import { igvmSnpDigestWithVcpus, searchIgvm } from './igvm-search';

function lib(path: string): IgvmFile {
  const g = (manifest().igvm as Manifest[]).find((x) => x.path.endsWith(path))!;
  return parseIgvm(readCorpus(g.path)).file!;
}

const snpDigest = (f: IgvmFile, profile: 'igvm' | 'igvmmeasure' | 'native-zero') =>
  measureIgvm(f, { platforms: ['SEV_SNP'], snpProfile: profile })[0]!.digest;

describe.runIf(corpusAvailable())('searchIgvm', () => {
  it('igvmSnpDigestWithVcpus equals measuring a file that carries the extra VMSAs', () => {
    const file = lib('rich-v2.igvm');
    for (const profile of ['igvm', 'igvmmeasure', 'native-zero'] as const) {
      const r = igvmSnpDigestWithVcpus(file, profile, 5);
      expect(toHex(r.digest!)).toBe(toHex(snpDigest(withMoreVmsas(file, 4).file, profile)));
    }
    expect(igvmSnpDigestWithVcpus(file, 'igvm', 0).error).toMatch(/at least/);
  });

  it('finds the vCPU count of a file measured with 1 + k VMSAs, for k = 0, 1, 6', () => {
    const file = lib('lib-snp.igvm');
    for (const k of [0, 1, 6]) {
      const target = snpDigest(k ? withMoreVmsas(file, k).file : file, 'igvm');
      const r = searchIgvm(target, { file, maxVcpus: 16 });
      expect(r.found, r.explanation).toMatchObject({ profile: 'igvm', vcpus: 1 + k, fileVmsas: 1 });
      expect(r.found!.options).toEqual(k ? ['--profile igvm', `--vcpus ${1 + k}`] : ['--profile igvm']);
    }
  });

  it('finds the profile: a digest of another profile with 3 vCPUs', () => {
    const file = lib('rich-v1.igvm');
    const target = snpDigest(withMoreVmsas(file, 2).file, 'native-zero');
    const igvm = snpDigest(withMoreVmsas(file, 2).file, 'igvm');
    // The test means something only where the profiles differ for this file.
    expect(toHex(target)).not.toBe(toHex(igvm));
    const r = searchIgvm(target, { file, profile: 'igvm', maxVcpus: 8 });
    expect(r.found).toMatchObject({ profile: 'native-zero', vcpus: 3 });
  });

  it('reports none of N for a random digest, trying every candidate; stops when asked', () => {
    const file = lib('lib-snp.igvm');
    const random = Uint8Array.from({ length: 48 }, (_, i) => (i * 89 + 7) & 0xff);
    const r = searchIgvm(random, { file });
    expect(r.found).toBeUndefined();
    expect(r.tried).toBe(r.total);
    expect(r.total).toBe(3 * 512);
    expect(r.explanation).toMatch(/^none of 1536 candidates/);
    let calls = 0;
    const stopped = searchIgvm(random, { file, onProgress: () => ++calls < 0 });
    expect(stopped.cancelled).toBe(true);
    expect(stopped.tried).toBeLessThan(stopped.total);
  });

  it('says there is nothing to search in an IGVM without SEV-SNP', () => {
    const r = searchIgvm(new Uint8Array(48), { file: lib('lib-tdx.igvm') });
    expect(r.total).toBe(0);
    expect(r.explanation).toMatch(/no SEV-SNP platform/);
  });
});
