// `--addon [global:|per-uki:]FILE` as `fukiscope pe` and `fukiscope eventlog` take it (fuki §2.7 scopes), and the
// argument setup those two commands share: one input file, `--json`, repeatable `--addon`.
import { basename } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;
import type { AddonInput } from '../core/uki/addons';
import type { SidecarFile, SidecarKind } from '../core/uki/extra-cpio';
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
    return {
      file: io.readFile(path),
      fileName: basename(path),
      scope: (m?.[1] ?? 'per-uki') as AddonInput['scope'],
    };
  });
}

/** `--esp KIND:FILE`: an ESP sidecar file systemd-stub packs into its cpio archives (credentials, extensions). */
const ESP_KINDS: Record<string, SidecarKind> = {
  credential: 'credentials',
  'global-credential': 'globalCredentials',
  sysext: 'sysext',
  'global-sysext': 'globalSysext',
  confext: 'confext',
  'global-confext': 'globalConfext',
};
export const ESP_KIND_NAMES = Object.keys(ESP_KINDS).join('|');

export function parseEspArgs(
  specs: readonly string[],
  io: CliIo,
): Partial<Record<SidecarKind, SidecarFile[]>> {
  const out: Partial<Record<SidecarKind, SidecarFile[]>> = {};
  for (const spec of specs) {
    const m = /^([a-z-]+):(.+)$/.exec(spec);
    const kind = m && ESP_KINDS[m[1]!];
    if (!kind) throw new UsageError(`--esp: expected ${ESP_KIND_NAMES}:FILE, got ${spec}`);
    (out[kind] ??= []).push({ name: basename(m[2]!), data: io.readFile(m[2]!) });
  }
  return out;
}
