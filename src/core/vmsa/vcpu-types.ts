// vCPU signatures for the VMSA RDX register (fuki-uki-kernel-hashes.md §4.5; AMD CPUID spec #25481,
// CPUID Fn0000_0001_EAX; the type names are QEMU's builtin_x86_defs names that sev-snp-measure accepts).

/** CPUID(1).EAX encoding of family/model/stepping: ext family, ext model, base family, base model, stepping. */
export function cpuSig(family: number, model: number, stepping: number): number {
  const familyLow = family > 0xf ? 0xf : family;
  const familyHigh = family > 0xf ? (family - 0xf) & 0xff : 0;
  return (
    ((familyHigh << 20) |
      (((model >> 4) & 0xf) << 16) |
      (familyLow << 8) |
      ((model & 0xf) << 4) |
      (stepping & 0xf)) >>>
    0
  );
}

/** Decodes a signature back into family/model/stepping. */
export function decodeCpuSig(sig: number): { family: number; model: number; stepping: number } {
  const baseFamily = (sig >> 8) & 0xf;
  const family = baseFamily === 0xf ? baseFamily + ((sig >> 20) & 0xff) : baseFamily;
  return { family, model: (((sig >> 16) & 0xf) << 4) | ((sig >> 4) & 0xf), stepping: sig & 0xf };
}

const EPYC = cpuSig(23, 1, 2);
const ROME = cpuSig(23, 49, 0);
const MILAN = cpuSig(25, 1, 1);
const GENOA = cpuSig(25, 17, 0);
const TURIN = cpuSig(26, 0, 0);

/** Every `--vcpu-type` name sev-snp-measure accepts, in its order. */
export const VCPU_TYPES: Readonly<Record<string, number>> = {
  EPYC: EPYC,
  'EPYC-v1': EPYC,
  'EPYC-v2': EPYC,
  'EPYC-IBPB': EPYC,
  'EPYC-v3': EPYC,
  'EPYC-v4': EPYC,
  'EPYC-Rome': ROME,
  'EPYC-Rome-v1': ROME,
  'EPYC-Rome-v2': ROME,
  'EPYC-Rome-v3': ROME,
  'EPYC-Milan': MILAN,
  'EPYC-Milan-v1': MILAN,
  'EPYC-Milan-v2': MILAN,
  'EPYC-Genoa': GENOA,
  'EPYC-Genoa-v1': GENOA,
  'EPYC-Turin': TURIN,
};

export const VCPU_TYPE_NAMES: readonly string[] = Object.keys(VCPU_TYPES);
