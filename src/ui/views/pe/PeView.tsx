// PE / UKI / add-on view: the file as a layout bar (headers, sections, certificate table, overlay), the
// section table with SHA-256 and decoded text, Authenticode digests (both padding conventions) and the
// embedded signatures, linked to the hex view.
import { CHECK_LABELS, CHECK_NAMES, verdictText } from '../../../core/authenticode/verdict';
import type { DigestWithheld, OpenResult, PeView as PeData } from '../../../workers/protocol';
import { computePeDigests, openEfifwPayload } from '../../actions';
import { useState } from 'react';
import { CopyButton } from '../../components/Copy';
import { BytesCard } from '../../components/HexView';
import { withheldSentence } from '../../form-values';
import { bytesLabel, hex, plural } from '../../format';
import { useApp, useFileView } from '../../store';
import { FileHeader } from '../FileHeader';
import { SummaryCard } from '../SummaryCard';
import { UkiPanel } from './UkiPanel';
import { ColumnHeads } from '../../components/ColumnHeads';

const STATUS_MARK = { pass: '✓', fail: '✗', 'not-checked': '?' } as const;

/** Why a damaged file's digests are not shown (as the IGVM measure panel says for a withheld launch digest). */
export function WithheldNote({
  withheld,
  what,
  testId = 'pe-digests-withheld',
}: {
  withheld: DigestWithheld;
  /** What is withheld, e.g. "Authenticode digests". */
  what: string;
  testId?: string;
}) {
  return (
    <div className="digest-withheld" data-testid={testId} role="status">
      <p>
        <strong>No {what}.</strong> {withheldSentence(withheld.reason)} The diagnostics say what is wrong.
      </p>
    </div>
  );
}

/**
 * Embedded Authenticode signatures: does each cover the file (only when all three checks pass: image digest,
 * messageDigest, signer signature), each check with its reason, who signed it, linked to its bytes.
 */
function Signatures({
  rows,
  show,
  empty,
  testId = 'signature',
  covers = 'this file',
}: {
  rows: PeData['signatures'];
  show(offset: number, length: number): void;
  empty: string;
  testId?: string;
  /** What a matching signature covers, in words. */
  covers?: string;
}) {
  if (rows.length === 0) return <p className="muted">{empty}</p>;
  return (
    <>
      <p className="muted small">
        A signature covers {covers} only when all three checks pass. Whether the signer certificate is trusted
        (its chain to a CA) is not checked.
      </p>
      {rows.map((s) => (
        <div key={s.index} className="sig" data-testid={testId}>
          <p>
            <span className={s.verdict.covers ? 'ok-note' : 'error-message'} data-testid="signature-verdict">
              {s.verdict.covers
                ? `✓ covers ${covers}`
                : s.verdict.undecodable !== undefined
                  ? `✗ ${verdictText(s.verdict, covers)}`
                  : `✗ does not cover ${covers}`}
            </span>{' '}
            <span className="muted small">
              ({s.digestAlgorithm}, {plural(s.certificates, 'certificate')}){' '}
              <button type="button" className="link small" onClick={() => show(s.offset, s.length)}>
                @{hex(s.offset)}
              </button>
            </span>
          </p>
          <table className="fields">
            <tbody>
              {s.verdict.undecodable === undefined &&
                CHECK_NAMES.map((n) => (
                  <tr key={n} data-testid="signature-check" data-check={n} data-status={s.verdict[n].status}>
                    <th scope="row">{CHECK_LABELS[n]}</th>
                    <td>
                      <span className={s.verdict[n].status === 'pass' ? 'ok-note' : 'error-message'}>
                        {STATUS_MARK[s.verdict[n].status]} {s.verdict[n].status}
                      </span>{' '}
                      <span className="muted small">{s.verdict[n].reason}</span>
                    </td>
                  </tr>
                ))}
              {s.signer && (
                <tr>
                  <th scope="row">Signer</th>
                  <td className="mono">{s.signer}</td>
                </tr>
              )}
              {s.issuer && (
                <tr>
                  <th scope="row">Issuer</th>
                  <td className="mono">{s.issuer}</td>
                </tr>
              )}
              {s.validity && (
                <tr>
                  <th scope="row">Valid</th>
                  <td>{s.validity}</td>
                </tr>
              )}
              {s.signingTime && (
                <tr>
                  <th scope="row">Signed at</th>
                  <td>{s.signingTime}</td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      ))}
    </>
  );
}

function LayoutBar({
  pe,
  size,
  onPick,
}: {
  pe: PeData;
  size: number;
  onPick(offset: number, length: number): void;
}) {
  return (
    <div className="pe-layout" role="list" aria-label="File layout" data-testid="pe-layout">
      {pe.layout.map((l) => {
        const label = `${l.label}: ${hex(l.offset)} +${hex(l.length)} (${bytesLabel(l.length)})`;
        return (
          <button
            key={`${l.label}-${l.offset}`}
            type="button"
            role="listitem"
            className={`pe-seg seg-${l.kind}`}
            style={{ left: `${(l.offset / size) * 100}%`, width: `${(l.length / size) * 100}%` }}
            title={label}
            aria-label={label}
            onClick={() => onPick(l.offset, l.length)}
          >
            <span>{l.length / size > 0.04 ? l.label : ''}</span>
          </button>
        );
      })}
    </div>
  );
}

export default function PeView({ result }: { result: OpenResult }) {
  const pe = result.pe!;
  const view = useFileView(result.id);
  // Opening computes SHA-256 only; the other algorithms and PCR 11 banks on request (issue 16).
  const [moreState, setMoreState] = useState<'busy' | string | undefined>();
  const moreDigests = () => {
    setMoreState('busy');
    computePeDigests(result.id).then(
      () => setMoreState(undefined),
      (e: unknown) => setMoreState(`Could not compute them: ${e instanceof Error ? e.message : String(e)}`),
    );
  };
  const patch = useApp((s) => s.patchView);
  const show = (offset: number, length: number) => patch(result.id, { hex: { offset, length } });
  return (
    <div className="file-view">
      <FileHeader result={result} />
      <section className="card layout-card" aria-label="Layout">
        <h3>Layout</h3>
        <LayoutBar pe={pe} size={result.size} onPick={show} />
        <div className="axis mono small muted">
          <span>0x0</span>
          <span>{hex(result.size)}</span>
        </div>
      </section>
      <div className="grid-2">
        <SummaryCard result={result} show={show} />
        <section className="card" aria-label="Signatures and Authenticode">
          {pe.uki && (
            <div className="uki-inline">
              <UkiPanel
                uki={pe.uki}
                onOffset={show}
                onOpenPayload={(i) => void openEfifwPayload(result.id, i)}
                onNeedBanks={pe.pendingAlgorithms?.length ? moreDigests : undefined}
              />
            </div>
          )}
          <h3>Authenticode digests</h3>
          {pe.withheld ? (
            <WithheldNote withheld={pe.withheld} what="Authenticode digests" />
          ) : (
            <>
              {pe.paddingMatters && (
                <p className="muted small">
                  The hashed length is not a multiple of 8: tools disagree on padding (systemd, sbsign,
                  osslsigncode pad; pesign -h does not). Both are shown.
                </p>
              )}
              <table className="grid compact" data-testid="authenticode">
                <ColumnHeads columns={['Hash', 'Padded to 8', ...(pe.paddingMatters ? ['Unpadded'] : [])]} />
                <tbody>
                  {pe.authenticode.map((a) => (
                    <tr key={a.algorithm}>
                      <th scope="row">{a.algorithm}</th>
                      <td>
                        <div className="digest-row">
                          <span className="mono hash-cell" data-alg={a.algorithm}>
                            {a.pad8}
                          </span>
                          <CopyButton text={a.pad8} what={`Authenticode ${a.algorithm}${pe.paddingMatters ? ' (padded)' : ''}`} />
                        </div>
                      </td>
                      {pe.paddingMatters && (
                        <td>
                          <div className="digest-row">
                            <span className="mono hash-cell">{a.none}</span>
                            <CopyButton text={a.none} what={`Authenticode ${a.algorithm} (unpadded)`} />
                          </div>
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
              {pe.pendingAlgorithms && pe.pendingAlgorithms.length > 0 && (
                <p className="small">
                  <button type="button" data-testid="authenticode-more" disabled={moreState === 'busy'} onClick={moreDigests}>
                    {moreState === 'busy' ? 'Computing…' : `Compute ${pe.pendingAlgorithms.join(', ')} too`}
                  </button>{' '}
                  <span className="muted">(each is another pass over the file; SHA-256 is what the signature check uses)</span>
                  {moreState && moreState !== 'busy' && <span role="alert"> {moreState}</span>}
                </p>
              )}
            </>
          )}
          <h3>Signatures</h3>
          <Signatures rows={pe.signatures} show={show} empty="Not signed." />
          {pe.uki?.kernel && (
            <>
              <h3>Kernel (.linux) signatures</h3>
              {pe.uki.kernel.authenticodeSha256 ? (
                <div className="muted small" data-testid="kernel-authenticode">
                  The kernel inside the UKI is a PE of its own; Authenticode SHA-256
                  <div className="digest-row">
                    <span className="mono hash-cell">{pe.uki.kernel.authenticodeSha256}</span>
                    <CopyButton text={pe.uki.kernel.authenticodeSha256} what="kernel Authenticode SHA-256" />
                  </div>
                </div>
              ) : pe.uki.kernel.authenticodeWithheld ? (
                <WithheldNote
                  withheld={pe.uki.kernel.authenticodeWithheld}
                  what="kernel Authenticode digest"
                  testId="kernel-authenticode-withheld"
                />
              ) : (
                <p className="muted small" data-testid="kernel-authenticode">
                  The kernel inside the UKI is a PE of its own; its Authenticode SHA-256 could not be computed.
                </p>
              )}
              <Signatures
                rows={pe.uki.kernel.signatures}
                show={show}
                empty="The kernel is not signed."
                testId="kernel-signature"
                covers="the kernel"
              />
            </>
          )}
        </section>
      </div>
      <div className="grid-2">
        <section className="card" aria-label="Sections">
          {/* SHA-256 next to the name: on a phone the table scrolls sideways, and the hash is what one copies. */}
          <h3>
            Sections <span className="muted small">{plural(pe.sections.length, 'section')}</span>
          </h3>
          {pe.withheld && <WithheldNote withheld={pe.withheld} what="section hashes" testId="sections-withheld" />}
          <table className="grid compact pe-sections" data-testid="pe-sections">
            <ColumnHeads columns={['Name', 'SHA-256', 'File offset', 'Size', 'RVA', 'Flags']} />
            <tbody>
              {pe.sections.map((s) => (
                <tr key={s.index} data-section={s.name}>
                  <th scope="row">
                    <button type="button" className="link" onClick={() => show(s.offset, s.length)}>
                      {s.name || `#${s.index}`}
                    </button>
                  </th>
                  <td className="mono small" title={s.sha256} data-sha256={s.sha256}>
                    {s.sha256 ? (
                      <span className="section-hash">
                        {`${s.sha256.slice(0, 16)}…`}{' '}
                        <CopyButton text={s.sha256} what={`SHA-256 of ${s.name || `section ${s.index}`}`} />
                      </span>
                    ) : pe.withheld ? (
                      'withheld'
                    ) : (
                      'not hashed (limit)'
                    )}
                  </td>
                  <td className="mono">{hex(s.offset)}</td>
                  <td>{bytesLabel(s.length)}</td>
                  <td className="mono">{hex(s.virtualAddress)}</td>
                  <td className="small">{s.flags}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {pe.sections.some((s) => s.text !== undefined) && (
            <>
              <h3>Text sections</h3>
              {pe.sections
                .filter((s) => s.text !== undefined)
                .map((s) => (
                  <details key={s.index} open={s.name === '.cmdline' || s.name === '.uname'}>
                    <summary className="mono">{s.name}</summary>
                    <pre className="text-section">{s.text}</pre>
                  </details>
                ))}
            </>
          )}
        </section>
        <BytesCard fileId={result.id} size={result.size} highlight={view.hex} />
      </div>
    </div>
  );
}
