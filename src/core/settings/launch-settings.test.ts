import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import { u64Error, vcpusError } from '../../ui/form-values';
import { measureFirmware } from '../../workers/inspect/firmware-measure';
import { captureIo } from '../../test-support/cli';
import { amdSevFixture4MiB } from '../../test-support/firmware-fixture';
import { parseFirmware } from '../firmware/firmware';
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

/** The classic-launch settings the measure panel's what-if fields, the worker and `fukiscope measure-ovmf` take. */
const INVALID_MEASURE: [name: string, field: 'vcpus' | 'guestFeatures', value: string][] = [
  ['0 vCPUs', 'vcpus', '0'],
  ['4097 vCPUs', 'vcpus', '4097'],
  ['guest features zzz', 'guestFeatures', 'zzz'],
  ['guest features > 64 bits', 'guestFeatures', '0x1' + '0'.repeat(16)],
];

describe('the CLI, the worker and the measure panel refuse the same classic-launch settings', () => {
  const fw = amdSevFixture4MiB();
  const parsed = parseFirmware(fw);
  const fwPath = join(mkdtempSync(join(tmpdir(), 'fukiscope-settings-')), 'OVMF.fd');
  writeFileSync(fwPath, fw);

  const cliRefusal = async (field: 'vcpus' | 'guestFeatures', value: string) => {
    const io = captureIo();
    const args = ['measure-ovmf', '--mode', 'snp', '--ovmf', fwPath, '--vcpu-type', 'EPYC-v4'];
    const code = await main(
      [...args, ...(field === 'vcpus' ? ['--vcpus', value] : ['--vcpus', '1', '--guest-features', value])],
      io,
    );
    return { code, codeInMessage: /\[([A-Z_]+)\]\s*$/m.exec(io.stderr)?.[1], stderr: io.stderr };
  };
  const workerCodes = (field: 'vcpus' | 'guestFeatures', value: string) => {
    const o = {
      platform: 'snp',
      vcpuType: 'EPYC-v4',
      vmm: 'QEMU',
      ...(field === 'vcpus' ? { vcpus: Number(value) } : { vcpus: 1, guestFeatures: value }),
    };
    const r = measureFirmware(fw, parsed, o, () => new Uint8Array(0), new Map());
    expect(r.digest).toBe('');
    return r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);
  };
  const uiMessage = (field: 'vcpus' | 'guestFeatures', value: string) =>
    field === 'vcpus' ? vcpusError(value) : u64Error(value, 'SEV_FEATURES');

  it.each(INVALID_MEASURE)('%s', async (_name, field, value) => {
    const core = parseMeasureSettings({ [field]: value }).diagnostics;
    expect(core).toHaveLength(1);
    expect(workerCodes(field, value)).toEqual([core[0]!.code]);
    const ui = uiMessage(field, value);
    expect(ui).toBeDefined();
    expect(ui).toContain(core[0]!.message.replace(/^[^:]*:\s*/, ''));
    const cli = await cliRefusal(field, value);
    expect(cli.code, cli.stderr).toBe(2);
    // The CLI's sev-snp-measure-compatible checks run first and word their own refusal (no code); whatever
    // they let through is refused by the core's parser, with its code.
    if (cli.codeInMessage !== undefined) expect(cli.codeInMessage).toBe(core[0]!.code);
  });

  it('and accept the same valid ones (4096 vCPUs, 64-bit SEV_FEATURES)', async () => {
    expect(vcpusError('4096')).toBeUndefined();
    expect(u64Error('0xffffffffffffffff', 'SEV_FEATURES')).toBeUndefined();
    expect(parseMeasureSettings({ vcpus: '4096', guestFeatures: '0xffffffffffffffff' }).diagnostics).toEqual(
      [],
    );
    expect((await cliRefusal('vcpus', '2')).code).not.toBe(2);
  });
});
