import type { Diagnostic } from '../../core/diagnostics';
import { resolveSpecRef } from '../../core/spec';
import { hex, plural } from '../format';

const ORDER = { error: 0, warning: 1, info: 2 } as const;

/**
 * A diagnostic's spec reference, linked to its entry in the app's own spec index (public/spec-index.html,
 * generated from the project's reference documents): the section's title and first paragraph, not a public page
 * that may say something else. External documents (TDVF design guide, UEFI) are named, not linked.
 */
function SpecRef({ spec }: { spec: string }) {
  const resolved = resolveSpecRef(spec);
  const title = resolved
    ? resolved.map((r) => `${r.doc.id} §${r.section.section} ${r.section.title}`).join('\n')
    : `Specification section this rule comes from: ${spec}`;
  return resolved ? (
    <a className="spec-ref" href={`spec-index.html#${resolved[0]!.anchor}`} target="_blank" rel="noopener" title={title}>
      {spec}
    </a>
  ) : (
    <span className="spec-ref" title={title}>
      {spec}
    </span>
  );
}

export function DiagnosticsList({
  diagnostics,
  onOffset,
  indexLabel = 'header',
}: {
  diagnostics: Diagnostic[];
  onOffset?(offset: number, length: number, index?: number): void;
  /** What a diagnostic's `index` counts (IGVM headers; events in an event log). */
  indexLabel?: string;
}) {
  if (diagnostics.length === 0) {
    return <p className="ok-note">No problems found.</p>;
  }
  const sorted = [...diagnostics].sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
  const counts = { error: 0, warning: 0, info: 0 };
  for (const d of diagnostics) counts[d.severity]++;
  return (
    <div className="diagnostics">
      <p className="diag-counts" aria-live="polite">
        <span className="sev sev-error">{plural(counts.error, 'error')}</span>{' '}
        <span className="sev sev-warning">{plural(counts.warning, 'warning')}</span>{' '}
        <span className="sev sev-info">{plural(counts.info, 'note')}</span>
      </p>
      <ul aria-label="Diagnostics">
        {sorted.slice(0, 500).map((d, i) => (
          <li key={i} className={`diag diag-${d.severity}`}>
            <span className={`sev sev-${d.severity}`}>{d.severity}</span>
            <code className="diag-code">{d.code}</code>
            <span className="diag-msg">{d.message}</span>
            <span className="diag-where">
              {d.index !== undefined && <span className="muted">
                  {indexLabel} #{d.index}
                </span>}
              {d.offset !== undefined &&
                (onOffset ? (
                  <button
                    type="button"
                    className="link small"
                    onClick={() => onOffset(d.offset!, d.length ?? 8, d.index)}
                  >
                    @{hex(d.offset)}
                  </button>
                ) : (
                  <span className="mono">@{hex(d.offset)}</span>
                ))}
              {d.spec && <SpecRef spec={d.spec} />}
            </span>
          </li>
        ))}
      </ul>
      {sorted.length > 500 && <p className="muted">{sorted.length - 500} more not shown.</p>}
    </div>
  );
}
