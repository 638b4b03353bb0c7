// Start-up work of the engine worker, done while it is idle (issue 16: the first classic SNP measurement of an OVMF
// ran its hot code cold: the WebAssembly SHA-384 in its baseline tier and the PAGE_INFO/ledger/hex code
// interpreted, ~4x the time of a re-measurement).
import { toHex } from '../core/bytes/bytes';
import { SnpLedger } from '../core/classic/snp-ledger';
import { measureFirmwarePages } from '../core/classic/snp';
import type { HashBackend } from '../core/hash/hash';
import { pageMemoBackend } from './inspect/firmware-measure';

/** Synthetic pages hashed by the warm-up: 1 MiB, about a quarter of an OVMF image. */
export const WARM_UP_PAGES = 256;

/**
 * Runs the classic SNP chain's hot path once over `WARM_UP_PAGES` zero pages of its own: page SHA-384s through a
 * page-memo backend over `hash`, PAGE_INFO and ledger steps, the hex of every step, as `measureFirmware` does.
 * Touches no state outside this call (its own buffer, backend and ledger), so nothing it computes can reach a
 * result; it only lets the engines compile that code before a file arrives. Returns the chain's last digest (for
 * tests).
 */
export function warmUpSnpChain(hash: HashBackend, pages = WARM_UP_PAGES): string {
  const data = new Uint8Array(pages * 4096);
  const ledger = new SnpLedger(pageMemoBackend(data, () => hash));
  // Through the same call as measureClassic's step 1 (its pages end at 4 GiB, as an OVMF's do).
  // (Calling ledger.normalPages directly warmed less: first measure median 128 vs 95 ms, A/B of 8+8 page loads.)
  measureFirmwarePages(ledger, data, { baseGpa: 0x1_0000_0000 - data.length });
  let last = '';
  for (const s of ledger.steps) {
    if (s.contents) toHex(s.contents);
    last = toHex(s.digestAfter ?? ledger.ld);
  }
  return last;
}
