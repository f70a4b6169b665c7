// The problems VUs report during a run (POST /problems), kept for the runner to save in each phase's
// summary.json (GET /problems?phase=P). The broker is the one process every VU already talks to, so it is
// where occurrences from many VUs meet: it counts them and keeps the first of each kind, bounded.

/** A problem as src/dms/problems.ts makes it; the broker checks only what it needs and keeps the rest. */
export interface ReportedProblem {
  phase: string;
  resource: string;
  op: string;
  status: number;
  kind: string;
  problemType: string;
  [field: string]: unknown;
}

export type StoredProblem = ReportedProblem & { count: number };

/** Distinct problems kept per (phase, resource, op); further kinds are counted in `dropped` only. */
export const KEPT_PER_OPERATION = 5;
/** Distinct problems kept in all: a run that reports problems for thousands of names stays small. */
export const KEPT_IN_ALL = 500;
const KINDS = new Set(['status', 'exception', 'wrong-body', 'network', 'abort']);
const MAX_TEXT = 4000;

export type ParseResult = { ok: true; problem: ReportedProblem } | { ok: false; detail: string };

/** Validates a POST /problems body: the fields that key a problem must be there with the right types. */
export function parseProblem(body: string): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { ok: false, detail: 'the body is not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, detail: 'the body must be a JSON object (one problem)' };
  const p = value as Record<string, unknown>;
  for (const field of ['phase', 'resource', 'op', 'problemType']) {
    if (typeof p[field] !== 'string') return { ok: false, detail: `${field} must be a string` };
    if ((p[field] as string).length > MAX_TEXT) return { ok: false, detail: `${field} is longer than ${MAX_TEXT} characters` };
  }
  if (p.phase === '' || p.resource === '' || p.op === '') return { ok: false, detail: 'phase, resource and op must not be empty' };
  if (typeof p.status !== 'number' || !Number.isInteger(p.status)) return { ok: false, detail: 'status must be a whole number' };
  if (typeof p.kind !== 'string' || !KINDS.has(p.kind)) return { ok: false, detail: `kind must be one of ${[...KINDS].join(', ')}` };
  return { ok: true, problem: p as ReportedProblem };
}

/**
 * First occurrence of each distinct problem (same phase, resource, op, status, kind and problem type) with
 * the number of reports of it, at most KEPT_PER_OPERATION distinct ones per (phase, resource, op).
 */
export class ProblemStore {
  private readonly byKey = new Map<string, StoredProblem>();
  private readonly keysPerOperation = new Map<string, number>();
  /** Reports of a distinct problem that could not be kept (a bound was reached). */
  dropped = 0;

  /** Counts a report; returns how many reports of its kind there are so far (1 for the first). */
  add(problem: ReportedProblem): number {
    const operation = `${problem.phase}\u0000${problem.resource}\u0000${problem.op}`;
    const key = `${operation}\u0000${problem.status}\u0000${problem.kind}\u0000${problem.problemType}`;
    const known = this.byKey.get(key);
    if (known) return ++known.count;
    const kept = this.keysPerOperation.get(operation) ?? 0;
    if (kept >= KEPT_PER_OPERATION || this.byKey.size >= KEPT_IN_ALL) {
      this.dropped++;
      return KEPT_PER_OPERATION + 1; // not the first: nothing new for the console either
    }
    this.keysPerOperation.set(operation, kept + 1);
    this.byKey.set(key, { ...problem, count: 1 });
    return 1;
  }

  /** The problems of one phase, in the order they first occurred. */
  ofPhase(phase: string): StoredProblem[] {
    return [...this.byKey.values()].filter((p) => p.phase === phase);
  }
}
