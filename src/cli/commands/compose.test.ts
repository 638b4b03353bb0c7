import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { equalBytes } from '../../core/bytes/bytes';
import { parseIgvm } from '../../core/igvm/parse';
import { parsePe } from '../../core/pe/parse';
import { decodeEfifw } from '../../core/uki/efifw';
import { decodeHwids } from '../../core/uki/hwids';
import { Diagnostics } from '../../core/diagnostics';
import { captureIo } from '../../test-support/cli';
import { classicComposeArgs, corpusAvailable, corpusPath, manifest, readCorpus } from '../../test-support/corpus';
import { main } from '../main';

const haveCorpus = corpusAvailable();

describe.skipIf(!haveCorpus)('fukiscope compose', () => {
  it('writes an IGVM, a FUKI PE that pefile loads, and a receipt whose digest is sev-snp-measure’s', async () => {
    const c = manifest().ovmf_measure.find((x: { id: string }) => x.id === 'snp_amdsev_1vcpu_EPYC-v4_kernel_initrd_append');
    const io = captureIo();
    const rc = await main(
      [
        ...classicComposeArgs(c),
        '--fuki-out', 'out.efi',
        '--stub', corpusPath('inputs/stub/262/linuxx64.efi.stub'),
        '--os-release', corpusPath('inputs/misc/os-release'),
        '--fwid', 'ovmf-amdsev',
        '--hwid', '8e3f0a2c-1b2d-5e4f-9a0b-112233445566',
        '--hwid-name', 'QEMU q35 SNP',
        '--receipt', 'receipt.json',
        '--json',
      ],
      io,
    );
    expect(io.stderr.split('\n').filter((l) => l.startsWith('error'))).toEqual([]);
    expect(rc).toBe(0);
    const receipt = JSON.parse(io.stdout);
    expect(receipt.measurements[0].digest).toBe(c.expected);
    expect(JSON.parse(String(io.written['receipt.json']))).toEqual(receipt);
    // An audit trail: each input by file name with its SHA-256 (the same bytes the test read), the tool version.
    expect(receipt.tool).toBe(`fukiscope ${JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')).version}`);
    for (const [key, path] of [['firmware', c.params.ovmf.path], ['kernel', c.params.kernel.path], ['initrd', c.params.initrd.path]] as const) {
      expect(receipt.inputs[key].name).toBe(basename(path));
      expect(receipt.inputs[key].sha256).toBe(createHash('sha256').update(readCorpus(path)).digest('hex'));
    }

    const igvm = io.written['out.igvm'] as Uint8Array;
    expect(parseIgvm(igvm).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const fuki = io.written['out.efi'] as Uint8Array;
    const pe = parsePe(fuki);
    expect(pe.ok).toBe(true);
    const efifw = pe.sections.find((s) => s.name === '.efifw')!;
    const blob = fuki.subarray(efifw.data.offset, efifw.data.offset + efifw.data.length);
    const decoded = decodeEfifw(blob, new Diagnostics())!;
    expect(decoded.fwid).toBe('ovmf-amdsev');
    const payload = blob.subarray(decoded.payload.offset, decoded.payload.offset + decoded.payload.length);
    expect(equalBytes(payload, igvm)).toBe(true);
    expect(receipt.outputs.fuki.note).toContain('.efifw');
    // The .hwids device binds the CHID to the .efifw firmware-ID.
    const hw = pe.sections.find((s) => s.name === '.hwids')!;
    const entries = decodeHwids(fuki.subarray(hw.data.offset, hw.data.offset + hw.data.length), new Diagnostics());
    expect(entries.map((e) => [e.type, e.chid, e.name, e.fwid])).toEqual([
      ['uefi-fw', '8e3f0a2c-1b2d-5e4f-9a0b-112233445566', 'QEMU q35 SNP', 'ovmf-amdsev'],
    ]);

    // An independent PE loader (Debian python3-pefile) reads the FUKI with the same section list.
    const dir = mkdtempSync(join(tmpdir(), 'fuki-'));
    writeFileSync(join(dir, 'f.efi'), fuki);
    const names = execFileSync(
      '/usr/bin/python3',
      ['-c', 'import pefile,sys; p=pefile.PE(sys.argv[1]); print(" ".join(s.Name.rstrip(b"\\0").decode() for s in p.sections))', join(dir, 'f.efi')],
      { encoding: 'utf8' },
    ).trim();
    expect(names.split(' ')).toEqual(pe.sections.map((s) => s.name));
  });

  it('rejects contradictory inputs with a usage error', async () => {
    const io = captureIo();
    expect(await main(['compose', '--firmware', 'x', '--igvm-out', 'y', '--addon', 'a.efi'], io)).toBe(2);
    expect(io.stderr).toContain('--addon needs --uki');
  });
});

describe.skipIf(!haveCorpus)('fukiscope compose, IGVM-firmware route', () => {
  it('takes a firmware IGVM made by compose and adds the UKI behind data HOBs', async () => {
    const io = captureIo();
    expect(await main(['compose', '--firmware', corpusPath('inputs/ovmf/sid/OVMF.amdsev.fd'), '--platform', 'snp', '--igvm-out', 'fw.igvm'], io)).toBe(0);
    const io2 = captureIo({ 'fw.igvm': io.written['fw.igvm'] as Uint8Array });
    const rc = await main(['compose', '--firmware', 'fw.igvm', '--uki', corpusPath('pe/uki-262.efi'), '--db-hashes', '--igvm-out', 'out.igvm', '--json'], io2);
    expect(rc).toBe(0);
    const receipt = JSON.parse(io2.stdout);
    expect(receipt.route).toBe('igvm-firmware');
    expect(receipt.hobs.map((h: { typeName: string }) => h.typeName)).toEqual(['kernel', 'db']);
    expect(receipt.measurements[0].digest).toMatch(/^[0-9a-f]{96}$/);
    expect(parseIgvm(io2.written['out.igvm'] as Uint8Array).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });
});
