// PAGE_INFO is declared once (PAGE_INFO_FIELDS): its layout is the spec's §14.2.1 table, and the writer fills each
// declared field with what the update rule says.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PAGE_INFO_FIELDS, PAGE_INFO_LENGTH, decodePageInfo, snpPageInfo } from './snp-page-info';

const SPEC = resolve(import.meta.dirname, '../../../../shared/spec/igvm-format-and-measurement.md');

describe('PAGE_INFO declaration', () => {
  it.runIf(existsSync(SPEC))('has the offsets and sizes of the spec §14.2.1 table', () => {
    const text = readFileSync(SPEC, 'utf8');
    const section = text.slice(text.indexOf('#### 14.2.1 PAGE_INFO'), text.indexOf('#### 14.2.2'));
    const rows = [...section.matchAll(/^\| (0x[0-9A-Fa-f]{2}) \| (\d+) \|/gm)].map((m) => [
      parseInt(m[1]!, 16),
      Number(m[2]),
    ]);
    expect(rows.length).toBe(7);
    expect(PAGE_INFO_FIELDS.map((f) => [f.offset, f.size])).toEqual(rows);
    expect(PAGE_INFO_LENGTH).toBe(Number(/PAGE_INFO \((0x[0-9a-f]+) = /.exec(section)![1]));
  });

  it('the writer puts every argument in its declared field and zeroes the rest', () => {
    const cur = new Uint8Array(48).map((_, i) => i + 1);
    const contents = new Uint8Array(48).map((_, i) => 0xff - i);
    const f = new Map(
      decodePageInfo(snpPageInfo(cur, contents, 3, 0x1234_5000n)).map((x) => [x.name, x.value]),
    );
    expect(f.get('digest_cur')).toEqual(cur);
    expect(f.get('contents')).toEqual(contents);
    expect(f.get('length')).toBe(PAGE_INFO_LENGTH);
    expect(f.get('page_type')).toBe(3);
    expect(f.get('imi_page')).toBe(0);
    expect(f.get('vmpl_perms')).toEqual(new Uint8Array(4));
    expect(f.get('gpa')).toBe(0x1234_5000n);
  });
});
