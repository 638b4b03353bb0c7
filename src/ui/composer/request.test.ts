import { describe, expect, it } from 'vitest';
import type { OpenFile } from '../store';
import { composeRequest } from './request';
import { DEFAULT_COMPOSER } from './slice';
import { QEMU_IGVM_SETTINGS } from '../../test-support/compose-settings';

const file = (id: string, name: string, status: OpenFile['status'] = 'ready'): OpenFile => ({
  id,
  name,
  size: 1,
  status,
});

describe('composeRequest', () => {
  it('says which slot is missing or still loading', () => {
    expect(composeRequest(DEFAULT_COMPOSER, [])).toEqual({ reason: 'Choose the firmware.' });
    const c = { ...DEFAULT_COMPOSER, firmwareId: 'fw', ukiId: 'u' };
    expect(composeRequest(c, [file('fw', 'OVMF.fd')])).toEqual({ reason: 'The UKI is no longer open.' });
    expect(composeRequest(c, [file('fw', 'OVMF.fd'), file('u', 'uki.efi', 'loading')])).toEqual({
      reason: 'The UKI (uki.efi) is still loading.',
    });
  });

  it('builds a UKI request with add-on file names and toggles, and a direct request with the cmdline', () => {
    const files = [
      file('fw', 'OVMF.fd'),
      file('u', 'uki.efi'),
      file('a', 'x.addon.efi'),
      file('k', 'vmlinuz'),
      file('i', 'initrd'),
    ];
    const uki = composeRequest(
      {
        ...DEFAULT_COMPOSER,
        firmwareId: 'fw',
        ukiId: 'u',
        addons: [{ id: 'a', enabled: false }],
        platform: 'SEV_SNP',
      },
      files,
    );
    expect(uki).toEqual({
      request: {
        firmwareId: 'fw',
        source: { kind: 'uki', ukiId: 'u', addons: [{ id: 'a', fileName: 'x.addon.efi', enabled: false, scope: 'global' }] },
        // The composer's defaults, as the worker tests send them.
        settings: QEMU_IGVM_SETTINGS,
      },
    });
    const direct = composeRequest(
      {
        ...DEFAULT_COMPOSER,
        mode: 'direct',
        firmwareId: 'fw',
        kernelId: 'k',
        initrdIds: ['i'],
        cmdline: 'quiet',
      },
      files,
    );
    expect('request' in direct && direct.request.source).toEqual({
      kind: 'direct',
      kernelId: 'k',
      initrdIds: ['i'],
      cmdline: 'quiet',
    });
    expect('request' in direct && direct.request.settings.platforms).toBeUndefined();
  });

  it('refuses a file of the wrong kind in a slot, naming what it is and what the slot takes', () => {
    const png: OpenFile = {
      ...file('u', 'logo.png'),
      result: { kind: 'unknown', kindLabel: 'PNG image' } as OpenFile['result'],
    };
    const c = { ...DEFAULT_COMPOSER, firmwareId: 'fw', ukiId: 'u' };
    expect(composeRequest(c, [file('fw', 'OVMF.fd'), png])).toEqual({
      reason:
        'logo.png (PNG image) is not a UKI (a PE with .linux). Choose another file for the UKI.',
    });
  });
});
