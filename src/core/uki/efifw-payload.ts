// The firmware a FUKI carries (fuki §1.5): every `.efifw` entry of a UKI (base and profiles, in section order), with
// its payload located in the file and recognised by content: an IGVM file (igvm-format §2.1 magic) or OVMF/TDVF
// firmware (OVMF footer table, fuki §4.2.1). Measuring the payload is then the IGVM or firmware path as for a file
// of its own.
import { detectFileKind, type FileKind } from '../detect';
import { parseUki, type UkiModel } from './model';

export type EfifwPayloadKind = 'igvm' | 'firmware' | 'unknown';

export interface EfifwPayloadEntry {
  /** 0-based position among the file's `.efifw` entries (section order). */
  index: number;
  fwid: string;
  /** PE section index of the `.efifw` section. */
  sectionIndex: number;
  /** Payload file offset and length (inside the section's data). */
  offset: number;
  length: number;
  kind: EfifwPayloadKind;
  /** A view (no copy) of the payload bytes. */
  bytes: Uint8Array;
}

function payloadKind(k: FileKind): EfifwPayloadKind {
  return k === 'igvm' || k === 'firmware' ? k : 'unknown';
}

/** Every decodable `.efifw` entry of `file` (none for a PE without one, or one that does not parse). */
export function efifwPayloads(file: Uint8Array, model: UkiModel = parseUki(file)): EfifwPayloadEntry[] {
  const out: EfifwPayloadEntry[] = [];
  for (const s of [...model.base, ...model.profiles.flatMap((p) => p.sections)]) {
    if (!s.efifw) continue;
    const offset = s.pe.data.offset + s.efifw.payload.offset;
    // decodeEfifw checked the payload lies inside the section data the file holds.
    const bytes = file.subarray(offset, offset + s.efifw.payload.length);
    out.push({
      index: out.length,
      fwid: s.efifw.fwid,
      sectionIndex: s.pe.index,
      offset,
      length: bytes.length,
      kind: payloadKind(detectFileKind(bytes)),
      bytes,
    });
  }
  return out.sort((a, b) => a.sectionIndex - b.sectionIndex).map((e, i) => ({ ...e, index: i }));
}
