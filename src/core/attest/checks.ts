// A verification result is a list of named checks, each pass / fail / not-checked with the reason, so a reader sees
// what was verified and how — and what was not (issue 13 §2).
export type CheckStatus = 'pass' | 'fail' | 'not-checked';

export interface Check {
  /** Stable id, e.g. `snp.signature`. */
  id: string;
  status: CheckStatus;
  /** Why: what was compared with what, or why it could not be checked. */
  detail: string;
}

export class CheckList {
  readonly list: Check[] = [];
  pass(id: string, detail: string): void {
    this.list.push({ id, status: 'pass', detail });
  }
  fail(id: string, detail: string): void {
    this.list.push({ id, status: 'fail', detail });
  }
  skip(id: string, detail: string): void {
    this.list.push({ id, status: 'not-checked', detail });
  }
  add(id: string, ok: boolean, passDetail: string, failDetail: string): boolean {
    if (ok) this.pass(id, passDetail);
    else this.fail(id, failDetail);
    return ok;
  }
  get(id: string): Check | undefined {
    return this.list.find((c) => c.id === id);
  }
}

/** Every check that ran passed (not-checked ones do not count either way). */
export function allPassed(checks: readonly Check[]): boolean {
  return !checks.some((c) => c.status === 'fail');
}
