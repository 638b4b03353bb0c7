// The launch measurements of the firmware a FUKI carries in `.efifw` (fuki §1.5; issue 10 item 3): an IGVM payload
// is measured per declared platform exactly as an IGVM file (igvm-format §14–§16, default profile igvm, TDX
// single-pass); an OVMF/TDVF payload as a classic QEMU -bios launch with stated defaults (1 vCPU EPYC-v4, QEMU,
// guest features 0x1; fuki §4.4–§4.5) and its TDVF MRTD (single-pass). Error diagnostics of the payload withhold its
// digests (core digestBlocker), as for any file.
import { appendAll } from '../append';
import { digestBlocker, type Diagnostic } from '../diagnostics';
import { measureClassic } from '../classic/classic';
import { tdvfMrtd } from '../classic/tdvf-mrtd';
import { parseFirmware } from '../firmware/firmware';
import type { HashBackend } from '../hash/hash';
import { parseIgvm } from '../igvm/parse';
import { measureIgvm } from '../measure/measure-igvm';
import type { EfifwPayloadEntry, EfifwPayloadKind } from '../uki/efifw-payload';
import { VCPU_TYPES } from '../vmsa/vcpu-types';
import type { Bytes } from '../bytes/bytes';

/** The classic-launch settings an OVMF payload is measured with (shown with every value). */
export const PAYLOAD_OVMF_DEFAULTS = { vcpus: 1, vcpuType: 'EPYC-v4', vmm: 'QEMU' } as const;

export interface PayloadMeasurement {
  /** IGVM platform name (SEV_SNP, TDX, VSM_ISOLATION, …) or classic mode (snp, tdx). */
  platform: string;
  label: string;
  /** Undefined when withheld or not computable. */
  digest?: Bytes;
  withheld?: { reason: string; codes: string[] };
}

export interface PayloadMeasurements {
  kind: EfifwPayloadKind;
  measurements: PayloadMeasurement[];
  diagnostics: Diagnostic[];
}

const IGVM_LABEL: Record<string, string> = {
  SEV_SNP: 'SEV-SNP launch digest',
  TDX: 'TDX MRTD',
  VSM_ISOLATION: 'VBS boot digest',
  SEV: 'SEV digest (igvmmeasure behaviour)',
  SEV_ES: 'SEV-ES digest (igvmmeasure behaviour)',
};

function gated(
  platform: string,
  label: string,
  digest: Bytes | undefined,
  diagnostics: readonly Diagnostic[],
): PayloadMeasurement {
  const b = digestBlocker(diagnostics);
  if (b) return { platform, label, withheld: { reason: b.reason, codes: b.codes } };
  return { platform, label, digest };
}

export function measureEfifwPayload(
  entry: Pick<EfifwPayloadEntry, 'kind' | 'bytes'>,
  hash?: HashBackend,
): PayloadMeasurements {
  if (entry.kind === 'igvm') {
    const parsed = parseIgvm(entry.bytes);
    if (!parsed.file || digestBlocker(parsed.diagnostics)) {
      const b = digestBlocker(parsed.diagnostics) ?? {
        reason: 'the payload is not a readable IGVM file',
        codes: [],
      };
      return {
        kind: 'igvm',
        measurements: [{ platform: 'IGVM', label: 'launch digest', withheld: b }],
        diagnostics: parsed.diagnostics,
      };
    }
    const results = measureIgvm(parsed.file, hash ? { hash } : {});
    return {
      kind: 'igvm',
      measurements: results.map((m) =>
        gated(
          m.platform,
          `${IGVM_LABEL[m.platform] ?? m.platform}${m.profile ? ` (profile ${m.profile})` : m.tdxOrder ? ` (${m.tdxOrder})` : ''}`,
          m.digest,
          m.diagnostics,
        ),
      ),
      diagnostics: [...parsed.diagnostics, ...results.flatMap((m) => m.diagnostics)],
    };
  }
  if (entry.kind === 'firmware') {
    const parsed = parseFirmware(entry.bytes);
    const out: PayloadMeasurement[] = [];
    const diagnostics: Diagnostic[] = [...parsed.diagnostics];
    const d = PAYLOAD_OVMF_DEFAULTS;
    if (parsed.sevMetadata || parsed.apResetBlock) {
      const r = measureClassic(
        {
          mode: 'snp',
          firmware: entry.bytes,
          parsed,
          vcpus: d.vcpus,
          vcpuSig: VCPU_TYPES[d.vcpuType],
          vmm: d.vmm,
        },
        hash,
      );
      appendAll(diagnostics, r.diagnostics);
      out.push(
        gated(
          'snp',
          `SEV-SNP launch digest (classic -bios, ${d.vcpus} vCPU ${d.vcpuType}, ${d.vmm})`,
          r.digest,
          [...parsed.diagnostics, ...r.diagnostics],
        ),
      );
    }
    if (parsed.tdxMetadata) {
      const r = tdvfMrtd(entry.bytes, 'single-pass', parsed, hash);
      appendAll(diagnostics, r.diagnostics);
      out.push(gated('tdx', 'TDX MRTD (single-pass)', r.mrtd, [...parsed.diagnostics, ...r.diagnostics]));
    }
    return { kind: 'firmware', measurements: out, diagnostics };
  }
  return { kind: 'unknown', measurements: [], diagnostics: [] };
}
