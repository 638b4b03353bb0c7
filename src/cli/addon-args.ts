// `--addon [global:|per-uki:]FILE` as `fukiscope pe` and `fukiscope eventlog` take it (fuki §2.7 scopes), and the
// argument setup those two commands share: one input file, `--json`, repeatable `--addon`.
import { basename } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;
import type { AddonInput } from '../core/uki/addons';
import { UsageError, type CliIo } from './io';

const SHARED_OPTIONS = {
  json: { type: 'boolean', default: false },
  addon: { type: 'string', multiple: true },
} as const satisfies ParseArgsOptionsConfig;

/** Parses `args` with `--json`, `--addon` and `options`; exactly one positional (the input, named `what`). */
export function oneFileWithAddons<const O extends ParseArgsOptionsConfig>(args: string[], options: O, what: string) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...SHARED_OPTIONS, ...options } as typeof SHARED_OPTIONS & O,
  });
  if (positionals.length !== 1) throw new UsageError(`expected exactly one ${what}`);
  return { values, input: positionals[0]! };
}

export function parseAddonArgs(specs: readonly string[], io: CliIo): AddonInput[] {
  return specs.map((spec) => {
    const m = /^(global|per-uki):(.*)$/.exec(spec);
    const path = m ? m[2]! : spec;
    return { file: io.readFile(path), fileName: basename(path), scope: (m?.[1] ?? 'per-uki') as AddonInput['scope'] };
  });
}
