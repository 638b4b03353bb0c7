// Comparing decoded models whose byte views lie in different buffers (a whole-file parse against a detached or sliced
// one): every view as a hex string, and every view a model holds.
import { toHex } from '../core/bytes/bytes';

/** A copy of `x` with every byte view as a hex string (toEqual on views of different buffers, quickly). */
export function plain(x: unknown): unknown {
  if (x instanceof Uint8Array) return `bytes:${toHex(x)}`;
  if (Array.isArray(x)) return x.map(plain);
  if (typeof x === 'object' && x !== null) return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, plain(v)]));
  return x;
}

/** Every byte view in `x`, depth first. */
export function viewsOf(x: unknown, out: Uint8Array[] = []): Uint8Array[] {
  if (x instanceof Uint8Array) out.push(x);
  else if (Array.isArray(x)) for (const v of x) viewsOf(v, out);
  else if (typeof x === 'object' && x !== null) for (const v of Object.values(x)) viewsOf(v, out);
  return out;
}
