// The receipt of a composition: everything needed to check or reproduce it (fuki-uki-kernel-hashes.md §1.3: no
// merged format stores a precalculated launch digest, so we publish it next to the outputs instead).
// Digests are lowercase hex; u64 values are 0x-prefixed hex strings so the receipt is plain JSON.

export interface ReceiptBlob {
  size: number;
  sha256: string;
  sha384: string;
}

export interface ReceiptMeasurement {
  platform: 'SEV_SNP' | 'TDX';
  /** SNP: the measure-engine profile the digest was computed with; TDX: the page order. */
  profile?: string;
  tdxOrder?: string;
  digest: string;
  steps: number;
  /** What a verifier should compare it with. */
  meaning: string;
}

export interface ReceiptAddonCombination {
  /** Add-on file names applied, in processing order ([] = the UKI alone). */
  addons: string[];
  cmdline: string;
  initrdSha256: string;
  kernelHashesTable: string;
  measurements: ReceiptMeasurement[];
}

export interface Receipt {
  tool: string;
  route: 'hash-page' | 'igvm-firmware';
  profile: string;
  options: Record<string, string | number | boolean>;
  inputs: Record<string, ReceiptBlob & { source?: string; note?: string }>;
  cmdline: { text: string; sha256: string; source: string };
  kernelHashes?: { gpa: string; offsetInPage: number; table: string; pageSha256: string };
  outputs: Record<string, ReceiptBlob & { note?: string }>;
  measurements: ReceiptMeasurement[];
  /** The classic `-bios` digest of the same inputs (classic-equivalent profile: must equal the SNP measurement). */
  classicSnpDigest?: string;
  addonMatrix?: ReceiptAddonCombination[];
  ledger: { platform: string; steps: number; runs: { type: string; firstGpa: string; pages: number }[] }[];
  /** What is deliberately not covered, in words. */
  notes: string[];
}
