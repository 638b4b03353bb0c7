// A helper of the mismatch search (inspect/evidence.ts): the engine worker searches one part of the OVMF launch
// options and this worker another, side by side on a second core; the parts are merged (mergeOvmfSearches). The
// engine worker terminates it when the search ends, and it dies with the engine worker on Cancel.
import { expose } from 'comlink';
import { searchOvmfAsync, type OvmfSearchResult } from '../core/attest/ovmf-search';
import { yieldTurn } from './yield-turn';

let bound = Infinity;

const api = {
  searchOvmfPart(
    target: Uint8Array,
    firmware: Uint8Array,
    reportCpuid: { family: number; model: number; stepping: number } | undefined,
    partition: { index: number; count: number },
    onProgress?: (done: number, total: number) => void,
  ): Promise<OvmfSearchResult> {
    bound = Infinity;
    return searchOvmfAsync(target, { firmware, reportCpuid, partition, stopBeyond: () => bound, onProgress: (d, t) => void onProgress?.(d, t) }, undefined, yieldTurn);
  },
  /** Another part found a match at this order: stop past it. */
  setBound(order: number) {
    bound = Math.min(bound, order);
  },
};

export type SearchWorkerApi = typeof api;
expose(api);
