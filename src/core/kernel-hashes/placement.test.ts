import { describe, expect, it } from 'vitest';
import { equalBytes } from '../bytes/bytes';
import { Diagnostics } from '../diagnostics';
import { parseFirmware } from '../firmware/firmware';
import { corpusAvailable, manifest, readCorpus, type Manifest } from '../../test-support/corpus';
import { findKernelHashesSection, kernelHashes, placeKernelHashes } from './index';

describe.runIf(corpusAvailable())('placing the kernel-hashes page in a firmware (fuki §4.2.2–§4.2.3)', () => {
  const inputs = corpusAvailable() ? (manifest().inputs as Record<string, Manifest>) : {};
  it('AmdSev: the page sev-snp-measure builds, at the SNP_KERNEL_HASHES GPA', () => {
    const fw = parseFirmware(readCorpus(inputs['ovmf/sid/OVMF.amdsev.fd']!.path));
    const c = (manifest().sev_hashes as Manifest[])[0]!;
    const h = kernelHashes({
      kernel: readCorpus(c.kernel.path),
      initrd: c.initrd ? readCorpus(c.initrd.path) : undefined,
      append: c.append ?? undefined,
    });
    const d = new Diagnostics();
    const placed = placeKernelHashes(fw, findKernelHashesSection(fw)!, h, d)!;
    expect(d.list).toEqual([]);
    expect(placed.offsetInPage).toBe(Number(c.page_offset));
    expect(placed.gpa).toBe(findKernelHashesSection(fw)!.gpa);
    expect(equalBytes(placed.page, readCorpus(c.page_file))).toBe(true);
  });
  it('bookworm OvmfX64 has no section; a damaged section size is an error', () => {
    const bookworm = parseFirmware(readCorpus(inputs['ovmf/bookworm/OVMF.fd']!.path));
    expect(findKernelHashesSection(bookworm)).toBeUndefined();
    const fw = parseFirmware(readCorpus(inputs['ovmf/sid/OVMF.amdsev.fd']!.path));
    const d = new Diagnostics();
    const s = { ...findKernelHashesSection(fw)!, size: 0x2000 };
    expect(placeKernelHashes(fw, s, kernelHashes({ kernel: new Uint8Array(1) }), d)).toBeUndefined();
    expect(d.list.map((x) => x.code)).toEqual(['KH_SECTION_SIZE']);
    const noTable = { ...fw, sevHashTable: undefined };
    expect(
      placeKernelHashes(
        noTable,
        findKernelHashesSection(fw)!,
        kernelHashes({ kernel: new Uint8Array(1) }),
        d,
      ),
    ).toBeUndefined();
  });
});
