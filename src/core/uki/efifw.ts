// `.efifw` firmware blob (fuki §1.5, systemd src/boot/efi-firmware.h): a 16-byte little-endian header
// {magic 0xfeeddead, header_len ≥ 16, fwid_len incl. NUL, payload_len}, then the NUL-terminated firmware-ID at
// header_len, then the payload. The stored ukify packed the magic with struct code 'p' (one 00 byte, a 13-byte
// header): accepted here with a warning, never written.
import { concatBytes, put32, textEncoder, u32, type Bytes, type Span } from '../bytes/bytes';
import type { Diagnostics } from '../diagnostics';
import type { DiagnosticCode } from '../diagnostic-codes';

const SPEC = 'fuki §1.5';
export const EFIFW_MAGIC = 0xfeeddead;
export const EFIFW_HEADER_SIZE = 16;
/** Header size of ukify's 1-byte-magic variant (§6 item 2). */
export const EFIFW_LEGACY_HEADER_SIZE = 13;

export interface EfifwBlob {
  /** 'stub' = the layout systemd-stub parses; 'ukify-legacy' = the 13-byte header with a 00 magic byte. */
  format: 'stub' | 'ukify-legacy';
  headerLength: number;
  fwid: string;
  /** Payload position relative to the start of the section data. */
  payload: Span;
}

/** Decodes a `.efifw` section; `base` is the section data's file offset (for diagnostics). */
export function decodeEfifw(b: Uint8Array, d: Diagnostics, base = 0): EfifwBlob | undefined {
  const bad = (code: DiagnosticCode, message: string): undefined => {
    d.error(code, message, { offset: base, spec: SPEC });
    return undefined;
  };
  let format: EfifwBlob['format'] = 'stub';
  let fields = 4;
  if (b.length >= EFIFW_HEADER_SIZE && u32(b, 0) === EFIFW_MAGIC) {
    // stub layout
  } else if (b.length >= EFIFW_LEGACY_HEADER_SIZE && b[0] === 0 && u32(b, 1) === EFIFW_HEADER_SIZE) {
    format = 'ukify-legacy';
    fields = 1;
    d.warning(
      'EFIFW_LEGACY_MAGIC',
      'the .efifw header has a single 00 byte instead of the magic ad de ed fe (ukify packed it with struct code "p"); systemd-stub rejects this blob',
      { offset: base, spec: 'fuki §6 item 2' },
    );
  } else return bad('EFIFW_BAD_MAGIC', `.efifw does not start with magic 0xfeeddead`);
  const declaredHeader = u32(b, fields);
  const fwidLength = u32(b, fields + 4);
  const payloadLength = u32(b, fields + 8);
  const headerLength = format === 'stub' ? declaredHeader : EFIFW_LEGACY_HEADER_SIZE;
  if (format === 'stub' && headerLength < EFIFW_HEADER_SIZE)
    return bad('EFIFW_BAD_HEADER_LENGTH', `header_len ${headerLength} < 16`);
  if (fwidLength < 1 || headerLength + fwidLength > b.length)
    return bad('EFIFW_BAD_FWID', `fwid_len ${fwidLength} does not fit in the section`);
  const fwidBytes = b.subarray(headerLength, headerLength + fwidLength);
  if (fwidBytes[fwidLength - 1] !== 0 || fwidBytes.subarray(0, -1).includes(0))
    d.error('EFIFW_FWID_NOT_TERMINATED', 'the firmware-ID must have exactly one NUL, at its end', {
      offset: base + headerLength,
      spec: SPEC,
    });
  const payloadOffset = headerLength + fwidLength;
  if (payloadOffset + payloadLength > b.length)
    return bad('EFIFW_PAYLOAD_PAST_END', `payload_len ${payloadLength} runs past the section end`);
  if (payloadOffset + payloadLength < b.length)
    d.info('EFIFW_TRAILING_BYTES', `${b.length - payloadOffset - payloadLength} bytes after the payload`, {
      offset: base + payloadOffset + payloadLength,
      spec: SPEC,
    });
  let fwid = '';
  for (let i = 0; i < fwidLength - 1; i++) fwid += String.fromCharCode(fwidBytes[i]!);
  return { format, headerLength, fwid, payload: { offset: payloadOffset, length: payloadLength } };
}

/** A firmware-ID this tool writes: printable ASCII without spaces (what hwids/fwid matching compares). */
export function isValidFwid(fwid: string): boolean {
  return /^[\x21-\x7e]+$/.test(fwid);
}

/** A `.efifw` section in the layout systemd-stub expects (§1.5 table; §8.4 vector). */
export function encodeEfifw(fwid: string, payload: Uint8Array): Bytes {
  if (!isValidFwid(fwid))
    throw new RangeError(`firmware-ID must be printable ASCII without spaces: ${JSON.stringify(fwid)}`);
  const id = textEncoder.encode(fwid + '\0');
  const header = new Uint8Array(EFIFW_HEADER_SIZE);
  put32(header, 0, EFIFW_MAGIC);
  put32(header, 4, EFIFW_HEADER_SIZE);
  put32(header, 8, id.length);
  put32(header, 12, payload.length);
  return concatBytes(header, id, payload);
}
