// Verifies an SEV-SNP report offline with certificates the user supplies (evidence-and-eventlogs.md §1; AMD SEV-SNP
// ABI spec "ATTESTATION_REPORT"; AMD "Versioned Chip Endorsement Key (VCEK) Certificate and KDS Interface
// Specification" #57230 for the chain and the VCEK extensions): the report signature (ECDSA P-384 / SHA-384 over
// bytes 0x0–0x29F) with the VCEK/VLEK, VCEK ← ASK (VLEK ← ASVK) ← ARK (RSA-PSS SHA-384, via pkijs), the ARK pinned to
// AMD's root key for the product, the VCEK extensions against the report, and validity at a chosen time.
import * as asn1js from 'asn1js';
import { fromHex, toHex } from '../bytes/bytes';
import { commonName, ecdsaVerify, extensionAsn1, extensionValue, importEcdsaKey, isSelfIssued, signedBy, uniqueCerts, validAt, type Cert } from '../x509/cert';
import { CheckList, type Check } from './checks';
import { decodeTcb, SNP_SIGNED_LENGTH, type SnpProduct, type SnpReport, type SnpTcb } from './snp-report';
import { AMD_ARK_SPKI_SHA256, amdProductOfArk } from './trust-anchors';

/** VCEK/VLEK certificate extensions (KDS interface spec #57230, Table "VCEK Certificate Extensions"). */
export const AMD_OID = {
  productName: '1.3.6.1.4.1.3704.1.2',
  blSPL: '1.3.6.1.4.1.3704.1.3.1',
  teeSPL: '1.3.6.1.4.1.3704.1.3.2',
  snpSPL: '1.3.6.1.4.1.3704.1.3.3',
  ucodeSPL: '1.3.6.1.4.1.3704.1.3.8',
  fmcSPL: '1.3.6.1.4.1.3704.1.3.9',
  hwID: '1.3.6.1.4.1.3704.1.4',
  cspID: '1.3.6.1.4.1.3704.1.5',
} as const;

export interface SnpVerifyOptions {
  /** Every certificate the user gave (any order); the extended report's table certs are added by the caller. */
  certs: readonly Cert[];
  /** Validity time (default now). */
  at?: Date;
  /** Product when the report does not say (v2) and no certificate does. */
  product?: SnpProduct;
}

export interface SnpVerification {
  checks: Check[];
  product?: SnpProduct;
  signer?: Cert;
  intermediate?: Cert;
  root?: Cert;
  /** REPORTED_TCB decoded with the product finally determined. */
  reportedTcb: SnpTcb;
  /** The VCEK/VLEK extension values read. */
  extensions: Record<string, string | number>;
}

function ia5(a: asn1js.AsnType | undefined): string | undefined {
  const v = (a as { valueBlock?: { value?: unknown } } | undefined)?.valueBlock?.value;
  return typeof v === 'string' ? v : undefined;
}
function int(a: asn1js.AsnType | undefined): number | undefined {
  return a instanceof asn1js.Integer ? a.valueBlock.valueDec : undefined;
}

/** The certificate's product from its productName extension ("Milan-B0") or its CN ("ARK-Genoa", "SEV-VLEK-Turin"). */
function productOfCert(c: Cert): SnpProduct | undefined {
  const name = ia5(extensionAsn1(c, AMD_OID.productName)) ?? commonName(c.cert.subject) ?? '';
  for (const p of ['Milan', 'Genoa', 'Turin'] as const) if (name.includes(p)) return p;
  return undefined;
}

const isSigner = (c: Cert) => /^SEV-(VCEK|VLEK)$/.test(commonName(c.cert.subject) ?? '') || extensionAsn1(c, AMD_OID.hwID) !== undefined || extensionAsn1(c, AMD_OID.cspID) !== undefined;

export async function verifySnpReport(report: SnpReport, o: SnpVerifyOptions): Promise<SnpVerification> {
  const checks = new CheckList();
  const at = o.at ?? new Date();
  const certs = uniqueCerts(o.certs);
  const signerKind = report.keyInfo.signer;
  const signed = report.bytes.subarray(0, SNP_SIGNED_LENGTH);
  const result: SnpVerification = { checks: checks.list, reportedTcb: report.tcb.reported_tcb, extensions: {} };

  // 1. The signer: a certificate whose P-384 key verifies the report signature.
  let signer: Cert | undefined;
  if (signerKind === 'none' || signerKind === 'reserved') {
    checks.fail('snp.signature', `KEY_INFO.SIGNING_KEY says the report is ${signerKind === 'none' ? 'not signed' : 'signed with a reserved key type'}`);
  } else {
    const candidates = [...certs.filter(isSigner), ...certs.filter((c) => !isSigner(c))];
    for (const c of candidates) {
      const key = await importEcdsaKey(c, 'P-384');
      if (key && (await ecdsaVerify(key, 'SHA-384', report.signatureRaw, signed))) {
        signer = c;
        break;
      }
    }
    const named = certs.find(isSigner);
    if (signer) checks.pass('snp.signature', `ECDSA P-384/SHA-384 over bytes 0x0–0x29F verifies with ${commonName(signer.cert.subject) ?? 'the'} certificate ${signer.source ?? ''}`.trim());
    else if (named) checks.fail('snp.signature', `the signature over bytes 0x0–0x29F does not verify with the ${commonName(named.cert.subject)} certificate${named.source ? ` (${named.source})` : ''}: the report was altered or the certificate is another chip's/TCB's`);
    else checks.skip('snp.signature', `no ${signerKind} certificate given (nothing is fetched: pass the ${signerKind} DER/PEM with --certs)`);
  }
  result.signer = signer;
  const leaf = signer ?? certs.find(isSigner);

  // 2. Product: report CPUID (v3+), else the certificates, else the caller.
  let product = report.product;
  const certProduct = leaf ? productOfCert(leaf) : undefined;
  if (!product) product = certProduct ?? o.product;
  result.product = product;
  const tcb = product === report.product ? report.tcb.reported_tcb : decodeTcb(fromHex(report.tcb.reported_tcb.raw), product);
  result.reportedTcb = tcb;

  // 3. Chain: leaf ← ASK/ASVK ← ARK, any order in the input.
  const others = leaf ? certs.filter((c) => c !== leaf) : [...certs];
  let intermediate: Cert | undefined;
  let root: Cert | undefined;
  const expectIntermediate = signerKind === 'VLEK' ? 'ASVK' : 'ASK';
  if (!leaf) {
    checks.skip('snp.chain.signer', 'no VCEK/VLEK certificate to chain');
  } else {
    for (const c of others) if (await signedBy(leaf, c)) { intermediate = c; break; }
    if (intermediate) checks.pass('snp.chain.signer', `${commonName(leaf.cert.subject)} is signed by ${commonName(intermediate.cert.subject)} (${intermediate.cert.signatureAlgorithm.algorithmId === '1.2.840.113549.1.1.10' ? 'RSA-PSS' : intermediate.cert.signatureAlgorithm.algorithmId})`);
    else if (others.length === 0) checks.skip('snp.chain.signer', `no ${expectIntermediate} certificate given (pass AMD's cert_chain for the product with --certs)`);
    else checks.fail('snp.chain.signer', `none of the ${others.length} other certificates signed ${commonName(leaf.cert.subject)} (an ${expectIntermediate} of another product or key?)`);
  }
  if (intermediate) {
    for (const c of others) if (c !== intermediate && isSelfIssued(c) && (await signedBy(intermediate, c))) { root = c; break; }
    if (root) checks.pass('snp.chain.intermediate', `${commonName(intermediate.cert.subject)} is signed by ${commonName(root.cert.subject)}`);
    else checks.fail('snp.chain.intermediate', `no self-signed ARK among the certificates signed ${commonName(intermediate.cert.subject)}`);
  } else checks.skip('snp.chain.intermediate', 'no intermediate (ASK/ASVK) found');
  if (root) {
    const self = await signedBy(root, root);
    checks.add('snp.chain.root', self, `${commonName(root.cert.subject)} is self-signed`, `${commonName(root.cert.subject)} claims to be self-issued but its signature does not verify with its own key`);
    const arkProduct = amdProductOfArk(root.spkiSha256);
    if (!arkProduct) checks.fail('snp.ark-pinned', `the root's public key (SPKI SHA-256 ${root.spkiSha256}) is not an AMD ARK: a chain made by someone else`);
    else if (product && arkProduct !== product) checks.fail('snp.ark-pinned', `the root is AMD's ARK-${arkProduct}, but the report is from a ${product}`);
    else checks.pass('snp.ark-pinned', `root public key = AMD ARK-${arkProduct} (SPKI SHA-256 ${AMD_ARK_SPKI_SHA256[arkProduct].slice(0, 16)}…, pinned)`);
    if (!product) product = result.product = arkProduct;
  } else checks.skip('snp.ark-pinned', 'no ARK to compare with the pinned AMD root keys');
  result.intermediate = intermediate;
  result.root = root;

  // 4. Validity at the chosen time.
  const chain = [leaf, intermediate, root].filter((c): c is Cert => c !== undefined);
  if (chain.length === 0) checks.skip('snp.validity', 'no certificates');
  else {
    const bad = chain.filter((c) => !validAt(c, at));
    checks.add(
      'snp.validity',
      bad.length === 0,
      `${chain.length} certificate${chain.length > 1 ? 's' : ''} valid at ${at.toISOString()}`,
      bad.map((c) => `${commonName(c.cert.subject)} valid ${c.notBefore.toISOString()} – ${c.notAfter.toISOString()}, not at ${at.toISOString()}`).join('; '),
    );
  }

  // 5. VCEK/VLEK extensions against the report.
  if (!leaf) {
    checks.skip('snp.cert.product', 'no VCEK/VLEK certificate');
    checks.skip('snp.cert.tcb', 'no VCEK/VLEK certificate');
    checks.skip('snp.cert.hwid', 'no VCEK/VLEK certificate');
  } else {
    const pn = ia5(extensionAsn1(leaf, AMD_OID.productName));
    if (pn !== undefined) result.extensions.productName = pn;
    if (pn === undefined) checks.skip('snp.cert.product', 'the certificate has no productName extension');
    else if (!product) checks.skip('snp.cert.product', `certificate says ${pn}; the report (v${report.version}) does not name a product`);
    else checks.add('snp.cert.product', pn.startsWith(product), `productName ${pn} matches ${product}`, `productName ${pn} but the report is from a ${product}`);

    const spl: [string, string, number | undefined][] = [
      ['blSPL', AMD_OID.blSPL, tcb.bootloader],
      ['teeSPL', AMD_OID.teeSPL, tcb.tee],
      ['snpSPL', AMD_OID.snpSPL, tcb.snp],
      ['ucodeSPL', AMD_OID.ucodeSPL, tcb.microcode],
    ];
    if (product === 'Turin') spl.push(['fmcSPL', AMD_OID.fmcSPL, tcb.fmc]);
    const diffs: string[] = [];
    const seen: string[] = [];
    for (const [name, oid, want] of spl) {
      const v = int(extensionAsn1(leaf, oid));
      if (v === undefined) continue;
      result.extensions[name] = v;
      seen.push(`${name} ${v}`);
      if (v !== want) diffs.push(`${name} ${v} ≠ REPORTED_TCB ${want}`);
    }
    if (seen.length === 0) checks.skip('snp.cert.tcb', 'the certificate carries no SPL extensions');
    else checks.add('snp.cert.tcb', diffs.length === 0, `${seen.join(', ')} = REPORTED_TCB ${tcb.raw}`, diffs.join('; '));

    // hwID is the raw CHIP_ID bytes as the extnValue (no inner DER in AMD's VCEKs); accept an OCTET STRING too.
    const hwRaw = extensionValue(leaf, AMD_OID.hwID);
    const hwid = hwRaw && hwRaw[0] === 0x04 && hwRaw[1] === hwRaw.length - 2 ? hwRaw.subarray(2) : hwRaw;
    const chipId = report.fields.find((f) => f.name === 'chip_id')!.value as Uint8Array;
    if (hwid) result.extensions.hwID = toHex(hwid);
    if (signerKind === 'VLEK' || !hwid) checks.skip('snp.cert.hwid', signerKind === 'VLEK' ? 'a VLEK is not bound to a chip (no hwID)' : 'the certificate has no hwID extension');
    else if (report.keyInfo.maskChipKey || chipId.every((x) => x === 0)) checks.skip('snp.cert.hwid', 'CHIP_ID is masked (zero) in the report');
    else {
      const n = Math.min(hwid.length, chipId.length);
      const ok = hwid.length > 0 && toHex(hwid.subarray(0, n)) === toHex(chipId.subarray(0, n)) && chipId.subarray(n).every((x) => x === 0);
      checks.add('snp.cert.hwid', ok, `hwID (${hwid.length} bytes) = CHIP_ID`, `hwID ${toHex(hwid).slice(0, 16)}… ≠ CHIP_ID ${toHex(chipId).slice(0, 16)}…: the certificate is another chip's`);
    }
  }

  // 6. Reserved-must-be-zero (the decoder's diagnostics, as a check).
  const reserved = report.diagnostics.filter((d) => d.code === 'SNP_REPORT_RESERVED');
  checks.add('snp.reserved', reserved.length === 0, 'every reserved field is zero', reserved.map((d) => d.message).join('; '));
  return result;
}

/** Only the report signature (ECDSA P-384/SHA-384 over bytes 0x0–0x29F) with one certificate's key. */
export async function snpSignatureVerifies(report: SnpReport, cert: Cert): Promise<boolean> {
  const key = await importEcdsaKey(cert, 'P-384');
  return key !== undefined && (await ecdsaVerify(key, 'SHA-384', report.signatureRaw, report.bytes.subarray(0, SNP_SIGNED_LENGTH)));
}
