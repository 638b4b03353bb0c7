// serializeIgvm layouts on a small built file: canonical de-duplicates blobs and zeroes padding (§12); preserve
// keeps one blob per header and the padding found in the parsed file (§17.3, §20).
import { describe, expect, it } from 'vitest';
import { put32 } from '../bytes/bytes';
import { IgvmBuilder } from './builder';
import { igvmChecksum } from './fixed-header';
import { parseIgvm } from './parse';
import { serializeIgvm } from './serialize';

function twoPagesAndVmsa(secondFill = 0xab): Uint8Array {
  const b = new IgvmBuilder();
  const m = b.platform({ type: 'SEV_SNP' });
  b.page({ gpa: 0, mask: m, data: new Uint8Array(4096).fill(0xab) });
  b.page({ gpa: 0x1000, mask: m, data: new Uint8Array(4096).fill(secondFill) });
  b.snpVpContext({ gpa: 0x2000, mask: m, vmsa: new Uint8Array(4096).fill(1) });
  return b.build();
}

describe('serializeIgvm layouts', () => {
  it('canonical shares identical blobs; preserve writes one per header and still parses clean', () => {
    const canonical = twoPagesAndVmsa();
    const { file } = parseIgvm(canonical);
    const pages = file!.directives.filter((h) => h.kind === 'PageData');
    expect(pages[0]!.fileOffset).toBe(pages[1]!.fileOffset);
    const preserved = serializeIgvm(file!, { layout: 'preserve' });
    expect(preserved.length).toBe(canonical.length + 4096);
    const again = parseIgvm(preserved);
    expect(again.diagnostics).toEqual([]);
    const offsets = again.file!.directives.flatMap((h) => (h.kind === 'PageData' ? [h.fileOffset] : []));
    expect(offsets[1]! - offsets[0]!).toBe(4096);
    expect(serializeIgvm(again.file!)).toEqual(canonical);
  });

  it('preserve keeps non-zero header padding (igvmgen writes "0000" after VP contexts), canonical zeroes it', () => {
    const bytes = twoPagesAndVmsa(0xcd); // no shared blobs, so only the padding tells the layouts apart
    const vp = parseIgvm(bytes).file!.headers[3]!;
    bytes.fill(0x30, vp.offset + 8 + 20, vp.offset + 8 + 24);
    put32(bytes, 20, igvmChecksum(bytes.subarray(0, 24), bytes.subarray(24, parseIgvm(bytes).file!.fileDataOffset)));
    const { file, diagnostics } = parseIgvm(bytes);
    expect(diagnostics.map((d) => d.code)).toEqual(['IGVM_NONZERO_PADDING']);
    expect(serializeIgvm(file!, { layout: 'preserve' })).toEqual(bytes);
    const canonical = serializeIgvm(file!);
    expect(Array.from(canonical.subarray(vp.offset + 28, vp.offset + 32))).toEqual([0, 0, 0, 0]);
    expect(parseIgvm(canonical).diagnostics).toEqual([]);
  });

  it('preserve falls back to zero padding for headers without a matching raw record (built, not parsed)', () => {
    const b = new IgvmBuilder();
    const m = b.platform({ type: 'SEV_SNP' });
    b.snpVpContext({ gpa: 0, mask: m, vmsa: new Uint8Array(16).fill(2) });
    expect(serializeIgvm(b.toInput(), { layout: 'preserve' })).toEqual(b.build());
  });
});
