import { describe, expect, it } from 'vitest';
import { digestBlocker, type Diagnostic } from './diagnostics';

describe('digestBlocker', () => {
  it('lets warnings and infos through', () => {
    const list: Diagnostic[] = [
      { severity: 'warning', code: 'W', message: 'w' },
      { severity: 'info', code: 'I', message: 'i' },
    ];
    expect(digestBlocker(list)).toBeUndefined();
  });
  it('blocks on any error and names each code once, in order', () => {
    const list: Diagnostic[] = [
      { severity: 'error', code: 'B', message: 'b' },
      { severity: 'warning', code: 'W', message: 'w' },
      { severity: 'error', code: 'A', message: 'a' },
      { severity: 'error', code: 'B', message: 'b again' },
    ];
    const b = digestBlocker(list);
    expect(b?.codes).toEqual(['B', 'A']);
    expect(b?.reason).toContain('3 errors');
  });
});
