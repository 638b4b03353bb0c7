// `fukiscope export RECEIPT.json --export corim|trustee|trustee-message`: the reference values of a receipt that
// `compose --receipt`, `measure --export receipt` or the app wrote — its measurements and every add-on
// combination's — for a verifier (issue 15). The receipt holds only digests the digest gate let through.
import { parseArgs } from 'node:util';
import { decodeUtf8 } from '../../core/bytes/bytes';
import { referencePlatformOf, referenceValuesOfReceipt } from '../../core/export/reference-values';
import type { Receipt } from '../../core/fuki/receipt';
import type { Command } from '../commands';
import { EXPORT_USAGE, exportFormatOf, svnOption, writeExport } from '../export';
import { UsageError, type CliIo } from '../io';

/** Receipts are small JSON documents; a larger file is not one. */
const MAX_RECEIPT_BYTES = 64 * 1024 * 1024;

const usage = `Usage: fukiscope export RECEIPT.json --export corim|trustee|trustee-message [--platform snp|tdx|vbs]
                        [--out FILE] [--svn N]

The reference values of a Fukiscope receipt (compose --receipt, measure --export receipt, the app's download):
its measurements and each add-on combination's, deduplicated.
${EXPORT_USAGE}`;

function run(args: string[], io: CliIo): number {
  const { values: v, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      export: { type: 'string' },
      out: { type: 'string' },
      svn: { type: 'string' },
      platform: { type: 'string', short: 'p' },
    },
  });
  if (positionals.length !== 1) throw new UsageError('expected exactly one receipt file');
  const format = exportFormatOf(v.export);
  if (!format) throw new UsageError('--export corim|trustee|trustee-message is required');
  if (format === 'receipt') throw new UsageError('the input already is a receipt: export corim, trustee or trustee-message');
  const platform = v.platform === undefined ? undefined : referencePlatformOf(v.platform);
  if (v.platform !== undefined && !platform) throw new UsageError('--platform must be snp, tdx or vbs');
  const bytes = io.readFile(positionals[0]!);
  if (bytes.length > MAX_RECEIPT_BYTES) {
    io.err(`fukiscope export: ${positionals[0]} is larger than ${MAX_RECEIPT_BYTES} bytes: not a receipt\n`);
    return 1;
  }
  let receipt: Receipt;
  try {
    receipt = JSON.parse(decodeUtf8(bytes)) as Receipt;
  } catch {
    io.err(`fukiscope export: ${positionals[0]} is not JSON\n`);
    return 1;
  }
  if (typeof receipt !== 'object' || receipt === null || typeof receipt.tool !== 'string' || !receipt.tool.startsWith('fukiscope ') || !Array.isArray(receipt.measurements)) {
    io.err(`fukiscope export: ${positionals[0]} is not a Fukiscope receipt (no "tool": "fukiscope …" and measurements)\n`);
    return 1;
  }
  const values = referenceValuesOfReceipt(receipt).filter((x) => !platform || x.platform === platform);
  return writeExport(io, 'export', { format, out: v.out, svn: svnOption(v.svn), values, receipt: () => receipt });
}

export const exportCommand: Command = { usage, run };
