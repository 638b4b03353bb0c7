import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseIgvm } from '../core/igvm/parse';
import { nodeHashBackend } from '../cli/node-hash';
import { corpusAvailable, readCorpus } from '../test-support/corpus';
import { countingBackend } from '../test-support/counting-hash';
import { ComposeService, type ComposeRequest } from './compose';
import { QEMU_IGVM_SETTINGS } from '../test-support/compose-settings';
import { diffFiles } from '../core/diff';

describe.skipIf(!corpusAvailable())('ComposeService (worker API)', () => {
  const files: Record<string, Uint8Array> = {};
  const service = new ComposeService((id) => {
    files[id] ??= readCorpus(id);
    return files[id]!;
  }, nodeHashBackend);
  const request = (addons: boolean[]): ComposeRequest => ({
    firmwareId: 'inputs/ovmf/sid/OVMF.amdsev.fd',
    source: {
      kind: 'uki',
      ukiId: 'pe/uki-262.efi',
      addons: [
        { id: 'pe/addon-262-cmdline.addon.efi', fileName: 'addon-262-cmdline.addon.efi', enabled: addons[0]! },
        { id: 'pe/addon-262-cmdline-initrd.addon.efi', fileName: 'addon-262-cmdline-initrd.addon.efi', enabled: addons[1]! },
      ],
    },
    settings: QEMU_IGVM_SETTINGS,
  });

  it('toggling an add-on changes the command line and the digest; the matrix agrees with single composes', () => {
    const none = service.compose(request([false, false]));
    const one = service.compose(request([true, false]));
    expect(none.ok && one.ok).toBe(true);
    expect(one.cmdline).not.toBe(none.cmdline);
    expect(one.measurements[0]!.digest).not.toBe(none.measurements[0]!.digest);
    const m = service.compose({ ...request([true, false]), addonMatrix: true });
    expect(m.addonMatrix).toHaveLength(4);
    const byCmdline = new Map(m.addonMatrix!.map((c) => [c.cmdline, c.measurements[0]!.digest]));
    expect(byCmdline.get(none.cmdline)).toBe(none.measurements[0]!.digest);
    expect(byCmdline.get(one.cmdline)).toBe(one.measurements[0]!.digest);
  });

  it('outputs: the IGVM parses, its receipt hashes the outputs, the FUKI carries it', () => {
    const out = service.outputs(request([true, true]), { fwid: 'ovmf-amdsev' });
    expect(parseIgvm(out.igvm).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const receipt = JSON.parse(out.receiptJson);
    expect(receipt.outputs.igvm.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(receipt.outputs.fuki.size).toBe(out.fuki!.length);
  });

  it('a UKI add-on toggle re-hashes neither kernel, initrd nor firmware (fresh views of the same file bytes hit the cache)', () => {
    const counting = countingBackend(nodeHashBackend);
    const s = new ComposeService((id) => (files[id] ??= readCorpus(id)), counting);
    s.compose(request([false, false]));
    expect(counting.bytes).toBeGreaterThan(files['pe/uki-262.efi']!.length);
    counting.bytes = 0;
    const toggled = s.compose(request([true, false]));
    expect(toggled.ok).toBe(true);
    expect(counting.bytes).toBeLessThan(64 * 1024);
  });

  it('primeInputDigests: WebCrypto computes the input digests, compose then hashes no large input and answers the same', async () => {
    const counting = countingBackend(nodeHashBackend);
    const primed = new ComposeService((id) => (files[id] ??= readCorpus(id)), counting);
    // firmware, kernel, initrd (UKI .initrd only: the initrd add-on is off) x SHA-256, SHA-384
    expect(await primed.primeInputDigests(request([true, false]))).toBe(6);
    expect(counting.bytes).toBe(0);
    const r = primed.compose({ ...request([true, false]), ledger: true });
    expect(counting.bytes).toBeLessThan(8 * 1024 * 1024); // the firmware's pages for the SNP chain, nothing larger
    const plain = new ComposeService((id) => (files[id] ??= readCorpus(id)), nodeHashBackend).compose({
      ...request([true, false]),
      ledger: true,
    });
    expect(r.measurements).toEqual(plain.measurements);
    expect(r.receipt!.inputs).toEqual(plain.receipt!.inputs);
    expect(r.kernelHashes).toEqual(plain.kernelHashes);
    // Only what is missing: the same request again needs nothing; the initrd add-on adds its concatenation.
    expect(await primed.primeInputDigests(request([true, false]))).toBe(0);
    expect(await primed.primeInputDigests(request([true, true]))).toBe(2);
  });

  it('PCR 12 for the enabled add-ons: one UTF-16 event for their command lines, then the initrd add-on; the value extends them', () => {
    const r = service.compose(request([true, true]));
    const p = r.pcr12!;
    expect(p.events.map((e) => [e.kind, e.tag])).toEqual([
      ['cmdline', undefined],
      ['initrd', '0x49dffe0f'],
    ]);
    const ukiCmdline = 'console=ttyS0 earlyprintk=serial root=/dev/vda1 rw';
    expect(r.cmdline.startsWith(ukiCmdline + ' ')).toBe(true);
    const addons = r.cmdline.slice(ukiCmdline.length + 1);
    const utf16 = Buffer.from(addons + '\0', 'utf16le');
    const sha = (b: Uint8Array) => createHash('sha256').update(b).digest();
    expect(p.events[0]!.sha256).toBe(sha(utf16).toString('hex'));
    let pcr: Buffer = Buffer.alloc(32);
    for (const e of p.events) pcr = sha(Buffer.concat([pcr, Buffer.from(e.sha256, 'hex')]));
    expect(p.values.sha256).toBe(pcr.toString('hex'));
    expect(Object.keys(p.values).sort()).toEqual(['sha1', 'sha256', 'sha384', 'sha512']);
    expect(service.compose(request([false, false])).pcr12!.events).toEqual([]);
  });

  it('reports bad settings as diagnostics, not exceptions', () => {
    const r = service.compose({ ...request([false, false]), settings: { ...request([false, false]).settings, guestFeatures: 'zz' } });
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]!.code).toBe('SETTINGS_NUMBER');
  });

  it('a FUKI against the IGVM in its .efifw: same SNP ledger; against another add-on choice: diverges', () => {
    const service = new ComposeService((id) => readCorpus(id), nodeHashBackend);
    const withAddon = service.outputs(request([true, false]), { fwid: 'test' });
    const without = service.outputs(request([false, false]));
    const same = diffFiles(withAddon.fuki!, withAddon.igvm, nodeHashBackend);
    expect(same.kindA).toBe('pe');
    expect(same.ledger).toBeDefined();
    expect(same.ledger!.firstDiverging).toBeUndefined();
    expect(same.ledger!.digestA).toBe(JSON.parse(withAddon.receiptJson).measurements[0].digest);
    const other = diffFiles(withAddon.fuki!, without.igvm, nodeHashBackend);
    expect(other.ledger!.firstDiverging).toBeDefined();
    expect(other.ledger!.digestB).toBe(JSON.parse(without.receiptJson).measurements[0].digest);
  });
});

describe.skipIf(!corpusAvailable())('ComposeService withholds digests of damaged inputs (issue 10)', () => {
  it('a truncated kernel or UKI: no digest, no receipt, outputs refused', () => {
    const damaged: Record<string, Uint8Array> = {
      'kernel.trunc': readCorpus('inputs/kernel/vmlinuz-6.1.0-56-cloud-amd64').slice(0, 200_000),
      'uki.trunc': readCorpus('pe/uki-262.efi').slice(0, 300_000),
    };
    const service = new ComposeService((id) => damaged[id] ?? readCorpus(id), nodeHashBackend);
    const settings = QEMU_IGVM_SETTINGS;
    const requests: ComposeRequest[] = [
      { firmwareId: 'inputs/ovmf/sid/OVMF.amdsev.fd', source: { kind: 'direct', kernelId: 'kernel.trunc', initrdIds: [], cmdline: 'x' }, settings, ledger: true },
      { firmwareId: 'inputs/ovmf/sid/OVMF.amdsev.fd', source: { kind: 'uki', ukiId: 'uki.trunc', addons: [] }, settings, ledger: true },
    ];
    for (const req of requests) {
      const r = service.compose(req);
      expect(r.ok).toBe(false);
      expect(r.diagnostics.some((d) => d.severity === 'error')).toBe(true);
      expect(r.receipt).toBeUndefined();
      expect(r.measurements.every((m) => m.digest === '')).toBe(true);
      expect(r.ledger?.every((e) => e.value === undefined) ?? true).toBe(true);
      expect(JSON.stringify(r)).not.toMatch(/"(digest|value)":"[0-9a-f]{64,}"/);
      expect(() => service.outputs(req)).toThrow();
    }
  });
});
