import { memo } from 'react';
import type { IgvmView, OpenResult } from '../../../workers/protocol';
import { DiagnosticsList } from '../../components/Diagnostics';
import { FieldTable, FieldTree } from '../../components/FieldTable';
import { hex } from '../../format';
import { useApp } from '../../store';
import { ColumnHeads } from '../../components/ColumnHeads';
import { headerAt } from '../../../workers/header-columns';

/** Parts of an open result the Overview does not show: a change to them alone does not re-render it. */
const RESULT_NOT_SHOWN = new Set<string>(['sha256', 'sha256Pending', 'igvm']);
const IGVM_NOT_SHOWN = new Set<string>(['headers', 'pageMaps', 'tablesPending', 'tablesError']);

function sameExcept<T extends object>(a: T, b: T, skip: ReadonlySet<string>): boolean {
  const ka = Object.keys(a).filter((k) => !skip.has(k));
  const kb = Object.keys(b).filter((k) => !skip.has(k));
  return ka.length === kb.length && ka.every((k) => Object.is(a[k as keyof T], b[k as keyof T]));
}

/**
 * The Overview re-renders only when what it shows changes: the SHA-256 and the header tables an IGVM's open result
 * leaves pending arrive in two more store updates right after it mounts (issue 16), and each re-rendered the whole
 * Overview for nothing.
 */
export const Overview = memo(
  OverviewOf,
  (a, b) => sameExcept(a.result, b.result, RESULT_NOT_SHOWN) && sameExcept(a.igvm, b.igvm, IGVM_NOT_SHOWN),
);

function OverviewOf({ result, igvm }: { result: OpenResult; igvm: IgvmView }) {
  const patch = useApp((s) => s.patchView);
  const toHeader = (index: number) => {
    // The header columns as they are now (this component does not re-render when they arrive); they may still be on
    // their way (tablesPending): the Headers tab then selects the row without its bytes.
    const headers = useApp.getState().files.find((f) => f.id === result.id)?.result?.igvm?.headers;
    const h = headers && headerAt(headers, index);
    patch(result.id, {
      tab: 'headers',
      headerIndex: index,
      hex: h ? { offset: h.offset, length: h.length } : undefined,
    });
  };
  const show = (offset: number, length: number, index?: number) =>
    index !== undefined ? toHeader(index) : patch(result.id, { tab: 'hex', hex: { offset, length } });
  return (
    <div className="overview">
      <div className="grid-3">
        <section className="card" aria-labelledby={`s-${result.id}`}>
          <h3 id={`s-${result.id}`}>File</h3>
          <FieldTable fields={result.summary} onOffset={(o, l) => show(o, l)} />
        </section>
        <section className="card" aria-labelledby={`p-${result.id}`}>
          <h3 id={`p-${result.id}`}>Platforms</h3>
          <table className="grid" data-testid="platforms">
            <ColumnHeads columns={['Platform', 'Mask', 'VTL', 'Shared GPA boundary']} />
            <tbody>
              {igvm.platforms.map((p) => (
                <tr key={p.mask}>
                  <td>
                    <span className={`plat plat-${p.type}`}>{p.type}</span>
                  </td>
                  <td className="mono">{hex(p.mask)}</td>
                  <td>{p.highestVtl}</td>
                  <td className="mono">{p.sharedGpaBoundary}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>Header counts</h3>
          <table className="grid compact" data-testid="header-counts">
            <tbody>
              {igvm.counts.map((c) => (
                <tr key={c.label}>
                  <th scope="row">{c.label}</th>
                  <td className="num" data-count={c.label}>
                    {c.value.toLocaleString('en')}
                  </td>
                </tr>
              ))}
              <tr className="total">
                <th scope="row">Directives in total</th>
                <td className="num" data-testid="directive-total">
                  {igvm.directiveTotal.toLocaleString('en')}
                </td>
              </tr>
            </tbody>
          </table>
        </section>
        <section className="card" aria-labelledby={`d-${result.id}`}>
          <h3 id={`d-${result.id}`}>Diagnostics</h3>
          <DiagnosticsList diagnostics={result.diagnostics} onOffset={show} />
        </section>
      </div>
      <div className="grid-2">
        <section className="card" aria-labelledby={`pa-${result.id}`}>
          <h3 id={`pa-${result.id}`}>Parameter areas</h3>
          {igvm.parameterAreas.length === 0 ? (
            <p className="muted">None: the loader fills no host data into this guest.</p>
          ) : (
            igvm.parameterAreas.map((a) => (
              <div key={a.index} className="param-area">
                <h4>
                  Area {a.index} · {a.bytes / 4096} page{a.bytes === 4096 ? '' : 's'}{' '}
                  <button type="button" className="link small" onClick={() => toHeader(a.headerIndex)}>
                    header #{a.headerIndex}
                  </button>
                </h4>
                <p className="muted small">
                  Host-filled at load time: its presence is measured, its contents are not.
                </p>
                <ul className="plain">
                  {a.parameters.map((p) => (
                    <li key={p.headerIndex}>
                      <span className="mono">+{hex(p.byteOffset)}</span> {p.kind}{' '}
                      <button type="button" className="link small" onClick={() => toHeader(p.headerIndex)}>
                        #{p.headerIndex}
                      </button>
                    </li>
                  ))}
                  {a.inserts.map((ins) => (
                    <li key={`i${ins.headerIndex}`}>
                      inserted at <span className="mono">{ins.gpa}</span> for mask{' '}
                      <span className="mono">{hex(ins.mask)}</span>{' '}
                      <button type="button" className="link small" onClick={() => toHeader(ins.headerIndex)}>
                        #{ins.headerIndex}
                      </button>
                    </li>
                  ))}
                </ul>
              </div>
            ))
          )}
        </section>
        <section className="card" aria-labelledby={`vp-${result.id}`}>
          <h3 id={`vp-${result.id}`}>VP contexts</h3>
          {igvm.vpContexts.length === 0 && (
            <p className="muted">None (TDX and some native files use the architectural reset state).</p>
          )}
          {igvm.vpContexts.map((vp) => (
            <div key={vp.headerIndex} className="vp" data-testid="vp-context">
              <h4>
                {vp.platform} VP {vp.vpIndex} at <span className="mono">{vp.gpa}</span>{' '}
                <button type="button" className="link small" onClick={() => toHeader(vp.headerIndex)}>
                  header #{vp.headerIndex}
                </button>
              </h4>
              {vp.unavailable ? (
                <p className="error-message" data-testid="vp-unavailable">
                  {vp.unavailable}
                </p>
              ) : (
                <FieldTree groups={vp.groups} onOffset={(o, l) => show(o, l)} />
              )}
            </div>
          ))}
        </section>
      </div>
      {igvm.tree.length > 0 && (
        <section className="card" aria-label="Header tree">
          <h3>Header tree</h3>
          <FieldTree groups={igvm.tree} onOffset={(o, l) => show(o, l)} open={false} />
        </section>
      )}
    </div>
  );
}
