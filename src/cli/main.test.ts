import { describe, expect, it } from 'vitest';
import { main } from './main';
import { captureIo } from '../test-support/cli';

describe('cli main', () => {
  it('prints help and rejects unknown commands', async () => {
    const io = captureIo();
    expect(await main(['--help'], io)).toBe(0);
    expect(io.stdout).toContain('Usage: fukiscope');
    const io2 = captureIo();
    expect(await main(['no-such-command'], io2)).toBe(2);
    expect(io2.stderr).toContain('unknown command');
  });
});
