// Shared by the benchmarks: wall times, and the one results file every bench writes its figures to.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** `npm run bench` and `node bench/browser.mjs` both merge their rows into this file (a row per name). */
export const RESULTS_FILE = process.env.BENCH_RESULTS ?? resolve(root, 'bench-results.json');

// Wall times of `iterations` runs of `fn`, in milliseconds.
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

/** The median of a list of numbers. */
export function medianOf(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

const round = (x) => (typeof x === 'number' && Number.isFinite(x) ? Math.round(x * 1000) / 1000 : x ?? null);

/**
 * One figure: `value` (in `unit`) against `baseline` (same unit, measured in the same run; null when the figure is
 * absolute). `target` is `{ ratio: n }` (value / baseline ≤ n), `{ max: n }` (value ≤ n), `{ below: n }`
 * (value < n) or `{ min: n }` (value ≥ n); `met` is computed from it (null without a target). `baselineName` says what the baseline is.
 */
export function row({ name, value, unit, baseline = null, baselineName, target, note, source = 'node' }) {
  const ratio = typeof baseline === 'number' && baseline > 0 ? value / baseline : null;
  let met = null;
  let targetText = null;
  if (target?.ratio !== undefined) {
    met = ratio !== null && ratio <= target.ratio;
    targetText = `ratio <= ${target.ratio}`;
  } else if (target?.max !== undefined) {
    met = value <= target.max;
    targetText = `<= ${target.max} ${unit}`;
  } else if (target?.min !== undefined) {
    met = value >= target.min;
    targetText = `>= ${target.min} ${unit}`;
  } else if (target?.below !== undefined) {
    met = value < target.below;
    targetText = `< ${target.below} ${unit}`;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) met = target ? false : null;
  return {
    name,
    value: round(value),
    unit,
    baseline: round(baseline),
    ratio: round(ratio),
    target: targetText,
    met,
    ...(baselineName && { baselineName }),
    ...(note && { note }),
    source,
    at: new Date().toISOString(),
  };
}

/** Merges rows into bench-results.json (same name: replaced), prints them, returns them. */
export function record(...rows) {
  const all = existsSync(RESULTS_FILE) ? JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) : [];
  for (const r of rows) {
    const i = all.findIndex((x) => x.name === r.name);
    if (i >= 0) all[i] = r;
    else all.push(r);
    const ratio = r.ratio === null ? '' : ` = ${r.ratio.toFixed(2)}x ${r.baselineName ?? 'baseline'} (${r.baseline} ${r.unit})`;
    const met = r.met === null ? '' : r.met ? '  [met]' : '  [NOT met]';
    console.log(`  row: ${r.name}: ${r.value} ${r.unit}${ratio}${r.target ? `, target ${r.target}` : ''}${met}`);
  }
  writeFileSync(RESULTS_FILE, JSON.stringify(all, null, 2) + '\n');
  return rows;
}
