// The soak phase's windows merged into one summary, and its drift verdict (tools/workloads/soak.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgeDrift, mannKendallP, mannKendallS, median, mergeSoak, soakLines, theilSenSlope, DRIFT_ALPHA, MIN_WINDOWS, type DriftRule, type SoakWindow } from '../../tools/workloads/soak.ts';
import { BUCKET_COUNT, bucketIndex, compactHistogram, denseCounts, type Histogram } from '../../src/summary/latency-histogram.ts';
import type { SummaryData } from '../../src/summary/summary.ts';

const rule: DriftRule = { latencyTolerance: 0.2, errorTolerance: 0.005, alpha: DRIFT_ALPHA, minWindows: MIN_WINDOWS };

function windows(p95: number[], errors: number[] = p95.map(() => 0)): SoakWindow[] {
  return p95.map((v, i) => ({ index: i, startS: i * 600, seconds: 600, requests: 6000, requestsPerSecond: 10, p95Ms: v, errorRate: errors[i], droppedIterations: 0, judged: true }));
}

test('trend statistics: Theil-Sen slope, Mann-Kendall S and its exact one-sided p-value', () => {
  assert.equal(theilSenSlope([1, 2, 3, 4]), 1);
  assert.equal(theilSenSlope([10, 10, 50, 10, 10]), 0, 'one outlier does not make a slope');
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(mannKendallS([1, 2, 3, 4]), 6);
  assert.equal(mannKendallS([4, 3, 2, 1]), -6);
  assert.equal(mannKendallP([1, 2, 3, 4]), 1 / 24, 'exact: one order of 24 rises all the way');
  assert.equal(mannKendallP([1, 2, 3, 4, 5, 6]), 1 / 720);
  assert.ok(Math.abs(mannKendallP([2, 1, 3, 4]) - 4 / 24) < 1e-12, 'S = 4: the orders with at most one inversion');
  assert.equal(mannKendallP([4, 3, 2, 1]), 1);
  // beyond 8 windows: the normal approximation, close to the exact value's order
  const p = mannKendallP([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.ok(p > 0 && p < 1e-4, `p ${p}`);
});

test('drift: p95 rising steadily beyond the tolerance is drifting; flat, noisy or small changes are stable', () => {
  const rising = judgeDrift(windows([100, 110, 125, 140, 150, 170]), rule);
  assert.equal(rising.verdict, 'drifting');
  assert.match(rising.reasons[0], /^p95 grew 72% over the soak \(97\.5 -> 167\.5 ms on the Theil-Sen line; more than 20%; Mann-Kendall p 0\.0014 < 0\.05\)$/);
  assert.equal(judgeDrift(windows([100, 104, 99, 103, 101, 102]), rule).verdict, 'stable');
  const small = judgeDrift(windows([100, 102, 104, 106, 108, 110]), rule);
  assert.equal(small.verdict, 'stable', 'a significant 10% rise is within the 20% tolerance');
  assert.match(small.reasons[0], /^no upward trend beyond the tolerance over 6 windows \(p95 \+10% \(Mann-Kendall p 0\.0014\), failed share \+0\.00 points\)$/);
  const spike = judgeDrift(windows([100, 100, 400, 100, 100, 100]), rule);
  assert.equal(spike.verdict, 'stable', 'one slow window is not a trend');
});

test('drift: a failed share rising beyond its tolerance is drifting; fewer than 4 whole windows are not judged', () => {
  const errors = judgeDrift(windows([100, 100, 100, 100, 100], [0, 0.002, 0.004, 0.008, 0.012]), rule);
  assert.equal(errors.verdict, 'drifting');
  assert.match(errors.reasons[0], /^the share failed after retries grew by 1\.20 points over the soak/);
  const few = judgeDrift([...windows([100, 200, 300]), { ...windows([400])[0], index: 3, judged: false }], rule);
  assert.equal(few.verdict, 'not-judged');
  assert.match(few.reasons[0], /^3 whole window\(s\): at least 4 are needed to see a trend/);
});

function histogramOf(durations: number[]): Histogram {
  const dense = new Array<number>(BUCKET_COUNT).fill(0);
  for (const d of durations) dense[bucketIndex(d)]++;
  return compactHistogram(dense) as Histogram;
}

function windowSummary(latency: number, requests: number, failed: number, seconds: number): SummaryData {
  const durations = Array.from({ length: requests }, (_, i) => latency * (0.5 + i / requests));
  return {
    state: { testRunDurationMs: seconds * 1000 },
    metrics: {
      'http_reqs{api:data}': { type: 'counter', values: { count: requests, rate: requests / seconds } },
      'http_req_duration{api:data}': { type: 'trend', values: { count: requests, avg: latency, min: latency / 2, max: latency * 1.5, med: latency, 'p(95)': latency * 1.45 }, thresholds: { 'p(95)<500': { ok: latency < 300 } } },
      'dms_request_failed{api:data}': { type: 'rate', values: { passes: failed, fails: requests - failed, rate: failed / requests } },
      iteration_duration: { type: 'trend', values: { count: requests, avg: latency, min: 1, max: latency * 2, 'p(95)': latency } },
      vus: { type: 'gauge', values: { value: 3, min: 1, max: 3 } },
    },
    histograms: { '(all) (all)': histogramOf(durations) },
    generator: { bound: latency > 300, reasons: latency > 300 ? ['k6 dropped 3 iterations'] : [], droppedIterations: latency > 300 ? 3 : 0, lateIterations: 0, notes: [], k6CpuPercent: latency / 10 },
  } as SummaryData;
}

test('the windows merged: counts and failures added, means weighted, percentiles from the merged histogram, thresholds held only if held throughout', () => {
  const parts = [windowSummary(100, 1000, 0, 10), windowSummary(100, 1000, 10, 10), windowSummary(400, 2000, 30, 10), windowSummary(100, 1000, 0, 4)];
  const merged = mergeSoak(parts, { rate: 100, windowSeconds: 10, rule });
  const m = merged.metrics;
  assert.deepEqual(m['http_reqs{api:data}'].values, { count: 5000, rate: 5000 / 34 });
  assert.deepEqual(m['dms_request_failed{api:data}'].values, { passes: 40, fails: 4960, rate: 40 / 5000 });
  assert.equal(m['http_req_duration{api:data}'].values.avg, (100 * 3000 + 400 * 2000) / 5000);
  assert.equal(m['http_req_duration{api:data}'].values.count, 5000);
  assert.equal(m['http_req_duration{api:data}'].values.max, 600);
  assert.deepEqual(m['http_req_duration{api:data}'].thresholds, { 'p(95)<500': { ok: false } }, 'failed in one window: failed');
  const p95 = m['http_req_duration{api:data}'].values['p(95)'];
  assert.ok(p95 > 500 && p95 < 620, `p95 of the merged samples (the 400 ms window's upper part): ${p95}`);
  assert.equal(m.iteration_duration.values['p(95)'], undefined, 'no histogram: no merged percentile');
  assert.deepEqual(m.vus.values, { value: 3, min: 1, max: 3 });
  assert.equal(denseCounts(merged.histograms?.['(all) (all)'] as Histogram).reduce((a, b) => a + b, 0), 5000);
  assert.equal(merged.state?.testRunDurationMs, 34_000);
  assert.deepEqual(merged.soak.windows.map((w) => [w.startS, w.seconds, w.judged]), [[0, 10, true], [10, 10, true], [20, 10, true], [30, 4, false]]);
  assert.equal(merged.soak.drift.verdict, 'not-judged', 'three whole windows');
  const g = (merged as unknown as { generator: { bound: boolean; reasons: string[]; droppedIterations: number; k6CpuPercent: number } }).generator;
  assert.deepEqual([g.bound, g.reasons, g.droppedIterations, g.k6CpuPercent], [true, ['window 3: k6 dropped 3 iterations'], 3, 40]);
  const lines = soakLines(merged.soak);
  assert.equal(lines[0], 'soak windows:');
  assert.match(lines[4], /window  4 \(30-34 s\) .* \(short: not judged\)$/);
  assert.match(lines[5], /^drift: not-judged: 3 whole window\(s\)/);
});

test('the soak in windows: whole windows, then the rest as a shorter last one', async () => {
  const { soakPlan } = await import('../../tools/workloads/main.ts');
  assert.deepEqual(soakPlan(3600, 600), [600, 600, 600, 600, 600, 600]);
  assert.deepEqual(soakPlan(1500, 600), [600, 600, 300]);
  assert.deepEqual(soakPlan(20, 60), [20]);
});
