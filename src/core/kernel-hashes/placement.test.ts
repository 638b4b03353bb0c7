import { describe, expect, it } from 'vitest';
import { equalBytes, put32, u32 } from '../bytes/bytes';
import { measureClassic } from '../classic/classic';
import { Diagnostics } from '../diagnostics';
import { parseFirmware } from '../firmware/firmware';
import { FOOTER_GUID } from '../firmware/guids';
import { ComposeSession, DEFAULT_SETTINGS } from '../fuki/compose';
import { directBootBlobs } from '../fuki/inputs';
import { nodeHashBackend } from '../../cli/node-hash';
import { corpusAvailable, manifest, readCorpus, type Manifest } from '../../test-support/corpus';
import { amdSevFixture4MiB } from '../../test-support/firmware-fixture';
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

describe('a hash-table GPA near a page end (fuki §4.2.3)', () => {
  /** The AmdSev fixture with the footer's SEV hash-table GPA moved to 0x…F80: 128 bytes left, the table needs 176. */
  function firmwareWithLateHashTable() {
    const fw = amdSevFixture4MiB();
    const entry = parseFirmware(fw).footer!.entries.find((e) => e.guid === FOOTER_GUID.SEV_HASH_TABLE)!;
    put32(fw, entry.dataOffset, (u32(fw, entry.dataOffset) & ~0xfff) | 0xf80);
    return fw;
  }
  const boot = directBootBlobs({ kernel: new Uint8Array([1]), cmdline: 'x' });

  it('is an error diagnostic from placement, not a RangeError', () => {
    const fw = parseFirmware(firmwareWithLateHashTable());
    expect(fw.sevHashTable!.gpa & 0xfff).toBe(0xf80);
    const d = new Diagnostics();
    expect(
      placeKernelHashes(fw, findKernelHashesSection(fw)!, kernelHashes({ kernel: boot.kernel }), d),
    ).toBeUndefined();
    expect(d.list.map((x) => [x.code, x.severity])).toEqual([['KH_TABLE_CROSSES_PAGE', 'error']]);
    expect(d.list[0]!.offset).toBe(fw.sevHashTable!.offset);
  });
  it('compose and the classic digest report it and give no digest', () => {
    const firmware = firmwareWithLateHashTable();
    const r = new ComposeSession(nodeHashBackend).compose({
      firmware,
      boot,
      settings: { ...DEFAULT_SETTINGS, platforms: ['SEV_SNP'] },
    });
    expect(r.diagnostics.map((x) => x.code)).toContain('KH_TABLE_CROSSES_PAGE');
    expect(r.igvm).toBeUndefined();
    expect(r.measurements).toEqual([]);
    const c = measureClassic(
      {
        mode: 'snp',
        firmware,
        vcpus: 1,
        vcpuSig: 0,
        vmm: 'QEMU',
        guestFeatures: 1n,
        kernel: kernelHashes({ kernel: boot.kernel }),
      },
      nodeHashBackend,
    );
    expect(c.diagnostics.map((x) => x.code)).toContain('KH_TABLE_CROSSES_PAGE');
    expect(c.digest).toBeUndefined();
  });
});
