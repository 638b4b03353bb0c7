// SEV-SNP launch digest of a coconut-svsm guest launched the classic way (sev-snp-measure `--mode snp:svsm`):
// OVMF mapped to end at 4 GiB, the OVMF variable store below it, the SVSM image below that; the SVSM's own SEV
// metadata; one identical VMSA per vCPU at the SVSM entry point (fuki §4.5 chain; layout from sev-snp-measure
// guest.py svsm_calc_launch_digest and ovmf.py SVSM).
import type { Bytes } from '../bytes/bytes';
import { Diagnostics } from '../diagnostics';
import type { DiagnosticCode } from '../diagnostic-codes';
import { FOUR_GIB, parseFirmware } from '../firmware/firmware';
import { defaultHash, type HashBackend } from '../hash/hash';
import { PAGE_SIZE } from '../measure/snp-page-info';
import { buildSvsmVmsa } from '../vmsa/build';
import { MAX_VCPUS } from './constants';
import { SnpLedger } from './snp-ledger';
import { measureSevMetadata, measureVmsas } from './snp';
import type { ClassicResult } from './types';

export interface SvsmOptions {
  ovmf: Uint8Array;
  svsm: Uint8Array;
  /** Size of the OVMF variable store mapped between the SVSM and OVMF (`--vars-size`, or the vars file size). */
  varsSize: number;
  vcpus: number;
  vcpuSig: number;
}

export type SvsmResult = Omit<ClassicResult, 'mode'> & { mode: 'snp:svsm'; svsmGpa: number | undefined };

export function measureSvsm(o: SvsmOptions, hash: HashBackend = defaultHash()): SvsmResult {
  const diags = new Diagnostics();
  const result: SvsmResult = {
    mode: 'snp:svsm',
    digest: undefined,
    algorithm: 'sha384-page-info-chain',
    steps: [],
    vmsas: [],
    svsmGpa: undefined,
    diagnostics: [],
  };
  const done = (extra: Partial<SvsmResult> = {}): SvsmResult => ({
    ...result,
    ...extra,
    diagnostics: diags.done(),
  });
  const fail = (code: DiagnosticCode, message: string): SvsmResult => {
    diags.error(code, message);
    return done();
  };
  if (o.ovmf.length % PAGE_SIZE !== 0 || o.svsm.length % PAGE_SIZE !== 0)
    return fail('SVSM_NOT_PAGES', 'OVMF and SVSM sizes must be multiples of 4096');
  if (!Number.isInteger(o.varsSize) || o.varsSize < 0 || o.varsSize % PAGE_SIZE !== 0)
    return fail('SVSM_BAD_VARS_SIZE', `vars size ${o.varsSize} is not a whole number of pages`);
  if (!Number.isInteger(o.vcpus) || o.vcpus < 0 || o.vcpus > MAX_VCPUS)
    return fail('CLASSIC_NO_VCPUS', `invalid vCPU count ${o.vcpus}`);
  const ovmfGpa = FOUR_GIB - o.ovmf.length;
  const svsmGpa = ovmfGpa - o.varsSize - o.svsm.length;
  if (svsmGpa < 0) return fail('SVSM_DOES_NOT_FIT', 'OVMF, vars and SVSM do not fit below 4 GiB');
  const svsm = parseFirmware(o.svsm);
  for (const d of svsm.diagnostics)
    if (!d.code.startsWith('FW_TDX') && !d.code.startsWith('FW_IGVM'))
      diags.add({ ...d, message: `SVSM: ${d.message}` });
  if (diags.hasErrors) return fail('SVSM_BAD_IMAGE', 'the SVSM footer table or SEV metadata is damaged');
  if (!svsm.svsmEntryOffset) return fail('SVSM_NO_INFO', "Can't find SVSM_INFO_GUID entry in SVSM table");

  const ledger = new SnpLedger(hash);
  ledger.normalPages(BigInt(ovmfGpa), o.ovmf, { source: 'firmware', label: 'OVMF page' });
  ledger.normalPages(BigInt(svsmGpa), o.svsm, { source: 'firmware', label: 'SVSM page' });
  const meta = measureSevMetadata(ledger, { parsed: svsm, vmm: 'QEMU', kernel: undefined }, diags);
  if (!meta) return done({ steps: ledger.steps, svsmGpa });
  const eip = (svsm.svsmEntryOffset.value + svsmGpa) >>> 0;
  const page = buildSvsmVmsa(eip, o.vcpuSig);
  const vmsas: Bytes[] = Array.from({ length: o.vcpus }, () => page);
  measureVmsas(ledger, vmsas);
  return done({ digest: ledger.ld, steps: ledger.steps, vmsas, svsmGpa });
}
