// Issue 11 item 2, "Done when", the worker's side: each crafted IGVM (and, opened, each crafted PE/UKI) through the worker's code path (Engine.open and
// Engine.measure in-process, @noble/hashes as in the browser) ends with the refusal as an error diagnostic and does
// bounded work — counted in work units, not timed: the hash calls and bytes of every measurement (a counting
// backend) and the UI ledger it builds. The budget is what 2 s of the worker's JavaScript SHA-384 allows with a wide
// margin; hashing the 2^19 refused operations of '2mb-pages-4096' (igvmmeasure profile) cost ~7 s and 524,289
// calls before the refused measurement was cut to its first REFUSED_PREFIX_OPS. The CLI runs of the same files, in
// child processes, are in hostile-child.test.ts.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { nobleBackend } from '../core/hash';
import { defaultHash, setDefaultHash } from '../core/hash/hash';
import { HASH_BUDGET_CONSTANT } from '../core/measure/source';
import { countingBackend } from '../test-support/counting-hash';
import { corpusAvailable } from '../test-support/corpus';
import { HOSTILE_IGVM } from '../test-support/hostile-igvm';
import { HOSTILE_PE } from '../test-support/hostile-pe';
import { Engine } from '../workers/engine';
import { UI_LEDGER_MAX } from '../workers/inspect/igvm';

const browserHash = defaultHash();
afterEach(() => setDefaultHash(browserHash));

/**
 * Work units one worker measurement of an N-byte file may cost: page content within the engines' own budget
 * (hashBudgetOf: 2 N + 64 MiB) and one hash call per 32-byte header plus 2^16 (a TDX page extend is 17 calls, an SNP
 * step 1-2). The 2 s of the "Done when" at @noble/hashes speed (~40 MB/s, ~10 µs per call here) is about 80 MiB or
 * 200,000 calls; these bounds stay below both for the crafted files (each is at most 32 MB, refused early).
 */
const maxCalls = (n: number) => n / 32 + 65_536;
const maxBytes = (n: number) => 2 * n + HASH_BUDGET_CONSTANT;

describe('crafted IGVM inputs through the worker: refused, with bounded work (issue 11)', () => {
  for (const [name, c] of Object.entries(HOSTILE_IGVM))
    it(name, async () => {
      const bytes = c.bytes();
      const engine = new Engine();
      const opened = await engine.open(name, name, bytes);
      const codes = opened.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);
      const profiles = c.refused.args.includes('igvmmeasure') ? [undefined, 'igvmmeasure'] : [undefined];
      for (const m of opened.measurable)
        for (const profile of m.platform === 'SEV_SNP' ? profiles : [undefined]) {
          const work = countingBackend(browserHash);
          setDefaultHash(work);
          const r = engine.measure(name, { platform: m.platform, ...(profile && { profile }) });
          setDefaultHash(browserHash);
          const label = `${name} worker measure ${m.platform}${profile ? ` ${profile}` : ''}: ${work.calls} hash calls, ${(work.bytes / 2 ** 20).toFixed(1)} MiB, ${r.ledger.length} ledger entries, ${r.runs.length} runs`;
          console.log(label);
          expect(work.calls, label).toBeLessThan(maxCalls(bytes.length));
          expect(work.bytes, label).toBeLessThan(maxBytes(bytes.length));
          expect(r.ledger.length, label).toBeLessThanOrEqual(UI_LEDGER_MAX);
          expect(r.runs.length, label).toBeLessThanOrEqual(r.ledger.length);
          for (const d of r.diagnostics.filter((d) => d.severity === 'error')) codes.push(d.code);
          // Refused: no digest reaches the UI.
          if (r.diagnostics.some((d) => d.severity === 'error')) expect(r.digest, label).toBe('');
        }
      expect(
        codes.some((x) => x === c.refused.code || x === 'IGVM_TOO_MANY_HEADERS' || c.parseCodes?.includes(x)),
        codes.join(' '),
      ).toBe(true);
      engine.close(name);
    }, 120_000);
});

/** PE work units of an N-byte file (as for the CLI, hostile-child.test.ts): each byte hashed a few times, one call per 16 B. */
const maxPeBytes = (n: number) => 8 * n + HASH_BUDGET_CONSTANT;
const maxPeCalls = (n: number) => n / 16 + 65_536;

describe.skipIf(!corpusAvailable())('crafted PE/UKI inputs opened in the worker: bounded work (issue 11)', () => {
  for (const [name, c] of Object.entries(HOSTILE_PE))
    it(name, async () => {
      const bytes = c.bytes();
      const engine = new Engine();
      // The worker's PE path hashes small inputs with noble and large ones with WebCrypto (webcrypto-replay.ts):
      // both are counted.
      const work = { calls: 0, bytes: 0 };
      const noble = { digest: nobleBackend.digest, create: nobleBackend.create };
      const subtleDigest = crypto.subtle.digest.bind(crypto.subtle);
      const counted = countingBackend(noble as typeof nobleBackend);
      nobleBackend.digest = counted.digest;
      nobleBackend.create = counted.create;
      const spy = vi.spyOn(crypto.subtle, 'digest').mockImplementation((alg, data) => {
        work.calls++;
        work.bytes += (data as ArrayBufferView).byteLength ?? (data as ArrayBuffer).byteLength;
        return subtleDigest(alg, data);
      });
      let opened;
      try {
        opened = await engine.open(name, name, bytes);
      } finally {
        nobleBackend.digest = noble.digest;
        nobleBackend.create = noble.create;
        spy.mockRestore();
      }
      work.calls += counted.calls;
      work.bytes += counted.bytes;
      expect(work.calls, 'the open hashes something (else this test counts nothing)').toBeGreaterThan(0);
      const label = `${name} worker open: ${work.calls} hash calls, ${(work.bytes / 2 ** 20).toFixed(1)} MiB, ${opened.diagnostics.length} diagnostics`;
      console.log(label);
      expect(work.calls, label).toBeLessThan(maxPeCalls(bytes.length));
      expect(work.bytes, label).toBeLessThan(maxPeBytes(bytes.length));
      engine.close(name);
    }, 120_000);
});
