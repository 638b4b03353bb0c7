// Pinned root public keys for evidence chains. A chain is trusted only when its self-signed root has one of these
// SubjectPublicKeyInfo SHA-256 fingerprints: a chain the user (or an attacker) made up verifies structurally and
// still fails here. These are trust anchors, not expected test values; a test recomputes each one from the root
// certificates in the corpus.
import type { SnpProduct } from './snp-report';

/**
 * AMD Root Keys (ARK), SHA-256 of the DER SubjectPublicKeyInfo, per product. Source: the ARK certificates AMD's Key
 * Distribution Service serves at https://kdsintf.amd.com/vcek/v1/{Milan,Genoa,Turin}/cert_chain (the same ARK ends
 * the /vlek/v1/…/cert_chain bundles), as embedded by google/go-sev-guest `verify/trust/ask_ark_{milan,genoa,
 * turin_vcek}.pem` (commit af1c107a) and copied to ../shared/corpus/attest/roots/amd-*-ark.pem. Computed with
 * `openssl x509 -pubkey -noout | openssl pkey -pubin -outform der | sha256sum`.
 */
export const AMD_ARK_SPKI_SHA256: Readonly<Record<SnpProduct, string>> = {
  Milan: '9f056bee44377e29308cb5ffa895bdfb62d18881fa6bed8d6f075b0204089cb9',
  Genoa: '429a69c9422aa258ee4d8db5fcda9c6470ef15f8cd5a9cebd6cbc7d90b863831',
  Turin: '4f125410563a2ab9a50356f9243f6fe0b6f73de98603f53f90339c70e9d7ad08',
};

/** The product whose ARK has this SPKI fingerprint. */
export function amdProductOfArk(spkiSha256: string): SnpProduct | undefined {
  for (const [p, fp] of Object.entries(AMD_ARK_SPKI_SHA256)) if (fp === spkiSha256) return p as SnpProduct;
  return undefined;
}

/**
 * Intel SGX Root CA ("Intel SGX Root CA", the root of every PCK, TCB-signing and QE-identity chain), SHA-256 of the
 * DER SubjectPublicKeyInfo. Source: https://certificates.trustedservices.intel.com/Intel_SGX_Provisioning_Certification_RootCA.cer
 * as embedded by Phala-Network/dcap-qvl `src/TrustedRootCA.der` (commit 9bffe30b; DER SHA-256 44a0196b…74d3,
 * evidence-and-eventlogs.md §2), copied to ../shared/corpus/attest/roots/intel-sgx-root-ca.der.
 */
export const INTEL_SGX_ROOT_SPKI_SHA256 = 'a0af031289f5d5d4132f9186068a7fc13628633ba235777472e29b6b6c67a49e';
