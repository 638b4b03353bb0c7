// The async measurement (page hashes from a PageHasher, chain in the calling thread) gives the same results as
// the synchronous engine for every corpus IGVM and SNP profile, and the manifest's SNP digest; run in Node with
// a fake worker pool (in-process "workers" answering through the real worker handler with Node's WebCrypto).
import { describe, expect, it } from 'vitest';
import { toHex } from '../core/bytes/bytes';
import { IgvmBuilder, parseIgvm } from '../core/igvm';
import { measureIgvm, SNP_PROFILES, type PlatformMeasurement } from '../core/measure';
import { corpusAvailable, manifest, readCorpus } from '../test-support/corpus';
import { Engine, fileSha256Hex } from './engine';
import { nobleBackend, type HashBackend } from '../core/hash/hash';
import { loadWasmHash } from '../core/hash/wasm';
import { chainWhileHashing, measureIgvmFast } from './measure-fast';
import { answerPageHashRequest, CHUNK_PAGES, IN_FLIGHT, inThreadHasher, PageHashPool, syncHasher, type HashWorker, type PageHasher, type PageHashReply, type PageHashRequest } from './page-hash-pool';

/** A Worker stand-in: each message is answered asynchronously by the page-hash worker's own handler. */
export function fakeWorker(log?: number[], sync?: HashBackend, inFlight?: { now: number; max: number }): HashWorker {
  const w: HashWorker = {
    onmessage: null,
    onerror: null,
    postMessage(req: PageHashRequest) {
      log?.push(req.pages.byteLength / 4096);
      if (inFlight) inFlight.max = Math.max(inFlight.max, ++inFlight.now);
      void answerPageHashRequest(req, crypto.subtle, sync).then((reply) => {
        if (inFlight) inFlight.now--;
        w.onmessage?.({ data: reply } as MessageEvent<PageHashReply>);
      });
    },
    terminate() {},
  };
  return w;
}

function comparable(m: PlatformMeasurement) {
  return {
    platform: m.platform,
    mask: m.compatibilityMask,
    algorithm: m.algorithm,
    digest: toHex(m.digest),
    steps: m.steps,
    profile: m.profile,
    idBlock: m.idBlock && { ...m.idBlock, ld: toHex(m.idBlock.ld) },
    ledger: m.ledger?.map((e) => Object.fromEntries(Object.entries(e).map(([k, v]) => [k, v instanceof Uint8Array ? toHex(v) : v]))),
    diagnostics: m.diagnostics.map((d) => d.code),
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const entries: any[] = corpusAvailable() ? manifest().igvm : [];

describe.skipIf(!corpusAvailable())('measureIgvmFast on the corpus', () => {
  const pool = new PageHashPool(2, () => fakeWorker());
  for (const e of entries) {
    it(`${e.path}: same results as measureIgvm for every profile, and the manifest SNP digest`, async () => {
      const file = parseIgvm(readCorpus(e.path)).file!;
      for (const snpProfile of SNP_PROFILES) {
        const o = { snpProfile, ledger: true };
        const fast = await measureIgvmFast(file, o, pool);
        expect(fast.map(comparable)).toEqual(measureIgvm(file, o).map(comparable));
      }
      const want = e.measurements?.SEV_SNP?.snp_launch_digest?.value as string | undefined;
      if (want) {
        const [snp] = await measureIgvmFast(file, { platforms: ['SEV_SNP'] }, pool);
        expect(toHex(snp!.digest)).toBe(want.toLowerCase());
      }
    });
  }
});

function bigIgvm(pages: number): Uint8Array {
  const b = new IgvmBuilder();
  const mask = b.platform({ type: 'SEV_SNP' });
  b.guestPolicy(0x30000n, mask);
  const payload = new Uint8Array(pages * 4096);
  for (let i = 0; i < payload.length; i += 4) payload[i] = (i * 2654435761) >>> 24;
  b.pages({ gpa: 0x100000n, mask, data: payload });
  b.snpVpContext({ gpa: 0xfffffffff000n, mask, vmsa: new Uint8Array(4096) });
  return b.build();
}

describe('PageHashPool', () => {
  const file = parseIgvm(bigIgvm(1000)).file!;
  const sync = () => measureIgvm(file, { platforms: ['SEV_SNP'] })[0]!;

  it('splits the pages over its workers and gives the synchronous digest; updatePage still works on the chain', async () => {
    const log: number[] = [];
    const [m] = await measureIgvmFast(file, { platforms: ['SEV_SNP'] }, new PageHashPool(2, () => fakeWorker(log)));
    expect(log).toEqual([512, 489]); // 1000 data pages + the VMSA, in chunks dealt to both workers
    expect(toHex(m!.digest)).toBe(toHex(sync().digest));
    const step = 400;
    const edited = new Uint8Array(m!.chain!.ops[step]!.data!);
    edited[7] ^= 1;
    const u = m!.chain!.updatePage(step, edited);
    const reference = sync().chain!;
    expect(toHex(u.digest)).toBe(toHex(reference.updatePage(step, edited).digest));
    expect(u.firstChangedStep).toBe(step);
  });

  it('keeps at most IN_FLIGHT packed chunks per worker, and gives the same digest with WebAssembly page hashes', async () => {
    const many = parseIgvm(bigIgvm(CHUNK_PAGES * 9 + 5)).file!;
    const want = toHex(measureIgvm(many, { platforms: ['SEV_SNP'] })[0]!.digest);
    const wasm = await loadWasmHash();
    expect(wasm).toBeDefined();
    for (const backend of [undefined, wasm]) {
      const inFlight = { now: 0, max: 0 };
      const log: number[] = [];
      const [m] = await measureIgvmFast(many, { platforms: ['SEV_SNP'] }, new PageHashPool(2, () => fakeWorker(log, backend, inFlight)));
      expect(toHex(m!.digest)).toBe(want);
      expect(log.length).toBe(10);
      expect(inFlight.max).toBe(2 * IN_FLIGHT);
    }
  });

  it('syncHasher (WebAssembly, in the calling thread): the same digest and chunked as the pool', async () => {
    const wasm = (await loadWasmHash())!;
    const many = parseIgvm(bigIgvm(CHUNK_PAGES * 2 + 7)).file!;
    const firsts: number[] = [];
    const h = syncHasher(wasm);
    const counting: PageHasher = { sha384Pages: (pages, onChunk) => h.sha384Pages(pages, (first, x) => (firsts.push(first), onChunk?.(first, x))) };
    const [m] = await measureIgvmFast(many, { platforms: ['SEV_SNP'] }, counting);
    expect(toHex(m!.digest)).toBe(toHex(measureIgvm(many, { platforms: ['SEV_SNP'] })[0]!.digest));
    expect(firsts).toEqual([0, CHUNK_PAGES, 2 * CHUNK_PAGES]);
  });

  it('hashes small inputs in the calling thread, and falls back to it when a worker fails', async () => {
    let spawned = 0;
    const broken = new PageHashPool(2, () => {
      spawned++;
      const w: HashWorker = {
        onmessage: null,
        onerror: null,
        postMessage: () => queueMicrotask(() => w.onerror?.({ message: 'no nested workers' } as ErrorEvent)),
        terminate() {},
      };
      return w;
    });
    const small = parseIgvm(bigIgvm(10)).file!;
    const [s] = await measureIgvmFast(small, { platforms: ['SEV_SNP'] }, broken);
    expect(spawned).toBe(0);
    expect(toHex(s!.digest)).toBe(toHex(measureIgvm(small, { platforms: ['SEV_SNP'] })[0]!.digest));
    const [m] = await measureIgvmFast(file, { platforms: ['SEV_SNP'] }, broken);
    expect(spawned).toBeGreaterThan(0);
    expect(toHex(m!.digest)).toBe(toHex(sync().digest));
  });

  it('chains while hashes arrive in any chunk order, or all at once from a hasher that does not stream', async () => {
    const ops = sync().chain!.ops;
    const reversed: PageHasher = {
      async sha384Pages(pages, onChunk) {
        const all = await inThreadHasher.sha384Pages(pages);
        for (let first = Math.floor((pages.length - 1) / 100) * 100; first >= 0; first -= 100)
          onChunk?.(first, all.subarray(first * 48, Math.min(pages.length, first + 100) * 48));
        return all;
      },
    };
    const silent: PageHasher = { sha384Pages: (pages) => inThreadHasher.sha384Pages(pages) };
    for (const h of [reversed, silent]) {
      const chain = await chainWhileHashing(ops, h, nobleBackend);
      expect(toHex(chain.digest)).toBe(toHex(sync().digest));
      expect(toHex(chain.digests)).toBe(toHex(sync().chain!.digests));
    }
  });

  it('uses the hasher it is given (wrong page hashes give a different digest)', async () => {
    const zeros: PageHasher = { sha384Pages: async (pages) => new Uint8Array(pages.length * 48) };
    const [m] = await measureIgvmFast(file, { platforms: ['SEV_SNP'] }, zeros);
    expect(toHex(m!.digest)).not.toBe(toHex(sync().digest));
    const [n] = await measureIgvmFast(file, { platforms: ['SEV_SNP'] }, inThreadHasher);
    expect(toHex(n!.digest)).toBe(toHex(sync().digest));
  });
});

describe.skipIf(!corpusAvailable())('Engine.measureAsync (the worker measure path)', () => {
  it('returns what Engine.measure returns for an IGVM SNP measurement (ms aside)', async () => {
    const rel = (entries.find((e) => e.measurements?.SEV_SNP) as { path: string }).path;
    const engine = new Engine();
    await engine.open('f', rel, readCorpus(rel));
    const { ms: a, ...fast } = await engine.measureAsync('f', { platform: 'SEV_SNP' });
    const { ms: b, ...sync } = engine.measure('f', { platform: 'SEV_SNP' });
    expect(a).toBeGreaterThanOrEqual(0);
    expect(b).toBeGreaterThanOrEqual(0);
    expect(fast.digest).toMatch(/^[0-9a-f]{96}$/);
    expect(fast).toEqual(sync);
  });
});

describe('fileSha256Hex (a file identity without a WebCrypto copy of a large file)', () => {
  it('streams a large file in slices with progress, the same digest as WebCrypto in one call', async () => {
    const bytes = bigIgvm(300);
    const whole = await fileSha256Hex(bytes);
    const done: number[] = [];
    const sliced = await fileSha256Hex(bytes, (n) => done.push(n), 0, 100_000);
    expect(sliced).toBe(whole);
    expect(whole).toBe(toHex(nobleBackend.digest('sha256', bytes)));
    expect(done.length).toBe(Math.ceil(bytes.length / 100_000));
    expect(done.at(-1)).toBe(bytes.length);
  });
});
