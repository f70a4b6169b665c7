import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ALL_KEY,
  BUCKET_COUNT,
  bucketIndex,
  compactHistogram,
  countsFromLadder,
  denseCounts,
  histogramsFromMetrics,
  LADDER_PERCENTILES,
  lowerBound,
  upperBound,
} from '../../src/summary/latency-histogram.ts';
import { summaryOutputs, type SummaryData } from '../../src/summary/summary.ts';
import { SUMMARY_TREND_STATS } from '../../src/phase/thresholds.ts';

/** k6's trend stats of a sample set: percentiles interpolated linearly between neighbouring samples. */
function trendValues(durations: number[]): Record<string, number> {
  const sorted = [...durations].sort((a, b) => a - b);
  const n = sorted.length;
  const percentile = (p: number) => {
    const rank = (p / 100) * (n - 1);
    const lo = Math.floor(rank);
    return sorted[lo] + (sorted[Math.min(lo + 1, n - 1)] - sorted[lo]) * (rank - lo);
  };
  const values: Record<string, number> = { count: n, min: sorted[0], max: sorted[n - 1], med: percentile(50), avg: sorted.reduce((a, b) => a + b, 0) / n };
  for (const p of LADDER_PERCENTILES) values[`p(${p})`] = percentile(p);
  return values;
}

function directCounts(durations: number[]): number[] {
  const dense = new Array<number>(BUCKET_COUNT).fill(0);
  for (const d of durations) dense[bucketIndex(d)]++;
  return dense;
}

/** A fixed, skewed sample: most requests fast, a long tail (like a service under load). */
function skewed(n: number, scale = 1): number[] {
  return Array.from({ length: n }, (_, i) => {
    const u = (i + 0.5) / n;
    return scale * (2 + 8 * u + (u > 0.9 ? 200 * (u - 0.9) ** 1.5 : 0));
  });
}

test('bucket layout: 0.5 ms to 131 s in 12% steps, plus an under- and an overflow bucket', () => {
  assert.equal(BUCKET_COUNT, 110);
  assert.equal(bucketIndex(0), 0);
  assert.equal(bucketIndex(0.49), 0);
  assert.equal(bucketIndex(Number.NaN), 0);
  assert.equal(bucketIndex(0.5), 1);
  assert.equal(bucketIndex(1.0), 7); // one doubling = 6 buckets
  assert.equal(bucketIndex(60_000), 102);
  assert.equal(bucketIndex(131_072), 109);
  assert.equal(bucketIndex(1e9), 109);
  assert.equal(upperBound(0), 0.5);
  assert.equal(upperBound(6), 1);
  assert.equal(upperBound(109), null);
  assert.equal(lowerBound(0), 0);
  // every duration lies inside its bucket, and neighbouring buckets are about 12% apart
  for (const ms of [0.51, 0.9, 1.3, 7.7, 42, 250, 999, 12_345, 100_000]) {
    const i = bucketIndex(ms);
    assert.ok(lowerBound(i) <= ms * 1.0001 && ms < (upperBound(i) as number) * 1.0001, `${ms} in bucket ${i}`);
    assert.ok(Math.abs((upperBound(i) as number) / lowerBound(i) - 2 ** (1 / 6)) < 0.002);
  }
});

test('compact histograms keep the span from the bucket below the fastest request to the slowest, and round-trip', () => {
  const dense = new Array<number>(BUCKET_COUNT).fill(0);
  dense[bucketIndex(1.0)] = 3;
  dense[bucketIndex(2.2)] = 1;
  const h = compactHistogram(dense);
  assert.ok(h);
  assert.deepEqual(h.counts, [0, 3, 0, 0, 0, 0, 0, 1]);
  assert.deepEqual(h.bounds, [1, 1.122, 1.26, 1.414, 1.587, 1.782, 2, 2.245]);
  assert.deepEqual(denseCounts(h), dense);
  assert.equal(compactHistogram(new Array<number>(BUCKET_COUNT).fill(0)), undefined);
  // from the underflow bucket on, nothing is left out
  dense[0] = 2;
  assert.equal(compactHistogram(dense)?.bounds[0], 0.5);
  assert.throws(() => denseCounts({ bounds: [1.2345], counts: [1] }), /not one of this suite's buckets/);
  assert.throws(() => denseCounts({ bounds: [1], counts: [] }), /same length/);
});

test("counts from k6's percentile ladder: the total exactly, each bucket close to counting the samples", () => {
  for (const [n, durations] of [[1000, skewed(1000)], [37, skewed(37, 3)], [5000, skewed(5000, 0.2)]] as const) {
    const counts = countsFromLadder(trendValues(durations)) as number[];
    const direct = directCounts(durations);
    assert.equal(counts.reduce((a, b) => a + b, 0), n);
    // the cumulative distribution is off by at most 1.5% of the requests (plus one) anywhere
    let a = 0;
    let b = 0;
    for (let i = 0; i < BUCKET_COUNT; i++) {
      a += counts[i];
      b += direct[i];
      assert.ok(Math.abs(a - b) <= 0.015 * n + 1, `n ${n}, bucket ${i}: ${a} vs ${b}`);
    }
  }
  // every sample the same: one bucket
  const flat = countsFromLadder(trendValues(new Array(50).fill(4.2))) as number[];
  assert.equal(flat[bucketIndex(4.2)], 50);
  assert.equal(countsFromLadder({ count: 0 }), undefined);
  assert.equal(countsFromLadder({ count: 10, min: 1, max: 2, 'p(95)': 1.9 }), undefined, 'no ladder: an older summary');
  // the scenarios ask k6 for the ladder
  for (const stat of ['min', 'p(1)', 'p(50)', 'p(99.5)', 'p(99.9)', 'max', 'med', 'avg', 'count']) assert.ok(SUMMARY_TREND_STATS.includes(stat), stat);
});

test('histograms from k6 summary metrics: per resource/operation, and every data request', () => {
  const metrics = {
    'http_req_duration{api:data}': { values: trendValues(skewed(300)) },
    'http_req_duration{resource:students,op:read}': { values: trendValues(skewed(200)) },
    'http_req_duration{resource:schools,op:create}': { values: trendValues(skewed(100, 2)) },
    'http_req_duration{resource:students,op:update}': { values: { count: 0, min: 0, max: 0 } },
    'http_req_duration{api:token}': { values: trendValues(skewed(3)) },
    'http_req_waiting{resource:students,op:read}': { values: trendValues(skewed(200)) },
  };
  const h = histogramsFromMetrics(metrics);
  assert.deepEqual(Object.keys(h), [ALL_KEY, 'schools create', 'students read']);
  assert.equal(h['students read'].counts.reduce((a, b) => a + b, 0), 200);
  assert.equal(h[ALL_KEY].counts.reduce((a, b) => a + b, 0), 300);
});

test('summary.json: the ladder becomes a compact histograms field, one line per histogram', () => {
  const trend = (durations: number[]) => ({ type: 'trend' as const, values: trendValues(durations) });
  const metrics: SummaryData['metrics'] = {
    'http_reqs{api:data}': { type: 'counter', values: { count: 3000, rate: 1 } },
    'http_req_duration{api:data}': trend(skewed(3000)),
    'http_req_waiting{api:data}': trend(skewed(3000)),
  };
  const pairs = ['students read', 'students update', 'schools create', 'sessions create', 'courses create', 'sections create'];
  for (const pair of pairs) {
    const [resource, op] = pair.split(' ');
    metrics[`http_req_duration{resource:${resource},op:${op}}`] = trend(skewed(500, 1 + pairs.indexOf(pair)));
  }
  const json = summaryOutputs({ metrics, state: { testRunDurationMs: 3000 } }, 'readwrite', '/r')['/r/summary.json'];
  const parsed = JSON.parse(json) as SummaryData;
  assert.deepEqual(Object.keys(parsed.metrics['http_req_duration{api:data}'].values).sort(), ['avg', 'count', 'max', 'med', 'min', 'p(90)', 'p(95)', 'p(99)']);
  assert.deepEqual(Object.keys(parsed.metrics['http_req_waiting{api:data}'].values).sort(), ['avg', 'count', 'max', 'med', 'min', 'p(90)', 'p(95)', 'p(99)']);
  assert.equal(parsed.histograms?.['students read'].counts.reduce((a, b) => a + b, 0), 500);
  assert.match(json, /\n {4}"students read": \{"bounds":\[[^\n]*\]\}/);
  const histogramBytes = json.length - JSON.stringify({ ...parsed, histograms: undefined }, null, 2).length;
  assert.ok(histogramBytes < 7 * 1024, `${histogramBytes} bytes of histograms for 7 rows`);
});
