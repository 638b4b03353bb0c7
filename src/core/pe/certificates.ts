// The attribute certificate table (PE/COFF "The Attribute Certificate Table"; fuki §2.1): WIN_CERTIFICATE
// records {u32 dwLength, u16 wRevision, u16 wCertificateType, DER…}, each padded to 8 bytes, located by a
// file offset in data directory 4 after all section data.
import { u16, u32, type Span } from '../bytes/bytes';
import type { Diagnostics } from '../diagnostics';
import {
  MAX_CERTIFICATES,
  WIN_CERT_HEADER_SIZE,
  WIN_CERT_REVISION_2,
  WIN_CERT_TYPE_PKCS_SIGNED_DATA,
} from './constants';
import type { DataDirectory, WinCertificate } from './types';

const SPEC = 'fuki §2.1';

export function parseCertificateTable(
  b: Uint8Array,
  dir: DataDirectory,
  sectionEnd: number,
  d: Diagnostics,
): { table?: Span; certificates: WinCertificate[] } {
  const at = { offset: dir.offset, spec: SPEC };
  const start = dir.virtualAddress;
  if (start + dir.size > b.length || dir.size < WIN_CERT_HEADER_SIZE) {
    d.error(
      'PE_CERT_TABLE_PAST_END',
      `certificate table 0x${start.toString(16)}+0x${dir.size.toString(16)} is outside the file (size 0x${b.length.toString(16)}) or too small`,
      at,
    );
    return { certificates: [] };
  }
  if (start < sectionEnd)
    d.error(
      'PE_CERT_TABLE_MISPLACED',
      `certificate table at 0x${start.toString(16)} starts before the end of section data (0x${sectionEnd.toString(16)})`,
      at,
    );
  if (start + dir.size !== b.length)
    d.warning(
      'PE_CERT_TABLE_NOT_AT_END',
      `certificate table ends at 0x${(start + dir.size).toString(16)}, not at the end of the file`,
      at,
    );
  if (start % 8 !== 0)
    d.warning(
      'PE_CERT_TABLE_UNALIGNED',
      `certificate table at 0x${start.toString(16)} is not 8-byte aligned`,
      at,
    );
  const certificates: WinCertificate[] = [];
  let o = start;
  const end = start + dir.size;
  while (o + WIN_CERT_HEADER_SIZE <= end) {
    if (certificates.length >= MAX_CERTIFICATES) {
      d.warning(
        'PE_TOO_MANY_CERTIFICATES',
        `more than ${MAX_CERTIFICATES} certificate records; the rest are ignored`,
        { offset: o, spec: SPEC },
      );
      break;
    }
    const declaredLength = u32(b, o);
    const revision = u16(b, o + 4);
    const certificateType = u16(b, o + 6);
    const index = certificates.length;
    if (declaredLength < WIN_CERT_HEADER_SIZE || o + declaredLength > end) {
      d.error(
        'PE_CERT_BAD_LENGTH',
        `certificate #${index}: dwLength ${declaredLength} does not fit in the table`,
        { offset: o, index, spec: SPEC },
      );
      break;
    }
    if (revision !== WIN_CERT_REVISION_2)
      d.warning(
        'PE_CERT_BAD_REVISION',
        `certificate #${index}: wRevision 0x${revision.toString(16)} (expected 0x0200)`,
        { offset: o + 4, index, spec: SPEC },
      );
    if (certificateType !== WIN_CERT_TYPE_PKCS_SIGNED_DATA)
      d.warning(
        'PE_CERT_UNKNOWN_TYPE',
        `certificate #${index}: wCertificateType 0x${certificateType.toString(16)} is not PKCS#7 SignedData (2)`,
        { offset: o + 6, index, spec: SPEC },
      );
    certificates.push({
      offset: o,
      length: declaredLength,
      index,
      declaredLength,
      revision,
      certificateType,
      content: { offset: o + WIN_CERT_HEADER_SIZE, length: declaredLength - WIN_CERT_HEADER_SIZE },
    });
    o += Math.ceil(declaredLength / 8) * 8;
  }
  return { table: { offset: start, length: dir.size }, certificates };
}
