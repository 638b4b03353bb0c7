// Diff page (issue #7): two open IGVM, UKI or FUKI files compared in the worker (src/workers/diff.ts):
// header values, measured pages by GPA or PE sections by name, and the first diverging SNP ledger step.
import { useEffect, useMemo, useState } from 'react';
import type { DiffLedgerStep, DiffResult, DiffRow } from '../../core/diff';
import { engine } from '../engine';
import { FileOptions } from '../composer/FilePick';
import { CopyButton } from '../components/Copy';
import { plural } from '../format';
import { useApp } from '../store';
import '../composer/composer.css';

function RowsTable({ rows, caption, testId }: { rows: DiffRow[]; caption: string; testId: string }) {
  return (
    <table className="diff-table" data-testid={testId}>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th>What</th>
          <th>A</th>
          <th>B</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r, i) => (
          <tr key={i} className={r.same ? undefined : 'changed'} data-same={r.same}>
            <td>{r.label}</td>
            {[r.a, r.b].map((v, k) => (
              <td key={k} className="mono small">
                {v || '—'}
                {/* Digests get a copy button (issue 10): they are what a policy takes. */}
                {v && /digest|MRTD|SHA/i.test(r.label) && <CopyButton text={v} what={`${r.label} of ${k ? 'B' : 'A'}`} />}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function LedgerWindow({ steps, first, side }: { steps: DiffLedgerStep[]; first: number; side: string }) {
  return (
    <table className="ledger-window" data-testid={`ledger-${side}`}>
      <caption>SNP ledger of {side}</caption>
      <thead>
        <tr>
          <th>Step</th>
          <th>GPA</th>
          <th>Type</th>
          <th>Content hash</th>
        </tr>
      </thead>
      <tbody>
        {steps.map((s) => (
          <tr
            key={s.step}
            className={s.step === first ? 'diverging' : undefined}
            data-testid={s.step === first ? `diverging-${side}` : undefined}
          >
            <td>{s.step}</td>
            <td className="mono">{s.gpa}</td>
            <td>{s.type}</td>
            <td className="mono small">{s.contentHash ? s.contentHash.slice(0, 24) + '…' : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Ledger({ r }: { r: NonNullable<DiffResult['ledger']> }) {
  if (r.firstDiverging === undefined)
    return (
      <p className="ok-note" data-testid="first-diverging">
        The SNP ledgers are identical ({plural(r.stepsA, 'step')}).
      </p>
    );
  return (
    <>
      <p data-testid="first-diverging">
        First diverging SNP step: <strong>{r.firstDiverging}</strong> (A has {r.stepsA.toLocaleString('en')}{' '}
        steps, B {r.stepsB.toLocaleString('en')}); every digest from that step on differs.
      </p>
      <LedgerWindow steps={r.windowA} first={r.firstDiverging} side="A" />
      <LedgerWindow steps={r.windowB} first={r.firstDiverging} side="B" />
    </>
  );
}

export default function DiffPage() {
  const all = useApp((s) => s.files);
  const files = useMemo(
    () => all.filter((f) => f.status === 'ready' && (f.result?.kind === 'igvm' || f.result?.kind === 'pe')),
    [all],
  );
  const pair = useApp((s) => s.diffPair);
  const setPair = useApp((s) => s.setDiffPair);
  const [state, setState] = useState<{ result?: DiffResult; error?: string; busy?: boolean }>({});
  const a = files.some((f) => f.id === pair.a) ? pair.a : null;
  const b = files.some((f) => f.id === pair.b) ? pair.b : null;

  useEffect(() => {
    if (!a || !b) {
      setState({});
      return;
    }
    let live = true;
    setState({ busy: true });
    engine
      .call((r) => r.diff(a, b))
      .then((result) => live && setState({ result }))
      .catch((e: unknown) => live && setState({ error: e instanceof Error ? e.message : String(e) }));
    return () => {
      live = false;
    };
  }, [a, b]);

  const picker = (side: 'a' | 'b', value: string | null) => (
    <label>
      File {side.toUpperCase()}{' '}
      <select
        aria-label={`File ${side.toUpperCase()}`}
        value={value ?? ''}
        onChange={(e) => setPair({ [side]: e.currentTarget.value || null })}
      >
        <option value="">(choose an open IGVM, UKI or FUKI)</option>
        <FileOptions files={files} />
      </select>
    </label>
  );
  const r = state.result;
  return (
    <div className="diff-page" data-testid="diff-page">
      <div className="page-column">
        <section className="card" aria-label="Files to compare">
          <h2>Diff</h2>
          <p>{picker('a', a)}</p>
          <p>{picker('b', b)}</p>
          {state.busy && <p className="loading">Comparing…</p>}
          {state.error && <p className="sev-error">{state.error}</p>}
        </section>
        {r && <RowsTable rows={r.header} caption="Headers" testId="diff-header" />}
      </div>
      <section className="card" aria-label="Differences">
        {r ? (
          <>
            {r.ledger ? (
              <Ledger r={r.ledger} />
            ) : (
              <p className="muted">
                No SNP ledger on both sides (an IGVM or a FUKI with an IGVM .efifw is needed).
              </p>
            )}
            <p data-testid="parts-summary">
              {r.kindA === 'pe' || r.kindB === 'pe' ? 'Sections' : 'Measured pages'}:{' '}
              {r.partsSummary.same.toLocaleString('en')} same, {r.partsSummary.changed.toLocaleString('en')}{' '}
              changed, {r.partsSummary.onlyA.toLocaleString('en')} only in A,{' '}
              {r.partsSummary.onlyB.toLocaleString('en')} only in B
            </p>
            {r.parts.length > 0 && <RowsTable rows={r.parts} caption="Differences" testId="diff-parts" />}
          </>
        ) : (
          <p className="muted">Open two files and choose them here.</p>
        )}
      </section>
    </div>
  );
}
