// Shared by the Node benchmarks: wall times of `iterations` runs of `fn`, in milliseconds.
export function timings(fn, iterations) {
  const times = [];
  for (let i = 0; i < iterations; i++) {
    const t = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { median: times[times.length >> 1], min: times[0] };
}

/** The median wall time of `iterations` runs of `fn`, in milliseconds. */
export function median(fn, iterations) {
  return timings(fn, iterations).median;
}
