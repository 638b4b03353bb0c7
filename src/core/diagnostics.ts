// Validation never throws: every problem found in a file becomes a Diagnostic, and parsing goes on. Every code is
// declared once in diagnostic-codes.ts; the emitting methods take only declared codes.
import type { DiagnosticCode } from './diagnostic-codes';

export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  severity: Severity;
  /** Stable machine-readable code, e.g. `IGVM_BAD_CHECKSUM`. */
  code: string;
  message: string;
  /** File offset the problem is at, when it has one. */
  offset?: number;
  length?: number;
  /** Index of the header (or section, entry…) concerned, when it has one. */
  index?: number;
  /** Where the rule comes from: a spec section, e.g. `igvm-format §2.4`. */
  spec?: string;
  /** The other structure a conflict is with (e.g. the first header that used a GPA): its file offset and index. */
  related?: { offset: number; index?: number };
}

/** Upper bound on diagnostics kept per file, so a hostile file cannot make us allocate without limit. */
export const MAX_DIAGNOSTICS = 2000;

export class Diagnostics {
  readonly list: Diagnostic[] = [];
  private dropped = 0;

  add(d: Diagnostic): void {
    if (this.list.length < MAX_DIAGNOSTICS) this.list.push(d);
    else this.dropped++;
  }
  error(
    code: DiagnosticCode,
    message: string,
    where: Omit<Diagnostic, 'severity' | 'code' | 'message'> = {},
  ): void {
    this.add({ severity: 'error', code, message, ...where });
  }
  warning(
    code: DiagnosticCode,
    message: string,
    where: Omit<Diagnostic, 'severity' | 'code' | 'message'> = {},
  ): void {
    this.add({ severity: 'warning', code, message, ...where });
  }
  info(
    code: DiagnosticCode,
    message: string,
    where: Omit<Diagnostic, 'severity' | 'code' | 'message'> = {},
  ): void {
    this.add({ severity: 'info', code, message, ...where });
  }
  get hasErrors(): boolean {
    return this.list.some((d) => d.severity === 'error');
  }
  /** The list, with a final note when some were dropped past MAX_DIAGNOSTICS. */
  done(): Diagnostic[] {
    if (this.dropped > 0) {
      return [
        ...this.list,
        {
          severity: 'warning',
          code: 'TOO_MANY_DIAGNOSTICS',
          message: `${this.dropped} further diagnostics not kept`,
        },
      ];
    }
    return this.list;
  }
}

export function hasErrors(list: readonly Diagnostic[]): boolean {
  return list.some((d) => d.severity === 'error');
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = [
    d.index !== undefined ? `#${d.index}` : '',
    d.offset !== undefined ? `@0x${d.offset.toString(16)}` : '',
    d.related
      ? `with ${d.related.index !== undefined ? `#${d.related.index} ` : ''}@0x${d.related.offset.toString(16)}`
      : '',
  ]
    .filter(Boolean)
    .join(' ');
  return `${d.severity}: ${d.code}${where ? ` (${where})` : ''}: ${d.message}${d.spec ? ` [${d.spec}]` : ''}`;
}

/**
 * Why a digest computed from a file with these diagnostics must not be given as a result, or undefined when it may.
 * Any error diagnostic blocks: a damaged or unlaunchable input yields a value that looks right and is wrong (issue 10).
 * Every digest-producing path (CLI, worker, compose) asks this one function.
 */
export function digestBlocker(
  list: readonly Diagnostic[],
  /** What a value computed anyway would be, for the reason's last clause (the default suits launch digests). */
  consequence = 'a value computed from it would not be the launch measurement',
): { reason: string; codes: string[] } | undefined {
  const codes: string[] = [];
  for (const d of list) if (d.severity === 'error' && !codes.includes(d.code)) codes.push(d.code);
  if (codes.length === 0) return undefined;
  const errors = list.filter((d) => d.severity === 'error').length;
  const shown = codes.slice(0, 4).join(', ') + (codes.length > 4 ? `, … (${codes.length - 4} more)` : '');
  return {
    reason: `no digest: the input has ${errors} error${errors === 1 ? '' : 's'} (${shown}); ${consequence}`,
    codes,
  };
}
