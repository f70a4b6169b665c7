// k6 REST API answers -> one cumulative Snapshot -> one timeseries Sample per interval (deltas between two
// snapshots). Pure: no network, no clock; unit-tested with saved API answers.

/** One metric as GET /v1/metrics reports it: trend samples are cumulative since the start of the test. */
export interface ApiMetric {
  type: string;
  contains?: string;
  sample: Record<string, number>;
}

export type ApiMetrics = Record<string, ApiMetric>;

export interface ApiStatus {
  /** k6's execution status number (6 setup, 7 running, 8 teardown, 9 ended, ...). */
  status: number;
  running: boolean;
  vus: number;
  vusMax: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{"data":[{"type":"metrics","id":"name{tag:val}","attributes":{type,contains,sample}}]}` -> map by id. */
export function parseApiMetrics(body: unknown): ApiMetrics {
  const out: ApiMetrics = {};
  const data = isRecord(body) ? body.data : undefined;
  if (!Array.isArray(data)) throw new Error('k6 /v1/metrics answer has no data array');
  for (const item of data) {
    if (!isRecord(item) || typeof item.id !== 'string' || !isRecord(item.attributes)) continue;
    const { type, contains, sample } = item.attributes;
    if (typeof type !== 'string' || !isRecord(sample)) continue;
    const numbers: Record<string, number> = {};
    for (const [key, value] of Object.entries(sample)) if (typeof value === 'number' && Number.isFinite(value)) numbers[key] = value;
    out[item.id] = { type, contains: typeof contains === 'string' ? contains : undefined, sample: numbers };
  }
  return out;
}

/** `{"data":{"attributes":{"status":7,"running":true,"vus":2,"vus-max":2}}}`. */
export function parseApiStatus(body: unknown): ApiStatus {
  const data = isRecord(body) ? body.data : undefined;
  const attributes = isRecord(data) ? data.attributes : undefined;
  if (!isRecord(attributes)) throw new Error('k6 /v1/status answer has no data.attributes');
  const num = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
  return {
    status: num(attributes.status),
    running: attributes.running === true,
    vus: num(attributes.vus),
    vusMax: num(attributes['vus-max']),
  };
}

/** k6's execution status numbers, as far as a progress line needs them. */
export function statusName(status: ApiStatus): string {
  if (status.status <= 5) return 'starting';
  if (status.status === 6) return 'setup';
  if (status.status === 7) return 'running';
  if (status.status === 8) return 'teardown';
  return 'ended';
}

/** Everything cumulative at one moment. */
export interface Snapshot {
  /** Seconds since the test started (k6's own clock when a counter shows it, else the poller's). */
  elapsedS: number;
  status: string;
  vus: number;
  vusMax: number;
  /** Data API requests so far (`http_reqs{api:data}`, or every request when the tagged sub-metric is missing). */
  reqs: number;
  /**
   * Logical data requests that failed after their retries (`dms_request_failed{api:data}`); from an older
   * k6 script without that metric, failed attempts (`http_req_failed`).
   */
  failed: number;
  /** Logical data requests so far (each counted once, whatever its retries); undefined for older scripts. */
  outcomes?: number;
  /** Attempts that were retried (`dms_retries`): waited-out 429s and the like, not failures. */
  retries?: number;
  avgMs?: number;
  p90Ms?: number;
  p95Ms?: number;
  maxMs?: number;
  entities?: number;
  tokenRequests?: number;
  iterations?: number;
  /**
   * VUs waiting out an open circuit breaker now: breaker waits begun (`dms_retries{reason:breaker}`) less
   * those over (`dms_breaker_waits_ended`); undefined for scripts without these metrics.
   */
  breakerWaiting?: number;
  /** The Retry-After (s) of the last open breaker a VU met (`dms_breaker_retry_after_seconds`). */
  breakerRetryAfterS?: number;
}

function pick(metrics: ApiMetrics, names: string[]): ApiMetric | undefined {
  for (const name of names) if (metrics[name]) return metrics[name];
  return undefined;
}

/**
 * k6 reports a counter's rate as count / time since the test started, so count / rate is k6's own elapsed
 * time; the most precise one (largest count) wins. Undefined before any counter has counted.
 */
export function k6ElapsedSeconds(metrics: ApiMetrics): number | undefined {
  let best: { count: number; elapsed: number } | undefined;
  for (const metric of Object.values(metrics)) {
    if (metric.type !== 'counter') continue;
    const { count, rate } = metric.sample;
    if (!(count > 0) || !(rate > 0)) continue;
    if (!best || count > best.count) best = { count, elapsed: count / rate };
  }
  return best?.elapsed;
}

export function snapshotFrom(metrics: ApiMetrics, status: ApiStatus, fallbackElapsedS: number): Snapshot {
  const tagged = metrics['http_reqs{api:data}'] !== undefined;
  const suffix = tagged ? '{api:data}' : '';
  const reqs = metrics[`http_reqs${suffix}`]?.sample.count ?? 0;
  // Failures are outcomes: a request counts once, after its retries. A rate's "passes" are its true samples.
  const outcome = metrics['dms_request_failed{api:data}']?.sample;
  const failedMetric = outcome ?? metrics[`http_req_failed${suffix}`]?.sample;
  // Older answers carry only the rate.
  const failed = failedMetric ? (failedMetric.passes ?? Math.round((failedMetric.rate ?? 0) * reqs)) : 0;
  // k6's REST API gives a Rate's `rate` only (no passes/fails): then the attempts are the denominator.
  const outcomes = outcome?.passes !== undefined ? outcome.passes + (outcome.fails ?? 0) : undefined;
  const duration = metrics[`http_req_duration${suffix}`]?.sample;
  const count = (name: string) => metrics[name]?.sample.count;
  const breakerWaits = count('dms_retries{reason:breaker}');
  return {
    elapsedS: k6ElapsedSeconds(metrics) ?? fallbackElapsedS,
    status: statusName(status),
    vus: pick(metrics, ['vus'])?.sample.value ?? status.vus,
    vusMax: pick(metrics, ['vus_max'])?.sample.value ?? status.vusMax,
    reqs,
    failed,
    outcomes,
    retries: count('dms_retries'),
    avgMs: reqs > 0 ? duration?.avg : undefined,
    p90Ms: reqs > 0 ? duration?.['p(90)'] : undefined,
    p95Ms: reqs > 0 ? duration?.['p(95)'] : undefined,
    maxMs: reqs > 0 ? duration?.max : undefined,
    entities: count('entities_ensured'),
    tokenRequests: count('token_requests'),
    iterations: count('iterations'),
    breakerWaiting: breakerWaits === undefined ? undefined : Math.max(0, breakerWaits - (count('dms_breaker_waits_ended') ?? 0)),
    breakerRetryAfterS: metrics.dms_breaker_retry_after_seconds?.sample.value,
  };
}

/** One line of timeseries.ndjson. Rates and the mean are over the interval since the previous line. */
export interface Sample {
  /** ISO time of the poll. */
  t: string;
  elapsedS: number;
  phase: string;
  status: string;
  vus: number;
  vusMax: number;
  /** Cumulative data requests. */
  reqs: number;
  /** Data requests per second over the interval. */
  reqRate: number;
  /** Share of the interval's data requests that failed after their retries (0..1); 0 when there were none. */
  failedRate: number;
  /** Cumulative data requests failed after their retries. */
  failed: number;
  /** Cumulative retried attempts (not failures). */
  retries?: number;
  /** Mean latency of the interval's requests, from (avg x count) deltas. */
  meanMs?: number;
  /** Cumulative since the start (what k6's API gives). */
  p90Ms?: number;
  p95Ms?: number;
  maxMs?: number;
  entities?: number;
  /** Entities ensured per second over the interval (load phase). */
  entitiesRate?: number;
  tokenRequests?: number;
  iterations?: number;
  /** VUs waiting out an open circuit breaker at the poll (only while some do). */
  breakerWaiting?: number;
  /** The breaker's Retry-After (s) that they wait out. */
  breakerRetryAfterS?: number;
}

const round = (value: number, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Deltas between two snapshots; the first sample of a run (no previous one) uses the whole run so far. */
export function sampleFrom(prev: Snapshot | undefined, cur: Snapshot, phase: string, at: Date): Sample {
  const base: Snapshot = prev ?? { elapsedS: 0, status: 'starting', vus: 0, vusMax: 0, reqs: 0, failed: 0, avgMs: 0 };
  const seconds = cur.elapsedS - base.elapsedS;
  const dReqs = Math.max(0, cur.reqs - base.reqs);
  const dFailed = Math.max(0, cur.failed - base.failed);
  // Outcomes are the right denominator: a request retried three times is still one request.
  const dOutcomes = cur.outcomes === undefined ? dReqs : Math.max(0, cur.outcomes - (base.outcomes ?? 0));
  let meanMs: number | undefined;
  if (dReqs > 0 && cur.avgMs !== undefined) {
    const before = base.reqs > 0 ? (base.avgMs ?? 0) * base.reqs : 0;
    const mean = (cur.avgMs * cur.reqs - before) / dReqs;
    // Rounding in k6's averages can push a tiny interval slightly negative: fall back to the running mean.
    meanMs = round(mean > 0 ? mean : cur.avgMs);
  }
  const sample: Sample = {
    t: at.toISOString(),
    elapsedS: round(cur.elapsedS, 1),
    phase,
    status: cur.status,
    vus: cur.vus,
    vusMax: cur.vusMax,
    reqs: cur.reqs,
    reqRate: seconds > 0 ? round(dReqs / seconds, 2) : 0,
    failedRate: dOutcomes > 0 ? round(dFailed / dOutcomes, 4) : 0,
    failed: cur.failed,
  };
  if (cur.retries !== undefined) sample.retries = cur.retries;
  if (meanMs !== undefined) sample.meanMs = meanMs;
  if (cur.p90Ms !== undefined) sample.p90Ms = round(cur.p90Ms);
  if (cur.p95Ms !== undefined) sample.p95Ms = round(cur.p95Ms);
  if (cur.maxMs !== undefined) sample.maxMs = round(cur.maxMs);
  if (cur.entities !== undefined) {
    sample.entities = cur.entities;
    sample.entitiesRate = seconds > 0 ? round(Math.max(0, cur.entities - (base.entities ?? 0)) / seconds, 2) : 0;
  }
  if (cur.tokenRequests !== undefined) sample.tokenRequests = cur.tokenRequests;
  if (cur.iterations !== undefined) sample.iterations = cur.iterations;
  if (cur.breakerWaiting) {
    sample.breakerWaiting = cur.breakerWaiting;
    if (cur.breakerRetryAfterS !== undefined) sample.breakerRetryAfterS = cur.breakerRetryAfterS;
  }
  return sample;
}

/** Reads timeseries.ndjson text; broken lines (a run killed mid-write) are skipped, not fatal. */
export function parseTimeseries(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const value = JSON.parse(line) as unknown;
      if (isRecord(value) && typeof value.elapsedS === 'number' && typeof value.reqs === 'number') out.push(value as unknown as Sample);
    } catch {
      // a partial last line: ignore
    }
  }
  return out;
}
