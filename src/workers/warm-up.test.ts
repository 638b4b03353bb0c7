// The engine worker's start-up warm-up: it computes the SNP chain it claims to (checked against the chain written
// out by hand with node:crypto), with every backend the worker may have, and leaves nothing behind that a later
// measurement could see (the corpus OVMF cases measure to the manifest's digests after it, on the same backend).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { defaultHash, nobleBackend, setDefaultHash } from '../core/hash/hash';
import { loadWasmHash } from '../core/hash/wasm';
import { nodeHashBackend } from '../cli/node-hash';
import { corpusAvailable, manifest, readCorpus, type Manifest } from '../test-support/corpus';
import { Engine } from './engine';
import { WARM_UP_PAGES, warmUpSnpChain } from './warm-up';

/** LD' = SHA-384(PAGE_INFO) over `pages` zero NORMAL pages ending at 4 GiB, PAGE_INFO laid out by hand (§14.2.1). */
function chainByHand(pages: number): string {
  const pageHash = createHash('sha384').update(new Uint8Array(4096)).digest();
  let ld: Uint8Array = new Uint8Array(48);
  for (let i = 0; i < pages; i++) {
    const info = Buffer.alloc(0x70);
    info.set(ld, 0);
    info.set(pageHash, 0x30);
    info.writeUInt16LE(0x70, 0x60);
    info[0x62] = 1; // NORMAL
    info.writeBigUInt64LE(0x1_0000_0000n - BigInt(pages - i) * 4096n, 0x68);
    ld = createHash('sha384').update(info).digest();
  }
  return Buffer.from(ld).toString('hex');
}

describe('warmUpSnpChain', () => {
  it('computes the SNP chain over its synthetic pages, on every backend', async () => {
    const wasm = await loadWasmHash();
    expect(wasm).toBeDefined();
    expect(warmUpSnpChain(nodeHashBackend)).toBe(chainByHand(WARM_UP_PAGES));
    expect(warmUpSnpChain(wasm!)).toBe(chainByHand(WARM_UP_PAGES));
    expect(warmUpSnpChain(nobleBackend, 3)).toBe(chainByHand(3));
  });

  it.runIf(corpusAvailable())(
    'leaves later measurements as they were (corpus OVMF, wasm backend)',
    async () => {
      const wasm = (await loadWasmHash())!;
      const before = defaultHash();
      setDefaultHash(wasm);
      try {
        const cases = (manifest().ovmf_measure as Manifest[]).filter(
          (c) =>
            c.expected &&
            c.params.mode === 'snp' &&
            !c.params.kernel &&
            !c.params.snp_ovmf_hash &&
            c.params.vcpu_type,
        );
        expect(cases.length).toBeGreaterThan(0);
        for (const c of cases) {
          // A stream left open on the wasm lane must survive the warm-up's one-shot digests too.
          const open = wasm.create('sha384').update(new Uint8Array([1, 2, 3]));
          warmUpSnpChain(defaultHash());
          expect(Buffer.from(open.digest()).toString('hex')).toBe(
            createHash('sha384')
              .update(new Uint8Array([1, 2, 3]))
              .digest('hex'),
          );
          const engine = new Engine();
          const path = (c.params.ovmf as { path: string }).path;
          await engine.open(c.id, path, readCorpus(path));
          warmUpSnpChain(defaultHash());
          const out = engine.measure(c.id, {
            platform: 'snp',
            vcpus: c.params.vcpus as number,
            vcpuType: c.params.vcpu_type as string,
            vmm: (c.params.vmm_type as string | undefined) ?? 'QEMU',
            guestFeatures: c.params.guest_features as string | undefined,
          });
          expect(out.digest, c.id).toBe(c.expected);
        }
      } finally {
        setDefaultHash(before);
      }
    },
  );
});
