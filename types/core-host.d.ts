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
