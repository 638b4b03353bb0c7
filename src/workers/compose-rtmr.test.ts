// The composer's predicted TDX RTMR[1]/RTMR[2] (issue 14): shown for a TDX composition of a UKI, from the same
// prediction as the PCRs; RTMR1 needs a reference log (a CCEL, or a TPM log re-mapped by edk2's PCR → RTMR mapping,
// which the boot-lab logs are: RTMR1 must then equal the fold of that log's own PCR 2–6 SHA-384 digests).
import { describe, expect, it } from 'vitest';
import { nodeHashBackend } from '../cli/node-hash';
import { toHex, type Bytes } from '../core/bytes/bytes';
import { parseTcgLog } from '../core/eventlog';
import { rtmrOfPcr } from '../core/uki/tdx-rtmr';
import { corpusAvailable, readCorpus } from '../test-support/corpus';
import { ComposeService, type ComposeRequest } from './compose';

describe.skipIf(!corpusAvailable())('ComposeService: TDX RTMRs', () => {
  const files: Record<string, Uint8Array> = {};
  const bytesOf = (id: string) => (files[id] ??= readCorpus(id));
  const service = new ComposeService(
    bytesOf,
    nodeHashBackend,
    () => [],
    (id) => id.split('/').pop(),
  );
  const request = (platforms: ('SEV_SNP' | 'TDX')[], ref?: string): ComposeRequest => ({
    firmwareId: 'inputs/ovmf/sid/OVMF.amdsev.fd',
    source: {
      kind: 'uki',
      ukiId: 'pe/uki-262.efi',
      addons: [
        {
          id: 'pe/addon-262-cmdline.addon.efi',
          fileName: 'addon-262-cmdline.addon.efi',
          enabled: true,
          scope: 'per-uki',
        },
      ],
    },
    settings: {
      profile: 'qemu-igvm',
      vcpus: 1,
      vcpuType: 'EPYC-v4',
      vmm: 'QEMU',
      guestFeatures: '0x1',
      snpPolicy: '0x30000',
      platforms,
    },
    ...(ref ? { rtmrReferenceId: ref } : {}),
  });

  /** The fold of a TPM log's SHA-384 digests of the PCRs edk2 maps to RTMR `n` (the log's first event is the Spec ID). */
  const foldRtmr = (logId: string, n: number): string => {
    let v: Bytes = new Uint8Array(48);
    for (const e of parseTcgLog(bytesOf(logId)).events.slice(1))
      if (e.type !== 3 && rtmrOfPcr(e.register) === n)
        v = nodeHashBackend
          .create('sha384')
          .update(v)
          .update(e.digests.find((d) => d.algorithm === 'sha384')!.digest)
          .digest();
    return toHex(v);
  };

  it('no RTMRs without a TDX measurement; with one, RTMR2 equals the boot lab of this UKI and RTMR1 needs a reference', () => {
    expect(service.compose(request(['SEV_SNP'])).tdxRtmrs).toBeUndefined();
    const r = service.compose(request(['TDX']));
    expect(r.ok).toBe(true);
    // Boot-lab case b booted exactly this UKI + per-UKI add-on: the real stub's PCR 8–15 events fold to RTMR2.
    expect(r.tdxRtmrs!.rtmr2.value).toBe(foldRtmr('bootlab/b.eventlog.bin', 2));
    expect(r.tdxRtmrs!.rtmr1.value).toBeUndefined();
    expect(r.tdxRtmrs!.rtmr1.why).toMatch(/reference CCEL/);
    expect(r.tdxRtmrs!.assumptions.join('\n')).toMatch(/PCR 1,7 → RTMR0, 2–6 → RTMR1, 8–15 → RTMR2/);
  });

  it("with the boot-lab log of this boot as reference, RTMR1 equals the fold of that log's PCR 2–6 SHA-384 digests", () => {
    const logId = 'bootlab/b.eventlog.bin';
    const r = service.compose(request(['TDX'], logId));
    expect(r.tdxRtmrs!.rtmr1.value).toBe(foldRtmr(logId, 1));
    expect(r.tdxRtmrs!.reference).toBe('b.eventlog.bin');
    expect(r.tdxRtmrs!.assumptions.join('\n')).toMatch(/is a TPM event log/);
    // A damaged reference gives no RTMR1.
    files['damaged.bin'] = bytesOf(logId).slice(0, 700);
    const bad = service.compose(request(['TDX'], 'damaged.bin'));
    expect(bad.tdxRtmrs!.rtmr1.value).toBeUndefined();
    expect(bad.tdxRtmrs!.rtmr1.why).toMatch(/damaged/);
    const dupe = service.compose(request(['TDX'], 'attest/extra/eventlog/ccel/go-eventlog-cos113-dupe-separator.bin'));
    expect(dupe.tdxRtmrs!.rtmr1.value).toBeUndefined();
    expect(dupe.tdxRtmrs!.rtmr1.why).toMatch(/EVENTLOG_DUPLICATE_SEPARATOR/);
    // A CCEL of another boot is a usable reference: RTMR1 predicted from its firmware events.
    const cos = service.compose(request(['TDX'], 'attest/eventlog/ccel/go-eventlog-cos113.bin'));
    expect(cos.tdxRtmrs!.rtmr1.value).toMatch(/^[0-9a-f]{96}$/);
  });
});
