// measureIgvm / measurePlatform (src/core/measure) with the SNP page SHA-384s computed asynchronously by a
// PageHasher (WebCrypto batches over a worker pool, page-hash-pool.ts) and the PAGE_INFO chain run synchronously
// with the given backend as the hashes arrive (SnpChain.unchained + chainFrom; igvm-format-and-measurement.md §14.2.5).
// Same results as the synchronous engine, field for field (snpPlan/snpMeasurement are shared with it); other
// platforms go through measurePlatform unchanged.
import { defaultHash, type HashBackend } from '../core/hash/hash';
import { IGVM_PLATFORM_TYPE, IGVM_PLATFORM_TYPE_NAME, supportedPlatforms, type IgvmSupportedPlatform } from '../core/igvm/types';
import {
  collectPagesToHash,
  measureIgvm,
  measurePlatform,
  snpMeasurement,
  snpPlan,
  SnpChain,
  type MeasureOptions,
  type MeasureSource,
  type PlatformMeasurement,
  type SnpOp,
} from '../core/measure';
import type { PageHasher } from './page-hash-pool';

export async function measurePlatformFast(
  src: MeasureSource,
  p: IgvmSupportedPlatform,
  o: MeasureOptions,
  hasher: PageHasher,
): Promise<PlatformMeasurement> {
  if (p.platformType !== IGVM_PLATFORM_TYPE.SEV_SNP) return measurePlatform(src, p, o);
  const plan = snpPlan(src, p, o);
  return snpMeasurement(p, plan, await chainWhileHashing(plan.translation.ops, hasher, o.hash ?? defaultHash()), o);
}

/**
 * The SNP chain, run while the page hashes come in: each time the hashes of the next pages in step order are
 * known, the chain advances up to the first step still waiting for its page (PAGE_INFO needs CONTENTS, §14.2.1).
 */
export async function chainWhileHashing(ops: readonly SnpOp[], hasher: PageHasher, hash: HashBackend): Promise<SnpChain> {
  const { steps, pages } = collectPagesToHash(ops);
  const chain = SnpChain.unchained(ops, hash);
  const known = new Uint8Array(pages.length);
  let next = 0; // pages[0, next) have their hash in place
  let chained = 0; // steps[0, chained) are chained
  const all = await hasher.sha384Pages(pages, (first, hashes) => {
    for (let k = 0; k < hashes.length / 48; k++) {
      chain.setContentHash(steps[first + k]!, hashes.subarray(k * 48, k * 48 + 48));
      known[first + k] = 1;
    }
    while (next < pages.length && known[next]) next++;
    const end = next < pages.length ? steps[next]! : ops.length;
    if (end > chained) chain.chainFrom(chained, end);
    chained = Math.max(chained, end);
  });
  if (all.length !== pages.length * 48) throw new RangeError(`page hasher returned ${all.length / 48} of ${pages.length} page hashes`);
  // Pages no chunk reported (a hasher that does not stream): from the full result.
  for (let k = next; k < pages.length; k++) if (!known[k]) chain.setContentHash(steps[k]!, all.subarray(k * 48, k * 48 + 48));
  if (chained < ops.length) chain.chainFrom(chained);
  return chain;
}

/** Every declared platform (or `o.platforms`), in the order and with the results of measureIgvm. */
export async function measureIgvmFast(src: MeasureSource, o: MeasureOptions, hasher: PageHasher): Promise<PlatformMeasurement[]> {
  const wanted = (name: string) => !o.platforms || (o.platforms as readonly string[]).includes(name);
  // Every non-SNP platform through the synchronous engine (it knows which types have an algorithm), in file order.
  const others = measureIgvm(src, { ...o, platforms: OTHER_PLATFORMS.filter(wanted) });
  const out: PlatformMeasurement[] = [];
  let next = 0;
  for (const p of supportedPlatforms(src)) {
    if (p.platformType === IGVM_PLATFORM_TYPE.SEV_SNP) {
      if (wanted('SEV_SNP')) out.push(await measurePlatformFast(src, p, o, hasher));
    } else if (others[next]?.compatibilityMask === p.compatibilityMask && others[next]?.platform === IGVM_PLATFORM_TYPE_NAME[p.platformType]) {
      out.push(others[next++]!);
    }
  }
  return out;
}

const OTHER_PLATFORMS = Object.values(IGVM_PLATFORM_TYPE_NAME).filter((n) => n !== 'SEV_SNP');
