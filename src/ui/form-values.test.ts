import { describe, expect, it } from 'vitest';
import { LAUNCH_LIMITS } from '../core/settings/launch-settings';
import { u64Error, vcpusError, withheldSentence } from './form-values';

describe('form value checks', () => {
  it('accepts hex and decimal 64-bit values and flags anything else', () => {
    expect(u64Error('0x1', 'Guest features')).toBeUndefined();
    expect(u64Error(' 5 ', 'Guest features')).toBeUndefined();
    expect(u64Error('0xffffffffffffffff', 'x')).toBeUndefined();
    expect(u64Error('zzz', 'Guest features')).toMatch(/Guest features: “zzz” is not a number/);
    expect(u64Error('', 'x')).toBeDefined();
    expect(u64Error('0x', 'x')).toBeDefined();
    expect(u64Error('1e3', 'x')).toBeDefined();
    expect(u64Error('0x10000000000000000', 'x')).toMatch(/64 bits/);
  });
  it('vCPUs are whole numbers within the core limit (1 to 4096, as the CLI and the worker)', () => {
    expect(vcpusError('1')).toBeUndefined();
    expect(vcpusError(String(LAUNCH_LIMITS.vcpus.max))).toBeUndefined();
    for (const bad of ['0', String(LAUNCH_LIMITS.vcpus.max + 1), '', '1.5', 'two', '-1']) expect(vcpusError(bad), bad).toBeDefined();
  });
  it('turns a withheld reason into a sentence', () => {
    expect(
      withheldSentence('no digest: the input has 1 error (IGVM_BAD_CHECKSUM); a value would be wrong'),
    ).toBe('The input has 1 error (IGVM_BAD_CHECKSUM); a value would be wrong.');
  });
});
