// End-of-test output: the summary JSON for the results folder (secrets scrubbed, the percentile ladder
// turned into latency `histograms`) and a short text summary for the console. Pure: unit-tested under Node with saved k6
// summary data.
import { histogramsFromMetrics, LADDER_STATS, type Histogram } from './latency-histogram.ts';
import type { SegmentRecord } from '../phase/segment.ts';

export interface MetricSummary {
  type: 'counter' | 'gauge' | 'rate' | 'trend';
  contains?: string;
  values: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
}

export interface SummaryData {
  metrics: Record<string, MetricSummary>;
  state?: { testRunDurationMs?: number };
  setup_data?: unknown;
  /** Latency histograms per '<resource> <op>' and '(all) (all)' (src/summary/latency-histogram.ts). */
  histograms?: Record<string, Histogram>;
  [key: string]: unknown;
}

/** setup() data holds the bearer token and k6 copies it into every summary: drop it. */
export function scrubSummary(data: SummaryData): SummaryData {
  const { setup_data: _dropped, ...rest } = data;
  void _dropped;
  return rest as SummaryData;
}

export interface ThresholdResult {
  metric: string;
  expression: string;
  ok: boolean;
}

export function thresholdResults(data: SummaryData): ThresholdResult[] {
  const out: ThresholdResult[] = [];
  for (const [metric, summary] of Object.entries(data.metrics)) {
    for (const [expression, result] of Object.entries(summary.thresholds ?? {})) {
      out.push({ metric, expression, ok: result.ok });
    }
  }
  return out.sort((a, b) => Number(a.ok) - Number(b.ok) || a.metric.localeCompare(b.metric));
}

/** Values of the sub-metrics of `metric` split by one tag, e.g. entities_ensured by resource. */
export function byTag(data: SummaryData, metric: string, tag: string): Record<string, MetricSummary> {
  const out: Record<string, MetricSummary> = {};
  const prefix = `${metric}{${tag}:`;
  for (const [name, summary] of Object.entries(data.metrics)) {
    if (name.startsWith(prefix) && name.endsWith('}') && !name.slice(prefix.length).includes(',')) {
      out[name.slice(prefix.length, -1)] = summary;
    }
  }
  return out;
}

function value(data: SummaryData, metric: string, key: string): number | undefined {
  return data.metrics[metric]?.values[key];
}

const fmt = {
  ms: (v: number | undefined) => (v === undefined ? '-' : `${v.toFixed(1)} ms`),
  pct: (v: number | undefined) => (v === undefined ? '-' : `${(v * 100).toFixed(2)}%`),
  n: (v: number | undefined) => (v === undefined ? '-' : String(Math.round(v))),
};

/** Samples of a k6 Rate: `passes` (true samples) + `fails` (false samples). */
function rateSamples(data: SummaryData, metric: string): number | undefined {
  const values = data.metrics[metric]?.values;
  return values === undefined ? undefined : (values.passes ?? 0) + (values.fails ?? 0);
}

/**
 * `retried rate-limited 12, dependency 3` from the dms_retries{reason} sub-metrics (attempts that were
 * retried: not failures unless the request's retries ran out); `retried none` when nothing was.
 */
export function retriesLine(data: SummaryData): string {
  const parts = Object.entries(byTag(data, 'dms_retries', 'reason'))
    .filter(([, m]) => (m.values.count ?? 0) > 0)
    .sort(([, a], [, b]) => (b.values.count ?? 0) - (a.values.count ?? 0))
    .map(([reason, m]) => `${reason} ${fmt.n(m.values.count)}`);
  const stalled = value(data, 'dms_breaker_wait_seconds', 'count');
  const stall = stalled ? ` (an open circuit breaker stalled VUs ${Math.round(stalled)} s in all)` : '';
  return parts.length > 0 ? `retried ${parts.join(', ')}${stall}` : 'retried none';
}

export function textSummary(data: SummaryData, phase: string): string {
  const lines: string[] = [];
  const seconds = (data.state?.testRunDurationMs ?? 0) / 1000;
  lines.push(`── ${phase} phase summary (${seconds.toFixed(1)} s) ──`);
  // The verdict rests on outcomes: each request after its retries, each operation whatever made it fail.
  lines.push(
    `data requests ${fmt.n(rateSamples(data, 'dms_request_failed{api:data}'))}` +
      `  failed after retries ${fmt.pct(value(data, 'dms_request_failed{api:data}', 'rate'))}` +
      `  operations ${fmt.n(rateSamples(data, 'dms_operation_failed'))}` +
      `  failed ${fmt.pct(value(data, 'dms_operation_failed', 'rate'))}` +
      (data.metrics.checks ? `  checks ${fmt.pct(value(data, 'checks', 'rate'))}` : ''),
  );
  lines.push(
    `attempts ${fmt.n(value(data, 'http_reqs{api:data}', 'count'))}` +
      ` (${(value(data, 'http_reqs{api:data}', 'rate') ?? 0).toFixed(1)}/s)` +
      `  p95 ${fmt.ms(value(data, 'http_req_duration{api:data}', 'p(95)'))}` +
      `  p99 ${fmt.ms(value(data, 'http_req_duration{api:data}', 'p(99)'))}` +
      `  failed attempts ${fmt.pct(value(data, 'http_req_failed{api:data}', 'rate'))}` +
      `  ${retriesLine(data)}`,
  );
  lines.push(
    `token requests ${fmt.n(value(data, 'token_requests', 'count') ?? 0)}` +
      `  token p95 ${fmt.ms(value(data, 'token_request_duration', 'p(95)'))}`,
  );
  const ensured = byTag(data, 'entities_ensured', 'resource');
  const existing = byTag(data, 'entities_existing', 'resource');
  if (Object.keys(ensured).length > 0) {
    // An instance of several is gated on count<=N (its part of the whole run's N); the merge judges count==N.
    const part = Object.values(ensured).some((m) => Object.keys(m.thresholds ?? {}).some((t) => t.startsWith('count<=')));
    lines.push(part ? 'entities (ensured by this instance / expected in the whole run):' : 'entities (ensured / expected):');
    for (const [resource, summary] of Object.entries(ensured).sort()) {
      const expected = Object.keys(summary.thresholds ?? {})[0]?.replace(/^count(==|<=)/, '') ?? '?';
      const found = existing[resource]?.values.count ?? 0;
      // found: already on the target (a re-run, or a district's own descriptors), not created by this run
      const note = found > 0 ? `  (${fmt.n(found)} already there)` : '';
      lines.push(`  ${resource.padEnd(52)} ${fmt.n(summary.values.count).padStart(8)} / ${expected}${note}`);
    }
  }
  const thresholds = thresholdResults(data);
  lines.push(`thresholds: ${thresholds.filter((t) => t.ok).length}/${thresholds.length} passed`);
  for (const t of thresholds.filter((r) => !r.ok)) lines.push(`  FAILED ${t.metric}: ${t.expression}`);
  return `${lines.join('\n')}\n`;
}

/** Ladder stats that summary.json does not keep (p(90), p(95), p(99), min and max stay). */
const DROPPED_STATS = new Set(LADDER_STATS.filter((s) => !['min', 'max', 'p(90)', 'p(95)', 'p(99)'].includes(s)));

/**
 * The summary as saved: each trend's percentile ladder (a hundred values times every metric) is replaced
 * by the compact `histograms` field of the data request durations, a few KB per phase.
 */
export function withHistograms(data: SummaryData): SummaryData {
  const metrics: SummaryData['metrics'] = {};
  for (const [name, metric] of Object.entries(data.metrics)) {
    if (metric.type !== 'trend') {
      metrics[name] = metric;
      continue;
    }
    const values: Record<string, number> = {};
    for (const [stat, value] of Object.entries(metric.values)) if (!DROPPED_STATS.has(stat)) values[stat] = value;
    metrics[name] = { ...metric, values };
  }
  return { ...data, metrics, histograms: histogramsFromMetrics(data.metrics) };
}

/** Indented JSON, except that each histogram is one line: an array per line would multiply its size. */
export function summaryJson(data: SummaryData): string {
  const { histograms, ...rest } = data;
  const text = JSON.stringify(rest, null, 2);
  if (!histograms) return text;
  const entries = Object.entries(histograms).map(([key, h]) => `    ${JSON.stringify(key)}: ${JSON.stringify(h)}`);
  const block = entries.length === 0 ? '{}' : `{\n${entries.join(',\n')}\n  }`;
  return text === '{}' ? `{\n  "histograms": ${block}\n}` : `${text.slice(0, -2)},\n  "histograms": ${block}\n}`;
}

/** The lines around summary.json when it is printed to stdout (SUMMARY_TO_STDOUT=1), for tools/k8s/collect.sh. */
export const STDOUT_SUMMARY_BEGIN = '=== dms-load-test summary.json begin ===';
export const STDOUT_SUMMARY_END = '=== dms-load-test summary.json end ===';

export interface SummaryOptions {
  /** An instance of several: summary.json's `segment` field (src/phase/segment.ts). */
  segment?: SegmentRecord;
  /** Also print summary.json to stdout between STDOUT_SUMMARY_BEGIN and _END (a pod keeps no files). */
  toStdout?: boolean;
}

/** The handleSummary return value: text to stdout, scrubbed JSON into the phase's results folder. */
export function summaryOutputs(data: SummaryData, phase: string, resultsDir: string, options: SummaryOptions = {}): Record<string, string> {
  const saved = withHistograms(scrubSummary(data));
  if (options.segment) saved.segment = options.segment;
  const json = summaryJson(saved);
  let stdout = textSummary(data, phase);
  if (options.toStdout) stdout += `${STDOUT_SUMMARY_BEGIN}\n${json}\n${STDOUT_SUMMARY_END}\n`;
  const outputs: Record<string, string> = { stdout };
  if (resultsDir) outputs[`${resultsDir}/summary.json`] = json;
  return outputs;
}
