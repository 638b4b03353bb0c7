import { describe, expect, it } from 'vitest';
import { put32, type Bytes } from '../bytes/bytes';
import { parseFirmware, SEV_SECTION } from '../firmware/index';
import { nodeHashBackend } from '../../cli/node-hash';
import { amdSevFixture4MiB } from '../../test-support/firmware-fixture';
import { ComposeSession, DEFAULT_SETTINGS } from './compose';

/** The AmdSev fixture with its last SNP_SEC_MEM section grown to 1 GiB (262 144 zero pages). */
function firmwareWithHugeSection(): Bytes {
  const fw = amdSevFixture4MiB();
  const p = parseFirmware(fw);
  const i = p.sevMetadata!.sections.length - 1;
  expect(p.sevMetadata!.sections[i]!.type).toBe(SEV_SECTION.SNP_SEC_MEM);
  // ASEV header (16 bytes), then {u32 base, u32 size, u32 type} per section (fuki §4.3).
  put32(fw, p.sevMetadata!.offset + 16 + i * 12 + 4, 0x4000_0000);
  return fw;
}

describe('compose with a 1 GiB SEV metadata section', () => {
  it('builds and measures its 262 144 pages without overflowing the stack', () => {
    const fw = firmwareWithHugeSection();
    expect(parseFirmware(fw).sevMetadata!.sections.at(-1)!.size).toBe(0x4000_0000);
    const r = new ComposeSession(nodeHashBackend).compose({
      firmware: fw,
      settings: { ...DEFAULT_SETTINGS, platforms: ['SEV_SNP'] },
    });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.file!.directives.length).toBeGreaterThan(0x4000_0000 / 4096);
    expect(r.measurements[0]!.digest).toHaveLength(48);
  }, 120_000);
});
