// "What if this byte were different?": flips one byte of a measured page in the engine and shows the SNP
// launch digest recomputed incrementally (cached page hashes reused, chain re-run from the first changed step).
import { useState } from 'react';
import type { WhatIfResult } from '../../../workers/protocol';
import { engine } from '../../engine';

export function WhatIf({ fileId, headerIndex }: { fileId: string; headerIndex: number }) {
  const [offset, setOffset] = useState(0);
  const [out, setOut] = useState<WhatIfResult | { error: string } | null>(null);
  const run = () =>
    engine
      .whatIf(fileId, headerIndex, offset)
      .then(setOut)
      .catch((e: unknown) => setOut({ error: e instanceof Error ? e.message : String(e) }));
  return (
    <div className="what-if" data-testid="what-if">
      <h4>What if one byte of this page changed?</h4>
      <div className="filters">
        <label>
          Byte{' '}
          <input
            type="number"
            min={0}
            max={4095}
            value={offset}
            style={{ width: '5rem' }}
            onChange={(e) => setOffset(Math.max(0, Math.min(4095, Number(e.currentTarget.value) || 0)))}
          />
        </label>
        <button type="button" onClick={run}>
          Flip it and re-measure (SEV-SNP)
        </button>
      </div>
      {out && 'error' in out && <p className="error-message">{out.error}</p>}
      {out && 'digest' in out && (
        <div className="small" aria-live="polite">
          <p>
            Launch digest becomes <code className="mono digest-changed">{out.digest}</code>
            <br />
            <span className="muted">
              was <code className="mono">{out.originalDigest}</code>
            </span>
          </p>
          <p>
            First diverging ledger step: <strong>{out.firstChangedStep}</strong> of {out.steps};{' '}
            {out.firstChangedStep} earlier steps reused, recomputed in {out.ms.toFixed(1)} ms.
          </p>
        </div>
      )}
    </div>
  );
}
