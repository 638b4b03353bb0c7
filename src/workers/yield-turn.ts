/**
 * One event-loop turn without a timer, for long searches that must take messages (progress, cancel, a bound) in
 * between chunks: a chained setTimeout(0) is clamped to 4 ms from the fifth nesting on, which cost the browser
 * search ~7 % (one yield per 4096 candidates of ~55 ms). Falls back to setTimeout where MessageChannel is missing.
 */
export function yieldTurn(): Promise<void> {
  if (typeof MessageChannel === 'undefined') return new Promise((r) => setTimeout(r, 0));
  return new Promise((r) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      r();
    };
    ch.port2.postMessage(null);
  });
}
