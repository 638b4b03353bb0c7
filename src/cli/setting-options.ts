// The CLI option of each launch setting, and the usage error for the first field the core's settings parser
// refuses (src/core/settings: the limits the worker and the UI apply too). Shared by compose and measure-ovmf.
import type { LaunchSettingField, ParsedSettings } from '../core/settings/launch-settings';
import { UsageError } from './io';

export const SETTING_OPTION: Record<LaunchSettingField, string> = {
  profile: '--profile',
  vcpus: '--vcpus',
  vcpuType: '--vcpu-type',
  vcpuSig: '--vcpu-sig',
  vmm: '--vmm-type',
  guestFeatures: '--guest-features',
  snpPolicy: '--policy',
  tdxPolicy: '--tdx-policy',
  platforms: '--platform',
};

/** Throws a usage error `--option: message [CODE]` for the first invalid field, if any. */
export function refuseInvalidSettings(parsed: Pick<ParsedSettings<unknown>, 'fields'>): void {
  const [field, d] = Object.entries(parsed.fields)[0] ?? [];
  if (field && d) throw new UsageError(`${SETTING_OPTION[field as LaunchSettingField]}: ${d.message} [${d.code}]`);
}
