// Teaching mode's step list helpers: the timeline's segments and where "Jump to" goes (pure, tested).

/** One measured operation, from the composer's ledger or from an open IGVM file's measurement. */
export interface TeachStep {
  step: number;
  gpa: string;
  type: string;
  contentHash: string;
  value: string;
  /** File offset of the header record behind the step. */
  headerOffset?: number;
}

/** Consecutive steps of one page type, for the timeline (at most MAX_SEGMENTS, longer ledgers are bucketed). */
interface Segment {
  first: number;
  count: number;
  type: string;
}
const MAX_SEGMENTS = 240;

export function timelineSegments(steps: readonly TeachStep[]): Segment[] {
  const runs: Segment[] = [];
  for (let i = 0; i < steps.length; i++) {
    const last = runs[runs.length - 1];
    if (last && last.type === steps[i]!.type) last.count++;
    else runs.push({ first: i, count: 1, type: steps[i]!.type });
  }
  if (runs.length <= MAX_SEGMENTS) return runs;
  const size = Math.ceil(steps.length / MAX_SEGMENTS);
  const out: Segment[] = [];
  for (let i = 0; i < steps.length; i += size)
    out.push({ first: i, count: Math.min(size, steps.length - i), type: steps[i]!.type });
  return out;
}

/**
 * Where "Jump to" goes: a step number (1-based), a GPA (0x…: the step whose page holds it), or a page type
 * (the next step of that type after `from`, wrapping). Returns the 0-based index or why there is none.
 */
export function jumpTarget(steps: readonly TeachStep[], query: string, from: number): number | string {
  const q = query.trim();
  if (!q) return 'Type a step number, a GPA (0x…) or a page type.';
  if (/^\d+$/.test(q)) {
    const n = Number(q);
    return n >= 1 && n <= steps.length ? n - 1 : `There are steps 1 to ${steps.length}.`;
  }
  if (/^0x[0-9a-f]+$/i.test(q)) {
    const gpa = BigInt(q);
    const i = steps.findIndex((s) => {
      const g = BigInt(s.gpa);
      return gpa >= g && gpa < g + 4096n;
    });
    return i >= 0 ? i : `No step measures a page holding GPA ${q}.`;
  }
  const type = q.toUpperCase();
  for (let k = 1; k <= steps.length; k++) {
    const i = (from + k) % steps.length;
    if (steps[i]!.type.toUpperCase().startsWith(type)) return i;
  }
  const types = [...new Set(steps.map((s) => s.type))].join(', ');
  return `No ${q} step; this ledger has ${types}.`;
}

