// Per-operation latency histograms inside k6 (issue 9): k6's trends keep only percentiles, so every data
// request attempt is also counted in a log-spaced bucket (layout: src/summary/latency-histogram.ts). One
// Counter per bucket, made at init; breakdownThresholds declares their {resource, op} sub-metrics, and
// handleSummary collapses them into summary.json's `histograms`.
import { Counter } from 'k6/metrics';
import { BUCKET_COUNT, bucketIndex, bucketMetricName } from '../summary/latency-histogram.ts';

const buckets: Counter[] = [];
for (let i = 0; i < BUCKET_COUNT; i++) buckets.push(new Counter(bucketMetricName(i)));

/**
 * Counts one request attempt's duration (ms, res.timings.duration) in its bucket, with the request's tags
 * (at least resource and op; the prepared call's tags object is passed as is, so nothing is allocated).
 */
export function recordLatency(durationMs: number, tags: Record<string, string>): void {
  buckets[bucketIndex(durationMs)].add(1, tags);
}
