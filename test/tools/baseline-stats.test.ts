// The statistics of the baseline comparison on fixed sample sets. Reference values: U counted pair by pair,
// Fisher's tail summed with exact binomial coefficients (Python's math.comb), the normal tail from erfc.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUCKET_COUNT, bucketIndex, upperBound } from '../../src/summary/latency-histogram.ts';
import { binnedQuantile, fisherGreater, holmAdjust, logGamma, mannWhitneyBinned, normalUpperTail, quantileTest } from '../../tools/baseline/stats.ts';

const close = (actual: number, expected: number, relative = 1e-5) =>
  assert.ok(Math.abs(actual - expected) <= Math.abs(expected) * relative, `${actual} is not ${expected}`);

const EDGES = Array.from({ length: BUCKET_COUNT }, (_, i) => upperBound(i));

/** Dense histogram of durations (ms). */
function histogram(durations: number[]): number[] {
  const h = new Array<number>(BUCKET_COUNT).fill(0);
  for (const d of durations) h[bucketIndex(d)]++;
  return h;
}

/** n durations spread deterministically over [from, to) ms, log-uniformly (a fixed "sample"). */
function spread(n: number, from: number, to: number, shiftMs = 0, scale = 1): number[] {
  return Array.from({ length: n }, (_, i) => from * (to / from) ** ((i + 0.5) / n) * scale + shiftMs);
}

test('normal tail and log-gamma against reference values', () => {
  close(normalUpperTail(0), 0.5, 1e-6);
  close(normalUpperTail(1.959964), 0.025, 1e-5);
  close(normalUpperTail(6), 9.865876450377012e-10, 1e-5);
  close(normalUpperTail(-2), 1 - 0.022750131948179, 1e-6);
  assert.ok(Math.abs(logGamma(1)) < 1e-12);
  close(logGamma(10), Math.log(362880), 1e-12);
  close(logGamma(0.5), Math.log(Math.sqrt(Math.PI)), 1e-12);
});

test('Mann-Whitney: a clean separation, and ties within buckets with the tie correction', () => {
  const separated = mannWhitneyBinned([1, 1, 1, 1, 1, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
  assert.equal(separated.u, 25);
  assert.equal(separated.superiority, 1);
  close(separated.z, 2.5067182457620487);
  close(separated.p, 0.006092890177672409);
  const tied = mannWhitneyBinned([2, 5, 9, 4, 0, 0], [0, 3, 6, 8, 4, 1]);
  assert.equal(tied.u, 326.5); // counted pair by pair
  close(tied.z, 2.7775294519517395);
  close(tied.p, 0.002738693792173505);
  const same = mannWhitneyBinned([2, 5, 9, 4, 0], [2, 5, 9, 4, 0]);
  assert.equal(same.superiority, 0.5);
  close(same.p, 0.5057360180739763);
  assert.equal(mannWhitneyBinned([5, 0], [7, 0]).p, 1, 'all in one bucket: nothing to rank');
  assert.equal(mannWhitneyBinned([0, 0], [7, 0]).p, 1, 'no baseline samples');
});

test('a known shift is found, equal distributions are not, and the direction matters', () => {
  const base = histogram(spread(400, 2, 40));
  const plus50 = histogram(spread(400, 2, 40, 50));
  const slower20 = histogram(spread(400, 2, 40, 0, 1.2));
  const same = histogram(spread(380, 2, 40));
  const faster = histogram(spread(400, 2, 40, 0, 0.7));
  assert.ok(mannWhitneyBinned(base, plus50).p < 1e-12);
  assert.ok(mannWhitneyBinned(base, slower20).p < 0.01, `+20%: p ${mannWhitneyBinned(base, slower20).p}`);
  assert.ok(mannWhitneyBinned(base, same).p > 0.3);
  assert.ok(mannWhitneyBinned(base, faster).p > 0.99, 'faster is not "larger"');
  // 20 vs 20 samples: a 50 ms shift is still unmistakable, a 5% change is not
  assert.ok(mannWhitneyBinned(histogram(spread(20, 1, 5)), histogram(spread(20, 1, 5, 50))).p < 1e-6);
  assert.ok(mannWhitneyBinned(histogram(spread(20, 1, 5)), histogram(spread(20, 1, 5, 0, 1.05))).p > 0.1);
});

test("Fisher's exact test, one-sided", () => {
  close(fisherGreater(1, 10, 5, 10), 0.07043343653250773);
  close(fisherGreater(0, 100, 5, 100), 0.029691605234293292);
  close(fisherGreater(20, 400, 45, 400), 0.0008556063920134603, 1e-4);
  close(fisherGreater(3, 1000, 4, 1000), 0.5);
  assert.equal(fisherGreater(0, 100, 0, 100), 1);
  assert.ok(fisherGreater(40, 400, 20, 400) > 0.99, 'fewer failures is not more');
});

test('quantile test: a heavier tail is found at p95, an unchanged one is not', () => {
  const base = histogram(spread(1000, 2, 40));
  // the fastest 90% unchanged, the slowest 10% three times as slow: p50 same, p95 much worse
  const tail = histogram(spread(1000, 2, 40).map((d, i) => (i >= 900 ? d * 3 : d)));
  const p95 = quantileTest(base, tail, 0.95, EDGES);
  assert.ok(p95 && p95.p < 1e-6, JSON.stringify(p95));
  assert.ok(p95.currentAbove > p95.baseAbove);
  assert.ok(mannWhitneyBinned(base, tail).p > 0.01, 'a rank test over all samples barely sees a tail change');
  const same = quantileTest(base, histogram(spread(1000, 2, 40)), 0.95, EDGES);
  assert.ok(same && same.p > 0.4);
  assert.equal(quantileTest(histogram([200_000, 200_000]), histogram([5]), 0.95, EDGES), undefined, "the baseline's p95 in the overflow bucket: nothing to test");
});

test('Holm adjustment', () => {
  assert.deepEqual(holmAdjust([0.01, 0.04, 0.03, 0.005]).map((p) => Number(p.toFixed(6))), [0.03, 0.06, 0.06, 0.02]);
  assert.deepEqual(holmAdjust([]), []);
  assert.deepEqual(holmAdjust([0.9, 0.8]), [1, 1]);
});

test('percentiles from bins are within one bucket (12%) of the samples', () => {
  const durations = spread(1000, 2, 40);
  const h = histogram(durations);
  for (const [q, exact] of [[0.5, durations[499]], [0.95, durations[949]], [0.99, durations[989]]] as const) {
    const estimate = binnedQuantile(h, EDGES, q) as number;
    assert.ok(Math.abs(estimate / exact - 1) < 0.12, `q ${q}: ${estimate} vs ${exact}`);
  }
  assert.equal(binnedQuantile(new Array(BUCKET_COUNT).fill(0), EDGES, 0.5), undefined);
});

/** A fixed pseudo-random sequence (mulberry32), so the "random" samples are the same on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n log-normal latencies around `medianMs` (sigma 0.6: a typical service's spread). */
function lognormal(rand: () => number, n: number, medianMs: number): number[] {
  return Array.from({ length: n }, () => {
    const z = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    return medianMs * Math.exp(0.6 * z);
  });
}

test('calibration on binned samples: like samples are significant about alpha of the time, a 20% slowdown nearly always', () => {
  const rand = random(42);
  let falseMw = 0;
  let falseTail = 0;
  let caught = 0;
  const pairs = 300;
  for (let i = 0; i < pairs; i++) {
    const base = histogram(lognormal(rand, 300, 20));
    if (mannWhitneyBinned(base, histogram(lognormal(rand, 300, 20))).p < 0.01) falseMw++;
    if ((quantileTest(base, histogram(lognormal(rand, 300, 20)), 0.95, EDGES)?.p ?? 1) < 0.01) falseTail++;
    if (mannWhitneyBinned(base, histogram(lognormal(rand, 300, 24))).p < 0.01) caught++;
  }
  assert.ok(falseMw <= pairs * 0.025, `Mann-Whitney: ${falseMw} of ${pairs} like pairs below 0.01`);
  assert.ok(falseTail <= pairs * 0.025, `quantile test: ${falseTail} of ${pairs} like pairs below 0.01`);
  assert.ok(caught >= pairs * 0.9, `+20%: caught ${caught} of ${pairs}`);
});
