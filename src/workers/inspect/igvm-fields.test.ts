import { describe, expect, it } from 'vitest';
import { workedExample } from '../../core/igvm/examples';
import { parseIgvm } from '../../core/igvm';
import { pageDataFlagsText } from '../../core/igvm/flags';
import { headerGroup } from './igvm-fields';

describe('decoded raw values in the header detail', () => {
  it('PageData flags in words', () => {
    expect(pageDataFlagsText(0)).toBe('0x0 (none: a measured 4 KiB page)');
    expect(pageDataFlagsText(2)).toBe('0x2 (unmeasured)');
    expect(pageDataFlagsText(5)).toBe('0x5 (2 MiB page, shared)');
    expect(pageDataFlagsText(0x12)).toBe('0x12 (unmeasured, reserved bits 0x10 set)');
  });

  it('a PageData header group shows its declared fields by spec name, at their byte offsets, with meanings', () => {
    const bytes = workedExample().build();
    const f = parseIgvm(bytes);
    const page = f.file!.headers.find((h) => h.kind === 'PageData')!;
    const g = headerGroup(page, bytes);
    expect(g.title).toContain('IGVM_VHS_PAGE_DATA');
    expect(g.fields.map((x) => x.label).slice(0, 6)).toEqual([
      'gpa',
      'compatibility_mask',
      'file_offset',
      'flags',
      'data_type',
      'reserved',
    ]);
    const body = page.offset + 8;
    expect(g.fields.map((x) => x.offset).slice(0, 6)).toEqual([
      body,
      body + 8,
      body + 12,
      body + 16,
      body + 20,
      body + 22,
    ]);
    expect(g.fields.find((x) => x.label === 'flags')?.value).toMatch(/^0x[0-9a-f]+ \(/);
    expect(g.fields.find((x) => x.label === 'data_type')?.value).toMatch(/^\d+ \(([A-Z_0-9]+|unknown)\)$/);
    // What the parser derived is still shown: the page's data view, with its file offset.
    const data = g.fields.find((x) => x.label === 'data');
    expect(data?.offset).toBe(page.kind === 'PageData' ? page.fileOffset : -1);
    // Body fields are not shown twice under their model names.
    expect(g.fields.some((x) => x.label === 'fileOffset' || x.label === 'dataType')).toBe(false);
  });
});
