// The SNP launch-digest engine over a flat operation list (igvm-format-and-measurement.md §14.2.5):
// content hashes and running digests are kept in two flat arrays so that a changed page only re-hashes
// that page and re-chains from its step (incremental recompute), and so that page hashes can be computed
// elsewhere (WebCrypto batches, a worker pool) and passed in.
import { type Bytes } from '../bytes/bytes';
import { defaultHash, digestInto, type HashBackend } from '../hash/hash';
import type { LedgerEntry } from './ledger';
import {
  PAGE_INFO_AT,
  PAGE_INFO_LENGTH,
  PAGE_SIZE,
  SNP_DIGEST_LENGTH,
  SNP_PAGE_TYPE,
  snpPageTypeName,
  writeSnpPageInfo,
  ZERO_CONTENTS,
  zeroPageContents,
} from './snp-page-info';

/** One SNP_LAUNCH_UPDATE of one 4K page. */
export interface SnpOp {
  /** Source header index (file order, all variable headers) and its record's file offset. */
  header: number;
  offset: number;
  gpa: bigint;
  /** AMD page type (§14.2.2). */
  pageType: number;
  /**
   * What CONTENTS holds: SHA-384 of `data` zero-padded to 4K ('data': NORMAL pages with data, VMSA pages),
   * SHA-384 of a zero page ('zero-page': file_offset-0 NORMAL pages), or 48 zero bytes ('none').
   */
  content: 'data' | 'zero-page' | 'none';
  /** The page bytes (a view, up to 4096) when content is 'data'. */
  data?: Uint8Array;
  /**
   * Where the page's 4096 bytes are in the file when the model does not hold them (a deferred PAGE_DATA, detach.ts;
   * `data` is then undefined): the caller hashes them from the file and passes the hash in (`setContentHash`).
   */
  fileOffset?: number;
}

const D = SNP_DIGEST_LENGTH;
/** Steps hashed then chained together by `SnpChain.measure` (2 MiB of pages: a few hundred µs of work each). */
const MEASURE_BLOCK = 512;
/** PAGE_INFO field offsets (§14.2.1), from its one declaration. */
const { contents: CONTENTS_AT, pageType: PAGE_TYPE_AT, gpa: GPA_AT } = PAGE_INFO_AT;

/** Pages that need a SHA-384 (content 'data'), in step order; `pages[i]` is exactly 4096 bytes. */
export function collectPagesToHash(ops: readonly SnpOp[]): { steps: number[]; pages: Uint8Array[] } {
  const steps: number[] = [];
  const pages: Uint8Array[] = [];
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    if (op.content !== 'data') continue;
    steps.push(i);
    pages.push(pageOf(op));
  }
  return { steps, pages };
}

/**
 * The 4096 bytes a 'data' step hashes. A step whose bytes are not in the model (`fileOffset`, a deferred page) has
 * none to give: an error, never a page of zeros (its hash comes from the file through `setContentHash`).
 */
function pageOf(op: Pick<SnpOp, 'data' | 'fileOffset'>): Uint8Array {
  const data = op.data;
  if (!data && op.fileOffset !== undefined)
    throw new RangeError(`the page at file offset ${op.fileOffset} was not read: its hash must be supplied`);
  if (data && data.length === PAGE_SIZE) return data;
  const p = new Uint8Array(PAGE_SIZE);
  if (data) p.set(data.subarray(0, PAGE_SIZE));
  return p;
}

export interface PageUpdate {
  /** The new final launch digest. */
  digest: Bytes;
  /** First step whose running digest changed (ops.length when nothing changed). */
  firstChangedStep: number;
}

export class SnpChain {
  readonly ops: readonly SnpOp[];
  /** CONTENTS per step, 48 bytes each (zero for 'none'). */
  readonly contents: Uint8Array;
  /** Running launch digest after each step, 48 bytes each. */
  readonly digests: Uint8Array;
  private readonly hash: HashBackend;
  private readonly info = new Uint8Array(PAGE_INFO_LENGTH);
  /** GPA is written with one setBigUint64 per step (put64's BigInt splitting was ~20 ms per 65k steps). */
  private readonly infoView = new DataView(this.info.buffer);

  private constructor(ops: readonly SnpOp[], hash: HashBackend) {
    this.ops = ops;
    this.hash = hash;
    this.contents = new Uint8Array(ops.length * D);
    this.digests = new Uint8Array(ops.length * D);
  }

  /**
   * Hashes every page with `hash` and chains, MEASURE_BLOCK steps at a time (hash a block's pages, then chain it):
   * the same digests as hashing all pages first, but a backend whose page hashes come from another thread (the
   * CLI's, src/cli/page-hash-thread.ts) has them computed there while this thread chains the blocks before.
   */
  static measure(ops: readonly SnpOp[], hash: HashBackend = defaultHash()): SnpChain {
    const chain = SnpChain.unchained(ops, hash);
    for (let start = 0; start < ops.length; start += MEASURE_BLOCK) {
      const end = Math.min(ops.length, start + MEASURE_BLOCK);
      for (let i = start; i < end; i++) {
        const op = ops[i]!;
        if (op.content === 'data') digestInto(hash, 'sha384', pageOf(op), chain.contents, i * D);
      }
      chain.chainFrom(start, end);
    }
    return chain;
  }

  /**
   * An engine with the zero-page CONTENTS in place and nothing chained yet: the caller sets each 'data' step's
   * page hash (`setContentHash`) and chains in order (`chainFrom(start, end)`) as the hashes arrive, e.g. from
   * a worker pool, so chaining overlaps hashing. The digests are valid once every step has been chained.
   */
  static unchained(ops: readonly SnpOp[], hash: HashBackend = defaultHash()): SnpChain {
    const chain = new SnpChain(ops, hash);
    const zero = zeroPageContents();
    for (let i = 0; i < ops.length; i++) if (ops[i]!.content === 'zero-page') chain.contents.set(zero, i * D);
    return chain;
  }

  /** CONTENTS of a 'data' step: the SHA-384 of its page (48 bytes). */
  setContentHash(step: number, h: Uint8Array): void {
    if (this.ops[step]?.content !== 'data' || h.length !== D)
      throw new RangeError(`step ${step} takes no 48-byte content hash`);
    this.contents.set(h, step * D);
  }

  /**
   * Chains with page hashes computed elsewhere: `hashes[k]` is the SHA-384 of `collectPagesToHash(ops).pages[k]`
   * (an array of 48-byte digests or one flat array of k × 48 bytes).
   */
  static withContentHashes(
    ops: readonly SnpOp[],
    hashes: readonly Uint8Array[] | Uint8Array,
    hash: HashBackend = defaultHash(),
  ): SnpChain {
    const chain = SnpChain.unchained(ops, hash);
    const flat = hashes instanceof Uint8Array ? hashes : undefined;
    let k = 0;
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i]!;
      if (op.content === 'data') {
        const h = flat ? flat.subarray(k * D, k * D + D) : (hashes as readonly Uint8Array[])[k];
        if (!h || h.length !== D) throw new RangeError(`content hash ${k} missing or not 48 bytes`);
        chain.contents.set(h, i * D);
        k++;
      }
    }
    const given = flat ? flat.length / D : (hashes as readonly Uint8Array[]).length;
    if (given !== k) throw new RangeError(`expected ${k} content hashes, got ${given}`);
    chain.chainFrom(0);
    return chain;
  }

  get length(): number {
    return this.ops.length;
  }

  /** The final launch digest (48 zero bytes for an empty list, the initial LD). */
  get digest(): Bytes {
    const n = this.ops.length;
    return n === 0 ? new Uint8Array(D) : this.digests.slice((n - 1) * D, n * D);
  }

  digestAfter(step: number): Bytes {
    return this.digests.slice(step * D, step * D + D);
  }

  /**
   * Re-chains steps [start, end) using the cached CONTENTS (one SHA-384 of a 112-byte PAGE_INFO per step); the
   * steps before `start` must be chained already.
   */
  chainFrom(start: number, end: number = this.ops.length): void {
    const { ops, contents, digests, info, infoView, hash } = this;
    if (start >= end) return;
    // PAGE_INFO of the first step in full (§14.2.1; DIGEST_CUR of step 0 is the all-zero initial LD); after that only
    // DIGEST_CUR, CONTENTS, PAGE_TYPE and GPA change, written in place: no views allocated per step (hot path).
    const first = ops[start]!;
    const prev = start === 0 ? ZERO_CONTENTS : digests.subarray((start - 1) * D, start * D);
    writeSnpPageInfo(info, prev, contents.subarray(start * D, start * D + D), first.pageType, first.gpa);
    for (let i = start; i < end; i++) {
      const op = ops[i]!;
      const at = i * D;
      if (i > start) {
        for (let k = 0; k < D; k++) info[CONTENTS_AT + k] = contents[at + k]!;
        info[PAGE_TYPE_AT] = op.pageType;
        infoView.setBigUint64(GPA_AT, op.gpa, true);
      }
      digestInto(hash, 'sha384', info, digests, at);
      for (let k = 0; k < D; k++) info[k] = digests[at + k]!; // DIGEST_CUR of the next step
    }
  }

  /**
   * New bytes for the page measured at `step`: re-hashes that page only, keeps every other cached content hash,
   * and re-chains from that step. Steps whose CONTENTS does not depend on the bytes (UNMEASURED, ZERO, SECRETS,
   * CPUID) leave the digest unchanged.
   */
  updatePage(step: number, data: Uint8Array): PageUpdate {
    const op = this.ops[step];
    if (!op) throw new RangeError(`no step ${step}`);
    if (op.pageType !== SNP_PAGE_TYPE.NORMAL && op.pageType !== SNP_PAGE_TYPE.VMSA) {
      return { digest: this.digest, firstChangedStep: this.ops.length };
    }
    const h = this.hash.digest('sha384', pageOf({ data }));
    const old = this.contents.subarray(step * D, step * D + D);
    if (equal48(old, h)) return { digest: this.digest, firstChangedStep: this.ops.length };
    old.set(h);
    (this.ops as SnpOp[])[step] = { ...op, content: 'data', data, fileOffset: undefined };
    this.chainFrom(step);
    return { digest: this.digest, firstChangedStep: step };
  }

  /** The step that measures the page at `gpa` with its contents (the last one when a GPA is measured twice). */
  stepOfGpa(gpa: bigint): number | undefined {
    for (let i = this.ops.length - 1; i >= 0; i--) if (this.ops[i]!.gpa === gpa) return i;
    return undefined;
  }

  ledger(): LedgerEntry[] {
    return Array.from(this.ledgerEntries());
  }

  /** The ledger one step at a time (compactLedger folds them into runs without the per-page list). */
  *ledgerEntries(): Generator<LedgerEntry> {
    for (let i = 0; i < this.ops.length; i++) {
      const op = this.ops[i]!;
      const e: LedgerEntry = {
        step: i,
        header: op.header,
        offset: op.offset,
        gpa: op.gpa,
        type: snpPageTypeName(op.pageType),
      };
      if (op.content !== 'none') e.contentHash = this.contents.slice(i * D, i * D + D);
      e.value = this.digests.slice(i * D, i * D + D);
      yield e;
    }
  }
}

function equal48(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < D; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Convenience: measure with page hashes supplied (see `collectPagesToHash`). */
export function measureWithContentHashes(
  ops: readonly SnpOp[],
  hashes: readonly Uint8Array[] | Uint8Array,
  hash?: HashBackend,
): SnpChain {
  return SnpChain.withContentHashes(ops, hashes, hash);
}
