// A decoded SEV-ES/SNP VMSA page as field groups for the UI (registers with their file offsets).
import { decodeVmsa, type VmsaField } from '../../core/vmsa';
import type { Field, FieldGroup } from '../protocol';

function fieldValue(f: VmsaField): string {
  const v = f.value;
  if (typeof v === 'bigint' || typeof v === 'number') return '0x' + v.toString(16);
  if (typeof v === 'string') return v;
  return `sel 0x${v.selector.toString(16)} attr 0x${v.attrib.toString(16)} limit 0x${v.limit.toString(16)} base 0x${v.base.toString(16)}`;
}

/**
 * Named registers of VMSA page `page` (its bytes from 0), which is at `fileOffset` in the file: fields and diagnostics
 * carry file offsets. Only set registers are listed.
 */
export function vmsaGroups(
  page: Uint8Array,
  fileOffset: number,
): { groups: FieldGroup[]; diagnostics: ReturnType<typeof decodeVmsa>['diagnostics'] } {
  const decoded = decodeVmsa(page, 0);
  const d = {
    ...decoded,
    diagnostics: decoded.diagnostics.map((x) => (x.offset === undefined ? x : { ...x, offset: x.offset + fileOffset })),
  };
  const toField = (f: VmsaField): Field => ({
    label: f.name,
    value: fieldValue(f),
    offset: fileOffset + f.offset,
    length: f.length,
  });
  const segments = d.fields.filter((f) => f.set && f.kind === 'segment').map(toField);
  const regs = d.fields.filter((f) => f.set && f.kind !== 'segment').map(toField);
  const groups: FieldGroup[] = [
    { title: 'Registers', fields: regs, offset: fileOffset, length: 4096 },
    { title: 'Segments', fields: segments },
  ];
  groups[0]!.fields.unshift({ label: 'SEV features', value: d.sevFeatureNames.join(', ') || 'none' });
  if (d.reservedNonZero.length > 0) {
    groups.push({
      title: 'Non-zero reserved bytes',
      fields: d.reservedNonZero.map((r) => ({
        label: `+0x${r.offset.toString(16)}`,
        value: `${r.length} bytes`,
        offset: fileOffset + r.offset,
        length: r.length,
      })),
    });
  }
  return { groups, diagnostics: d.diagnostics };
}
