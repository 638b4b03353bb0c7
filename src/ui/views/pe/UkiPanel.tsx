// The systemd side of a UKI/add-on: kind, stub, profiles, embedded firmware (.efifw) and the PCR 11 values
// systemd-measure would predict for each boot phase, per profile and hash bank.
import { CopyButton } from '../../components/Copy';
import { useState } from 'react';
import type { UkiView } from '../../../workers/protocol';
import { withheldSentence } from '../../form-values';
import { bytesLabel, hex } from '../../format';

const BANKS = ['sha256', 'sha384', 'sha1', 'sha512'];

const PAYLOAD_KIND: Record<string, string> = { igvm: 'IGVM', firmware: 'OVMF / TDVF firmware', unknown: 'unrecognised payload' };

export function UkiPanel({
  uki,
  onOffset,
  onOpenPayload,
  onNeedBanks,
}: {
  uki: UkiView;
  onOffset(offset: number, length: number): void;
  /** Opens `.efifw` entry `index`'s payload as its own tab. */
  onOpenPayload?(index: number): void;
  /** Called when a bank not computed yet is chosen (opening computes SHA-256 only). */
  onNeedBanks?(): void;
}) {
  const [bank, setBank] = useState('sha256');
  const [which, setWhich] = useState(0);
  const pred = uki.pcr11[which] ?? uki.pcr11[0];
  return (
    <section className="card" aria-label="UKI measurements">
      <h3>PCR 11 prediction</h3>
      {uki.pcr11Withheld ? (
        <div className="digest-withheld" data-testid="pcr11-withheld" role="status">
          <p>
            <strong>No PCR 11 prediction.</strong> {withheldSentence(uki.pcr11Withheld.reason)}
          </p>
        </div>
      ) : !pred ? (
        <p className="muted">
          {uki.kind === 'addon'
            ? 'Add-ons are measured into PCR 12 by systemd-stub, not PCR 11.'
            : 'Nothing of this file goes into PCR 11.'}
        </p>
      ) : (
        <>
          <div className="filters">
            {uki.pcr11.length > 1 && (
              <label>
                Profile{' '}
                <select value={which} onChange={(e) => setWhich(Number(e.currentTarget.value))}>
                  {uki.pcr11.map((p, i) => {
                    const prof = uki.profiles.find((x) => x.index === p.profile);
                    return (
                      <option key={i} value={i}>
                        {p.profile}
                        {prof?.title ? `: ${prof.title}` : prof?.id ? `: ${prof.id}` : ''}
                      </option>
                    );
                  })}
                </select>
              </label>
            )}
            <label>
              Bank{' '}
              <select
                value={bank}
                onChange={(e) => {
                  const b = e.currentTarget.value;
                  setBank(b);
                  if (pred.sections[b] === undefined) onNeedBanks?.();
                }}
              >
                {BANKS.map((b) => (
                  <option key={b}>{b}</option>
                ))}
              </select>
            </label>
          </div>
          <p className="muted small">Measured, in this order: {pred.measured.join(' ')}</p>
          <table className="grid compact" data-testid="pcr11">
            <tbody>
              <tr>
                <th scope="row" className="small">
                  UKI sections only (before systemd-pcrphase)
                </th>
                <td className="mono hash-cell" data-phase="">
                  {pred.sections[bank] ?? (onNeedBanks ? '…' : '')}
                </td>
                <td>
                  <CopyButton text={pred.sections[bank] ?? ''} what={`PCR 11 ${bank} (UKI sections only)`} />
                </td>
              </tr>
              {pred.phases.map((ph) => (
                <tr key={ph.path}>
                  <th scope="row" className="mono small">
                    {ph.path}
                  </th>
                  <td className="mono hash-cell" data-phase={ph.path}>
                    {ph.values[bank] ?? (onNeedBanks ? '…' : '')}
                  </td>
                  <td>
                    <CopyButton text={ph.values[bank] ?? ''} what={`PCR 11 ${bank} after ${ph.path}`} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {uki.efifw.length > 0 && (
        <>
          <h3>Embedded firmware (.efifw)</h3>
          <p className="muted small">
            systemd-stub measures the selected .efifw into PCR 11, but ukify’s prediction above leaves it out.
          </p>
          <ul className="plain efifw-list">
            {uki.efifw.map((f, i) => (
              <li key={f.offset} data-testid={`efifw-${i}`}>
                <span className="mono">{f.fwid}</span> · {bytesLabel(f.size)}
                {f.payload && <> · {PAYLOAD_KIND[f.payload.kind] ?? f.payload.kind}</>}{' '}
                <button type="button" className="link small" onClick={() => onOffset(f.offset, f.size)}>
                  @{hex(f.offset)}
                </button>
                {onOpenPayload && f.payload && f.payload.kind !== 'unknown' && (
                  <>
                    {' '}
                    <button type="button" className="small" onClick={() => onOpenPayload(i)}>
                      Open payload
                    </button>
                  </>
                )}
                {f.payloadWithheld && (
                  <div className="digest-withheld" data-testid="efifw-withheld" role="status">
                    <p>
                      <strong>Payload not measured.</strong> {withheldSentence(f.payloadWithheld.reason)}
                    </p>
                  </div>
                )}
                {f.payload?.measurements.map((m) => (
                  <div key={m.platform} className="digest-block" data-testid="efifw-measurement">
                    <div className="digest-label">{m.label}</div>
                    {m.digest ? (
                      <div className="digest-row">
                        <code className="digest">{m.digest}</code>
                        <CopyButton text={m.digest} what={`${m.label} of ${f.fwid}`} />
                      </div>
                    ) : (
                      <div className="digest-withheld" data-testid="efifw-measurement-withheld">
                        <p className="small">
                          <strong>No digest.</strong>{' '}
                          {m.withheld ? withheldSentence(m.withheld.reason) : 'It could not be computed.'}
                        </p>
                      </div>
                    )}
                  </div>
                ))}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
