// detachPageData: a parsed IGVM model that no longer keeps the input buffer alive (issue 16: a 512 MiB IGVM held
// whole by the engine worker for as long as it was open). Every PAGE_DATA header's 4 KiB data view is dropped and the
// header marked `deferred` (its bytes are at `fileOffset` in the file, read again when needed); the header section is
// kept as one copy of [0, fileDataOffset); every other view into the input (VMSA, VP contexts, parameter-area data,
// CoRIM payloads) is copied. What is left is the headers and a few pages, whatever the file's size.
import type { IgvmFile, IgvmHeader } from './model';

export interface DetachedIgvm {
  /** The model: `bytes` is the header section only (offsets unchanged), PAGE_DATA data deferred. */
  file: IgvmFile;
  /** The file offset of a byte view in `file` (the header section's, or a copied data view), as the input had it. */
  offsetOf(view: Uint8Array): number | undefined;
  /** PAGE_DATA headers whose data was dropped (`deferred`). */
  deferredPages: number;
}

/**
 * `file` without its input buffer. The model is otherwise the same: every header's fields and every other view's
 * bytes are equal (detach.test.ts compares them on every corpus file); only PAGE_DATA `data` becomes `deferred`.
 */
export function detachPageData(file: IgvmFile): DetachedIgvm {
  const input = file.bytes;
  const headEnd = Math.min(input.length, file.fileDataOffset);
  const head = input.slice(0, headEnd);
  const copied = new WeakMap<Uint8Array, number>();
  const move = (v: Uint8Array): Uint8Array => {
    if (v.buffer !== input.buffer) return v;
    const at = v.byteOffset - input.byteOffset;
    if (at >= 0 && at + v.length <= headEnd) return head.subarray(at, at + v.length);
    const c = v.slice();
    copied.set(c, at);
    return c;
  };
  const clone = (x: unknown): unknown => {
    if (x instanceof Uint8Array) return move(x);
    if (Array.isArray(x)) return x.map(clone);
    if (typeof x === 'object' && x !== null) {
      const o: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(x)) o[k] = clone(v);
      return o;
    }
    return x;
  };
  let deferredPages = 0;
  const headers: IgvmHeader[] = file.headers.map((h) => {
    // One header per page: PAGE_DATA on a fast path (no generic walk), its only views being `data` and `raw`.
    if (h.kind === 'PageData') {
      const { data, raw, ...rest } = h;
      const out = { ...rest, raw: raw && move(raw) } as typeof h;
      if (data === undefined) return { ...out, data: undefined };
      if (data.buffer !== input.buffer || data.length !== 4096) return { ...out, data: move(data) };
      deferredPages++;
      return { ...out, data: undefined, deferred: true };
    }
    return clone(h) as IgvmHeader;
  });
  const byIndex = (list: readonly IgvmHeader[]) => list.map((h) => headers[h.index]!) as never;
  const detached: IgvmFile = {
    ...file,
    fixedHeader: clone(file.fixedHeader) as IgvmFile['fixedHeader'],
    headers,
    platforms: byIndex(file.platforms),
    initialization: byIndex(file.initialization),
    directives: byIndex(file.directives),
    bytes: head,
  };
  return { file: detached, deferredPages, offsetOf: viewOffsets(head, copied) };
}

/**
 * offsetOf, made outside detachPageData's scope: a closure made there would share its context with `move`, whose
 * `input` would then stay reachable through it, keeping the whole input buffer alive (a heap snapshot of the engine
 * worker showed the 96 MiB file retained by exactly that context).
 */
function viewOffsets(head: Uint8Array, copied: WeakMap<Uint8Array, number>): (view: Uint8Array) => number | undefined {
  return (view) => (view.buffer === head.buffer ? view.byteOffset : copied.get(view));
}

/** True when a model has PAGE_DATA whose bytes it does not hold (a detached model): only the SNP plan reads those. */
export function hasDeferredPages(src: { directives: readonly IgvmHeader[] }): boolean {
  return src.directives.some((h) => h.kind === 'PageData' && h.deferred === true);
}
