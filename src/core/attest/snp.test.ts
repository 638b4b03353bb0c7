// Golden tests against ../shared/corpus attest.snp_reports (fields from an independent parse; signatures checked by
// the publishing projects): decode, verify with the named files, and fail on any tampering or a foreign root.
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { corpusAvailable, corpusPath, manifest, readCorpus, type Manifest } from '../../test-support/corpus';
import { fakeChain } from '../../test-support/fake-pki';
import { readCertificates, type Cert } from '../x509/cert';
import { decodeSnpEvidence, decodeText } from './snp-input';
import { decodeSnpReport, SNP_SIGNED_LENGTH, type SnpReport } from './snp-report';
import { snpSignatureVerifies, verifySnpReport } from './snp-verify';
import { AMD_ARK_SPKI_SHA256 } from './trust-anchors';

const certsOf = (...rel: string[]): Cert[] => rel.flatMap((r) => readCertificates(readCorpus(r), r).certs);

/** The manifest's spelling of a decoded field: numbers as numbers, 0x… integers, hex byte strings. */
function manifestValue(r: SnpReport, key: string): string | number | undefined {
  if (key === 'cpuid_fam_mod_step') return ['cpuid_fam_id', 'cpuid_mod_id', 'cpuid_step'].map((n) => (r.fields.find((f) => f.name === n)!.value as number).toString(16).padStart(2, '0')).join('');
  const f = r.fields.find((x) => x.name === key);
  if (!f) return undefined;
  return f.hex;
}

describe.runIf(corpusAvailable())('SNP reports of the corpus', () => {
  const entries = corpusAvailable() ? (manifest().attest.snp_reports as Manifest[]) : [];
  it('has entries', () => expect(entries.length).toBeGreaterThanOrEqual(4));

  for (const e of entries) {
    describe(e.path, () => {
      const ev = decodeSnpEvidence(readCorpus(e.path));
      const r = ev.report!;
      it('decodes to the manifest fields', () => {
        expect(r.offset).toBe(e.report_offset);
        for (const [k, v] of Object.entries(e.fields as Record<string, string | number>)) {
          const got = manifestValue(r, k);
          if (typeof v === 'number') expect(Number(got), k).toBe(v);
          else expect(got, k).toBe(v.toLowerCase());
        }
        expect(r.keyInfo.signer).toBe(e.signer);
        if (r.version >= 3) expect(r.product).toBe(e.product);
      });
      it('verifies with the named files at valid_at', async () => {
        const v = await verifySnpReport(r, { certs: certsOf(e.signer_cert, e.cert_chain), at: new Date(e.valid_at) });
        const failed = v.checks.filter((c) => c.status !== 'pass' && !(e.signer === 'VLEK' && c.id === 'snp.cert.hwid'));
        expect(failed, JSON.stringify(failed)).toEqual([]);
        expect(v.checks.length).toBeGreaterThanOrEqual(10);
        expect(v.product).toBe(e.product);
      });
      it('fails for every flipped bit position of the signed bytes (one per byte, all 8 of the first and last)', async () => {
        const cert = certsOf(e.signer_cert)[0]!;
        const bytes = new Uint8Array(r.bytes);
        let verified = 0;
        const flips: [number, number][] = [];
        for (let i = 0; i < SNP_SIGNED_LENGTH; i++) flips.push([i, (i * 5) % 8]);
        for (let b = 0; b < 8; b++) flips.push([0, b], [SNP_SIGNED_LENGTH - 1, b]);
        for (const [i, b] of flips) {
          bytes[i]! ^= 1 << b;
          const t = decodeSnpReport(bytes).report!;
          if (await snpSignatureVerifies(t, cert)) verified++;
          bytes[i]! ^= 1 << b;
        }
        expect(verified).toBe(0);
        expect(await snpSignatureVerifies(decodeSnpReport(bytes).report!, cert)).toBe(true);
      });
    });
  }

  it('the pinned ARK fingerprints are those of the corpus roots', () => {
    for (const p of ['milan', 'genoa', 'turin'] as const) {
      for (const kind of ['vcek-ask', 'vlek-asvk']) {
        const ark = certsOf(`attest/roots/amd-${p}-${kind}-ark.pem`).find((c) => c.subject.includes('ARK-'))!;
        expect(ark.spkiSha256).toBe(AMD_ARK_SPKI_SHA256[(p[0]!.toUpperCase() + p.slice(1)) as 'Milan']);
      }
    }
  });

  it('a self-made chain fails (report re-signed with a fake VCEK whose chain ends in a fake ARK)', async () => {
    const e = entries[0]!;
    const [leaf, mid, root] = await fakeChain(['ARK-Milan', 'SEV-Milan', 'SEV-VCEK'], 'P-384');
    const bytes = new Uint8Array(readCorpus(e.path));
    const sig = new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-384' }, leaf!.keys.privateKey, bytes.subarray(0, SNP_SIGNED_LENGTH)));
    bytes.fill(0, 0x2a0, 0x330);
    for (let i = 0; i < 48; i++) {
      bytes[0x2a0 + i] = sig[47 - i]!;
      bytes[0x2e8 + i] = sig[95 - i]!;
    }
    const r = decodeSnpReport(bytes).report!;
    const v = await verifySnpReport(r, { certs: [leaf!.cert, mid!.cert, root!.cert], at: new Date('2025-01-01T00:00:00Z') });
    const st = Object.fromEntries(v.checks.map((c) => [c.id, c.status]));
    expect(st['snp.signature']).toBe('pass');
    expect(st['snp.chain.signer']).toBe('pass');
    expect(st['snp.chain.root']).toBe('pass');
    expect(st['snp.ark-pinned']).toBe('fail');
  });

  it("a chain of the wrong product fails (Milan report, Genoa ASK/ARK)", async () => {
    const e = entries.find((x) => x.product === 'Milan' && x.signer === 'VCEK')!;
    const r = decodeSnpEvidence(readCorpus(e.path)).report!;
    const v = await verifySnpReport(r, { certs: certsOf(e.signer_cert, 'attest/roots/amd-genoa-vcek-ask-ark.pem'), at: new Date(e.valid_at) });
    expect(v.checks.find((c) => c.id === 'snp.chain.signer')!.status).toBe('fail');
  });

  it('the certificate of another report fails the signature', async () => {
    const [a, b] = entries.filter((x) => x.signer === 'VCEK');
    const r = decodeSnpEvidence(readCorpus(a!.path)).report!;
    const v = await verifySnpReport(r, { certs: certsOf(b!.signer_cert), at: new Date(a!.valid_at) });
    expect(v.checks.find((c) => c.id === 'snp.signature')!.status).toBe('fail');
  });

  it('the expired VLEK fails validity at today', async () => {
    const e = entries.find((x) => x.signer === 'VLEK')!;
    const r = decodeSnpEvidence(readCorpus(e.path)).report!;
    const v = await verifySnpReport(r, { certs: certsOf(e.signer_cert, e.cert_chain), at: new Date('2026-06-01T00:00:00Z') });
    expect(v.checks.find((c) => c.id === 'snp.validity')!.status).toBe('fail');
    expect(v.checks.find((c) => c.id === 'snp.signature')!.status).toBe('pass');
  });

  it('the Azure HCL-embedded report (attest/extra) verifies with its VCEK chain', async () => {
    const r = decodeSnpEvidence(readCorpus('attest/extra/snp/trustee-azure-hcl-report.bin'));
    expect(r.container).toBe('azure-hcl');
    expect(r.report!.offset).toBe(0x20);
    const v = await verifySnpReport(r.report!, { certs: certsOf('attest/extra/snp/trustee-azure-hcl-report.vcek.pem'), at: new Date('2025-09-01T00:00:00Z') });
    const failed = v.checks.filter((c) => c.status !== 'pass');
    expect(failed, JSON.stringify(failed)).toEqual([]);
  });

  it('every extra report decodes and its signature verifies with its certificate', async () => {
    const dir = 'attest/extra/snp';
    for (const f of readdirSync(corpusPath(dir)).filter((n) => n.endsWith('.bin'))) {
      const ev = decodeSnpEvidence(readCorpus(`${dir}/${f}`));
      expect(ev.report, f).toBeDefined();
      const base = f.replace(/\.bin$/, '');
      const certFile = readdirSync(corpusPath(dir)).find((n) => n.startsWith(base + '.vcek'))!;
      const v = await verifySnpReport(ev.report!, { certs: certsOf(`${dir}/${certFile}`), at: new Date('2025-09-01T00:00:00Z') });
      expect(v.checks.find((c) => c.id === 'snp.signature')!.status, f).toBe('pass');
    }
  });

  it('hex, base64 and extended-report inputs give the same report', () => {
    const e = entries[0]!;
    const raw = readCorpus(e.path);
    const hex = new TextEncoder().encode(Buffer.from(raw).toString('hex') + '\n');
    const b64 = new TextEncoder().encode(Buffer.from(raw).toString('base64'));
    expect(decodeText(hex)!.as).toBe('hex');
    for (const input of [hex, b64]) expect(decodeSnpEvidence(input).report!.fields.find((f) => f.name === 'measurement')!.hex).toBe(e.fields.measurement);
    // Extended report: report ‖ cert table {VCEK GUID, offset, length} ‖ zero entry ‖ DER.
    const vcek = readCorpus(e.signer_cert);
    const table = new Uint8Array(48 + vcek.length);
    table.set(Buffer.from('63da758de6644564adc5f4b93be8accd', 'hex'), 0);
    new DataView(table.buffer).setUint32(16, 48, true);
    new DataView(table.buffer).setUint32(20, vcek.length, true);
    table.set(vcek, 48);
    const ext = new Uint8Array(raw.length + table.length);
    ext.set(raw);
    ext.set(table, raw.length);
    const d = decodeSnpEvidence(ext);
    expect(d.container).toBe('extended-report');
    expect(d.certTable![0]!.name).toBe('VCEK');
    expect(d.certs[0]!.sha256).toBe(certsOf(e.signer_cert)[0]!.sha256);
  });

  it('garbage gives a diagnostic, not an exception', () => {
    for (const b of [new Uint8Array(0), new Uint8Array(100), new TextEncoder().encode('hello world'), new Uint8Array(5000).fill(0xff)]) {
      const d = decodeSnpEvidence(b);
      expect(d.diagnostics.length).toBeGreaterThan(0);
    }
  });
});
