// summarizeIgvm: the at-a-glance facts the CLI `inspect` command and the UI header show. Counts are keyed by
// header kind (the Rust crate's variant names), so they compare directly with the corpus manifest.
import { supportedPlatforms, type IgvmFile, type IgvmHeader } from './types';

export interface IgvmPlatformSummary {
  compatibilityMask: number;
  platform: string;
  platformVersion: number;
  highestVtl: number;
  sharedGpaBoundary: bigint;
}

export interface IgvmSummary {
  kind: 'igvm';
  formatVersion: 1 | 2;
  architecture: string;
  size: number;
  platforms: IgvmPlatformSummary[];
  platformCounts: Record<string, number>;
  initializationCounts: Record<string, number>;
  directiveCounts: Record<string, number>;
  directiveTotal: number;
  headerTotal: number;
}

/** Unknown headers are counted as `Unknown(0xTYPE)` so different unknown types stay apart. */
function countKinds(headers: readonly IgvmHeader[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const h of headers) {
    const key = h.kind === 'Unknown' ? `Unknown(0x${h.type.toString(16)})` : h.kind;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The declared platforms as summarizeIgvm lists them (without counting every header as it does). */
export function summarizePlatforms(file: IgvmFile): IgvmPlatformSummary[] {
  return supportedPlatforms(file).map((p) => ({
    compatibilityMask: p.compatibilityMask,
    platform: p.platformName ?? `0x${p.platformType.toString(16)}`,
    platformVersion: p.platformVersion,
    highestVtl: p.highestVtl,
    sharedGpaBoundary: p.sharedGpaBoundary,
  }));
}

export function summarizeIgvm(file: IgvmFile): IgvmSummary {
  return {
    kind: 'igvm',
    formatVersion: file.formatVersion,
    architecture: file.architecture,
    size: file.size,
    platforms: summarizePlatforms(file),
    platformCounts: countKinds(file.platforms),
    initializationCounts: countKinds(file.initialization),
    directiveCounts: countKinds(file.directives),
    directiveTotal: file.directives.length,
    headerTotal: file.headers.length,
  };
}
