// The SEV-SNP launch digest of a detached IGVM model (src/core/igvm/detach.ts) whose page bytes are read from the
// file in slices (slice-reader.ts) instead of held: the same plan (snpPlan) and chain (SnpChain) as the whole-file
// engine, each deferred page's CONTENTS being the SHA-384 of the 4096 bytes a completed read returned for its file
// offset (igvm-format §14.2.1, §14.2.5), hashed a slice at a time by the engine's PageHasher (as the whole-file path's
// pages are, measure-fast.ts). Pages the model holds (VMSAs) are hashed from the model. The chain advances
// as hashes arrive, up to the first step still waiting for its page. A failed read rejects: no digest of part.
import type { HashBackend } from '../core/hash/hash';
import { defaultHash } from '../core/hash/hash';
import type { IgvmSupportedPlatform } from '../core/igvm/types';
import { snpMeasurement, snpPlan, SnpChain, type MeasureOptions, type MeasureSource, type PlatformMeasurement, type SnpOp } from '../core/measure';
import type { PageHasher } from './page-hash-pool';
import { sha384PagesFromFile, SLICE_BYTES, type FileSlices } from './slice-reader';

export async function chainFromFile(
  ops: readonly SnpOp[],
  file: FileSlices,
  hash: HashBackend,
  hasher: PageHasher,
  slice = SLICE_BYTES,
  onPages?: (done: number, total: number) => void,
): Promise<SnpChain> {
  const chain = SnpChain.unchained(ops, hash);
  // Steps that hash a page: those whose bytes are in the model now, those read from the file as the slices come.
  const fromFile: number[] = [];
  const offsets: number[] = [];
  const known = new Uint8Array(ops.length);
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    if (op.content !== 'data') known[i] = 1;
    else if (op.fileOffset !== undefined && op.data === undefined) {
      fromFile.push(i);
      offsets.push(op.fileOffset);
    } else {
      const page = new Uint8Array(4096);
      if (op.data) page.set(op.data.subarray(0, 4096));
      chain.setContentHash(i, hash.digest('sha384', op.data?.length === 4096 ? op.data : page));
      known[i] = 1;
    }
  }
  let chained = 0;
  const advance = () => {
    let end = chained;
    while (end < ops.length && known[end]) end++;
    if (end > chained) chain.chainFrom(chained, end);
    chained = end;
  };
  let done = 0;
  await sha384PagesFromFile(
    file,
    offsets,
    hasher,
    (k, h) => {
      const step = fromFile[k]!;
      chain.setContentHash(step, h);
      known[step] = 1;
      if (++done % 512 === 0) {
        advance();
        onPages?.(done, offsets.length);
      }
    },
    slice,
  );
  advance();
  if (chained !== ops.length) throw new Error(`SNP chain stopped at step ${chained} of ${ops.length}`);
  return chain;
}

/** measurePlatform for SEV_SNP on a detached model, its deferred pages read from `file` and hashed by `hasher`. */
export async function measureSnpFromFile(
  src: MeasureSource,
  p: IgvmSupportedPlatform,
  o: MeasureOptions,
  file: FileSlices,
  hasher: PageHasher,
  slice = SLICE_BYTES,
  onPages?: (done: number, total: number) => void,
): Promise<PlatformMeasurement> {
  const plan = snpPlan(src, p, o);
  const chain = await chainFromFile(plan.translation.ops, file, o.hash ?? defaultHash(), hasher, slice, onPages);
  return snpMeasurement(p, plan, chain, o);
}

