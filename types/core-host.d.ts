// The only web-platform globals src/core may use, declared as narrowly as the core uses them. Included by
// tsconfig.core.json alone (the app and node configs get the full DOM / Node declarations), so anything
// else a host provides — fetch, self, location, crypto, Buffer, process — is a type error in the core.
// Both exist in every host the core runs in: browsers, Web Workers and Node ≥ 11 (WHATWG Encoding).

declare class TextDecoder {
  constructor(label?: 'utf-8', options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: Uint8Array): string;
}

declare class TextEncoder {
  encode(input?: string): Uint8Array<ArrayBuffer>;
}

// Timers and a clock: the OVMF search yields between chunks and reports its time (src/core/attest).
declare function setTimeout(callback: (...args: never[]) => void, ms?: number): unknown;
declare const performance: { now(): number };

// Base64 of evidence and PEM certificates (src/core/attest, src/core/x509).
declare function atob(data: string): string;

// WebCrypto signature checks of attestation evidence (src/core/attest, src/core/x509): only what they call.
interface CryptoKey {
  readonly type: string;
  readonly algorithm: { name: string };
}
interface CoreSubtleCrypto {
  importKey(
    format: 'raw' | 'spki',
    keyData: Uint8Array<ArrayBuffer>,
    algorithm: { name: 'ECDSA'; namedCurve: 'P-256' | 'P-384' },
    extractable: boolean,
    keyUsages: 'verify'[],
  ): Promise<CryptoKey>;
  verify(
    algorithm: { name: 'ECDSA'; hash: 'SHA-256' | 'SHA-384' },
    key: CryptoKey,
    signature: Uint8Array<ArrayBuffer>,
    data: Uint8Array<ArrayBuffer>,
  ): Promise<boolean>;
  digest(algorithm: 'SHA-256' | 'SHA-384' | 'SHA-512', data: Uint8Array<ArrayBuffer>): Promise<ArrayBuffer>;
}
declare const crypto: { readonly subtle: CoreSubtleCrypto };

// Base64 of the Trustee RVPS message (src/core/export/trustee.ts).
declare function btoa(data: string): string;
