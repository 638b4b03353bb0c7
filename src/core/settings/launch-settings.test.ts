import { describe, expect, it } from 'vitest';
import { settingsFrom } from '../../cli/commands/compose';
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

/** One invalid input per case, as each host receives it: CLI option text, the composer form, the worker request. */
const INVALID: {
  name: string;
  text: LaunchSettingsText;
  form: Partial<ComposerInputs>;
  cli: Record<string, string>;
}[] = [
  {
    name: 'guest features zzz',
    text: { guestFeatures: 'zzz' },
    form: { guestFeatures: 'zzz' },
    cli: { 'guest-features': 'zzz' },
  },
  {
    name: 'guest features empty',
    text: { guestFeatures: '' },
    form: { guestFeatures: '' },
    cli: { 'guest-features': '' },
  },
  {
    name: 'guest features > 64 bits',
    text: { guestFeatures: '0x1' + '0'.repeat(16) },
    form: { guestFeatures: '0x1' + '0'.repeat(16) },
    cli: { 'guest-features': '0x1' + '0'.repeat(16) },
  },
  {
    name: 'negative SNP policy',
    text: { snpPolicy: '-1' },
    form: { snpPolicy: '-1' },
    cli: { policy: '-1' },
  },
  { name: '0 vCPUs', text: { vcpus: 0 }, form: { vcpus: 0 }, cli: { vcpus: '0' } },
  { name: '4097 vCPUs', text: { vcpus: 4097 }, form: { vcpus: 4097 }, cli: { vcpus: '4097' } },
  { name: 'fractional vCPUs', text: { vcpus: 1.5 }, form: { vcpus: 1.5 }, cli: { vcpus: '1.5' } },
  {
    name: 'unknown vCPU type',
    text: { vcpuType: 'EPYC-v9' },
    form: { vcpuType: 'EPYC-v9' },
    cli: { 'vcpu-type': 'EPYC-v9' },
  },
  {
    name: 'unknown VMM',
    text: { vmm: 'xen' },
    form: { vmm: 'xen' as ComposerInputs['vmm'] },
    cli: { 'vmm-type': 'xen' },
  },
  {
    name: 'unknown profile',
    text: { profile: 'fast' },
    form: { profile: 'fast' as ComposerInputs['profile'] },
    cli: { profile: 'fast' },
  },
];

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
  it.each(INVALID)('$name', ({ text, form, cli }) => {
    const core = parseComposeSettings(text).diagnostics.map((d) => d.code);
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
