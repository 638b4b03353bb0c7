import { describe, expect, it } from 'vitest';
import { nodeHashBackend } from '../../cli/node-hash';
import { toHex } from '../bytes/bytes';
import { parseIgvm } from '../igvm';
import { measureIgvm } from '../measure';
import { corpusAvailable, manifest, readCorpus } from '../../test-support/corpus';
import { diffFiles, diffLedgers } from './diff';

describe.skipIf(!corpusAvailable())('diffFiles', () => {
  const snpDigest = (rel: string) =>
    (
      manifest().igvm as {
        path: string;
        measurements: { SEV_SNP: { snp_launch_digest: { value: string } } };
      }[]
    ).find((e) => e.path === rel)!.measurements.SEV_SNP.snp_launch_digest.value;

  it('two different corpus IGVMs: digests equal the manifest, the first diverging step is where the ledgers first differ', () => {
    const relA = 'igvm/igvm-crate/lib-snp.igvm';
    const relB = 'igvm/igvm-crate/rich-v1.igvm';
    const a = readCorpus(relA);
    const b = readCorpus(relB);
    const r = diffFiles(a, b, nodeHashBackend);
    expect(r.kindA).toBe('igvm');
    expect(r.ledger).toBeDefined();
    const L = r.ledger!;
    expect(L.digestA).toBe(snpDigest(relA).toLowerCase());
    expect(L.digestB).toBe(snpDigest(relB).toLowerCase());
    expect(L.firstDiverging).toBeDefined();
    // Independent check: walk both ledgers here and find the first step that differs.
    const led = (x: Uint8Array) =>
      measureIgvm(parseIgvm(x).file!, { platforms: ['SEV_SNP'], ledger: true, hash: nodeHashBackend })[0]!
        .ledger!;
    const la = led(a);
    const lb = led(b);
    let i = 0;
    while (
      i < Math.min(la.length, lb.length) &&
      la[i]!.gpa === lb[i]!.gpa &&
      la[i]!.type === lb[i]!.type &&
      toHex(la[i]!.contentHash ?? new Uint8Array()) === toHex(lb[i]!.contentHash ?? new Uint8Array())
    )
      i++;
    expect(L.firstDiverging).toBe(i);
    expect(L.windowA.some((s) => s.step === i) || i >= la.length).toBe(true);
    expect(r.header.find((h) => h.label === 'SNP launch digest')!.same).toBe(false);
    expect(r.partsSummary.changed + r.partsSummary.onlyA + r.partsSummary.onlyB).toBeGreaterThan(0);
  });

  it('a file against itself has no difference', () => {
    const a = readCorpus('igvm/igvm-crate/rich-v2.igvm');
    const r = diffFiles(a, a, nodeHashBackend);
    expect(r.header.every((h) => h.same)).toBe(true);
    expect(r.ledger!.firstDiverging).toBeUndefined();
    expect(r.partsSummary.changed + r.partsSummary.onlyA + r.partsSummary.onlyB).toBe(0);
  });

  it('two UKIs: sections compared by name and content hash', () => {
    const r = diffFiles(readCorpus('pe/uki-262.efi'), readCorpus('pe/uki-262-efifw.efi'), nodeHashBackend);
    expect(r.parts.some((p) => p.label === 'section .efifw' && p.a === '' && p.b !== '')).toBe(true);
    expect(r.partsSummary.same).toBeGreaterThan(0);
  });
});

describe('diffLedgers', () => {
  const e = (step: number, gpa: bigint, type = 'NORMAL') => ({ step, header: 0, offset: 0, gpa, type });
  it('a ledger that is a prefix of the other diverges where it ends', () => {
    const r = diffLedgers([e(0, 0n), e(1, 0x1000n)], [e(0, 0n), e(1, 0x1000n), e(2, 0x2000n)], 'a', 'b');
    expect(r.firstDiverging).toBe(2);
  });
  it('a type change is a divergence', () => {
    expect(
      diffLedgers([e(0, 0n), e(1, 0x1000n)], [e(0, 0n), e(1, 0x1000n, 'ZERO')], 'a', 'b').firstDiverging,
    ).toBe(1);
  });
});
