// Golden tests against ../shared/corpus attest.tdx_quotes: decode to the manifest fields, verify quote signature,
// QE binding, QE report signature and the PCK chain to the pinned Intel root; collateral → TCB status.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { corpusAvailable, corpusPath, manifest, readCorpus, type Manifest } from '../../test-support/corpus';
import { fakeChain } from '../../test-support/fake-pki';
import { readCertificates } from '../x509/cert';
import { collateralTime, parseCollateral } from './tdx-collateral';
import { decodeTdxQuote, looksLikeTdxQuote } from './tdx-quote';
import { verifyTdxQuote } from './tdx-verify';
import { INTEL_SGX_ROOT_SPKI_SHA256 } from './trust-anchors';

const status = (checks: { id: string; status: string }[]) => Object.fromEntries(checks.map((c) => [c.id, c.status]));

describe.runIf(corpusAvailable())('TDX quotes of the corpus', () => {
  const entries = corpusAvailable() ? (manifest().attest.tdx_quotes as Manifest[]) : [];
  it('has entries', () => expect(entries.length).toBeGreaterThanOrEqual(4));

  for (const e of entries) {
    describe(e.path, () => {
      const bytes = readCorpus(e.path);
      const q = decodeTdxQuote(bytes).quote!;
      it('decodes to the manifest fields', () => {
        expect(looksLikeTdxQuote(bytes)).toBe(true);
        expect(q.version).toBe(e.fields.version);
        for (const [k, v] of Object.entries(e.fields as Record<string, string | number>)) {
          if (k === 'version') continue;
          expect(q.fields.find((f) => f.name === k)?.hex, k).toBe(String(v).toLowerCase());
        }
      });
      it('verifies: signature, QE binding, QE report signature, PCK chain to the pinned Intel root', async () => {
        const v = await verifyTdxQuote(q, { at: new Date('2025-09-01T00:00:00Z') });
        const st = status(v.checks);
        for (const id of ['tdx.signature', 'tdx.qe-binding', 'tdx.qe-signature', 'tdx.pck-chain', 'tdx.root-pinned']) expect(st[id], `${id}: ${JSON.stringify(v.checks)}`).toBe('pass');
        expect(v.pckChain[v.pckChain.length - 1]!.sha256).toBe(e.pck_root_sha256);
      });
      it('fails for a flipped bit in every signed byte (sampled bit per byte)', async () => {
        const b = new Uint8Array(bytes);
        let verified = 0;
        for (let i = 0; i < q.signed.length; i += 1) {
          b[i]! ^= 1 << ((i * 3) % 8);
          const t = decodeTdxQuote(b).quote;
          if (t) {
            const key = await crypto.subtle.importKey('raw', new Uint8Array([4, ...t.attestationKey]), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
            const sig = new Uint8Array(t.signature);
            if (await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, sig, new Uint8Array(t.signed))) verified++;
          }
          b[i]! ^= 1 << ((i * 3) % 8);
        }
        expect(verified).toBe(0);
      });
    });
  }

  it('a tampered body fails the signature check as a whole verification too', async () => {
    const b = new Uint8Array(readCorpus(entries[0]!.path));
    b[48 + 136] ^= 1; // MRTD
    const v = await verifyTdxQuote(decodeTdxQuote(b).quote!, { at: new Date('2025-09-01T00:00:00Z') });
    expect(status(v.checks)['tdx.signature']).toBe('fail');
  });

  it('the pinned Intel root fingerprint is that of the corpus root', () => {
    const root = readCertificates(readCorpus('attest/roots/intel-sgx-root-ca.der')).certs[0]!;
    expect(root.spkiSha256).toBe(INTEL_SGX_ROOT_SPKI_SHA256);
    expect(root.sha256).toBe(manifest().attest.roots.find((r: Manifest) => r.path.endsWith('intel-sgx-root-ca.der')).sha256);
  });

  it('a PCK chain not ending in Intel\'s root fails', async () => {
    const e = entries[0]!;
    const bytes = new Uint8Array(readCorpus(e.path));
    const q = decodeTdxQuote(bytes).quote!;
    // Replace the embedded chain with a self-made one (same length, PEM, padded with newlines).
    const [leaf, mid, root] = await fakeChain(['Intel SGX Root CA', 'Intel SGX PCK Platform CA', 'Intel SGX PCK Certificate'], 'P-256', 'SHA-256');
    const pem = [leaf!, mid!, root!].map((c) => `-----BEGIN CERTIFICATE-----\n${Buffer.from(c.cert.der).toString('base64')}\n-----END CERTIFICATE-----\n`).join('');
    const cd = q.certification!;
    expect(pem.length).toBeLessThanOrEqual(cd.certData.length);
    const at = Buffer.from(bytes).indexOf(Buffer.from(cd.certData.subarray(0, 40)));
    expect(at).toBeGreaterThan(0);
    const padded = new Uint8Array(cd.certData.length).fill(0x0a);
    padded.set(new TextEncoder().encode(pem));
    bytes.set(padded, at);
    const v = await verifyTdxQuote(decodeTdxQuote(bytes).quote!, { at: new Date('2025-09-01T00:00:00Z') });
    const st = status(v.checks);
    expect(st['tdx.pck-chain']).toBe('pass');
    expect(st['tdx.root-pinned']).toBe('fail');
    expect(st['tdx.qe-signature']).toBe('fail');
  });

  it('the dcap-qvl quote with its collateral is UpToDate at the collateral\'s time', async () => {
    const e = entries.find((x) => x.collateral)!;
    const text = readFileSync(corpusPath(e.collateral), 'utf8');
    const col = parseCollateral(text)!;
    const at = collateralTime(col)!;
    const v = await verifyTdxQuote(decodeTdxQuote(readCorpus(e.path)).quote!, { at, collateral: col });
    const failed = v.checks.filter((c) => c.status !== 'pass');
    expect(failed, JSON.stringify(failed)).toEqual([]);
    expect(v.tcb!.status).toBe(e.tcb_status);
  });

  it('altered or stale collateral fails', async () => {
    const e = entries.find((x) => x.collateral)!;
    const col = parseCollateral(readFileSync(corpusPath(e.collateral), 'utf8'))!;
    const q = decodeTdxQuote(readCorpus(e.path)).quote!;
    const at = collateralTime(col)!;
    const altered = { ...col, tcb_info: col.tcb_info.replace('"UpToDate"', '"UpToDatf"') };
    const v1 = await verifyTdxQuote(q, { at, collateral: altered });
    expect(status(v1.checks)['tdx.collateral.tcb-info']).toBe('fail');
    expect(status(v1.checks)['tdx.tcb-status']).toBe('fail');
    const v2 = await verifyTdxQuote(q, { at: new Date(at.getTime() + 365 * 86400e3), collateral: col });
    expect(status(v2.checks)['tdx.collateral.tcb-info']).toBe('fail');
  });

  it('the extra "outdated" quote is not UpToDate with its collateral (its PCK TCB is below every listed level)', async () => {
    const col = parseCollateral(readFileSync(corpusPath('attest/extra/tdx/dcap-qvl-outdated-v5.collateral.json'), 'utf8'))!;
    const at = collateralTime(col)!;
    const v = await verifyTdxQuote(decodeTdxQuote(readCorpus('attest/extra/tdx/dcap-qvl-outdated-v5.dat')).quote!, { at, collateral: col });
    expect(v.tcb!.status).toBe('TcbNotSupported');
    expect(status(v.checks)['tdx.tcb-status']).toBe('fail');
    expect(status(v.checks)['tdx.collateral.tcb-info']).toBe('pass');
    expect(status(v.checks)['tdx.signature']).toBe('pass');
  });

  it('every extra quote decodes and verifies its signature and chain', async () => {
    for (const f of readdirSync(corpusPath('attest/extra/tdx')).filter((n) => n.endsWith('.dat'))) {
      const q = decodeTdxQuote(readCorpus(`attest/extra/tdx/${f}`)).quote;
      expect(q, f).toBeDefined();
      const v = await verifyTdxQuote(q!, { at: new Date('2025-09-01T00:00:00Z') });
      expect(status(v.checks)['tdx.signature'], f).toBe('pass');
      expect(status(v.checks)['tdx.root-pinned'], f).toBe('pass');
    }
  });

  it('garbage gives a diagnostic, not an exception', () => {
    for (const b of [new Uint8Array(0), new Uint8Array(700), Uint8Array.from([4, 0, 2, 0, 0x81, 0, 0, 0, ...new Uint8Array(700)])]) {
      const d = decodeTdxQuote(b);
      expect(d.diagnostics.some((x) => x.severity === 'error')).toBe(true);
    }
  });
});
