// Test-only: an IGVM with more SNP VP contexts than it has, each a copy of its last one (vp_index 1, 2, …) appended
// after every other directive: a file that really carries the VMSAs a loader with more vCPUs would measure.
import { parseIgvm, serializeIgvm, type IgvmFile, type IgvmSnpVpContext } from '../core/igvm';

export function withMoreVmsas(file: IgvmFile, extra: number): { file: IgvmFile; bytes: Uint8Array } {
  const vp = file.directives.filter((h): h is IgvmSnpVpContext => h.kind === 'SnpVpContext').at(-1);
  if (!vp) throw new Error('the IGVM has no SNP VP context');
  const copies = Array.from({ length: extra }, (_, i) => ({ ...vp, vpIndex: vp.vpIndex + 1 + i, raw: undefined }));
  const bytes = serializeIgvm({ ...file, directives: [...file.directives, ...copies] });
  const reparsed = parseIgvm(bytes);
  const bad = reparsed.diagnostics.find((d) => d.severity === 'error');
  if (bad || !reparsed.file) throw new Error(`the extended IGVM does not parse: ${bad?.message}`);
  return { file: reparsed.file, bytes };
}
