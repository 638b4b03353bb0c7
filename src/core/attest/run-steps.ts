// Driving a search written as a generator of chunks: to the end in one go (CLI, tests), or with a turn of the event
// loop between chunks so a worker can post progress and take a cancel (the OVMF and IGVM mismatch searches).

/** Runs `steps` to its result. */
export function runSteps<R>(steps: Generator<void, R, boolean | undefined>): R {
  for (;;) {
    const n = steps.next();
    if (n.done) return n.value;
  }
}

/**
 * Runs `steps`, passing `shouldStop()` into each chunk and awaiting `pause` between chunks (a worker passes a
 * MessageChannel round trip: no 4 ms timer clamp).
 */
export async function runStepsAsync<R>(
  steps: Generator<void, R, boolean | undefined>,
  shouldStop: () => boolean = () => false,
  pause: () => Promise<void> = () => new Promise((r) => setTimeout(r, 0)),
): Promise<R> {
  for (;;) {
    const n = steps.next(shouldStop());
    if (n.done) return n.value;
    await pause();
  }
}

type Steps<I, R> = (target: Uint8Array, input: I) => Generator<void, R, boolean | undefined>;

/** A search's synchronous entry point (CLI, tests) from its step generator. */
export const syncSearch =
  <I, R>(steps: Steps<I, R>) =>
  (target: Uint8Array, input: I): R =>
    runSteps(steps(target, input));

/** A search's worker entry point from its step generator: `shouldStop` and `pause` as for runStepsAsync. */
export const asyncSearch =
  <I, R>(steps: Steps<I, R>) =>
  (target: Uint8Array, input: I, shouldStop?: () => boolean, pause?: () => Promise<void>): Promise<R> =>
    runStepsAsync(steps(target, input), shouldStop, pause);

/**
 * Inside a step generator, between chunks: reports progress, then yields for a turn of the event loop; true (and
 * `cancelled` set) when `onProgress` returned false or the driver said stop. Use as `if (yield* turn(…)) break`.
 */
export function* progressTurn(
  result: { tried: number; total: number; cancelled: boolean },
  onProgress: ((done: number, total: number) => boolean | void) | undefined,
): Generator<void, boolean, boolean | undefined> {
  const stop = onProgress?.(result.tried, result.total) === false || (yield) === true;
  if (stop) result.cancelled = true;
  return stop;
}

/** Where a search stands or ended: the OVMF and IGVM searches' result, by their candidate type. */
export interface SearchRun<C> {
  found?: C;
  /** Candidates tried (up to and including the match). */
  tried: number;
  /** All candidates in the search space. */
  total: number;
  cancelled: boolean;
  /** Full recomputes done (firmware + metadata, or one measurement per profile) and their time. */
  prefixes: number;
  prefixMs: number;
  /** Time spent on candidate tails. */
  tailMs: number;
  explanation: string;
}
