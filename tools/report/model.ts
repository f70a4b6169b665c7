// k6 summary data (handleSummary's legacy shape, as saved in <phase>/summary.json) -> the numbers the
// report and the baselines show. Pure: no file system, unit-tested with saved summaries.
import type { MetricSummary, SummaryData } from '../../src/summary/summary.ts';

export type { MetricSummary, SummaryData };

export interface MetricName {
  name: string;
  tags: Record<string, string>;
}

/** 'http_req_duration{resource:students,op:create}' -> { name, tags: { resource, op } }. */
export function parseMetricName(id: string): MetricName {
  const open = id.indexOf('{');
  if (open < 0 || !id.endsWith('}')) return { name: id, tags: {} };
  const tags: Record<string, string> = {};
  for (const part of id.slice(open + 1, -1).split(',')) {
    const colon = part.indexOf(':');
    if (colon > 0) tags[part.slice(0, colon).trim()] = part.slice(colon + 1).trim();
  }
  return { name: id.slice(0, open), tags };
}

function sameTags(tags: Record<string, string>, keys: string[]): boolean {
  const own = Object.keys(tags);
  return own.length === keys.length && keys.every((k) => k in tags);
}

/** Sub-metrics of `metric` keyed by exactly the given tags (e.g. resource+op), as 'v1|v2' -> summary. */
export function subMetrics(data: SummaryData, metric: string, keys: string[]): Map<string, { tags: Record<string, string>; summary: MetricSummary }> {
  const out = new Map<string, { tags: Record<string, string>; summary: MetricSummary }>();
  for (const [id, summary] of Object.entries(data.metrics ?? {})) {
    const parsed = parseMetricName(id);
    if (parsed.name !== metric || !sameTags(parsed.tags, keys)) continue;
    out.set(keys.map((k) => parsed.tags[k]).join('|'), { tags: parsed.tags, summary });
  }
  return out;
}

export interface LatencyStats {
  avg?: number;
  min?: number;
  p50?: number;
  p90?: number;
  p95?: number;
  p99?: number;
  max?: number;
}

function latency(summary: MetricSummary | undefined, count: number): LatencyStats {
  // A sub-metric without samples reports zeros: that is "no data", not "0 ms".
  if (!summary || count === 0) return {};
  const v = summary.values;
  return { avg: v.avg, min: v.min, p50: v.med, p90: v['p(90)'], p95: v['p(95)'], p99: v['p(99)'], max: v.max };
}

export interface OpRow extends LatencyStats {
  resource: string;
  op: string;
  count: number;
  /** Requests per second over the phase's run time. */
  rate: number;
  /**
   * Share of requests that failed after their retries (`dms_request_failed`, one sample per request); for
   * results older than that metric, the share of attempts k6 marked failed. Undefined without requests.
   */
  errorRate?: number;
  failed: number;
  /** Share of attempts k6 marked failed (`http_req_failed`: retried ones included, what DMS saw). */
  attemptErrorRate?: number;
  /** Answers with a status the scenario did not expect (after retries). */
  unexpected: number;
}

const OP_ORDER = ['create', 'lookup', 'read', 'query', 'update', 'delete', 'verify-deleted'];

function opRank(op: string): number {
  const i = OP_ORDER.indexOf(op);
  return i < 0 ? OP_ORDER.length : i;
}

export function runSeconds(data: SummaryData): number | undefined {
  const ms = data.state?.testRunDurationMs;
  return typeof ms === 'number' && ms > 0 ? ms / 1000 : undefined;
}

/** One row per resource and operation that has an http_req_duration{resource,op} sub-metric (its count is the request count). */
export function opRows(data: SummaryData): OpRow[] {
  const keys = ['resource', 'op'];
  const reqs = subMetrics(data, 'http_reqs', keys);
  const durations = subMetrics(data, 'http_req_duration', keys);
  const failed = subMetrics(data, 'http_req_failed', keys);
  const outcomes = subMetrics(data, 'dms_request_failed', keys);
  const unexpected = subMetrics(data, 'dms_unexpected_status', keys);
  const seconds = runSeconds(data);
  const rows: OpRow[] = [];
  for (const [key, { tags, summary }] of durations) {
    const count = summary.values.count ?? reqs.get(key)?.summary.values.count ?? 0;
    const attempts = failedShare(failed.get(key)?.summary.values, count);
    const outcome = outcomeShare(outcomes.get(key)?.summary.values);
    rows.push({
      resource: tags.resource,
      op: tags.op,
      count,
      rate: seconds ? count / seconds : (reqs.get(key)?.summary.values.rate ?? 0),
      ...latency(summary, count),
      errorRate: outcome ? outcome.rate : attempts?.rate,
      failed: outcome ? outcome.failed : (attempts?.failed ?? 0),
      attemptErrorRate: attempts?.rate,
      unexpected: unexpected.get(key)?.summary.values.count ?? 0,
    });
  }
  return rows.sort((a, b) => a.resource.localeCompare(b.resource) || opRank(a.op) - opRank(b.op) || a.op.localeCompare(b.op));
}

/** Failed attempts of an http_req_failed (sub-)metric over `count` attempts. */
function failedShare(values: Record<string, number> | undefined, count: number): { rate: number; failed: number } | undefined {
  if (!values || count <= 0) return undefined;
  const failed = values.passes ?? Math.round((values.rate ?? 0) * count);
  return { rate: failed / count, failed };
}

/** Requests failed after their retries, from a dms_request_failed (sub-)metric (true = failed). */
function outcomeShare(values: Record<string, number> | undefined): { rate: number; failed: number } | undefined {
  if (!values) return undefined;
  const failed = values.passes ?? 0;
  const total = failed + (values.fails ?? 0);
  return total > 0 ? { rate: failed / total, failed } : undefined;
}

export interface Totals extends LatencyStats {
  seconds?: number;
  requests: number;
  rate: number;
  /** As OpRow.errorRate: after retries when the results have dms_request_failed, else per attempt. */
  errorRate?: number;
  failed: number;
  attemptErrorRate?: number;
  unexpected: number;
  checksRate?: number;
  iterations?: number;
  vusMax?: number;
}

/** Data API totals (the {api:data} sub-metrics; every request when they are missing). */
export function totals(data: SummaryData): Totals {
  const m = data.metrics ?? {};
  const suffix = m['http_reqs{api:data}'] ? '{api:data}' : '';
  const requests = m[`http_reqs${suffix}`]?.values.count ?? 0;
  const attempts = failedShare(m[`http_req_failed${suffix}`]?.values, requests);
  const outcome = outcomeShare(m[`dms_request_failed${suffix}`]?.values);
  const seconds = runSeconds(data);
  return {
    seconds,
    requests,
    rate: seconds ? requests / seconds : (m[`http_reqs${suffix}`]?.values.rate ?? 0),
    ...latency(m[`http_req_duration${suffix}`], requests),
    errorRate: outcome ? outcome.rate : attempts?.rate,
    failed: outcome ? outcome.failed : (attempts?.failed ?? 0),
    attemptErrorRate: attempts?.rate,
    unexpected: m.dms_unexpected_status?.values.count ?? 0,
    checksRate: m.checks?.values.rate,
    iterations: m.iterations?.values.count,
    vusMax: m.vus_max?.values.value ?? m.vus_max?.values.max,
  };
}

export interface ThresholdRow {
  metric: string;
  expression: string;
  ok: boolean;
}

/** Failed thresholds first, then by metric name. */
export function thresholdRows(data: SummaryData): ThresholdRow[] {
  const out: ThresholdRow[] = [];
  for (const [metric, summary] of Object.entries(data.metrics ?? {})) {
    for (const [expression, result] of Object.entries(summary.thresholds ?? {})) out.push({ metric, expression, ok: result.ok === true });
  }
  return out.sort((a, b) => Number(a.ok) - Number(b.ok) || a.metric.localeCompare(b.metric) || a.expression.localeCompare(b.expression));
}

export interface EntityRow {
  resource: string;
  ensured: number;
  created?: number;
  /** From the phase's own threshold `count==N`. */
  expected?: number;
  ok?: boolean;
}

export function entityRows(data: SummaryData): EntityRow[] {
  const ensured = subMetrics(data, 'entities_ensured', ['resource']);
  // Created = ensured minus those that already existed (DMS answered 200); older runs counted entities_created.
  const existing = subMetrics(data, 'entities_existing', ['resource']);
  const created = subMetrics(data, 'entities_created', ['resource']);
  const rows: EntityRow[] = [];
  for (const [resource, { summary }] of ensured) {
    const row: EntityRow = { resource, ensured: summary.values.count ?? 0 };
    const e = existing.get(resource);
    const c = created.get(resource);
    if (e) row.created = row.ensured - (e.summary.values.count ?? 0);
    else if (c) row.created = c.summary.values.count ?? 0;
    for (const [expression, result] of Object.entries(summary.thresholds ?? {})) {
      const match = /^count\s*==\s*(\d+)$/.exec(expression.trim());
      if (match) {
        row.expected = Number(match[1]);
        row.ok = result.ok === true;
      }
    }
    rows.push(row);
  }
  return rows.sort((a, b) => a.resource.localeCompare(b.resource));
}

export interface TokenInfo {
  requests?: number;
  duration: LatencyStats;
  /** Requests to the token endpoint and to the token broker seen by k6 itself. */
  tokenHttp?: { count: number } & LatencyStats;
  brokerHttp?: { count: number } & LatencyStats;
}

function trendWithCount(summary: MetricSummary | undefined): ({ count: number } & LatencyStats) | undefined {
  if (!summary) return undefined;
  const count = summary.values.count ?? 0;
  return { count, ...latency(summary, count) };
}

export function tokenInfo(data: SummaryData): TokenInfo {
  const m = data.metrics ?? {};
  const requests = m.token_requests?.values.count;
  const durationCount = m.token_request_duration?.values.count ?? requests ?? 0;
  return {
    requests,
    duration: latency(m.token_request_duration, durationCount),
    tokenHttp: trendWithCount(m['http_req_duration{api:token}']),
    brokerHttp: trendWithCount(m['http_req_duration{api:broker}']),
  };
}

export interface CountRow {
  key: string;
  count: number;
}

export function retryRows(data: SummaryData): CountRow[] {
  const rows: CountRow[] = [];
  for (const [reason, { summary }] of subMetrics(data, 'dms_retries', ['reason'])) rows.push({ key: reason, count: summary.values.count ?? 0 });
  return rows.sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}

export interface CheckRow {
  name: string;
  passes: number;
  fails: number;
}

interface Group {
  checks?: Array<{ name?: string; passes?: number; fails?: number }>;
  groups?: Group[];
}

export function checkRows(data: SummaryData): CheckRow[] {
  const out: CheckRow[] = [];
  const walk = (group: Group | undefined) => {
    if (!group) return;
    for (const c of group.checks ?? []) out.push({ name: String(c.name ?? ''), passes: c.passes ?? 0, fails: c.fails ?? 0 });
    for (const g of group.groups ?? []) walk(g);
  };
  walk(data.root_group as Group | undefined);
  // The same check in setup() and in the iterations: one row.
  const merged = new Map<string, CheckRow>();
  for (const row of out) {
    const seen = merged.get(row.name);
    if (seen) {
      seen.passes += row.passes;
      seen.fails += row.fails;
    } else merged.set(row.name, { ...row });
  }
  return [...merged.values()].sort((a, b) => b.fails - a.fails || a.name.localeCompare(b.name));
}

export interface SimRouteRow {
  method: string;
  route: string;
  status: string;
  count: number;
}

/** The stand-in's 'POST /data/ed-fi/students 201' counters as rows, busiest route first. */
export function simRouteRows(stats: unknown): SimRouteRow[] {
  const by = (stats as { requests?: { byMethodRouteStatus?: Record<string, unknown> } } | undefined)?.requests?.byMethodRouteStatus;
  if (!by || typeof by !== 'object') return [];
  const rows: SimRouteRow[] = [];
  for (const [key, count] of Object.entries(by)) {
    if (typeof count !== 'number') continue;
    const match = /^(\S+) (.+) (\d{3})$/.exec(key);
    rows.push(match ? { method: match[1], route: match[2], status: match[3], count } : { method: '', route: key, status: '', count });
  }
  return rows.sort((a, b) => a.route.localeCompare(b.route) || a.method.localeCompare(b.method) || a.status.localeCompare(b.status));
}
