// Shared by the Node benchmarks: the median wall time of `iterations` runs of `fn`, in milliseconds.
export function median(fn, iterations) {
  const times = [];
  for (let i = 0; i < iterations; i++) {
    const t = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}
