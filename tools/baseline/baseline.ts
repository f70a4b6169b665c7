// Baselines: a run's per-phase, per resource/operation numbers plus a fingerprint; and the comparison of a
// run with a baseline. Pure: works on values read by tools/report/results.ts, unit-tested.
import { opRows, totals, type OpRow } from '../report/model.ts';
import type { PhaseResults, ResultsFolder } from '../report/results.ts';
import type { Tolerances } from './tolerances.ts';

export const BASELINE_FORMAT = 'dms-load-test-baseline/1';
export const COMPARISON_FORMAT = 'dms-load-test-baseline-comparison/1';
export const ALL = '(all)';

export interface BaselineRow {
  resource: string;
  op: string;
  count: number;
  /** Requests per second over the phase's run time. */
  throughput: number;
  p50?: number;
  p95?: number;
  p99?: number;
  errorRate?: number;
}

export interface BaselinePhase {
  seconds?: number;
  /** First row: every data request of the phase (resource and op '(all)'). */
  rows: BaselineRow[];
}

/** Flat, so differences are easy to list: profile, phase, target, k6, suite, vus.<phase>, data size. */
export type Fingerprint = Record<string, string>;

export interface Baseline {
  format: string;
  name: string;
  savedAt: string;
  source: { folder: string; startedAt?: string; status?: string };
  fingerprint: Fingerprint;
  phases: Record<string, BaselinePhase>;
}

/** Configuration that changes what a run measures; any difference is named in the fingerprint warning. */
export const FINGERPRINT_CONFIG = [
  'SCHOOL_COUNT',
  'STUDENT_COUNT',
  'STAFF_COUNT',
  'COURSES_PER_SCHOOL',
  'SECTIONS_PER_COURSE',
  'SECTIONS_PER_STUDENT',
  'DURATION_READWRITE_PHASE',
  'READWRITE_MIX',
];

export function fingerprintOf(results: ResultsFolder): Fingerprint {
  const run = results.run;
  const fp: Fingerprint = {};
  const set = (key: string, value: unknown) => {
    if (value !== undefined && value !== null && value !== '') fp[key] = String(value);
  };
  set('profile', run?.profile);
  set('phase', run?.phase);
  set('target', run?.target);
  set('k6', run?.versions?.k6);
  set('suite', run?.versions?.suite);
  for (const phase of results.phases) {
    const configured = run?.config?.[phase.name === 'load' ? 'VUS_LOAD_PHASE' : 'VUS_READWRITE_PHASE']?.value;
    const actual = phase.summary ? totals(phase.summary).vusMax : undefined;
    set(`vus.${phase.name}`, actual ?? configured);
  }
  for (const key of FINGERPRINT_CONFIG) set(key, run?.config?.[key]?.value);
  return fp;
}

function rowOf(resource: string, op: string, r: Omit<OpRow, 'resource' | 'op'>): BaselineRow {
  const row: BaselineRow = { resource, op, count: r.count, throughput: r.rate };
  if (r.p50 !== undefined) row.p50 = r.p50;
  if (r.p95 !== undefined) row.p95 = r.p95;
  if (r.p99 !== undefined) row.p99 = r.p99;
  if (r.errorRate !== undefined) row.errorRate = r.errorRate;
  return row;
}

export function phaseNumbers(phase: PhaseResults): BaselinePhase | undefined {
  if (!phase.summary) return undefined;
  const t = totals(phase.summary);
  const rows = [rowOf(ALL, ALL, { ...t, count: t.requests })];
  for (const r of opRows(phase.summary)) rows.push(rowOf(r.resource, r.op, r));
  return { seconds: t.seconds, rows };
}

export class BaselineInputError extends Error {}

export function makeBaseline(results: ResultsFolder, name: string, savedAt: Date): Baseline {
  const phases: Record<string, BaselinePhase> = {};
  for (const phase of results.phases) {
    const numbers = phaseNumbers(phase);
    if (numbers) phases[phase.name] = numbers;
  }
  if (Object.keys(phases).length === 0) {
    throw new BaselineInputError(`${results.folder} has no phase with a summary.json: there is nothing to save; run a phase first`);
  }
  return {
    format: BASELINE_FORMAT,
    name,
    savedAt: savedAt.toISOString(),
    source: { folder: results.folder, startedAt: results.run?.startedAt, status: results.run?.status },
    fingerprint: fingerprintOf(results),
    phases,
  };
}

export type MetricName = 'throughput' | 'p50' | 'p95' | 'p99' | 'errorRate';
export const METRICS: MetricName[] = ['throughput', 'p50', 'p95', 'p99', 'errorRate'];

export type Verdict = 'ok' | 'regression' | 'improved' | 'not-judged';

export interface MetricComparison {
  metric: MetricName;
  baseline?: number;
  current?: number;
  /** Relative change (current / baseline - 1); undefined when the baseline is 0 or a side is missing. */
  change?: number;
  verdict: Verdict;
  /** The limit this value was held to, in words: '+20% and +5 ms'. */
  limit: string;
  /** Why a value was not judged. */
  note?: string;
}

export interface RowComparison {
  phase: string;
  resource: string;
  op: string;
  baselineCount?: number;
  currentCount?: number;
  status: 'compared' | 'only-in-baseline' | 'only-in-run' | 'too-few-samples';
  metrics: MetricComparison[];
}

export interface Regression {
  phase: string;
  resource: string;
  op: string;
  metric: MetricName;
  baseline: number;
  current: number;
  limit: string;
}

export interface FingerprintDifference {
  key: string;
  baseline?: string;
  current?: string;
}

export interface Comparison {
  format: string;
  baseline: { name: string; file: string; savedAt: string; folder: string };
  comparedAt: string;
  tolerances: Tolerances;
  fingerprint: { baseline: Fingerprint; current: Fingerprint; differences: FingerprintDifference[] };
  /** Phases found on only one side; they are not compared. */
  phaseNotes: string[];
  rows: RowComparison[];
  regressions: Regression[];
  verdict: 'pass' | 'regression';
}

export function fingerprintDifferences(a: Fingerprint, b: Fingerprint): FingerprintDifference[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.filter((k) => a[k] !== b[k]).map((k) => ({ key: k, baseline: a[k], current: b[k] }));
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

/**
 * Requests a percentile needs before it means anything: at least 5 requests beyond it (p95: 100, p99: 500),
 * and never fewer than the configured minimum.
 */
export function minCountFor(metric: MetricName, tol: Tolerances): number {
  const beyond = metric === 'p95' ? 100 : metric === 'p99' ? 500 : 0;
  return Math.max(tol.minCount, beyond);
}

interface Side {
  value?: number;
  count: number;
  seconds?: number;
}

export function compareMetric(metric: MetricName, base: Side, cur: Side, tol: Tolerances): MetricComparison {
  const out: MetricComparison = { metric, baseline: base.value, current: cur.value, verdict: 'ok', limit: '' };
  const b = base.value;
  const c = cur.value;
  if (b !== undefined && c !== undefined && b !== 0) out.change = c / b - 1;
  if (metric === 'errorRate') out.limit = `+${(tol.errorRate * 100).toFixed(2)} points`;
  else if (metric === 'throughput') out.limit = `-${pct(tol.throughput)}`;
  else out.limit = `+${pct(tol[metric])} and +${tol.minDeltaMs} ms`;
  const needed = minCountFor(metric, tol);
  if (b === undefined || c === undefined) return { ...out, verdict: 'not-judged', note: 'no value on one side' };
  // A run that got much slower makes fewer requests: for requests/s only the baseline needs enough of them.
  const thin = metric === 'throughput' ? base.count < needed : base.count < needed || cur.count < needed;
  if (thin) return { ...out, verdict: 'not-judged', note: `fewer than ${needed} requests` };
  if (metric === 'errorRate') {
    if (c - b > tol.errorRate + 1e-12) out.verdict = 'regression';
    else if (c < b) out.verdict = 'improved';
    return out;
  }
  if (metric === 'throughput') {
    if ((base.seconds ?? 0) < tol.minSeconds || (cur.seconds ?? 0) < tol.minSeconds) {
      return { ...out, verdict: 'not-judged', note: `phase shorter than ${tol.minSeconds} s` };
    }
    if (b <= 0) return { ...out, verdict: 'not-judged', note: 'no baseline throughput' };
    if (c < b * (1 - tol.throughput)) out.verdict = 'regression';
    else if (c > b * (1 + tol.throughput)) out.verdict = 'improved';
    return out;
  }
  const delta = c - b;
  // Both a relative and an absolute step: a p95 going from 1.0 to 1.5 ms is +50% but no regression.
  const tolerance = tol[metric];
  if (delta > b * tolerance && delta > tol.minDeltaMs) out.verdict = 'regression';
  else if (-delta > b * tolerance && -delta > tol.minDeltaMs) out.verdict = 'improved';
  return out;
}

const rowKey = (r: { resource: string; op: string }) => `${r.resource}|${r.op}`;

export function compare(baseline: Baseline, baselineFile: string, current: ResultsFolder, tol: Tolerances, now: Date): Comparison {
  const currentFingerprint = fingerprintOf(current);
  const rows: RowComparison[] = [];
  const regressions: Regression[] = [];
  const phaseNotes: string[] = [];
  const currentPhases = new Map<string, BaselinePhase>();
  for (const phase of current.phases) {
    const numbers = phaseNumbers(phase);
    if (numbers) currentPhases.set(phase.name, numbers);
  }
  for (const name of Object.keys(baseline.phases)) {
    if (!currentPhases.has(name)) phaseNotes.push(`phase ${name} is in the baseline but has no summary in this run: not compared`);
  }
  for (const [name, numbers] of currentPhases) {
    const base = baseline.phases[name];
    if (!base) {
      phaseNotes.push(`phase ${name} is not in baseline ${baseline.name}: not compared`);
      continue;
    }
    const baseRows = new Map(base.rows.map((r) => [rowKey(r), r]));
    const seen = new Set<string>();
    for (const cur of numbers.rows) {
      const key = rowKey(cur);
      seen.add(key);
      const b = baseRows.get(key);
      if (!b) {
        rows.push({ phase: name, resource: cur.resource, op: cur.op, currentCount: cur.count, status: 'only-in-run', metrics: [] });
        continue;
      }
      const metrics = METRICS.map((m) =>
        compareMetric(m, { value: b[m], count: b.count, seconds: base.seconds }, { value: cur[m], count: cur.count, seconds: numbers.seconds }, tol),
      );
      const judged = metrics.some((m) => m.verdict !== 'not-judged');
      rows.push({ phase: name, resource: cur.resource, op: cur.op, baselineCount: b.count, currentCount: cur.count, status: judged ? 'compared' : 'too-few-samples', metrics });
      for (const m of metrics) {
        if (m.verdict === 'regression') {
          regressions.push({ phase: name, resource: cur.resource, op: cur.op, metric: m.metric, baseline: m.baseline ?? 0, current: m.current ?? 0, limit: m.limit });
        }
      }
    }
    for (const b of base.rows) {
      if (!seen.has(rowKey(b))) rows.push({ phase: name, resource: b.resource, op: b.op, baselineCount: b.count, status: 'only-in-baseline', metrics: [] });
    }
  }
  return {
    format: COMPARISON_FORMAT,
    baseline: { name: baseline.name, file: baselineFile, savedAt: baseline.savedAt, folder: baseline.source.folder },
    comparedAt: now.toISOString(),
    tolerances: tol,
    fingerprint: { baseline: baseline.fingerprint, current: currentFingerprint, differences: fingerprintDifferences(baseline.fingerprint, currentFingerprint) },
    phaseNotes,
    rows,
    regressions,
    verdict: regressions.length > 0 ? 'regression' : 'pass',
  };
}

/** Checks the shape of a baseline file read from disk; throws BaselineInputError naming the problem. */
export function validateBaseline(value: unknown, file: string): Baseline {
  const b = value as Partial<Baseline> | undefined;
  if (!b || typeof b !== 'object' || b.format !== BASELINE_FORMAT || typeof b.phases !== 'object' || b.phases === null || typeof b.fingerprint !== 'object') {
    throw new BaselineInputError(`${file} is not a baseline of this suite (expected "format": "${BASELINE_FORMAT}"); save one with: node --import tsx tools/baseline/main.ts save <results-folder> NAME`);
  }
  for (const [phase, numbers] of Object.entries(b.phases)) {
    if (!numbers || !Array.isArray(numbers.rows)) throw new BaselineInputError(`${file}: phase ${phase} has no rows; save the baseline again`);
  }
  return b as Baseline;
}
