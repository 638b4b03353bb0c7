import { describe, expect, it } from 'vitest';
import { jumpTarget, timelineSegments, type TeachStep } from './steps';

const step = (i: number, type: string, gpa: number): TeachStep => ({
  step: i,
  type,
  gpa: '0x' + gpa.toString(16),
  contentHash: '',
  value: '',
});
const ledger = [
  step(0, 'NORMAL', 0xffc00000),
  step(1, 'NORMAL', 0xffc01000),
  step(2, 'ZERO', 0x800000),
  step(3, 'SECRETS', 0x80d000),
  step(4, 'NORMAL', 0xffc02000),
  step(5, 'VMSA', 0xfffffffff000),
];

describe('timelineSegments', () => {
  it('merges consecutive steps of one type, in order, covering every step once', () => {
    expect(timelineSegments(ledger)).toEqual([
      { first: 0, count: 2, type: 'NORMAL' },
      { first: 2, count: 1, type: 'ZERO' },
      { first: 3, count: 1, type: 'SECRETS' },
      { first: 4, count: 1, type: 'NORMAL' },
      { first: 5, count: 1, type: 'VMSA' },
    ]);
  });
  it('buckets a long alternating ledger to a bounded number of segments that still cover it', () => {
    const long = Array.from({ length: 5000 }, (_, i) => step(i, i % 2 ? 'ZERO' : 'NORMAL', i * 4096));
    const segs = timelineSegments(long);
    expect(segs.length).toBeLessThanOrEqual(240);
    expect(segs.reduce((n, s) => n + s.count, 0)).toBe(5000);
    expect(segs[0]!.first).toBe(0);
  });
});

describe('jumpTarget', () => {
  it('takes a 1-based step number', () => {
    expect(jumpTarget(ledger, '1', 3)).toBe(0);
    expect(jumpTarget(ledger, '6', 0)).toBe(5);
    expect(jumpTarget(ledger, '7', 0)).toMatch(/steps 1 to 6/);
    expect(jumpTarget(ledger, '0', 0)).toMatch(/steps 1 to 6/);
  });
  it('takes a GPA anywhere inside a measured page', () => {
    expect(jumpTarget(ledger, '0x80d000', 0)).toBe(3);
    expect(jumpTarget(ledger, '0xFFC01ABC', 0)).toBe(1);
    expect(jumpTarget(ledger, '0x1000', 0)).toMatch(/No step/);
  });
  it('takes a page type: the next step of it after the current one, wrapping', () => {
    expect(jumpTarget(ledger, 'normal', 0)).toBe(1);
    expect(jumpTarget(ledger, 'NORMAL', 1)).toBe(4);
    expect(jumpTarget(ledger, 'NORMAL', 4)).toBe(0);
    expect(jumpTarget(ledger, 'vmsa', 0)).toBe(5);
    expect(jumpTarget(ledger, 'CPUID', 0)).toMatch(/No CPUID step; this ledger has NORMAL, ZERO, SECRETS, VMSA/);
    expect(jumpTarget(ledger, '  ', 0)).toMatch(/Type a step/);
  });
});
