import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ALL_KEY,
  BUCKET_COUNT,
  bucketIndex,
  bucketMetricName,
  compactHistogram,
  denseCounts,
  histogramsFromMetrics,
  isBucketMetric,
  lowerBound,
  upperBound,
} from '../../src/summary/latency-histogram.ts';
import { summaryOutputs, type SummaryData } from '../../src/summary/summary.ts';

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
  assert.equal(bucketMetricName(7), 'dms_latency_bucket_007');
  assert.ok(isBucketMetric('dms_latency_bucket_007{resource:students,op:read}'));
  assert.ok(!isBucketMetric('http_req_duration{resource:students,op:read}'));
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

test('histograms from k6 summary metrics: per resource/operation, and every data request', () => {
  const b = (i: number) => bucketMetricName(bucketIndex(i));
  const metrics = {
    [b(1.0)]: { values: { count: 5 } },
    [`${b(1.0)}{resource:students,op:read}`]: { values: { count: 4 } },
    [`${b(1.0)}{resource:schools,op:create}`]: { values: { count: 1 } },
    [`${b(30)}{resource:students,op:read}`]: { values: { count: 0 } },
    [`${b(30)}{resource:students}`]: { values: { count: 9 } }, // not a pair: ignored
    'http_req_duration{api:data}': { values: { count: 5 } },
  };
  const h = histogramsFromMetrics(metrics);
  assert.deepEqual(Object.keys(h), [ALL_KEY, 'schools create', 'students read']);
  assert.deepEqual(h['students read'], { bounds: [1, 1.122], counts: [0, 4] });
  assert.deepEqual(h[ALL_KEY].counts, [0, 5]);
});

test('summary.json: bucket counters collapsed into a compact histograms field, one line per histogram', () => {
  const metrics: SummaryData['metrics'] = {
    'http_reqs{api:data}': { type: 'counter', values: { count: 3, rate: 1 } },
  };
  for (let i = 0; i < BUCKET_COUNT; i++) {
    metrics[bucketMetricName(i)] = { type: 'counter', values: { count: i === 20 ? 3 : 0 } };
    metrics[`${bucketMetricName(i)}{resource:students,op:read}`] = { type: 'counter', values: { count: i === 20 ? 3 : 0 } };
  }
  const json = summaryOutputs({ metrics, state: { testRunDurationMs: 3000 } }, 'readwrite', '/r')['/r/summary.json'];
  const parsed = JSON.parse(json) as SummaryData;
  assert.deepEqual(Object.keys(parsed.metrics), ['http_reqs{api:data}']);
  assert.deepEqual(parsed.histograms?.['students read'], { bounds: [upperBound(19), upperBound(20)], counts: [0, 3] });
  assert.match(json, /\n {4}"students read": \{"bounds":\[[^\n]*\]\}/);
  assert.ok(json.length < 1000, `${json.length} bytes`);
});
