// An OVMF/TDVF firmware image (src/core/firmware) as summary fields and field groups for the UI.
import { describeFooterEntry } from '../../core/firmware/footer-decode';
import { parseFirmware, summarizeFirmware, type ParsedFirmware } from '../../core/firmware';
import { firmwareChoices } from './firmware-measure';
import type { Field, FieldGroup, OpenResult } from '../protocol';
import { hex64 as hex } from '../../core/bytes/bytes';


export function inspectFirmware(bytes: Uint8Array, name = ''): {
  parsed: ParsedFirmware;
  view: Pick<OpenResult, 'summary' | 'diagnostics' | 'structure' | 'measurable' | 'memoryRanges'>;
} {
  const fw = parseFirmware(bytes);
  const s = summarizeFirmware(fw);
  const yes = (b: boolean) => (b ? 'yes' : 'no');
  const summary: Field[] = [
    { label: 'Flavour', value: s.flavour },
    { label: 'Mapped at GPA', value: `${s.baseGpa} – 0xffffffff` },
    {
      label: 'SEV-ES AP reset block',
      value: s.apResetEip ?? 'absent',
      ...(fw.apResetBlock && { offset: fw.apResetBlock.offset, length: fw.apResetBlock.length }),
    },
    { label: 'SNP (ASEV metadata)', value: yes(fw.features.snp) },
    { label: 'SNP kernel hashes', value: yes(fw.features.snpKernelHashes) },
    { label: 'SEV kernel hashes', value: yes(fw.features.sevKernelHashes) },
    { label: 'TDX (TDVF metadata)', value: yes(fw.features.tdx) },
    { label: 'IGVM metadata', value: yes(fw.features.igvm) },
  ];
  const memoryRanges = fw.memoryMap.map((r) => ({
    start: hex(r.gpa),
    end: hex(r.gpa + r.size),
    source: r.source,
    kind: r.kind + (r.index !== undefined ? ` #${r.index}` : ''),
  }));
  const structure: FieldGroup[] = [];
  if (fw.footer) {
    structure.push({
      title: `Footer GUID table (${fw.footer.entries.length} ${fw.footer.entries.length === 1 ? 'entry' : 'entries'})`,
      offset: fw.footer.offset,
      // The entry's data in words where the GUID table defines it (footer-decode.ts), the GUID after it.
      fields: fw.footer.entries.map((e) => ({
        label: e.name ?? e.guid,
        value: ((d) => (d ? `${d} · GUID ${e.guid}` : e.guid))(describeFooterEntry(e, bytes.length)),
        offset: e.offset,
        length: e.length,
      })),
    });
  }
  if (s.tdvfSections.length > 0) {
    structure.push({
      title: 'TDVF sections',
      fields: s.tdvfSections.map((t) => ({
        label: `${t.type} ${t.memBase}`,
        value: `+${t.memSize}, raw 0x${t.rawOffset.toString(16)}+0x${t.rawSize.toString(16)}${t.extendMr ? ', MR.EXTEND' : ''}`,
      })),
    });
  }
  return {
    parsed: fw,
    view: { summary, diagnostics: fw.diagnostics, structure, memoryRanges, measurable: firmwareChoices(fw, name) },
  };
}
