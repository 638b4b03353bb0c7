// The SNP launch-digest chain with a step ledger (fuki-uki-kernel-hashes.md §4.5; PAGE_INFO and the update rule
// live in measure/snp-page-info.ts).
import type { Bytes } from '../bytes/bytes';
import type { HashBackend } from '../hash/hash';
import {
  PAGE_SIZE,
  SNP_DIGEST_LENGTH,
  SNP_PAGE_TYPE,
  SNP_PAGE_TYPE_NAME,
  snpExtend,
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

  /** NORMAL pages over `data` (a multiple of 4096 bytes) from `gpa` upward. */
  normalPages(gpa: bigint, data: Uint8Array, info: StepInfo): void {
    for (let off = 0; off < data.length; off += PAGE_SIZE) {
      const contents = this.hash.digest('sha384', data.subarray(off, off + PAGE_SIZE));
      this.update(SNP_PAGE_TYPE.NORMAL, gpa + BigInt(off), contents, info);
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
