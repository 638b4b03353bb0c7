// Teaching side panels: what the launch digest does not cover, and the trust chain of a FUKI
// (igvm-format-and-measurement.md §14, fuki-uki-kernel-hashes.md §1.5, §4.3).
import type { ComposeResponse } from '../../workers/compose';
import type { TeachStep } from './TeachingPage';

const NOT_MEASURED = [
  'The guest policy (SNP POLICY), the ID block and its author key, and HOST_DATA: they are launch parameters reported in the attestation report next to MEASUREMENT, not hashed into it.',
  'CPUID and SECRETS pages: measured by page type and GPA only; their contents are filled in by the VMM / PSP.',
  'UNMEASURED pages and IGVM parameter pages (memory map, command line, vCPU count…): the loader writes them at launch; only their GPA and type (if at all) are covered.',
  'Shared (host-visible) pages: never part of the launch digest.',
  'Anything the guest loads after launch that the firmware does not check against the measured kernel-hashes page.',
];

export function NotMeasured({ notes, steps }: { notes?: string[]; steps?: TeachStep[] }) {
  const byType = new Map<string, number>();
  for (const s of steps ?? []) byType.set(s.type, (byType.get(s.type) ?? 0) + 1);
  const unhashed = ['ZERO', 'UNMEASURED', 'SECRETS', 'CPUID'].filter((t) => byType.has(t));
  return (
    <section className="card" aria-label="What is not measured" data-testid="not-measured">
      <h2>What is not measured</h2>
      <ul>
        {NOT_MEASURED.map((t) => (
          <li key={t}>{t}</li>
        ))}
      </ul>
      {unhashed.length > 0 && (
        <p>
          In this ledger, pages whose contents are not hashed:{' '}
          {unhashed.map((t) => (
            <span key={t} className="badge">
              {t} × {byType.get(t)}
            </span>
          ))}
        </p>
      )}
      {notes && notes.length > 0 && (
        <>
          <h3>From the receipt</h3>
          <ul data-testid="receipt-notes">
            {notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

export function TrustChain({ composition }: { composition?: ComposeResponse }) {
  const kh = composition?.kernelHashes;
  const snp = composition?.measurements.find((m) => m.platform === 'SEV_SNP');
  return (
    <section className="card" aria-label="Trust chain" data-testid="trust-chain">
      <h2>Trust chain of a FUKI</h2>
      <ol className="story">
        <li>
          <strong>Firmware</strong>: every OVMF page and the initial vCPU state (VMSA) are measured by the PSP
          into the launch digest
          {snp ? (
            <>
              {' '}
              <code className="mono small">{snp.digest.slice(0, 24)}…</code>
            </>
          ) : (
            ''
          )}
          , which the attestation report carries as MEASUREMENT.
        </li>
        <li>
          <strong>Kernel-hashes page</strong>
          {kh ? ` at GPA ${kh.gpa} (+${kh.offsetInPage})` : ''}: a measured page holding the SHA-256 of
          kernel, initrd and command line, so the launch digest covers them indirectly.
        </li>
        <li>
          <strong>Kernel, initrd, command line</strong>: OVMF (AmdSev build) hashes what the VMM hands it and
          refuses to boot on a mismatch with the page
          {kh ? (
            <>
              {' '}
              (kernel <code className="mono small">{kh.kernel.slice(0, 12)}…</code>, initrd{' '}
              <code className="mono small">{kh.initrd.slice(0, 12)}…</code>, cmdline{' '}
              <code className="mono small">{kh.cmdline.slice(0, 12)}…</code>)
            </>
          ) : (
            ''
          )}
          .
        </li>
        <li>
          <strong>PCR 11 of the UKI</strong>: systemd-stub measures the UKI&apos;s sections (.linux, .initrd,
          .cmdline, .osrel…) into the vTPM&apos;s PCR 11: a second, separate chain a verifier checks against
          the prediction (systemd-measure).
        </li>
        <li className="caveat">
          <strong>.efifw caveat</strong>: in a FUKI the IGVM rides in a <code>.efifw</code> section. The stub
          measures that section into PCR 11 too, but ukify&apos;s PCR 11 prediction leaves it out; the
          firmware it holds is attested by the launch digest, not by PCR 11.
        </li>
      </ol>
    </section>
  );
}
