// `--addon [global:|per-uki:]FILE` as `fukiscope pe` and `fukiscope eventlog` take it (fuki §2.7 scopes).
import { basename } from 'node:path';
import type { AddonInput } from '../core/uki/addons';
import type { SidecarFile, SidecarKind } from '../core/uki/extra-cpio';
import { UsageError } from './io';
import type { CliIo } from './io';

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
