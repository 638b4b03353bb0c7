// `--addon [global:|per-uki:]FILE` as `fukiscope pe` and `fukiscope eventlog` take it (fuki §2.7 scopes).
import { basename } from 'node:path';
import type { AddonInput } from '../core/uki/addons';
import type { CliIo } from './io';

export function parseAddonArgs(specs: readonly string[], io: CliIo): AddonInput[] {
  return specs.map((spec) => {
    const m = /^(global|per-uki):(.*)$/.exec(spec);
    const path = m ? m[2]! : spec;
    return { file: io.readFile(path), fileName: basename(path), scope: (m?.[1] ?? 'per-uki') as AddonInput['scope'] };
  });
}
