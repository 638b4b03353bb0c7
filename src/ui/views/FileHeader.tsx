import type { OpenResult } from '../../workers/protocol';
import { bytesLabel } from '../format';

/** File name, detected kind, size, SHA-256 and the headline of its diagnostics. */
export function FileHeader({ result }: { result: OpenResult }) {
  const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = result.diagnostics.filter((d) => d.severity === 'warning').length;
  return (
    <div className="file-header">
      <div>
        <h2>{result.name}</h2>
        <p className="muted">
          <span className={`kind-pill kind-${result.kind}`} data-testid="file-kind">
            {result.kindLabel}
          </span>{' '}
          {bytesLabel(result.size)} ·{' '}
          <span className="mono" title="SHA-256 of the file" data-testid="file-sha256">
            {result.sha256Pending ? 'sha256 computing…' : result.sha256 ? `sha256 ${result.sha256.slice(0, 16)}…` : 'sha256 not available'}
          </span>
        </p>
      </div>
      <div className={`verdict ${errors ? 'bad' : warnings ? 'warn' : 'good'}`} data-testid="verdict">
        {errors
          ? `${errors} error${errors > 1 ? 's' : ''}`
          : warnings
            ? `${warnings} warning${warnings > 1 ? 's' : ''}`
            : 'Valid'}
      </div>
    </div>
  );
}
