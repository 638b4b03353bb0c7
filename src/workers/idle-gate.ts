// IdleGate: counts the engine calls in flight and tells when none has run for a while (EngineClient.whenIdle), so that
// work the engine does not need but that competes with it for the cores (the IndexedDB copy of an opened file,
// issue 16) can wait for a quiet moment.
export class IdleGate {
  private inflight = 0;
  private lastBusy: number;
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
    this.lastBusy = now();
  }

  /** Runs `p` as one call in flight. */
  async track<T>(p: () => Promise<T>): Promise<T> {
    this.inflight++;
    try {
      return await p();
    } finally {
      this.inflight--;
      this.lastBusy = this.now();
    }
  }

  /** Resolves once no call has been in flight for `quietMs`, or after `maxMs` whatever runs. */
  async whenIdle(quietMs: number, maxMs: number): Promise<void> {
    const until = this.now() + maxMs;
    for (;;) {
      const now = this.now();
      const quietFor = this.inflight === 0 ? now - this.lastBusy : 0;
      if (quietFor >= quietMs || now >= until) return;
      await new Promise((r) => setTimeout(r, Math.min(until - now, Math.max(25, quietMs - quietFor))));
    }
  }
}
