// `--export corim|trustee|trustee-message|receipt` (issue 15): reference values a verifier consumes, written from
// the measurements a command computed. Only digests the digest gate let through are ever exported: the caller
// passes the measurements whose `withheld` is undefined.
import { launchMeasurementCorim, MAX_CORIM_SVN } from '../core/export/corim';
import { publishedReceipt } from '../core/export/receipt-json';
import type { ReferenceValue } from '../core/export/reference-values';
import { trusteeReferenceValues, trusteeRvpsMessage } from '../core/export/trustee';
import type { Receipt } from '../core/fuki/receipt';
import { decimalOption } from './options';
import { UsageError, type CliIo } from './io';

export const EXPORT_FORMATS = ['corim', 'trustee', 'trustee-message', 'receipt'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const EXPORT_USAGE = `--export corim|trustee|trustee-message|receipt
                 corim: an unsigned CoRIM (CBOR, tag 501) in the microsoft/igvm crate's launch-measurement profile
                   (tag:microsoft.com,2026:launch-measurement/v1), one measurement per CoRIM: with several
                   platforms pick one with --platform; needs --out FILE; --svn N endorses SVN N (default 0)
                 trustee: Trustee RVPS reference values { snp_launch_measurement, mr_td: [hex] } (JSON)
                 trustee-message: the same as an RVPS "sample" message, what rvps-tool register --message takes
                 receipt: the receipt JSON ($schema urn:fukiscope:schema:receipt:v1, fukiscope/receipt.schema.json)
--out FILE       write the export to FILE instead of stdout`;

export function exportFormatOf(v: string | undefined): ExportFormat | undefined {
  if (v === undefined) return undefined;
  if (!(EXPORT_FORMATS as readonly string[]).includes(v)) throw new UsageError(`--export must be one of ${EXPORT_FORMATS.join(', ')}`);
  return v as ExportFormat;
}

export function svnOption(v: string | undefined): number | undefined {
  return decimalOption(v, '--svn', { max: MAX_CORIM_SVN });
}

function emit(io: CliIo, out: string | undefined, data: string | Uint8Array): void {
  if (out !== undefined) io.writeFile(out, data);
  else if (typeof data === 'string') io.out(data);
  else throw new UsageError('--export corim writes CBOR: give --out FILE');
}

/**
 * Writes the export. `values` are the gated reference values; `receipt` builds the receipt only when asked for
 * (it may need one platform). Returns the exit status (1 when there is nothing to export).
 */
export function writeExport(
  io: CliIo,
  command: string,
  f: { format: ExportFormat; out?: string; svn?: number; values: readonly ReferenceValue[]; receipt: () => Receipt },
): number {
  if (f.format === 'receipt') {
    emit(io, f.out, JSON.stringify(publishedReceipt(f.receipt()), null, 2) + '\n');
    return 0;
  }
  if (f.values.length === 0) {
    io.err(`fukiscope ${command}: nothing to export: no SNP launch digest, TDX MRTD or VBS boot digest was given\n`);
    return 1;
  }
  if (f.format === 'corim') {
    if (f.out === undefined) throw new UsageError('--export corim writes CBOR: give --out FILE');
    if (f.values.length > 1)
      throw new UsageError(
        `a launch-measurement CoRIM carries one measurement; this has ${f.values.length} (${f.values.map((v) => v.platform).join(', ')}): pick one with --platform`,
      );
    const bytes = launchMeasurementCorim(f.values[0]!, { svn: f.svn });
    if (!bytes) {
      io.err(`fukiscope ${command}: no CoRIM for ${f.values[0]!.platform}: digest or SVN out of range\n`);
      return 1;
    }
    emit(io, f.out, bytes);
    return 0;
  }
  const t = trusteeReferenceValues(f.values);
  if (Object.keys(t).length === 0) {
    io.err(`fukiscope ${command}: nothing to export for Trustee: it has reference-value names for SNP and TDX only\n`);
    return 1;
  }
  emit(io, f.out, JSON.stringify(f.format === 'trustee' ? t : trusteeRvpsMessage(t), null, 2) + '\n');
  return 0;
}
