import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IdleGate } from './idle-gate';

describe('IdleGate', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  /** Settles `p` as far as the fake clock allows after `ms`: true once it resolved. */
  async function resolvedAfter(p: Promise<void>, ms: number): Promise<boolean> {
    let done = false;
    void p.then(() => (done = true));
    await vi.advanceTimersByTimeAsync(ms);
    return done;
  }

  it('waits for the quiet time after the last call ends, not while one runs', async () => {
    const gate = new IdleGate();
    let finish!: () => void;
    const call = gate.track(() => new Promise<void>((r) => (finish = r)));
    const idle = gate.whenIdle(300, 30_000);
    expect(await resolvedAfter(idle, 1_000)).toBe(false); // a call is in flight
    finish();
    await call;
    expect(await resolvedAfter(idle, 200)).toBe(false); // quiet for 200 ms only
    expect(await resolvedAfter(idle, 150)).toBe(true);
  });

  it('a call starting inside the quiet time restarts it', async () => {
    const gate = new IdleGate();
    const idle = gate.whenIdle(300, 30_000);
    await vi.advanceTimersByTimeAsync(100);
    await gate.track(async () => vi.advanceTimersByTimeAsync(500));
    expect(await resolvedAfter(idle, 250)).toBe(false);
    expect(await resolvedAfter(idle, 100)).toBe(true);
  });

  it('gives up waiting after maxMs even while calls keep running', async () => {
    const gate = new IdleGate();
    void gate.track(() => new Promise<void>(() => undefined)); // never ends
    const idle = gate.whenIdle(300, 5_000);
    expect(await resolvedAfter(idle, 4_900)).toBe(false);
    expect(await resolvedAfter(idle, 200)).toBe(true);
  });

  it('a failed call counts as ended', async () => {
    const gate = new IdleGate();
    await expect(gate.track(() => Promise.reject(new Error('x')))).rejects.toThrow('x');
    expect(await resolvedAfter(gate.whenIdle(300, 30_000), 350)).toBe(true);
  });
});
