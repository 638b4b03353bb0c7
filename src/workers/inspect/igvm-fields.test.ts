import { describe, expect, it } from 'vitest';
import { workedExample } from '../../core/igvm/examples';
import { parseIgvm } from '../../core/igvm';
import { headerGroup, pageDataFlagsText } from './igvm-fields';

describe('decoded raw values in the header detail', () => {
  it('PageData flags in words', () => {
    expect(pageDataFlagsText(0)).toBe('0x0 (none: a measured 4 KiB page)');
    expect(pageDataFlagsText(2)).toBe('0x2 (unmeasured)');
    expect(pageDataFlagsText(5)).toBe('0x5 (2 MiB page, shared)');
    expect(pageDataFlagsText(0x12)).toBe('0x12 (unmeasured, reserved bits 0x10 set)');
  });

  it('a PageData header group shows flags and data type with their meaning', () => {
    const bytes = workedExample().build();
    const f = parseIgvm(bytes);
    const page = f.file!.headers.find((h) => h.kind === 'PageData')!;
    const g = headerGroup(page, bytes);
    expect(g.fields.find((x) => x.label === 'flags')?.value).toMatch(/^0x[0-9a-f]+ \(/);
    expect(g.fields.find((x) => x.label === 'dataType')?.value).toMatch(/^\d+ \(([A-Z_0-9]+|unknown)\)$/);
  });
});
