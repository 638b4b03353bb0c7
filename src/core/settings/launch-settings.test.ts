import { describe, expect, it } from 'vitest';
import { SETTING_OPTION, settingsFrom } from '../../cli/commands/compose';
import { UsageError } from '../../cli/io';
import { composerSettingErrors } from '../../ui/composer/request';
import { DEFAULT_COMPOSER, type ComposerInputs } from '../../ui/composer/slice';
import { ComposeService } from '../../workers/compose';
import { DEFAULT_SETTINGS } from '../fuki/compose';
import { parseIntLiteral } from './int-literal';
import {
  LAUNCH_LIMITS,
  parseComposeSettings,
  parseMeasureSettings,
  type LaunchSettingsText,
} from './launch-settings';

describe('parseIntLiteral (Python int(s, 0), as sev-snp-measure reads options)', () => {
  it.each([
    ['0x1', 1n],
    [' 0X_ff ', 255n],
    ['1_000', 1000n],
    ['0o17', 15n],
    ['0b101', 5n],
    ['-3', -3n],
    ['0', 0n],
    ['000', 0n],
  ])('%s = %s', (s, v) => expect(parseIntLiteral(s)).toBe(v));
  it.each(['', ' ', 'zzz', '0x', '1__0', '1_', '010', '0x1g', '1.5', '1e3'])("'%s' is not an integer", (s) =>
    expect(parseIntLiteral(s)).toBeUndefined(),
  );
});

describe('parseComposeSettings: one set of defaults and limits', () => {
  it('no text gives the defaults every host starts from', () => {
    expect(parseComposeSettings({}).value).toEqual(DEFAULT_SETTINGS);
    expect(parseComposeSettings({}).diagnostics).toEqual([]);
  });
  it('vCPU limits are KVM_MAX_VCPUS for compose and measure alike', () => {
    expect(parseComposeSettings({ vcpus: LAUNCH_LIMITS.vcpus.max }).value?.vcpus).toBe(4096);
    expect(parseMeasureSettings({ vcpus: '4096' }).value?.vcpus).toBe(4096);
    expect(parseMeasureSettings({ vcpus: 4097 }).fields.vcpus?.code).toBe('SETTINGS_VCPUS');
  });
  it('reports every invalid field, each once, and gives no value', () => {
    const r = parseComposeSettings({ vcpus: 0, guestFeatures: 'zzz', vmm: 'xen', platforms: ['arm'] });
    expect(r.value).toBeUndefined();
    expect(Object.keys(r.fields).sort()).toEqual(['guestFeatures', 'platforms', 'vcpus', 'vmm']);
    expect(r.diagnostics.every((d) => d.severity === 'error')).toBe(true);
  });
  it('a vCPU signature replaces the type', () => {
    expect(parseComposeSettings({ vcpuSig: '0xa00f11', vcpuType: 'nope' }).value).toMatchObject({
      vcpuSig: 0xa00f11,
      vcpuType: undefined,
    });
    expect(parseComposeSettings({ vcpuSig: '0x1_0000_0000' }).fields.vcpuSig?.code).toBe('SETTINGS_RANGE');
  });
});

type FormField = 'guestFeatures' | 'snpPolicy' | 'vcpus' | 'vcpuType' | 'vmm' | 'profile';
/** One invalid input per case, given to each host as it receives it: CLI option text, form field, worker request. */
const INVALID: [name: string, field: FormField, value: string | number][] = [
  ['guest features zzz', 'guestFeatures', 'zzz'],
  ['guest features empty', 'guestFeatures', ''],
  ['guest features > 64 bits', 'guestFeatures', '0x1' + '0'.repeat(16)],
  ['negative SNP policy', 'snpPolicy', '-1'],
  ['0 vCPUs', 'vcpus', 0],
  ['4097 vCPUs', 'vcpus', 4097],
  ['fractional vCPUs', 'vcpus', 1.5],
  ['unknown vCPU type', 'vcpuType', 'EPYC-v9'],
  ['unknown VMM', 'vmm', 'xen'],
  ['unknown profile', 'profile', 'fast'],
];
/** `--guest-features` → `guest-features`: the parseArgs key of a setting's CLI option. */
const cliKey = (field: FormField) => SETTING_OPTION[field].slice(2);

/** The codes each host refuses the input with. */
function cliCodes(cli: Record<string, string>): string[] {
  try {
    settingsFrom(cli);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return [/\[([A-Z_]+)\]$/.exec((e as Error).message)![1]!];
  }
  return [];
}
function workerCodes(form: Partial<ComposerInputs>): string[] {
  const service = new ComposeService(() => {
    throw new Error('settings are checked before any file is read');
  });
  const r = service.compose({
    firmwareId: 'fw',
    source: { kind: 'none' },
    settings: {
      profile: form.profile ?? DEFAULT_COMPOSER.profile,
      vcpus: form.vcpus ?? DEFAULT_COMPOSER.vcpus,
      vcpuType: form.vcpuType ?? DEFAULT_COMPOSER.vcpuType,
      vmm: form.vmm ?? DEFAULT_COMPOSER.vmm,
      guestFeatures: form.guestFeatures ?? DEFAULT_COMPOSER.guestFeatures,
      snpPolicy: form.snpPolicy ?? DEFAULT_COMPOSER.snpPolicy,
    },
  });
  expect(r.ok).toBe(false);
  return r.diagnostics.map((d) => d.code);
}
const uiCodes = (form: Partial<ComposerInputs>): string[] =>
  Object.values(composerSettingErrors({ ...DEFAULT_COMPOSER, ...form })).map((d) => d!.code);

describe('the CLI, the worker and the composer form refuse the same settings the same way', () => {
  it.each(INVALID)('%s', (_name, field, value) => {
    const form = { [field]: value } as Partial<ComposerInputs>;
    const cli = { [cliKey(field)]: String(value) };
    const core = parseComposeSettings({ [field]: value } as LaunchSettingsText).diagnostics.map(
      (d) => d.code,
    );
    expect(core).toHaveLength(1);
    expect(cliCodes(cli)).toEqual(core);
    expect(workerCodes(form)).toEqual(core);
    expect(uiCodes(form)).toEqual(core);
  });
  it('and accept the same valid ones (513 vCPUs: the worker refused more than 512 before)', () => {
    expect(cliCodes({ vcpus: '513', 'guest-features': '0x1', policy: '0x30000' })).toEqual([]);
    expect(uiCodes({ vcpus: 513 })).toEqual([]);
    expect(parseComposeSettings({ vcpus: 513 }).value?.vcpus).toBe(513);
  });
});
