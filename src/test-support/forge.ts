// Test-only: forged Authenticode signatures, built from the signed corpus kernel the way an attacker would
// (issue 11 item 1). The forger changes 16 bytes of `.text`, then writes the new Authenticode digest into the
// SpcIndirectDataContent DigestInfo. The certificate table is outside the Authenticode digest and the digest
// has the same length, so the DER is re-encoded by overwriting the OCTET STRING's value in place (every
// length stays the same). `redigestAttribute` goes one step further: it also writes the digest of the new
// SpcIndirectDataContent into the signed messageDigest attribute, so only the signer's signature can tell.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { authenticodeDigest } from '../core/authenticode/digest';
import { DIGEST_OIDS } from '../core/authenticode/signature';
import { sha256Of } from '../core/hash/hash';
import { findSection } from '../core/pe/access';
import { parsePe } from '../core/pe/parse';

export interface ForgeOptions {
  /** Also replace the messageDigest signed attribute by the digest of the forged SpcIndirectDataContent. */
  redigestAttribute?: boolean;
}

/** The file offset of the `needle` bytes inside `hay` (which lies at `base`); exactly one occurrence. */
function uniqueOffset(hay: Uint8Array, needle: Uint8Array, base: number, what: string): number {
  let found = -1;
  for (
    let i = hay.indexOf(needle[0]!);
    i >= 0 && i + needle.length <= hay.length;
    i = hay.indexOf(needle[0]!, i + 1)
  ) {
    if (needle.every((v, k) => hay[i + k] === v)) {
      if (found >= 0) throw new Error(`forge: ${what} occurs more than once in the signature`);
      found = i;
    }
  }
  if (found < 0) throw new Error(`forge: ${what} not found in the signature`);
  return base + found;
}

/** The forged copy of a signed PE (a kernel); throws when the input is not a SHA-256 Authenticode-signed PE. */
export function forgeSignedPe(signed: Uint8Array, opts: ForgeOptions = {}): Uint8Array {
  const b = new Uint8Array(signed);
  const pe = parsePe(b);
  const text = findSection(pe, '.text');
  const cert = pe.certificates[0];
  if (!text || !cert) throw new Error('forge: needs a signed PE with a .text section');
  // 1. Tamper 16 bytes of .text (4 KiB in, well inside any kernel's .text).
  const at = text.pointerToRawData + 4096;
  for (let i = 0; i < 16; i++) b[at + i] = b[at + i]! ^ 0xa5;
  // 2. Re-digest SpcIndirectDataContent with the tampered image's Authenticode digest.
  const parsed = parsePe(b);
  const c = cert.content;
  const der = b.subarray(c.offset, c.offset + c.length);
  const sd = new pkijs.SignedData({
    schema: new pkijs.ContentInfo({ schema: asn1js.fromBER(der.slice()).result }).content,
  });
  const spc = sd.encapContentInfo.eContent as unknown as asn1js.Sequence;
  const digestInfo = new pkijs.DigestInfo({ schema: spc.valueBlock.value[1] });
  if (DIGEST_OIDS[digestInfo.digestAlgorithm.algorithmId] !== 'sha256')
    throw new Error('forge: the signature is not SHA-256');
  const oldDigest = new Uint8Array(digestInfo.digest.valueBlock.valueHexView);
  const newDigest = authenticodeDigest(b, parsed, 'sha256')!;
  const spcBytes = spc.valueBeforeDecodeView;
  const spcAt = uniqueOffset(der, spcBytes, c.offset, 'the SpcIndirectDataContent');
  b.set(newDigest, uniqueOffset(der, oldDigest, c.offset, 'the SpcIndirectDataContent digest'));
  if (opts.redigestAttribute) {
    // 3. The messageDigest attribute: SHA-256 of the (now forged) SpcIndirectDataContent content octets.
    const header = spc.idBlock.blockLength + spc.lenBlock.blockLength;
    const forgedContent = b.subarray(spcAt + header, spcAt + spcBytes.length);
    const md = sd.signerInfos[0]!.signedAttrs!.attributes.find((a) => a.type === '1.2.840.113549.1.9.4')!;
    const oldMd = new Uint8Array((md.values[0] as asn1js.OctetString).valueBlock.valueHexView);
    b.set(sha256Of(forgedContent), uniqueOffset(der, oldMd, c.offset, 'the messageDigest attribute'));
  }
  return b;
}

/** A copy of a UKI whose `.linux` kernel is forged in place (same size, so the UKI layout is unchanged). */
export function forgeUkiKernel(uki: Uint8Array, opts: ForgeOptions = {}): Uint8Array {
  const out = new Uint8Array(uki);
  const linux = findSection(parsePe(out), '.linux');
  if (!linux) throw new Error('forge: the UKI has no .linux');
  const { offset, length } = linux.data;
  out.set(forgeSignedPe(out.subarray(offset, offset + length), opts), offset);
  return out;
}
