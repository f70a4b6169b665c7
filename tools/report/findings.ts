// The answer first: what a reader of a run needs before any table. The verdict and its reasons, the
// slowest resource/operation pairs against their latency limits, what failed after the client's retries
// (and the first problem DMS reported for it), what was retried and then succeeded (not a failure), and
// what capped throughput when something did (a rate limiter, an open breaker, the load generator).
// Pure: built from a ResultsFolder; shown at the top of report.html and in the runner's last console lines.
//
// Sources (docs/reports-and-baselines.md): k6's summary.json per phase. Outcome metrics
// `dms_request_failed` / `dms_operation_failed` (Rate, tags resource, op; one sample per logical request or
// operation after its retries) and the `problems` field are read when present; results written before
// they existed fall back to `dms_unexpected_status` (answers the client did not expect, after retries).
import { ALL, type Comparison, type RowComparison } from '../baseline/baseline.ts';
import { opRows, subMetrics, thresholdRows, type SummaryData } from './model.ts';
import { capacityLine } from '../../src/workloads/capacity.ts';
import { asCapacity } from '../workloads/capacity-text.ts';
import { asWorkload, workloadLine } from '../workloads/workload-text.ts';
import { asSoak, soakLine } from '../workloads/soak.ts';
import type { GeneratorVerdict } from '../generator/verdict.ts';
import type { PhaseResults, ResultsFolder } from './results.ts';

/** How many items a list at the top shows before "and N more". */
export const TOP = 5;

export interface SlowPair {
  phase: string;
  resource: string;
  op: string;
  count: number;
  /** ms */
  p95: number;
  /** The p95 limit that applies to this pair, ms: its own threshold, else the phase's data-call threshold. */
  limitMs?: number;
  /** p95 / limit; > 1 is over the limit. */
  share?: number;
}

export interface FailureRow {
  phase: string;
  resource: string;
  op: string;
  /** Logical data requests that failed after their retries / all of them (dms_request_failed). */
  failedRequests?: number;
  requests?: number;
  /** Operations that failed for any reason / all of them (dms_operation_failed). */
  failedOperations?: number;
  operations?: number;
  /** Answers with a status the client did not expect, after retries (dms_unexpected_status). */
  unexpected: number;
  /** 'status count' pairs, e.g. '409 x 12', when the summary has them per status. */
  statuses: string[];
}

/** One problem as the runner merges it into summary.json (`problems`), with its phase. */
export interface ProblemRow {
  phase: string;
  resource: string;
  op: string;
  method?: string;
  status?: number;
  kind?: string;
  contentType?: string;
  problemType?: string;
  title?: string;
  detail?: string;
  /** errors / validationErrors in one line. */
  errors?: string;
  message?: string;
  bodySnippet?: string;
  count: number;
}

export interface RetryRow {
  phase: string;
  reason: string;
  count: number;
}

export type CapKind = 'rate-limiter' | 'breaker' | 'load-generator' | 'target-waits';

export interface Cap {
  phase: string;
  kind: CapKind;
  text: string;
}

export interface FailureTotals {
  phase: string;
  /** 'outcomes': dms_request_failed / dms_operation_failed; 'unexpected-statuses': the fallback of old results. */
  source: 'outcomes' | 'unexpected-statuses';
  failedRequests?: number;
  requests?: number;
  failedOperations?: number;
  operations?: number;
  unexpected: number;
}

export interface BaselineFindings {
  name: string;
  verdict: string;
  /** One line per regression (at most TOP); `more` counts the rest. */
  lines: string[];
  more: number;
  compared: number;
}

export interface Findings {
  status: 'PASS' | 'FAIL' | 'UNKNOWN';
  /** Why, in words: the runner's reason, then each failed threshold and regression. PASS: what held. */
  reasons: string[];
  slowest: SlowPair[];
  failures: FailureRow[];
  failureTotals: FailureTotals[];
  problems: ProblemRow[];
  retries: RetryRow[];
  caps: Cap[];
  baseline?: BaselineFindings;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** 'p(95)<500' or 'p(95)<=500' -> 500. */
export function p95Limit(expressions: string[]): number | undefined {
  for (const e of expressions) {
    const m = /^\s*p\(95\)\s*<=?\s*([\d.]+)\s*$/.exec(e);
    if (m) return Number(m[1]);
  }
  return undefined;
}

function limitOf(data: SummaryData, resource: string, op: string): number | undefined {
  const own = data.metrics[`http_req_duration{resource:${resource},op:${op}}`]?.thresholds;
  const phase = data.metrics['http_req_duration{api:data}']?.thresholds ?? data.metrics.http_req_duration?.thresholds;
  return p95Limit(Object.keys(own ?? {})) ?? p95Limit(Object.keys(phase ?? {}));
}

export function slowestPairs(phases: readonly PhaseResults[], max = TOP): { top: SlowPair[]; total: number } {
  const all: SlowPair[] = [];
  for (const p of phases) {
    if (!p.summary) continue;
    for (const r of opRows(p.summary)) {
      if (r.count === 0 || r.p95 === undefined) continue;
      const limitMs = limitOf(p.summary, r.resource, r.op);
      all.push({ phase: p.name, resource: r.resource, op: r.op, count: r.count, p95: r.p95, limitMs, share: limitMs ? r.p95 / limitMs : undefined });
    }
  }
  all.sort((a, b) => b.p95 - a.p95 || a.phase.localeCompare(b.phase) || a.resource.localeCompare(b.resource));
  return { top: all.slice(0, max), total: all.length };
}

/** Rate sub-metric -> [true samples, all samples]; undefined when absent. */
function rateCounts(values: Record<string, number> | undefined): [number, number] | undefined {
  if (!values) return undefined;
  const passes = values.passes ?? 0;
  const fails = values.fails ?? 0;
  return [passes, passes + fails];
}

function hasOutcomeMetrics(data: SummaryData): boolean {
  return Object.keys(data.metrics).some((k) => k.startsWith('dms_request_failed') || k.startsWith('dms_operation_failed'));
}

export function failureRows(phase: string, data: SummaryData): { rows: FailureRow[]; totals: FailureTotals } {
  const keys = ['resource', 'op'];
  const requests = subMetrics(data, 'dms_request_failed', keys);
  const operations = subMetrics(data, 'dms_operation_failed', keys);
  const unexpected = subMetrics(data, 'dms_unexpected_status', keys);
  const byStatus = subMetrics(data, 'dms_unexpected_status', ['resource', 'op', 'status']);
  const pairs = new Map<string, { resource: string; op: string }>();
  for (const m of [requests, operations, unexpected]) for (const [key, { tags }] of m) pairs.set(key, { resource: tags.resource, op: tags.op });
  const rows: FailureRow[] = [];
  for (const [key, { resource, op }] of pairs) {
    const req = rateCounts(requests.get(key)?.summary.values);
    const ops = rateCounts(operations.get(key)?.summary.values);
    const statuses = [...byStatus.values()]
      .filter((s) => s.tags.resource === resource && s.tags.op === op && (s.summary.values.count ?? 0) > 0)
      .sort((a, b) => (b.summary.values.count ?? 0) - (a.summary.values.count ?? 0))
      .map((s) => `${s.tags.status} x ${s.summary.values.count}`);
    const row: FailureRow = {
      phase,
      resource,
      op,
      failedRequests: req?.[0],
      requests: req?.[1],
      failedOperations: ops?.[0],
      operations: ops?.[1],
      unexpected: unexpected.get(key)?.summary.values.count ?? 0,
      statuses,
    };
    if ((row.failedRequests ?? 0) > 0 || (row.failedOperations ?? 0) > 0 || row.unexpected > 0) rows.push(row);
  }
  rows.sort((a, b) => failedOf(b) - failedOf(a) || a.resource.localeCompare(b.resource) || a.op.localeCompare(b.op));
  const m = data.metrics;
  const totalReq = rateCounts(m['dms_request_failed{api:data}']?.values ?? m.dms_request_failed?.values);
  const totalOps = rateCounts(m.dms_operation_failed?.values);
  return {
    rows,
    totals: {
      phase,
      source: hasOutcomeMetrics(data) ? 'outcomes' : 'unexpected-statuses',
      failedRequests: totalReq?.[0],
      requests: totalReq?.[1],
      failedOperations: totalOps?.[0],
      operations: totalOps?.[1],
      unexpected: m.dms_unexpected_status?.values.count ?? 0,
    },
  };
}

/** The largest failure count of a row, whichever metric has it. */
export function failedOf(r: FailureRow): number {
  return Math.max(r.failedRequests ?? 0, r.failedOperations ?? 0, r.unexpected);
}

function oneLine(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value || undefined;
  const text = JSON.stringify(value);
  return text === '{}' || text === '[]' ? undefined : text;
}

export function problemRows(phase: string, data: SummaryData): ProblemRow[] {
  const list = (data as { problems?: unknown }).problems;
  if (!Array.isArray(list)) return [];
  const rows: ProblemRow[] = [];
  for (const item of list) {
    if (!item || typeof item !== 'object') continue;
    const p = item as Record<string, unknown>;
    const errors = [oneLine(p.errors), oneLine(p.validationErrors)].filter(Boolean).join(' ');
    rows.push({
      phase: str(p.phase) ?? phase,
      resource: str(p.resource) ?? '?',
      op: str(p.op) ?? '?',
      method: str(p.method),
      status: num(p.status),
      kind: str(p.kind),
      contentType: str(p.contentType),
      problemType: str(p.problemType),
      title: str(p.title),
      detail: str(p.detail),
      errors: errors || undefined,
      message: str(p.message),
      bodySnippet: str(p.bodySnippet),
      count: num(p.count) ?? 1,
    });
  }
  return rows.sort((a, b) => b.count - a.count || a.resource.localeCompare(b.resource));
}

export function retryRowsOf(phase: string, data: SummaryData): RetryRow[] {
  const rows: RetryRow[] = [];
  for (const [reason, { summary }] of subMetrics(data, 'dms_retries', ['reason'])) {
    const count = summary.values.count ?? 0;
    if (count > 0) rows.push({ phase, reason, count });
  }
  return rows.sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
}

/** True for an arrival-rate (open model) phase: k6 reports dropped_iterations only for those executors. */
export function isOpenModel(data: SummaryData | undefined, configuredRate?: number): boolean {
  return (data?.metrics.dropped_iterations !== undefined) || (configuredRate ?? 0) > 0;
}

/**
 * Retried answers of one reason count as capping throughput when they are at least this share of the
 * phase's data request attempts (and CAP_MIN_SHARE_COUNT), or CAP_MIN_COUNT of them; fewer are a brief
 * push-back, said as such.
 */
export const CAP_SHARE = 0.01;
export const CAP_MIN_COUNT = 100;
/** A share of a handful of answers is no evidence: the share rule needs at least this many. */
export const CAP_MIN_SHARE_COUNT = 10;

/** summary.json's `generator` (tools/generator/verdict.ts), written by the runner after the phase. */
export function generatorOf(data: SummaryData | undefined): GeneratorVerdict | undefined {
  const g = (data as { generator?: unknown } | undefined)?.generator;
  if (!g || typeof g !== 'object' || typeof (g as GeneratorVerdict).bound !== 'boolean' || !Array.isArray((g as GeneratorVerdict).reasons)) return undefined;
  return g as GeneratorVerdict;
}

/** The setting that sizes a phase's VU pool: VUS_READWRITE_PHASE, VUS_CAPACITY_PHASE, ... */
export function vusSetting(phase: string): string {
  return `VUS_${phase.toUpperCase().replace(/-/g, '_')}_PHASE`;
}

export function capsOf(phase: string, data: SummaryData, isStandIn: boolean): Cap[] {
  const caps: Cap[] = [];
  const retries = new Map(retryRowsOf(phase, data).map((r) => [r.reason, r.count]));
  const attempts = data.metrics['http_reqs{api:data}']?.values.count ?? data.metrics.http_reqs?.values.count ?? 0;
  const capping = (count: number) => count >= CAP_MIN_COUNT || (count >= CAP_MIN_SHARE_COUNT && attempts > 0 && count / attempts >= CAP_SHARE);
  const limited = retries.get('rate-limited') ?? 0;
  if (limited > 0) {
    const whose = isStandIn ? "the stand-in's rate limiter, SIM_RATE_LIMIT_*" : "DMS's rate limiter or a gateway's";
    caps.push({
      phase,
      kind: 'rate-limiter',
      text: capping(limited)
        ? `429 x ${limited}: throughput is the limiter's, not DMS's (${whose}; the requests were retried)`
        : `429 x ${limited}: brief push-back from ${whose}; the requests were retried`,
    });
  }
  const unavailable = retries.get('unavailable') ?? 0;
  if (unavailable > 0) {
    caps.push({
      phase,
      kind: 'breaker',
      text: capping(unavailable)
        ? `503 x ${unavailable}: an open circuit breaker (or an overloaded DMS) answered Service Unavailable; throughput was cut while it lasted (retried)`
        : `503 x ${unavailable}: Service Unavailable for a moment (a circuit breaker or an overloaded DMS); retried`,
    });
  }
  const breakerWaits = retries.get('breaker') ?? 0;
  if (breakerWaits > 0) {
    const stalled = data.metrics.dms_breaker_wait_seconds?.values.count ?? 0;
    caps.push({
      phase,
      kind: 'breaker',
      text: `an open circuit breaker stalled the run: ${breakerWaits} requests waited out its 503 Retry-After once (${Math.round(stalled)} VU-seconds in all); throughput in that time is the breaker's, not DMS's`,
    });
  }
  const generator = generatorOf(data);
  if (generator?.bound) {
    caps.push({ phase, kind: 'load-generator', text: `generator-bound: ${generator.reasons.join('; ')}` });
    return caps;
  }
  const dropped = data.metrics.dropped_iterations?.values.count ?? 0;
  if (dropped > 0) {
    const done = data.metrics.iterations?.values.count ?? 0;
    // Dropped iterations say every VU was busy. Busy waiting on DMS (retries, a breaker) is DMS's doing;
    // without such waits it is the VU pool or k6's CPU, or DMS answering slower than the pool allows for.
    const waited = [...retries.values()].reduce((sum, n) => sum + n, 0);
    caps.push({
      phase,
      kind: waited > 0 ? 'target-waits' : 'load-generator',
      text: waited > 0
        ? `k6 dropped ${dropped} of ${dropped + done} planned iterations: its VUs were busy waiting on DMS (${waited} retried answers, above), so the arrival rate was not met; that is DMS's doing, not the load generator's`
        : `k6 dropped ${dropped} of ${dropped + done} planned iterations: every VU was busy, either because DMS answered slower than the VU pool allows for at this rate (raise ${vusSetting(phase)}) or because k6 lacked CPU; compare the latency with earlier runs before blaming DMS`,
    });
  }
  return caps;
}

function baselineFindings(c: Comparison): BaselineFindings {
  const label = (r: { phase: string; resource: string; op: string }) => (r.resource === ALL ? `${r.phase} all data requests` : `${r.phase} ${r.resource} ${r.op}`);
  const round = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : String(Math.round(v * 100) / 100));
  const unit = (metric: string) => (metric === 'throughput' ? ' req/s' : metric === 'errorRate' ? '' : ' ms');
  const lines = c.regressions.map((r) =>
    r.metric === 'capacity'
      ? `${r.phase} sustainable capacity ${r.baseline} -> ${r.current} iterations/s (allowed ${r.limit}; one figure per run, no significance test)`
      : `${label(r)} ${r.metric === 'errorRate' ? 'error rate' : r.metric} ${round(r.baseline)} -> ${round(r.current)}${unit(r.metric)} (allowed ${r.limit})`);
  const compared = c.rows.filter((r: RowComparison) => r.status === 'compared').length;
  return {
    name: c.baseline.name,
    verdict: c.verdict === 'pass' ? 'no regression' : `${c.regressions.length} regression(s)`,
    lines: lines.slice(0, TOP),
    more: Math.max(0, lines.length - TOP),
    compared,
  };
}

export interface FindingsInput {
  results: ResultsFolder;
  status: 'PASS' | 'FAIL' | 'UNKNOWN';
  comparison?: Comparison;
}

export function buildFindings({ results, status, comparison }: FindingsInput): Findings {
  const isStandIn = results.run?.target === 'sim';
  const reasons: string[] = [];
  if (status !== 'PASS' && results.run?.reason) reasons.push(results.run.reason);
  // (A failed run's capacity, if any, is in its reason or in the phase's own section.)
  const failures: FailureRow[] = [];
  const failureTotals: FailureTotals[] = [];
  const problems: ProblemRow[] = [];
  const retries: RetryRow[] = [];
  const caps: Cap[] = [];
  let thresholdsTotal = 0;
  const capacities: string[] = [];
  for (const p of results.phases) {
    if (!p.summary) {
      if (status !== 'PASS') reasons.push(`phase ${p.name}: no summary (k6 did not finish it)`);
      continue;
    }
    const capacity = asCapacity((p.summary as { capacity?: unknown }).capacity);
    if (capacity) capacities.push(`phase ${p.name}: ${capacityLine(capacity)}`);
    const workload = asWorkload((p.summary as { workload?: unknown }).workload);
    if (workload) capacities.push(`phase ${p.name}: ${workloadLine(workload)}`);
    const soak = asSoak((p.summary as { soak?: unknown }).soak);
    if (soak) capacities.push(`phase ${p.name}: ${soakLine(soak)}`);
    const thresholds = thresholdRows(p.summary);
    thresholdsTotal += thresholds.length;
    for (const t of thresholds.filter((x) => !x.ok)) {
      // The runner's reason names the first few failed thresholds already.
      if (!results.run?.reason?.includes(`${t.metric} ${t.expression}`)) reasons.push(`phase ${p.name}: threshold ${t.metric} ${t.expression} failed`);
    }
    const f = failureRows(p.name, p.summary);
    failures.push(...f.rows);
    failureTotals.push(f.totals);
    problems.push(...problemRows(p.name, p.summary));
    retries.push(...retryRowsOf(p.name, p.summary));
    caps.push(...capsOf(p.name, p.summary, isStandIn));
  }
  const baseline = comparison ? baselineFindings(comparison) : undefined;
  if (baseline && comparison?.verdict !== 'pass') reasons.push(`baseline ${baseline.name}: ${baseline.verdict}`);
  if (status === 'PASS' && reasons.length === 0) {
    const phases = results.phases.filter((p) => p.summary).map((p) => p.name);
    // A capacity, or a workload's figure beside Ed-Fi's, is the result of its phase: said first.
    reasons.push(...capacities);
    reasons.push(`all ${thresholdsTotal} thresholds passed${phases.length ? ` (${phases.join(', ')})` : ''}${baseline ? `; baseline ${baseline.name}: ${baseline.verdict}` : ''}`);
  }
  failures.sort((a, b) => failedOf(b) - failedOf(a));
  return { status, reasons: [...new Set(reasons)], slowest: slowestPairs(results.phases).top, failures, failureTotals, problems, retries, caps, baseline };
}
