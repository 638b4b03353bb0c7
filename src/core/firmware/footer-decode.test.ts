import { describe, expect, it } from 'vitest';
import { corpusAvailable, readCorpus } from '../../test-support/corpus';
import { describeFooterEntry } from './footer-decode';
import { parseFirmware } from './firmware';
import { FOOTER_GUID } from './guids';

const entry = (guid: string, ...words: number[]) => {
  const data = new Uint8Array(words.length * 4);
  const v = new DataView(data.buffer);
  words.forEach((w, i) => v.setUint32(i * 4, w, true));
  return { guid, name: undefined, offset: 0, length: data.length + 18, dataOffset: 0, data };
};

describe('describeFooterEntry', () => {
  it('reads each known entry as the GUID table defines it', () => {
    expect(describeFooterEntry(entry(FOOTER_GUID.SEV_ES_RESET_BLOCK, 0x0080b004), 0x400000)).toBe(
      'AP reset address 0x80b004 (CS base 0x800000, IP 0xb004)',
    );
    expect(describeFooterEntry(entry(FOOTER_GUID.SEV_HASH_TABLE, 0x810c00, 0x400), 0x400000)).toBe(
      'kernel-hashes table at GPA 0x810c00, 0x400 bytes',
    );
    expect(describeFooterEntry(entry(FOOTER_GUID.SEV_HASH_TABLE, 0, 0), 0x400000)).toMatch(/^no kernel-hashes table/);
    expect(describeFooterEntry(entry(FOOTER_GUID.SEV_METADATA, 0x100), 0x400000)).toBe(
      'SEV metadata (ASEV header) at file offset 0x3fff00 (0x100 from the end of the image)',
    );
    expect(describeFooterEntry(entry('00000000-0000-0000-0000-000000000000', 1), 0x400000)).toBeUndefined();
    expect(describeFooterEntry(entry(FOOTER_GUID.SEV_SECRET, 0x810000), 0x400000)).toBeUndefined();
  });

  it.runIf(corpusAvailable())('the AmdSev build: the hashes table and secret where the spec says (0x810c00 / 0x810000)', () => {
    const bytes = readCorpus('inputs/ovmf/sid/OVMF.amdsev.fd');
    const fw = parseFirmware(bytes);
    const text = (guid: string) => describeFooterEntry(fw.footer!.entries.find((e) => e.guid === guid)!, bytes.length);
    expect(text(FOOTER_GUID.SEV_HASH_TABLE)).toBe('kernel-hashes table at GPA 0x810c00, 0x400 bytes');
    expect(text(FOOTER_GUID.SEV_SECRET)).toBe('launch secret page at GPA 0x810000, 0xc00 bytes');
    // The metadata offsets point at the headers the parser found.
    expect(text(FOOTER_GUID.SEV_METADATA)).toContain('SEV metadata');
  });
});
