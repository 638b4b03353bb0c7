// The SNP launch-digest chain with a step ledger (fuki-uki-kernel-hashes.md §4.5; PAGE_INFO and the update rule
// live in measure/snp-page-info.ts).
import type { Bytes } from '../bytes/bytes';
import { digestInto, type HashBackend } from '../hash/hash';
import {
  PAGE_INFO_LENGTH,
  PAGE_SIZE,
  SNP_DIGEST_LENGTH,
  SNP_PAGE_TYPE,
  SNP_PAGE_TYPE_NAME,
  snpExtend,
  writeSnpPageInfo,
  ZERO_CONTENTS,
} from '../measure/snp-page-info';
import type { ClassicStep } from './types';

type StepInfo = Pick<ClassicStep, 'source' | 'label' | 'metadataIndex' | 'vcpu'>;

export class SnpLedger {
  ld: Bytes;
  readonly steps: ClassicStep[] = [];

  private readonly hash: HashBackend;

  constructor(hash: HashBackend, seed?: Uint8Array) {
    this.hash = hash;
    this.ld = new Uint8Array(SNP_DIGEST_LENGTH);
    if (seed) this.ld.set(seed.subarray(0, SNP_DIGEST_LENGTH));
  }

  /** Records a step that sets the digest without a PAGE_INFO (the `--snp-ovmf-hash` seed). */
  seed(label: string): void {
    this.steps.push({
      index: this.steps.length,
      source: 'seed',
      label,
      gpa: undefined,
      length: 0,
      digestAfter: this.ld,
    });
  }

  update(pageType: number, gpa: bigint, contents: Bytes, info: StepInfo): void {
    this.ld = snpExtend(this.ld, contents, pageType, gpa, this.hash);
    this.steps.push({
      index: this.steps.length,
      ...info,
      gpa,
      length: PAGE_SIZE,
      pageType,
      pageTypeName: SNP_PAGE_TYPE_NAME[pageType],
      contents,
      digestAfter: this.ld,
    });
  }

  /**
   * NORMAL pages over `data` (a multiple of 4096 bytes) from `gpa` upward: the same steps as `update` per page, with
   * every page's CONTENTS and launch digest written into one flat array (each step's `contents` and `digestAfter`
   * are views of it) through one reused PAGE_INFO, so a 4 MiB OVMF allocates no array per hash: the measure-ovmf
   * run spent ~5-10 ms of its ~50 ms SNP chain in GC and the per-hash copies (issue 16 profile).
   */
  normalPages(gpa: bigint, data: Uint8Array, info: StepInfo): void {
    const D = SNP_DIGEST_LENGTH;
    const pages = Math.ceil(data.length / PAGE_SIZE);
    const flat = new Uint8Array(pages * 2 * D);
    const pageInfo = new Uint8Array(PAGE_INFO_LENGTH);
    const pageType = SNP_PAGE_TYPE.NORMAL;
    const pageTypeName = SNP_PAGE_TYPE_NAME[pageType];
    for (let i = 0, off = 0; i < pages; i++, off += PAGE_SIZE) {
      const at = 2 * i * D;
      digestInto(this.hash, 'sha384', data.subarray(off, off + PAGE_SIZE), flat, at);
      const contents = flat.subarray(at, at + D);
      const pageGpa = gpa + BigInt(off);
      writeSnpPageInfo(pageInfo, this.ld, contents, pageType, pageGpa);
      digestInto(this.hash, 'sha384', pageInfo, flat, at + D);
      this.ld = flat.subarray(at + D, at + 2 * D);
      this.steps.push({
        index: this.steps.length,
        ...info,
        gpa: pageGpa,
        length: PAGE_SIZE,
        pageType,
        pageTypeName,
        contents,
        digestAfter: this.ld,
      });
    }
  }

  /** A VMSA page: CONTENTS = SHA-384 of the page. */
  vmsaPage(gpa: bigint, page: Uint8Array, info: StepInfo): void {
    this.update(SNP_PAGE_TYPE.VMSA, gpa, this.hash.digest('sha384', page), info);
  }

  /** Pages with no content hash (ZERO, UNMEASURED) over `size` bytes. */
  emptyPages(pageType: number, gpa: bigint, size: number, info: StepInfo): void {
    for (let off = 0; off < size; off += PAGE_SIZE)
      this.update(pageType, gpa + BigInt(off), ZERO_CONTENTS, info);
  }
}
