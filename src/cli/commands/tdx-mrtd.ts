// `fukiscope tdx-mrtd FW`: the MRTD of a TDVF firmware image in either VMM page order (igvm-format §14.4).
import { parseArgs } from 'node:util';
import { TDVF_PAGE_ORDERS, tdvfMrtd, type TdvfPageOrder } from '../../core/classic/tdvf-mrtd';
import { toHex } from '../../core/bytes/bytes';
import type { Command } from '../commands';
import { diagnosticLine } from '../escape';
import { parseFirmware } from '../../core/firmware/firmware';
import { FORCE_USAGE, reportWithheld, withheldFor } from '../digest-gate';
import { toJson, UsageError, type CliIo } from '../io';

const usage = `Usage: fukiscope tdx-mrtd FIRMWARE [--order single-pass|two-pass] [--json]

MRTD (SHA-384, lowercase hex) of a TDVF image (e.g. OVMF.inteltdx.fd) as QEMU/KVM builds the TD:
  single-pass  each page's MEM.PAGE.ADD followed by its 16 MR.EXTENDs (default; td-shim's calculator)
  two-pass     per section all MEM.PAGE.ADDs, then all MR.EXTENDs (quex-tech reproduce.mjs)
Which one a real TD reports depends on the VMM's page-add order.
A firmware image with error diagnostics gets no MRTD (exit status 1).
${FORCE_USAGE}`;

function run(args: string[], io: CliIo): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      order: { type: 'string', default: 'single-pass' },
      json: { type: 'boolean', default: false },
      force: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1) throw new UsageError('expected exactly one firmware file');
  if (!(TDVF_PAGE_ORDERS as readonly string[]).includes(values.order))
    throw new UsageError(`--order must be one of ${TDVF_PAGE_ORDERS.join(', ')}`);
  const fw = io.readFile(positionals[0]!);
  const parsed = parseFirmware(fw);
  const r = tdvfMrtd(fw, values.order as TdvfPageOrder, parsed);
  // Every error of the image withholds the MRTD, not only the TDX-table ones tdvfMrtd looks at (issue 10).
  const fileErrors = parsed.diagnostics.filter((d) => d.severity === 'error' && !r.diagnostics.includes(d));
  const withheld = r.mrtd ? withheldFor([...fileErrors, ...r.diagnostics], toHex(r.mrtd), values.force) : undefined;
  if (values.json) {
    io.out(
      toJson({
        order: r.order,
        mrtd: withheld ? null : r.mrtd,
        ...(withheld && { withheld }),
        pagesAdded: r.pagesAdded,
        pagesExtended: r.pagesExtended,
        sections: r.sections,
        diagnostics: [...fileErrors, ...r.diagnostics],
      }) + '\n',
    );
    return r.mrtd && !withheld ? 0 : 1;
  }
  for (const d of [...fileErrors, ...r.diagnostics]) if (d.severity !== 'info') io.err(diagnosticLine(d) + '\n');
  if (!r.mrtd) return 1;
  if (withheld) {
    reportWithheld(io, 'tdx-mrtd', `TDX MRTD (${r.order})`, withheld);
    return 1;
  }
  io.out(toHex(r.mrtd) + '\n');
  return 0;
}

export const tdxMrtdCommand: Command = {
  usage,
  run,
};
