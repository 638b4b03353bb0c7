// Browser benchmark runner: builds the app, runs e2e/bench.spec.ts one test at a time (two at once would share
// the 2 cores and skew every ratio) in Debian chromium (Playwright project "bench") against the production build,
// prints its JSON (ratios against baselines measured in the same run) and merges its figures into
// bench-results.json as rows, like `npm run bench` does for the Node ones.
// Usage: node bench/browser.mjs [playwright args, e.g. -g "512 MiB"]   (BENCH_REPS=n to change repetitions,
// E2E_PORT=n for the preview server's port, BENCH_LARGE_MIB=n for the size of the large IGVM)
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { record, row, runBrowserBench } from './lib.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const results = join(root, 'test-results');
if (existsSync(results)) rmSync(results, { recursive: true, force: true }); // no figures from an earlier run
// Every test writes its own JSON (bench.json, bench-measure.json, bench-large.json): print them all.
const files = runBrowserBench(process.argv.slice(2), /^bench.*\.json$/);
const b = {};
let large;
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  console.log(text);
  if (file.endsWith('bench-large.json')) large = JSON.parse(text);
  else Object.assign(b, JSON.parse(text));
}

const src = 'browser';
const rows = [];
const frames = (name, s) =>
  s && rows.push(row({ name, value: s.maxMs, unit: 'ms', target: { below: 50 }, note: `max frame time over ${s.frames} frames (p50 ${s.p50Ms} ms, p95 ${s.p95Ms} ms), ${s.rows} rows`, source: src }));
if (b.openUki) {
  // The WebCrypto passes the UKI view needs, each timed as one SHA-256 of the file. e2e/bench.spec.ts
  // (ukiPassesNeeded) computes them from the file's structure: its SHA-256, its Authenticode SHA-256, the section
  // SHA-256s (which PCR 11's SHA-256 bank extends: no pass of its own) and the .linux kernel's Authenticode SHA-256 —
  // 3.99 passes for pe/uki-262.efi (no .efifw). Not 5: PCR 11 and the section table share their digests. The other
  // algorithms and banks are computed when the view asks (Engine.peDigests) and are not part of opening the file.
  const n = b.openUki.passesNeeded ?? 1;
  rows.push(row({ name: 'browser: open a 14 MiB UKI (sections, Authenticode, PCR 11) vs the WebCrypto SHA-256 passes it needs', value: b.openUki.openMs, unit: 'ms', baseline: b.openUki.webCryptoSha256Ms * n, baselineName: `${n} WebCrypto SHA-256 passes over the file`, target: { ratio: 3 }, note: `one pass ${b.openUki.webCryptoSha256Ms} ms; ratio to one pass ${(b.openUki.openMs / b.openUki.webCryptoSha256Ms).toFixed(1)}x; opens ${(b.openUki.openRunsMs ?? []).join(', ')} ms`, source: src }));
}
if (b.classicSnp) {
  rows.push(row({ name: 'browser: classic SNP digest of an OVMF in the worker vs WebCrypto SHA-384 (re-measure after a vCPU change)', value: b.classicSnp.workerMs, unit: 'ms', baseline: b.classicSnp.webCryptoSha384Ms, baselineName: 'WebCrypto SHA-384 of the OVMF', target: { ratio: 3 }, note: 'page hashes reused from the first measurement', source: src }));
  if (b.classicSnp.firstMs !== undefined)
    rows.push(row({ name: 'browser: classic SNP digest of an OVMF in the worker vs WebCrypto SHA-384 (first measurement)', value: b.classicSnp.firstMs, unit: 'ms', baseline: b.classicSnp.webCryptoSha384Ms, baselineName: 'WebCrypto SHA-384 of the OVMF', target: { ratio: 3 }, note: 'the engine worker ran the chain code once over 256 synthetic zero pages when its WebAssembly SHA-384 loaded, at page load, before the drop (src/workers/warm-up.ts: wasm tier-up and JIT; nothing kept); every page of the OVMF is hashed in this measurement', source: src }));
}
if (b.igvmSnp)
  rows.push(row({ name: 'browser: IGVM SNP measurement in the worker (14 MiB igvmgen) vs one WebCrypto SHA-384 pass', value: b.igvmSnp.workerMs, unit: 'ms', baseline: b.igvmSnp.webCryptoSha384Ms, baselineName: 'WebCrypto SHA-384 of the file', target: { ratio: 2 }, source: src }));
if (b.openIgvm)
  rows.push(row({ name: 'browser: open an IGVM in the page (14 MiB igvmgen) vs one WebCrypto SHA-384 pass', value: b.openIgvm.openMs, unit: 'ms', baseline: b.openIgvm.webCryptoSha384Ms, baselineName: 'WebCrypto SHA-384 of the file', target: { ratio: 2 }, note: b.openIgvm.smallOpenMs === undefined ? undefined : `a ${Math.round(b.openIgvm.smallBytes / 1024)} KiB IGVM opened the same way after it takes ${b.openIgvm.smallOpenMs.toFixed(1)} ms (median): the part of an open that does not grow with the file; the same 14 MiB IGVM opened again, its code warm, ${b.openIgvm.warmOpenMs.toFixed(1)} ms`, source: src }));
if (b.incremental)
  rows.push(row({ name: 'browser: one-byte page change + recompute, 16 MiB IGVM', value: b.incremental.updatePageMs, unit: 'ms', target: { below: 20 }, note: `first changed step ${b.incremental.firstChangedStep} of ${b.incremental.steps}`, source: src }));
if (b.scroll) {
  frames('browser: 14 MiB IGVM header table scroll, max frame', b.scroll.headerTable);
  frames('browser: 14 MiB IGVM page map scroll, max frame', b.scroll.pageMap);
  frames('browser: 14 MiB IGVM expanded ledger scroll, max frame', b.scroll.ledgerExpanded);
}
if (b.search) {
  // e2e/search-bench.spec.ts (the evidence work's bench; bench/browser-search.mjs prints it in full).
  rows.push(row({ name: 'browser: mismatch search, 10,000 candidates in the engine worker', value: b.search.tenThousandCandidatesMs, unit: 'ms', target: { below: 1000 }, note: `${b.search.candidates} candidates against ${b.search.firmware}; one full recompute ${b.fullRecompute?.measurePanelMs} ms in the Measure panel`, source: src }));
}
if (large) {
  const L = large;
  const mib = L.mib ?? Math.round(L.bytes / 2 ** 20);
  rows.push(row({ name: `browser: open a ${mib} MiB IGVM (file input to header counts)`, value: L.open.openMs, unit: 'ms', note: `${L.open.progressValuesSeen} distinct progress values seen over ${L.open.framesWhileLoading} frames while loading`, source: src }));
  rows.push(row({ name: `browser: progress values seen while a ${mib} MiB IGVM loads`, value: L.open.progressValuesSeen, unit: 'count', target: { min: 2 }, source: src }));
  rows.push(row({ name: `browser: SNP measurement of a ${mib} MiB IGVM in the worker`, value: L.measure.workerMs, unit: 'ms', note: 'digest equal to node:crypto in the test process', source: src }));
  frames(`browser: ${mib} MiB IGVM page map scroll, max frame`, L.scroll.pageMap);
  frames(`browser: ${mib} MiB IGVM expanded ledger scroll, max frame`, L.scroll.ledgerExpanded);
  const m = L.memory;
  const mb = (x) => `${Math.round(x / 2 ** 20)} MiB`;
  if (m.rendererPssPeakSampled !== undefined)
    rows.push(row({ name: `browser: peak renderer PSS (page + workers, shared pages split) with a ${mib} MiB IGVM open and measured vs file size`, value: m.rendererPssPeakSampled, unit: 'bytes', baseline: L.bytes, baselineName: 'file size', target: { ratio: 1.5 }, note: `renderer PSS before opening ${mb(m.rendererPssBeforeOpen)} (included); sampled every 100 ms` + (m.rendererPssAfterFullGc !== undefined ? `; at the end ${mb(m.rendererPssAtEnd)}, after a full GC of page and worker ${mb(m.rendererPssAfterFullGc)} (${(m.rendererPssAfterFullGc / L.bytes).toFixed(2)}x)` : ''), source: src }));
  rows.push(row({ name: `browser: peak renderer memory (page + workers) with a ${mib} MiB IGVM open and measured vs file size`, value: Math.max(m.rendererPeakSampled, m.rendererPeakHwm), unit: 'bytes', baseline: L.bytes, baselineName: 'file size', target: { ratio: 1.5 }, note: `renderer RSS before opening ${mb(m.rendererRssBeforeOpen)} (included); RSS after open ${mb(m.rendererRssAfterOpen ?? 0)}, after measure ${mb(m.rendererRssAfterMeasure ?? 0)}`, source: src }));
}
record(...rows);
