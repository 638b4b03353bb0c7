import { describe, expect, it } from 'vitest';
import { corpusAvailable, readCorpus } from '../../test-support/corpus';
import { describeLoaderInfo, parseLoaderInfo } from './loader-info';
import { parseUki } from './model';

describe('parseLoaderInfo', () => {
  it('splits the .sdmagic marker into program and version', () => {
    expect(parseLoaderInfo('#### LoaderInfo: systemd-stub 262.1-1 ####')).toEqual({
      program: 'systemd-stub',
      version: '262.1-1',
      major: 262,
    });
    expect(parseLoaderInfo('#### LoaderInfo: systemd-addon 257.9 ####\0\0')?.major).toBe(257);
    expect(parseLoaderInfo('#### LoaderInfo: systemd-boot ####')).toEqual({ program: 'systemd-boot', version: undefined, major: undefined });
    expect(parseLoaderInfo('hello')).toBeUndefined();
    expect(describeLoaderInfo('hello')).toBe('hello');
    expect(describeLoaderInfo('#### LoaderInfo: systemd-stub 252.36-1~deb12u1 ####')).toBe('systemd-stub 252.36-1~deb12u1 (systemd v252)');
  });

  it.runIf(corpusAvailable())('decodes the corpus stubs: the stub directory names the systemd version', () => {
    for (const v of ['252', '257', '262']) {
      const m = parseUki(readCorpus(`inputs/stub/${v}/linuxx64.efi.stub`));
      const li = parseLoaderInfo(m.stubInfo ?? '');
      expect(li?.program).toBe('systemd-stub');
      expect(li?.major).toBe(Number(v));
    }
  });
});
