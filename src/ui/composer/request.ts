// The composer inputs (store) → a worker ComposeRequest, or the reason it cannot be built yet (a slot is
// empty, or one of its files is still loading).
import type { Diagnostic } from '../../core/diagnostics';
import { parseComposeSettings, type LaunchSettingField } from '../../core/settings/launch-settings';
import type { ComposeRequest, ComposeSettingsInput } from '../../workers/compose';
import type { OpenFile } from '../store';
import type { ComposerInputs } from './slice';
import { misfit, type SlotKind } from './slot-kinds';

export type RequestOrReason = { request: ComposeRequest } | { reason: string };

export function composeRequest(c: ComposerInputs, files: readonly OpenFile[]): RequestOrReason {
  const ready = (id: string | null, what: string, slot: SlotKind): string | undefined => {
    if (!id) return `Choose the ${what}.`;
    const f = files.find((x) => x.id === id);
    if (!f) return `The ${what} is no longer open.`;
    if (f.status !== 'ready')
      return `The ${what} (${f.name}) is ${f.status === 'loading' ? 'still loading' : 'unreadable'}.`;
    const wrong = misfit(f, slot);
    return wrong && `${wrong} Choose another file for the ${what}.`;
  };
  const nameOf = (id: string) => files.find((x) => x.id === id)?.name ?? id;
  const missing =
    ready(c.firmwareId, 'firmware', 'firmware') ??
    (c.mode === 'direct'
      ? (ready(c.kernelId, 'kernel', 'kernel') ??
        c.initrdIds.map((id) => ready(id, 'initrd', 'initrd')).find(Boolean))
      : (ready(c.ukiId, 'UKI', 'uki') ?? c.addons.map((a) => ready(a.id, 'add-on', 'addon')).find(Boolean)));
  if (missing) return { reason: missing };
  return {
    request: {
      firmwareId: c.firmwareId!,
      source:
        c.mode === 'direct'
          ? { kind: 'direct', kernelId: c.kernelId!, initrdIds: c.initrdIds, cmdline: c.cmdline }
          : {
              kind: 'uki',
              ukiId: c.ukiId!,
              addons: c.addons.map((a) => ({
                id: a.id,
                fileName: nameOf(a.id),
                enabled: a.enabled,
                scope: a.scope ?? 'global',
              })),
            },
      settings: settingsInput(c),
      ...(c.mode === 'uki' && c.rtmrReferenceId && files.some((f) => f.id === c.rtmrReferenceId && f.status === 'ready')
        ? { rtmrReferenceId: c.rtmrReferenceId }
        : {}),
    },
  };
}

/** The form's settings as the worker receives them (text as typed; the core parses them). */
export function settingsInput(c: ComposerInputs): ComposeSettingsInput {
  return {
    profile: c.profile,
    vcpus: c.vcpus,
    vcpuType: c.vcpuType,
    vmm: c.vmm,
    guestFeatures: c.guestFeatures,
    snpPolicy: c.snpPolicy,
    platforms: c.platform === 'all' ? undefined : [c.platform],
  };
}

/**
 * The form's invalid fields, each with its first problem, for inline messages: the core's parseComposeSettings,
 * the same function the worker and `fukiscope compose` apply, so the form flags exactly what they refuse.
 */
export function composerSettingErrors(c: ComposerInputs): Partial<Record<LaunchSettingField, Diagnostic>> {
  return parseComposeSettings(settingsInput(c)).fields;
}
