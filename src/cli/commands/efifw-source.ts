// Which `.efifw` entry of a FUKI `fukiscope measure` measures: --efifw-index N, else --fwid ID, else the first one
// holding an IGVM (fuki §1.5; core efifwPayloads recognises the payloads).
import type { Diagnostic } from '../../core/diagnostics';
import { efifwPayloads, type EfifwPayloadEntry } from '../../core/uki/efifw-payload';
import { parseUki } from '../../core/uki/model';
import { escapeText } from '../escape';
import { UsageError } from '../io';

export interface EfifwChoice {
  entry?: EfifwPayloadEntry;
  all: EfifwPayloadEntry[];
  /** The UKI's own diagnostics: a damaged FUKI blocks the digest of what it carries too. */
  diagnostics: Diagnostic[];
  /** Why nothing was chosen, when `entry` is undefined. */
  problem?: string;
}

export function describeEntry(e: EfifwPayloadEntry, of: number): string {
  return `.efifw entry ${e.index} of ${of} (fwid '${escapeText(e.fwid)}', ${e.kind === 'firmware' ? 'OVMF/TDVF firmware' : e.kind === 'igvm' ? 'IGVM' : 'unknown payload'}, ${e.length} bytes at 0x${e.offset.toString(16)})`;
}

export function pickEfifw(file: Uint8Array, opts: { index?: number; fwid?: string }): EfifwChoice {
  const model = parseUki(file);
  const all = efifwPayloads(file, model);
  const diagnostics = model.diagnostics;
  if (all.length === 0) return { all, diagnostics, problem: 'is a PE without a .efifw firmware entry: nothing to measure (is it a FUKI?)' };
  let entry: EfifwPayloadEntry | undefined;
  if (opts.index !== undefined) {
    entry = all[opts.index];
    if (!entry) throw new UsageError(`--efifw-index ${opts.index}: the file has ${all.length} .efifw entr${all.length === 1 ? 'y' : 'ies'} (0…${all.length - 1})`);
  } else if (opts.fwid !== undefined) {
    entry = all.find((e) => e.fwid === opts.fwid);
    if (!entry) throw new UsageError(`--fwid: no .efifw entry has fwid '${escapeText(opts.fwid)}' (there are: ${all.map((e) => `'${escapeText(e.fwid)}'`).join(', ')})`);
  } else entry = all.find((e) => e.kind === 'igvm') ?? all[0];
  if (entry!.kind === 'unknown')
    return { all, diagnostics, problem: `${describeEntry(entry!, all.length)} holds neither an IGVM nor OVMF firmware` };
  return { entry, all, diagnostics };
}
