// Copy-to-clipboard for digests and tables, and a "compare with the digest you expect" box. A digest is shown
// whole in one unbroken line (it wraps only between digests, never mid-hash: see .digest in styles.css).
import { useState } from 'react';

/** Copies `text`; says "Copied" for a moment (or why not: clipboard access can be refused). */
export function CopyButton({
  text,
  label = 'Copy',
  what,
  disabled,
}: {
  text: string;
  label?: string;
  what?: string;
  /** e.g. while the value is being recomputed (a stale digest must not be copied). */
  disabled?: boolean;
}) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
    setTimeout(() => setState('idle'), 1500);
  };
  return (
    <button
      type="button"
      className="copy-button"
      disabled={disabled || !text}
      aria-label={what ? `Copy ${what}` : label}
      title={what ? `Copy ${what} to the clipboard` : undefined}
      onClick={() => void copy()}
    >
      {state === 'copied' ? 'Copied ✓' : state === 'failed' ? 'Copy refused' : label}
    </button>
  );
}

/** Normalises a pasted digest: whitespace, colons and a 0x prefix go, case is ignored. */
export function normaliseDigest(s: string): string {
  return s
    .trim()
    .replace(/^0x/i, '')
    .replace(/[\s:]/g, '')
    .toLowerCase();
}

/** A box to paste the digest one expects (a policy's reference value); says at once whether the shown ones match. */
export function CompareDigest({
  digests: all,
  stale,
}: {
  digests: { label: string; digest: string }[];
  /** The digests are being recomputed: no verdict until they are current again. */
  stale?: boolean;
}) {
  const [expected, setExpected] = useState('');
  const want = normaliseDigest(expected);
  const digests = all.filter((d) => d.digest);
  const hit = digests.find((d) => d.digest.toLowerCase() === want);
  return (
    <div className="compare-digest">
      <label>
        Compare with expected digest{' '}
        <input
          className="mono"
          value={expected}
          placeholder="paste a hex digest"
          spellCheck={false}
          aria-label="Expected digest"
          data-testid="compare-input"
          onChange={(e) => setExpected(e.currentTarget.value)}
        />
      </label>
      {want && stale && (
        <p role="status" className="muted" data-testid="compare-result">
          recomputing…
        </p>
      )}
      {want && !stale && (
        <p
          role="status"
          data-testid="compare-result"
          className={hit ? 'ok-note' : 'sev-error'}
        >
          {hit
            ? `✓ matches ${hit.label}`
            : /^[0-9a-f]+$/.test(want)
              ? `✗ matches none of the ${digests.length === 1 ? 'digest' : `${digests.length} digests`} shown (${want.length / 2} bytes pasted)`
              : '✗ not a hex digest'}
        </p>
      )}
    </div>
  );
}
