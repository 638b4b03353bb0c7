// The library's one-call measurement: bytes of an IGVM file in, launch measurements out, with the same rule
// the CLI and the app follow — any error diagnostic of the file or of a platform's measurement withholds that
// digest (digestBlocker). A withheld digest is `null` with the reason, never a value that looks right.
import { toHex } from '../bytes/bytes';
import { digestBlocker, type Diagnostic } from '../diagnostics';
import { parseIgvm } from '../igvm/parse';
import type { IgvmPlatformTypeName } from '../igvm/types';
import { measureIgvm as measureIgvmModel, type MeasureAlgorithm, type MeasureOptions } from '../measure/measure-igvm';

export interface IgvmLaunchMeasurement {
  platform: IgvmPlatformTypeName;
  compatibilityMask: number;
  algorithm: MeasureAlgorithm;
  /** Lowercase hex, or null when an error diagnostic withholds it (see `withheld`). */
  digest: string | null;
  withheld?: { reason: string; codes: string[] };
  /** Number of measured operations. */
  steps: number;
  /** SNP: the loader profile the digest was computed with; TDX: the page order. */
  profile?: string;
  tdxOrder?: string;
  /** True for digests that reproduce a tool's behaviour rather than a hardware measurement (SEV, SEV-ES). */
  toolBehaviour?: boolean;
  /** SNP: whether the file's SNP_ID_BLOCK `ld` equals the computed digest. */
  idBlockMatches?: boolean;
  diagnostics: Diagnostic[];
}

export interface IgvmMeasureResult {
  /** False when the bytes are not a readable IGVM file (then `measurements` is empty). */
  parsed: boolean;
  /** The file's own diagnostics (parse and validation). */
  diagnostics: Diagnostic[];
  /** Set when the file's own errors withhold every digest: then nothing is measured and `measurements` is empty. */
  withheld?: { reason: string; codes: string[] };
  measurements: IgvmLaunchMeasurement[];
}

export type IgvmMeasureOptions = Omit<MeasureOptions, 'ledger'>;

/**
 * Launch measurements of an IGVM file for every platform it declares (SNP launch digest, TDX MRTD, VBS boot
 * digest, igvmmeasure's SEV/SEV-ES SHA-256), as lowercase hex.
 *
 * @example
 * ```ts
 * import { measureIgvm } from 'fukiscope';
 * // bytes: the file's contents, read however the host reads files (fs in Node, File.arrayBuffer() in a page)
 * const r = measureIgvm(bytes);
 * for (const m of r.measurements) console.log(m.platform, m.digest ?? m.withheld!.reason);
 * ```
 */
export function measureIgvm(bytes: Uint8Array, options: IgvmMeasureOptions = {}): IgvmMeasureResult {
  const parsed = parseIgvm(bytes);
  if (!parsed.file) return { parsed: false, diagnostics: parsed.diagnostics, measurements: [] };
  const fileBlock = digestBlocker(parsed.diagnostics);
  // A file with errors is not measured at all: hostile size fields cannot make a refused file expensive.
  const results = fileBlock ? [] : measureIgvmModel(parsed.file, { ...options, ledger: false });
  return {
    parsed: true,
    diagnostics: parsed.diagnostics,
    ...(fileBlock && { withheld: fileBlock }),
    measurements: results.map((r) => {
      const block = digestBlocker(r.diagnostics);
      return {
        platform: r.platform,
        compatibilityMask: r.compatibilityMask,
        algorithm: r.algorithm,
        digest: block ? null : toHex(r.digest),
        ...(block && { withheld: block }),
        steps: r.steps,
        ...(r.profile !== undefined && { profile: r.profile }),
        ...(r.tdxOrder !== undefined && { tdxOrder: r.tdxOrder }),
        ...(r.toolBehaviour && { toolBehaviour: true }),
        ...(r.idBlock && { idBlockMatches: r.idBlock.matches }),
        diagnostics: r.diagnostics,
      };
    }),
  };
}
