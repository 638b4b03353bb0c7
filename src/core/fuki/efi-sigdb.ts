// EFI signature databases for the IGVM-firmware route: an EFI_SIGNATURE_LIST (UEFI spec §32.4.1) of X.509
// certificates or SHA-256 hashes, wrapped as an EFI_VARIABLE_AUTHENTICATION_2 payload (UEFI §8.2.2) with a zero
// timestamp and an empty PKCS#7 certificate, the form edk2's IgvmSecureBootDxe enrolls (fuki §5.4).
import { concatBytes, guidFromString, put16, put32, type Bytes } from '../bytes/bytes';

/** UEFI §32.4.1 signature types. */
export const EFI_CERT_SHA256_GUID = 'c1c41626-504c-4092-aca9-41f936934328';
export const EFI_CERT_X509_GUID = 'a5c059a1-94e4-4aa7-87b5-ab155c2bf072';
/** UEFI §32.2.4 WIN_CERTIFICATE_UEFI_GUID cert type for authenticated variables. */
export const EFI_CERT_TYPE_PKCS7_GUID = '4aafd29d-68df-49ee-8aa9-347d375665a7';
/** The owner written into each EFI_SIGNATURE_DATA (any GUID; we name ourselves, as tools do). */
export const FUKISCOPE_OWNER_GUID = '6b3a5f3e-8f1c-4b55-9e1a-2f0c6d1f7a11';

/** One EFI_SIGNATURE_LIST: {SignatureType, ListSize, HeaderSize 0, SignatureSize} then {Owner, Data} entries. */
export function signatureList(type: string, entries: Uint8Array[]): Bytes {
  if (entries.length === 0) return new Uint8Array(0);
  const size = entries[0]!.length;
  if (entries.some((e) => e.length !== size))
    throw new RangeError('all entries of one EFI_SIGNATURE_LIST have the same size');
  const sigSize = 16 + size;
  const header = new Uint8Array(28);
  header.set(guidFromString(type), 0);
  put32(header, 16, 28 + sigSize * entries.length);
  put32(header, 20, 0);
  put32(header, 24, sigSize);
  const owner = guidFromString(FUKISCOPE_OWNER_GUID);
  return concatBytes(header, ...entries.flatMap((e) => [owner, e]));
}

/** db content: one list per certificate (sizes differ) and one list of SHA-256 hashes. */
export function signatureDatabase(certs: Uint8Array[], sha256s: Uint8Array[]): Bytes {
  return concatBytes(
    ...certs.map((c) => signatureList(EFI_CERT_X509_GUID, [c])),
    signatureList(EFI_CERT_SHA256_GUID, sha256s),
  );
}

/** EFI_VARIABLE_AUTHENTICATION_2: EFI_TIME (16 zero bytes) ‖ WIN_CERTIFICATE_UEFI_GUID with no PKCS#7 data ‖ ESLs. */
export function authenticatedVariable(esl: Uint8Array): Bytes {
  const time = new Uint8Array(16);
  const cert = new Uint8Array(24);
  put32(cert, 0, 24); // dwLength: header + CertType, no CertData
  put16(cert, 4, 0x0200); // wRevision
  put16(cert, 6, 0x0ef1); // WIN_CERT_TYPE_EFI_GUID
  cert.set(guidFromString(EFI_CERT_TYPE_PKCS7_GUID), 8);
  return concatBytes(time, cert, esl);
}
