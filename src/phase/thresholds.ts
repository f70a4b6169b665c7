// Thresholds of a phase. Besides the pass/fail gates, empty threshold lists make k6 keep sub-metrics per
// resource and operation, so the summary (and the HTML report) can break results down without streaming
// every sample to a file.
import type { SuiteConfig } from '../config.ts';
import { LADDER_STATS } from '../summary/latency-histogram.ts';

export type ThresholdMap = Record<string, string[]>;

const RETRY_REASONS = ['unauthorized', 'rate-limited', 'unavailable', 'breaker', 'network', 'dependency', 'server-error'];

/**
 * The gates of a phase. Failures are judged by outcome: `dms_request_failed` has one sample per logical
 * request after its retries, so a 429 waited out is not an error, and `dms_operation_failed` one per
 * operation, whatever made it fail (a wrong body, an exception). `http_req_failed` counts attempts (what
 * DMS saw, retried ones included): shown, and gated only when THRESHOLD_ATTEMPT_ERROR_RATE is set.
 * `checks: false` for a phase that gates its outcome with its own thresholds and makes no k6 checks.
 */
export function phaseThresholds(config: SuiteConfig, p95Ms: number, gates = { checks: true }): ThresholdMap {
  const { attemptErrorRate } = config.thresholds;
  const map: ThresholdMap = {
    'http_req_duration{api:data}': [`p(95)<${p95Ms}`],
    'dms_request_failed{api:data}': [`rate<=${config.thresholds.errorRate}`],
    dms_operation_failed: [`rate<=${config.thresholds.operationErrorRate}`],
    'http_req_failed{api:data}': attemptErrorRate === undefined ? [] : [`rate<=${attemptErrorRate}`],
    'http_reqs{api:data}': [],
    'http_req_duration{api:token}': [],
    'http_req_duration{api:broker}': [],
  };
  if (gates.checks) map.checks = [`rate>=${config.thresholds.checksRate}`];
  for (const reason of RETRY_REASONS) map[`dms_retries{reason:${reason}}`] = [];
  return map;
}

/**
 * A workload measured against published figures (volume, deep-paging, filtered-read): its outcomes are gated
 * (failures after retries, operations, checks), its latency is measured and shown, not judged.
 */
export function outcomeThresholds(config: SuiteConfig): ThresholdMap {
  return { ...phaseThresholds(config, config.thresholds.p95MsReadwrite), 'http_req_duration{api:data}': [] };
}

/** The same metrics and sub-metrics without their gates: shown in the summary, never failing the phase. */
export function informational(map: ThresholdMap): ThresholdMap {
  const out: ThresholdMap = {};
  for (const name of Object.keys(map)) out[name] = [];
  return out;
}

/**
 * Sub-metrics per resource and operation for the breakdown tables. Request counts come from the duration
 * trend's `count`; every sub-metric costs k6 work on every sample, so there is no http_reqs one.
 */
export function breakdownThresholds(pairs: ReadonlyArray<readonly [string, string]>): ThresholdMap {
  const map: ThresholdMap = {};
  for (const [resource, op] of pairs) {
    const tags = `{resource:${resource},op:${op}}`;
    map[`http_req_duration${tags}`] = [];
    map[`http_req_failed${tags}`] = [];
    map[`dms_request_failed${tags}`] = [];
    map[`dms_unexpected_status${tags}`] = [];
  }
  return map;
}

/** Sub-metrics of dms_operation_failed per operation (a load document kind, a readwrite mix operation). */
export function operationThresholds(pairs: ReadonlyArray<readonly [string, string]>): ThresholdMap {
  const map: ThresholdMap = {};
  for (const [resource, op] of pairs) map[`dms_operation_failed{resource:${resource},op:${op}}`] = [];
  return map;
}

/** The trend stats summary.json keeps. */
export const SAVED_TREND_STATS = ['avg', 'min', 'med', 'p(90)', 'p(95)', 'p(99)', 'max', 'count'];

/**
 * What k6 computes at the end: the saved stats plus the percentile ladder the latency histograms are made
 * from (src/summary/latency-histogram.ts); handleSummary drops the ladder from summary.json.
 */
export const SUMMARY_TREND_STATS = [...new Set([...SAVED_TREND_STATS, ...LADDER_STATS])];
