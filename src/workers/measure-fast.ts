// measureIgvm / measurePlatform (src/core/measure) with the SNP page SHA-384s computed asynchronously by a
// PageHasher (WebCrypto batches over a worker pool, page-hash-pool.ts) and the PAGE_INFO chain run synchronously
// with the given backend (SnpChain.withContentHashes; igvm-format-and-measurement.md §14.2.5). Same results as the
// synchronous engine, field for field; other platforms go through measurePlatform unchanged.
import { equalBytes } from '../core/bytes/bytes';
import { defaultHash } from '../core/hash/hash';
import { IGVM_PLATFORM_TYPE, IGVM_PLATFORM_TYPE_NAME, type IgvmSupportedPlatform } from '../core/igvm/types';
import {
  collectPagesToHash,
  measureIgvm,
  measurePlatform,
  platformsOf,
  snpOps,
  snpOptions,
  SnpChain,
  type MeasureOptions,
  type MeasureSource,
  type PlatformMeasurement,
} from '../core/measure';
import type { PageHasher } from './page-hash-pool';

export async function measurePlatformFast(
  src: MeasureSource,
  p: IgvmSupportedPlatform,
  o: MeasureOptions,
  hasher: PageHasher,
): Promise<PlatformMeasurement> {
  if (p.platformType !== IGVM_PLATFORM_TYPE.SEV_SNP) return measurePlatform(src, p, o);
  const profile = o.snpProfile ?? 'igvm';
  const opts = snpOptions(profile, o.snp);
  const t = snpOps(src, p, { ...opts, checkKvm: o.checkKvm });
  const hashes = await hasher.sha384Pages(collectPagesToHash(t.ops).pages);
  const chain = SnpChain.withContentHashes(t.ops, hashes, o.hash ?? defaultHash());
  const digest = chain.digest;
  return {
    platform: 'SEV_SNP',
    compatibilityMask: p.compatibilityMask,
    algorithm: 'snp-launch-digest',
    digest,
    steps: t.ops.length,
    profile,
    snpOptions: opts,
    idBlock: t.idBlock && { headerIndex: t.idBlock.index, ld: t.idBlock.ld, matches: equalBytes(t.idBlock.ld, digest) },
    ledger: o.ledger ? chain.ledger() : undefined,
    chain,
    diagnostics: t.diagnostics,
  };
}

/** Every declared platform (or `o.platforms`), in the order and with the results of measureIgvm. */
export async function measureIgvmFast(src: MeasureSource, o: MeasureOptions, hasher: PageHasher): Promise<PlatformMeasurement[]> {
  const wanted = (name: string) => !o.platforms || (o.platforms as readonly string[]).includes(name);
  // Every non-SNP platform through the synchronous engine (it knows which types have an algorithm), in file order.
  const others = measureIgvm(src, { ...o, platforms: OTHER_PLATFORMS.filter(wanted) });
  const out: PlatformMeasurement[] = [];
  let next = 0;
  for (const p of platformsOf(src)) {
    if (p.platformType === IGVM_PLATFORM_TYPE.SEV_SNP) {
      if (wanted('SEV_SNP')) out.push(await measurePlatformFast(src, p, o, hasher));
    } else if (others[next]?.compatibilityMask === p.compatibilityMask && others[next]?.platform === IGVM_PLATFORM_TYPE_NAME[p.platformType]) {
      out.push(others[next++]!);
    }
  }
  return out;
}

const OTHER_PLATFORMS = Object.values(IGVM_PLATFORM_TYPE_NAME).filter((n) => n !== 'SEV_SNP');
