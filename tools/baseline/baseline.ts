// Baselines: a run's per-phase, per resource/operation numbers and latency histograms plus a fingerprint;
// and the comparison of a run with a baseline, which calls a change a regression only when it is larger than
// the tolerance AND statistically significant (tools/baseline/stats.ts; docs/reports-and-baselines.md).
// Pure: works on values read by tools/report/results.ts, unit-tested.
import { opRows, totals, type OpRow } from '../report/model.ts';
import type { PhaseResults, ResultsFolder } from '../report/results.ts';
import { ALL_KEY, BUCKET_COUNT, denseCounts, upperBound, type Histogram } from '../../src/summary/latency-histogram.ts';
import { binnedQuantile, fisherGreater, holmAdjust, mannWhitneyBinned, quantileTest } from './stats.ts';
import type { Tolerances } from './tolerances.ts';
import { capacityNumbers, compareCapacity, type CapacityComparison, type CapacityNumbers } from './capacity.ts';

/** Format 2 adds latency histograms and failed-request counts; format 1 files are still read. */
export const BASELINE_FORMAT = 'dms-load-test-baseline/2';
export const BASELINE_FORMATS = ['dms-load-test-baseline/1', BASELINE_FORMAT];
export const COMPARISON_FORMAT = 'dms-load-test-baseline-comparison/2';
/** Format 2 adds `method`, `baseline.format` and per metric `delta` and `test`; readers accept both. */
export const COMPARISON_FORMATS = ['dms-load-test-baseline-comparison/1', COMPARISON_FORMAT];
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
  /** Failed requests (format 2; format 1 has only errorRate). */
  failed?: number;
  /** Latency histogram of the row's requests (format 2; src/summary/latency-histogram.ts). */
  histogram?: Histogram;
}

export interface BaselinePhase {
  seconds?: number;
  /** First row: every data request of the phase (resource and op '(all)'). */
  rows: BaselineRow[];
  /** Capacity phase: the sustainable capacity and the steps it was found with (tools/baseline/capacity.ts). */
  capacity?: CapacityNumbers;
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

/** The capacity phase's plan: a figure found with other steps or VUs is on another scale. */
export const CAPACITY_FINGERPRINT_CONFIG = ['CAPACITY_START_RATE', 'CAPACITY_STEP_RATE', 'CAPACITY_MAX_RATE', 'CAPACITY_STEP_DURATION', 'VUS_CAPACITY_PHASE', 'READWRITE_MIX'];

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
  // Only runs with a capacity phase: older baselines have no such keys and would differ from every new run.
  if (results.phases.some((p) => p.name === 'capacity')) for (const key of CAPACITY_FINGERPRINT_CONFIG) set(key, run?.config?.[key]?.value);
  return fp;
}

function rowOf(resource: string, op: string, r: Omit<OpRow, 'resource' | 'op'>, histogram: Histogram | undefined): BaselineRow {
  const row: BaselineRow = { resource, op, count: r.count, throughput: r.rate };
  if (r.p50 !== undefined) row.p50 = r.p50;
  if (r.p95 !== undefined) row.p95 = r.p95;
  if (r.p99 !== undefined) row.p99 = r.p99;
  if (r.errorRate !== undefined) row.errorRate = r.errorRate;
  if (r.count > 0) row.failed = r.failed;
  if (histogram) row.histogram = histogram;
  return row;
}

/** A phase's rows: the phase total first, then one per resource and operation, with their histograms. */
export function phaseNumbers(phase: PhaseResults): BaselinePhase | undefined {
  if (!phase.summary) return undefined;
  const t = totals(phase.summary);
  const histograms = phase.summary.histograms ?? {};
  const rows = [rowOf(ALL, ALL, { ...t, count: t.requests }, histograms[ALL_KEY])];
  for (const r of opRows(phase.summary)) rows.push(rowOf(r.resource, r.op, r, histograms[`${r.resource} ${r.op}`]));
  const capacity = capacityNumbers(phase.summary);
  return capacity ? { seconds: t.seconds, rows, capacity } : { seconds: t.seconds, rows };
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

/** The significance test behind a verdict (tools/baseline/stats.ts). */
export interface TestResult {
  /** 'mann-whitney' (p50: all samples, ranks), 'quantile' (p95/p99: share above the baseline's percentile), 'fisher' (error rate). */
  name: 'mann-whitney' | 'quantile' | 'fisher';
  /** One-sided p-value for "worse in this run". */
  p: number;
  /** p after Holm's adjustment over every test of the comparison (`Comparison.method.tests`). */
  pAdjusted: number;
  /** What was tested, in words: 'P(slower) 0.93', '14/400 -> 61/412 above 52.0 ms', '0/600 -> 9/610 failed'. */
  detail: string;
}

export interface MetricComparison {
  metric: MetricName;
  baseline?: number;
  current?: number;
  /** Relative change (current / baseline - 1); undefined when the baseline is 0 or a side is missing. */
  change?: number;
  /** Absolute change: ms for latency, share (0.01 = one point) for the error rate, requests/s for throughput. */
  delta?: number;
  verdict: Verdict;
  /** The limit this value was held to, in words: '+10% and +5 ms'. */
  limit: string;
  /** The significance test (latency and error rate, when both runs have enough samples). */
  test?: TestResult;
  /** Why a value was not judged, or why a change beyond the limit is not a regression. */
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
  /** 'capacity': the capacity phase's sustainable rate (iterations/s; baseline and current in that unit). */
  metric: MetricName | 'capacity';
  baseline: number;
  current: number;
  limit: string;
  test?: TestResult;
}

export interface FingerprintDifference {
  key: string;
  baseline?: string;
  current?: string;
}

/** How the comparison decided: the confidence, and how many tests shared it (Holm). */
export interface Method {
  alpha: number;
  /** Significance tests made in this comparison; Holm's adjustment spreads alpha over all of them. */
  tests: number;
  description: string;
}

export interface Comparison {
  format: string;
  baseline: { name: string; file: string; savedAt: string; folder: string; format: string };
  comparedAt: string;
  tolerances: Tolerances;
  method: Method;
  fingerprint: { baseline: Fingerprint; current: Fingerprint; differences: FingerprintDifference[] };
  /** Phases found on only one side, and other notes (an old baseline without histograms). */
  phaseNotes: string[];
  rows: RowComparison[];
  /** Capacity phases: the sustainable capacity against the baseline's (no significance test: one figure). */
  capacity?: CapacityComparison[];
  regressions: Regression[];
  verdict: 'pass' | 'regression';
}

export const METHOD_DESCRIPTION =
  'a change is a regression when it is larger than the tolerance and significant: one-sided tests ' +
  '(p50: Mann-Whitney U on the latency histograms; p95/p99: Fisher exact test of the share above the ' +
  "baseline's percentile, counted only when the median moved too; error rate: Fisher exact test), Holm-adjusted over all " +
  'tests of the comparison';

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

/** One side of a row: the summary's values, the failed count and the dense latency histogram. */
export interface Side {
  value?: number;
  count: number;
  seconds?: number;
  failed?: number;
  histogram?: number[];
}

const EDGES = Array.from({ length: BUCKET_COUNT }, (_, i) => upperBound(i));
const QUANTILE: Record<string, number> = { p50: 0.5, p95: 0.95, p99: 0.99 };

function limitOf(metric: MetricName, tol: Tolerances): string {
  if (metric === 'errorRate') return `+${(tol.errorRate * 100).toFixed(2)} points`;
  if (metric === 'throughput') return `-${pct(tol.throughput)}`;
  return `+${pct(tol[metric])} and +${tol.minDeltaMs} ms`;
}

/** A significance test's raw result, before Holm's adjustment. */
type RawTest = Omit<TestResult, 'pAdjusted'>;

const fmtMs = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));

function latencyTest(metric: 'p50' | 'p95' | 'p99', base: number[], cur: number[]): RawTest | undefined {
  if (metric === 'p50') {
    const mw = mannWhitneyBinned(base, cur);
    return { name: 'mann-whitney', p: mw.p, detail: `P(slower) ${mw.superiority.toFixed(2)}` };
  }
  const q = quantileTest(base, cur, QUANTILE[metric], EDGES);
  if (!q) return undefined;
  const n = (h: number[]) => h.reduce((a, b) => a + b, 0);
  return { name: 'quantile', p: q.p, detail: `${q.baseAbove}/${n(base)} -> ${q.currentAbove}/${n(cur)} above ${fmtMs(q.thresholdMs)} ms` };
}

/**
 * One metric of one row, before the significance tests are adjusted for their number: the values, the
 * change, whether it goes beyond the tolerance, and the raw test. `throughputJudged` is false for
 * resource/operation rows outside the load phase (a mix draws each operation's share at random).
 */
export function assessMetric(metric: MetricName, base: Side, cur: Side, tol: Tolerances, throughputJudged = true): { comparison: MetricComparison; beyond: boolean; raw?: RawTest } {
  const out: MetricComparison = { metric, baseline: base.value, current: cur.value, verdict: 'ok', limit: limitOf(metric, tol) };
  const quantile = QUANTILE[metric];
  // Old summaries and baselines have k6's percentiles only; newer ones also the histogram, from which a
  // missing percentile can be read.
  if (quantile !== undefined) {
    if (out.baseline === undefined && base.histogram) out.baseline = binnedQuantile(base.histogram, EDGES, quantile);
    if (out.current === undefined && cur.histogram) out.current = binnedQuantile(cur.histogram, EDGES, quantile);
  }
  const b = out.baseline;
  const c = out.current;
  const notJudged = (note: string) => ({ comparison: { ...out, verdict: 'not-judged' as const, note }, beyond: false });
  if (b !== undefined && c !== undefined) {
    out.delta = c - b;
    if (b !== 0) out.change = c / b - 1;
  }
  if (metric === 'throughput' && !throughputJudged) {
    return notJudged("an operation's share of the mix is drawn at random: only the phase total's requests/s is judged");
  }
  const needed = minCountFor(metric, tol);
  if (b === undefined || c === undefined) return notJudged('no value on one side');
  // A run that got much slower makes fewer requests: for requests/s only the baseline needs enough of them.
  const thin = metric === 'throughput' ? base.count < needed : base.count < needed || cur.count < needed;
  if (thin) return notJudged(`fewer than ${needed} requests`);
  if (metric === 'throughput') {
    if ((base.seconds ?? 0) < tol.minSeconds || (cur.seconds ?? 0) < tol.minSeconds) return notJudged(`phase shorter than ${tol.minSeconds} s`);
    if (b <= 0) return notJudged('no baseline throughput');
    // One number per run: no test across runs is possible; the tolerance alone decides.
    if (c < b * (1 - tol.throughput)) out.verdict = 'regression';
    else if (c > b * (1 + tol.throughput)) out.verdict = 'improved';
    return { comparison: out, beyond: out.verdict === 'regression' };
  }
  if (metric === 'errorRate') {
    const x1 = base.failed ?? Math.round(b * base.count);
    const x2 = cur.failed ?? Math.round(c * cur.count);
    const raw: RawTest = { name: 'fisher', p: fisherGreater(x1, base.count, x2, cur.count), detail: `${x1}/${base.count} -> ${x2}/${cur.count} failed` };
    if (c < b) out.verdict = 'improved';
    return { comparison: out, beyond: c - b > tol.errorRate + 1e-12, raw };
  }
  if (!base.histogram || !cur.histogram) {
    const side = !base.histogram ? 'the baseline (saved by an older version of the suite: save it again)' : 'this run';
    return notJudged(`no latency histogram in ${side}: the change cannot be tested`);
  }
  const delta = c - b;
  // Both a relative and an absolute step: a p95 going from 1.0 to 1.5 ms is +50% but no regression.
  const tolerance = tol[metric];
  const beyond = delta > b * tolerance && delta > tol.minDeltaMs;
  if (-delta > b * tolerance && -delta > tol.minDeltaMs) out.verdict = 'improved';
  const raw = latencyTest(metric, base.histogram, cur.histogram);
  if (!raw && beyond) return notJudged("the baseline's percentile is in the overflow bucket: nothing to test");
  return { comparison: out, beyond, raw };
}

const rowKey = (r: { resource: string; op: string }) => `${r.resource}|${r.op}`;

function dense(h: Histogram | undefined, where: string, notes: Set<string>): number[] | undefined {
  if (!h) return undefined;
  try {
    return denseCounts(h);
  } catch (error) {
    notes.add(`${where}: latency histogram not usable (${error instanceof Error ? error.message : String(error)}); latency not judged`);
    return undefined;
  }
}

interface Pending {
  row: RowComparison;
  metric: MetricComparison;
  beyond: boolean;
  raw?: RawTest;
}

/** The runs cannot be compared at all (another profile, nothing in common): the gate could not run. */
export class BaselineMismatchError extends Error {}

export function compare(baseline: Baseline, baselineFile: string, current: ResultsFolder, tol: Tolerances, now: Date): Comparison {
  const currentFingerprint = fingerprintOf(current);
  const rows: RowComparison[] = [];
  const phaseNotes: string[] = [];
  const notes = new Set<string>();
  const pending: Pending[] = [];
  const currentPhases = new Map<string, BaselinePhase>();
  for (const phase of current.phases) {
    const numbers = phaseNumbers(phase);
    if (numbers) currentPhases.set(phase.name, numbers);
  }
  if (baseline.fingerprint.profile && currentFingerprint.profile && baseline.fingerprint.profile !== currentFingerprint.profile) {
    throw new BaselineMismatchError(
      `baseline '${baseline.name}' was saved from a ${baseline.fingerprint.profile} run, this is a ${currentFingerprint.profile} run: ` +
        `a different data set and load cannot be compared. Use a baseline of profile ${currentFingerprint.profile} (save one with --save-baseline)`,
    );
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
      const label = `${name} ${cur.resource} ${cur.op}`;
      const baseHistogram = dense(b.histogram, `baseline ${label}`, notes);
      const curHistogram = dense(cur.histogram, `this run ${label}`, notes);
      // Per resource/operation requests/s is a property of the system only where the work is fixed (load).
      const throughputJudged = cur.resource === ALL || name === 'load';
      const row: RowComparison = { phase: name, resource: cur.resource, op: cur.op, baselineCount: b.count, currentCount: cur.count, status: 'compared', metrics: [] };
      for (const m of METRICS) {
        const assessed = assessMetric(
          m,
          { value: b[m], count: b.count, seconds: base.seconds, failed: b.failed, histogram: baseHistogram },
          { value: cur[m], count: cur.count, seconds: numbers.seconds, failed: cur.failed, histogram: curHistogram },
          tol,
          throughputJudged,
        );
        row.metrics.push(assessed.comparison);
        pending.push({ row, metric: assessed.comparison, beyond: assessed.beyond, raw: assessed.raw });
      }
      if (!row.metrics.some((m) => m.verdict !== 'not-judged')) row.status = 'too-few-samples';
      rows.push(row);
    }
    for (const b of base.rows) {
      if (!seen.has(rowKey(b))) rows.push({ phase: name, resource: b.resource, op: b.op, baselineCount: b.count, status: 'only-in-baseline', metrics: [] });
    }
  }
  if (!rows.some((r) => r.resource !== ALL && (r.status === 'compared' || r.status === 'too-few-samples'))) {
    const why = phaseNotes.length > 0 ? phaseNotes.join('; ') : 'no resource/operation in common';
    throw new BaselineMismatchError(`nothing to compare between ${current.folder} and baseline '${baseline.name}': ${why}`);
  }
  const tests = decide(pending, tol);
  const capacity: CapacityComparison[] = [];
  for (const [name, numbers] of currentPhases) {
    const base = baseline.phases[name]?.capacity;
    if (base && numbers.capacity) capacity.push(compareCapacity(name, base, numbers.capacity, tol));
  }
  const regressions: Regression[] = [];
  for (const c of capacity.filter((x) => x.verdict === 'regression')) {
    regressions.push({ phase: c.phase, resource: ALL, op: 'sustainable', metric: 'capacity', baseline: c.baseline.rate, current: c.current.rate, limit: c.limit });
  }
  for (const row of rows) {
    for (const m of row.metrics) {
      if (m.verdict === 'regression') {
        regressions.push({ phase: row.phase, resource: row.resource, op: row.op, metric: m.metric, baseline: m.baseline ?? 0, current: m.current ?? 0, limit: m.limit, test: m.test });
      }
    }
  }
  if (!baselineHasHistograms(baseline)) {
    notes.add(`baseline '${baseline.name}' has no latency histograms (format ${baseline.format}): latency is not judged; save the baseline again to judge it`);
  }
  return {
    format: COMPARISON_FORMAT,
    baseline: { name: baseline.name, file: baselineFile, savedAt: baseline.savedAt, folder: baseline.source.folder, format: baseline.format },
    comparedAt: now.toISOString(),
    tolerances: tol,
    method: { alpha: tol.alpha, tests, description: METHOD_DESCRIPTION },
    fingerprint: { baseline: baseline.fingerprint, current: currentFingerprint, differences: fingerprintDifferences(baseline.fingerprint, currentFingerprint) },
    phaseNotes: [...phaseNotes, ...notes],
    rows,
    ...(capacity.length > 0 ? { capacity } : {}),
    regressions,
    verdict: regressions.length > 0 ? 'regression' : 'pass',
  };
}

function baselineHasHistograms(baseline: Baseline): boolean {
  return Object.values(baseline.phases).some((p) => p.rows.some((r) => r.histogram));
}

/**
 * Holm's adjustment over every test of the comparison, then the verdicts: a change beyond the tolerance is a
 * regression only when its adjusted p-value is below alpha; p95 and p99 only when the row's median is a
 * regression too (a stall on a loaded machine stretches the tail of a few requests; a slower service moves
 * the median as well). Returns the number of tests.
 */
function decide(pending: Pending[], tol: Tolerances): number {
  const tested = pending.filter((x) => x.raw);
  const adjusted = holmAdjust(tested.map((x) => (x.raw as RawTest).p));
  tested.forEach((x, i) => (x.metric.test = { ...(x.raw as RawTest), pAdjusted: adjusted[i] }));
  const significant = (x: Pending) => x.metric.test !== undefined && x.metric.test.pAdjusted < tol.alpha;
  const medianRegressed = new Set<RowComparison>();
  for (const x of pending) {
    if (x.metric.metric === 'p50' && x.beyond && significant(x)) medianRegressed.add(x.row);
  }
  for (const x of pending) {
    const m = x.metric;
    if (m.metric === 'throughput' || m.verdict === 'not-judged' || !x.beyond) continue;
    const p = m.test ? `p ${formatP(m.test.pAdjusted)} after Holm over ${tested.length} tests` : 'no test';
    if (!significant(x)) {
      m.verdict = 'ok';
      m.note = `beyond the tolerance but not significant (${p}; needs < ${tol.alpha})`;
    } else if ((m.metric === 'p95' || m.metric === 'p99') && !medianRegressed.has(x.row)) {
      m.verdict = 'ok';
      m.note = 'the tail grew but the median did not move beyond its tolerance: not a regression by itself';
    } else {
      m.verdict = 'regression';
    }
  }
  return tested.length;
}

/** A p-value for people: 0.032, 4e-5, < 1e-12. */
export function formatP(p: number): string {
  if (p < 1e-12) return '<1e-12';
  if (p < 0.001) return p.toExponential(0).replace('e-', 'e-');
  return p < 0.01 ? p.toFixed(3) : p.toFixed(2);
}

/** Checks the shape of a baseline file read from disk; throws BaselineInputError naming the problem. */
export function validateBaseline(value: unknown, file: string): Baseline {
  const b = value as Partial<Baseline> | undefined;
  if (!b || typeof b !== 'object' || !BASELINE_FORMATS.includes(String(b.format)) || typeof b.phases !== 'object' || b.phases === null || typeof b.fingerprint !== 'object' || b.fingerprint === null) {
    throw new BaselineInputError(`${file} is not a baseline of this suite (expected "format": "${BASELINE_FORMAT}"); save one with: node --import tsx tools/baseline/main.ts save <results-folder> NAME`);
  }
  for (const [phase, numbers] of Object.entries(b.phases)) {
    if (!numbers || !Array.isArray(numbers.rows)) throw new BaselineInputError(`${file}: phase ${phase} has no rows; save the baseline again`);
  }
  return b as Baseline;
}
