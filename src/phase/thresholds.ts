// Thresholds of a phase. Besides the pass/fail gates, empty threshold lists make k6 keep sub-metrics per
// resource and operation, so the summary (and the HTML report) can break results down without streaming
// every sample to a file.
import type { SuiteConfig } from '../config.ts';
import { LADDER_STATS } from '../summary/latency-histogram.ts';

export type ThresholdMap = Record<string, string[]>;

const RETRY_REASONS = ['unauthorized', 'rate-limited', 'unavailable', 'network', 'dependency', 'server-error'];

/** `checks: false` for a phase that gates its outcome with its own thresholds and makes no k6 checks. */
export function phaseThresholds(config: SuiteConfig, p95Ms: number, gates = { checks: true }): ThresholdMap {
  const map: ThresholdMap = {
    'http_req_duration{api:data}': [`p(95)<${p95Ms}`],
    'http_req_failed{api:data}': [`rate<=${config.thresholds.errorRate}`],
    'http_reqs{api:data}': [],
    'http_req_duration{api:token}': [],
    'http_req_duration{api:broker}': [],
  };
  if (gates.checks) map.checks = [`rate>=${config.thresholds.checksRate}`];
  for (const reason of RETRY_REASONS) map[`dms_retries{reason:${reason}}`] = [];
  return map;
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
    map[`dms_unexpected_status${tags}`] = [];
  }
  return map;
}

/** The trend stats summary.json keeps. */
export const SAVED_TREND_STATS = ['avg', 'min', 'med', 'p(90)', 'p(95)', 'p(99)', 'max', 'count'];

/**
 * What k6 computes at the end: the saved stats plus the percentile ladder the latency histograms are made
 * from (src/summary/latency-histogram.ts); handleSummary drops the ladder from summary.json.
 */
export const SUMMARY_TREND_STATS = [...new Set([...SAVED_TREND_STATS, ...LADDER_STATS])];
