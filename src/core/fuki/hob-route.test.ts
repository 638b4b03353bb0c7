import { describe, expect, it } from 'vitest';
import { concatBytes, equalBytes, guidToString, toHex, u16, u32, u64 } from '../bytes/bytes';
import { parseIgvm } from '../igvm/parse';
import { serializeIgvm } from '../igvm/serialize';
import { measureIgvm } from '../measure/measure-igvm';
import { nodeHashBackend } from '../../cli/node-hash';
import { corpusAvailable, readCorpus } from '../../test-support/corpus';
import { ComposeSession, DEFAULT_SETTINGS } from './compose';
import { combineIgvmWithUki, EFI_IGVM_DATA_HOB_GUID, IGVM_DATA_TYPE } from './hob-route';

describe.skipIf(!corpusAvailable())('IGVM-firmware route (edk2 data HOBs)', () => {
  const firmwareIgvm = () =>
    new ComposeSession(nodeHashBackend).compose({
      firmware: readCorpus('inputs/ovmf/sid/OVMF.amdsev.fd'),
      settings: { ...DEFAULT_SETTINGS, platforms: ['SEV_SNP'] },
    }).igvm!;

  it('adds the UKI and a db of Authenticode hashes as measured pages described by data HOBs', () => {
    const base = firmwareIgvm();
    const uki = readCorpus('pe/uki-262.efi');
    const r = combineIgvmWithUki({ igvm: base, kernel: uki, dbHashes: true }, nodeHashBackend);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const parsed = parseIgvm(r.igvm!);
    expect(parsed.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(equalBytes(serializeIgvm(parsed.file!), r.igvm!)).toBe(true);

    // The HOB page decodes to one HOB per blob, and the blob pages reassemble to the UKI.
    const pages = new Map<bigint, Uint8Array>();
    for (const h of parsed.file!.directives) if (h.kind === 'PageData' && h.data) pages.set(h.gpa, h.data);
    const hobPage = pages.get(r.hobAreaGpa!)!;
    expect(r.hobs.map((h) => h.typeName)).toEqual(['kernel', 'db']);
    r.hobs.forEach((hob, i) => {
      const o = i * 48;
      expect(u16(hobPage, o)).toBe(4);
      expect(guidToString(hobPage, o + 8)).toBe(EFI_IGVM_DATA_HOB_GUID);
      expect(u64(hobPage, o + 24)).toBe(hob.gpa);
      expect(Number(u64(hobPage, o + 32))).toBe(hob.length);
      expect(u32(hobPage, o + 40)).toBe(hob.type);
    });
    const kernelHob = r.hobs.find((h) => h.type === IGVM_DATA_TYPE.KERNEL)!;
    const chunks: Uint8Array[] = [];
    for (let off = 0; off < kernelHob.length; off += 4096) chunks.push(pages.get(kernelHob.gpa + BigInt(off))!);
    expect(equalBytes(concatBytes(...chunks).subarray(0, kernelHob.length), uki)).toBe(true);

    // The VMSA stays the last directive, and the UKI is now covered by the launch digest.
    const last = parsed.file!.directives[parsed.file!.directives.length - 1]!;
    expect(last.kind).toBe('SnpVpContext');
    const before = measureIgvm(parseIgvm(base).file!, { hash: nodeHashBackend })[0]!.digest;
    const after = measureIgvm(parsed.file!, { hash: nodeHashBackend })[0]!.digest;
    expect(toHex(after)).not.toBe(toHex(before));
    const tampered = new Uint8Array(uki);
    tampered[tampered.length - 100]! ^= 1;
    const other = combineIgvmWithUki({ igvm: base, kernel: tampered, dbHashes: true }, nodeHashBackend);
    const afterTamper = measureIgvm(parseIgvm(other.igvm!).file!, { hash: nodeHashBackend })[0]!.digest;
    expect(toHex(afterTamper)).not.toBe(toHex(after));
  });

  it('refuses a firmware IGVM without an IGVM HOB area', () => {
    const lib = readCorpus('igvm/igvm-crate/lib-snp.igvm');
    const r = combineIgvmWithUki({ igvm: lib, kernel: new Uint8Array(10) }, nodeHashBackend);
    expect(r.igvm).toBeUndefined();
    expect(r.diagnostics.some((d) => d.code === 'HOB_NO_HOB_AREA')).toBe(true);
  });
});
