// Latency histograms: the bucket layout, and the summary.json form of them.
// k6's summary gives percentiles of a trend, and a baseline comparison needs the samples' distribution. k6
// already keeps every sample of http_req_duration and its {resource, op} sub-metrics (that is how it
// computes percentiles), so the scenarios ask for a ladder of percentiles (summaryTrendStats: min, p(1) ...
// p(99), p(99.5), p(99.9), max), and handleSummary turns each sub-metric's ladder, its empirical quantile
// function, into request counts per log-spaced bucket: summary.json's `histograms` field. Nothing is added
// to the request path: counting each request in a k6 Counter per bucket cost the tuned load phase 15-30%
// of k6's CPU per request and 0.45 MB per VU (npm run bench:k6, 100 VUs). k6-free and Node-free: used by
// the scenarios' handleSummary and by tools/baseline; unit-tested under Node.

/** Buckets per doubling of the duration: each bucket is 2^(1/6) = 12.2% wide. */
export const PER_DOUBLING = 6;
/** Upper bound of the lowest bucket (ms): everything faster is counted there. */
export const MIN_MS = 0.5;
/** Log-spaced buckets from MIN_MS up to MIN_MS * 2^18 = 131,072 ms (above k6's 60 s request timeout). */
export const LOG_BUCKETS = 18 * PER_DOUBLING;
/** Bucket 0: below MIN_MS; 1..LOG_BUCKETS: log-spaced; the last: everything slower (overflow). */
export const BUCKET_COUNT = LOG_BUCKETS + 2;

const SCALE = PER_DOUBLING / Math.LN2;
const OFFSET = Math.log(MIN_MS);

/**
 * The bucket of a duration in ms: 0 below MIN_MS, then 1 + floor(6 * log2(ms / MIN_MS)), capped at the
 * overflow bucket. NaN and negative durations land in bucket 0.
 */
export function bucketIndex(ms: number): number {
  if (!(ms >= MIN_MS)) return 0;
  const i = Math.floor((Math.log(ms) - OFFSET) * SCALE) + 1;
  return i > LOG_BUCKETS ? LOG_BUCKETS + 1 : i;
}

/** Exclusive upper bound of bucket i in ms, rounded to 4 significant digits; null for the overflow bucket. */
export function upperBound(i: number): number | null {
  if (i >= BUCKET_COUNT - 1) return null;
  return Number((MIN_MS * 2 ** (i / PER_DOUBLING)).toPrecision(4));
}

/** Inclusive lower bound of bucket i in ms (0 for bucket 0). */
export function lowerBound(i: number): number {
  return i === 0 ? 0 : (upperBound(i - 1) as number);
}

/**
 * A histogram as summary.json and the baselines keep it: counts[i] requests took at least bounds[i-1] ms
 * (0 for i = 0) and less than bounds[i] ms; a null bound is the overflow bucket (no upper limit). Only the
 * span from the bucket below the fastest request to the slowest one is kept, so counts[0] is 0 unless
 * bounds[0] is MIN_MS.
 */
export interface Histogram {
  bounds: Array<number | null>;
  counts: number[];
}

/** The total row's key: every data request of the phase. Other keys are '<resource> <op>'. */
export const ALL_KEY = '(all) (all)';

/** Dense counts (BUCKET_COUNT long) -> the compact form; undefined when there are no samples. */
export function compactHistogram(dense: ArrayLike<number>): Histogram | undefined {
  let first = -1;
  let last = -1;
  for (let i = 0; i < dense.length; i++) {
    if (dense[i] > 0) {
      if (first < 0) first = i;
      last = i;
    }
  }
  if (first < 0) return undefined;
  const start = Math.max(0, first - 1);
  const bounds: Array<number | null> = [];
  const counts: number[] = [];
  for (let i = start; i <= last; i++) {
    bounds.push(upperBound(i));
    counts.push(dense[i] ?? 0);
  }
  return { bounds, counts };
}

const INDEX_OF_BOUND = new Map<number | null, number>();
for (let i = 0; i < BUCKET_COUNT; i++) INDEX_OF_BOUND.set(upperBound(i), i);

/**
 * The compact form -> dense counts in this layout. Throws when a bound is not one of this layout's (a
 * histogram written by another version of the suite) or the arrays do not match.
 */
export function denseCounts(h: Histogram): number[] {
  if (!h || !Array.isArray(h.bounds) || !Array.isArray(h.counts) || h.bounds.length !== h.counts.length) {
    throw new Error('histogram needs bounds and counts of the same length');
  }
  const dense = new Array<number>(BUCKET_COUNT).fill(0);
  h.bounds.forEach((bound, j) => {
    const i = INDEX_OF_BOUND.get(bound);
    const count = h.counts[j];
    if (i === undefined) throw new Error(`histogram bound ${String(bound)} ms is not one of this suite's buckets`);
    if (!Number.isFinite(count) || count < 0) throw new Error(`histogram count ${String(count)} is not a count`);
    dense[i] += count;
  });
  return dense;
}

/**
 * Percentiles k6 reports for every trend (summaryTrendStats), besides the suite's usual ones: the ladder
 * the histograms are made from. k6 interpolates linearly between neighbouring samples.
 */
export const LADDER_PERCENTILES: number[] = [...Array.from({ length: 99 }, (_, i) => i + 1), 99.5, 99.9];
export const LADDER_STATS: string[] = ['min', ...LADDER_PERCENTILES.map((p) => `p(${p})`), 'max'];

/**
 * Request counts per bucket (dense, BUCKET_COUNT long) from a trend's ladder: `values` holds k6's stats
 * (min, p(1) ... p(99.9), max, count). Between two neighbouring points of the ladder lie (q2 - q1) * count
 * requests, spread evenly over the durations between them (as k6 interpolates); a bucket gets the part of
 * that span it covers. Rounded to whole requests by largest remainder, so the counts add up to `count`.
 * Undefined without samples or without the ladder (a summary made by an older version of the suite).
 */
export function countsFromLadder(values: Record<string, number | undefined>): number[] | undefined {
  const count = values.count ?? 0;
  if (!(count > 0)) return undefined;
  const points: Array<[number, number]> = [];
  const push = (q: number, x: number | undefined) => {
    if (typeof x === 'number' && Number.isFinite(x)) points.push([q, Math.max(0, x)]);
  };
  push(0, values.min);
  for (const p of LADDER_PERCENTILES) push(p / 100, values[`p(${p})`]);
  push(1, values.max);
  if (points.length !== LADDER_PERCENTILES.length + 2) return undefined;
  const mass = new Array<number>(BUCKET_COUNT).fill(0);
  for (let j = 1; j < points.length; j++) {
    const [q1, x1] = points[j - 1];
    const [q2, x2raw] = points[j];
    const x2 = Math.max(x1, x2raw);
    const share = (q2 - q1) * count;
    if (share <= 0) continue;
    const first = bucketIndex(x1);
    const last = bucketIndex(x2);
    if (first === last || x2 === x1) {
      mass[first] += share;
      continue;
    }
    for (let i = first; i <= last; i++) {
      const lo = Math.max(x1, lowerBound(i));
      const hi = Math.min(x2, upperBound(i) ?? x2);
      if (hi > lo) mass[i] += (share * (hi - lo)) / (x2 - x1);
    }
  }
  return roundToTotal(mass, Math.round(count));
}

/** Whole numbers that add up to `total`, each within 1 of its share (largest remainder). */
function roundToTotal(mass: number[], total: number): number[] {
  const floors = mass.map(Math.floor);
  let left = total - floors.reduce((a, b) => a + b, 0);
  const order = mass.map((m, i) => ({ i, r: m - Math.floor(m) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    floors[i]++;
    left--;
  }
  return floors;
}

/** The trend the histograms are made of: every data request attempt's duration. */
const DURATION_METRIC = /^http_req_duration\{(.*)\}$/;

/**
 * summary metrics -> histograms: http_req_duration{resource:R,op:O} becomes the '<R> <op>' entry,
 * http_req_duration{api:data} the ALL_KEY entry. Takes k6's summary `metrics` object; returns only
 * histograms with samples.
 */
export function histogramsFromMetrics(metrics: Record<string, { values: Record<string, number> }>): Record<string, Histogram> {
  const out: Record<string, Histogram> = {};
  const found: Array<[string, Histogram]> = [];
  for (const [name, metric] of Object.entries(metrics)) {
    const key = histogramKey(name);
    if (key === undefined) continue;
    const counts = countsFromLadder(metric.values ?? {});
    const h = counts && compactHistogram(counts);
    if (h) found.push([key, h]);
  }
  for (const [key, h] of found.sort((a, b) => (a[0] < b[0] ? -1 : 1))) out[key] = h;
  return out;
}

/**
 * The `histograms` key of a metric: 'students read' for http_req_duration{resource:students,op:read},
 * ALL_KEY for http_req_duration{api:data}; undefined for a metric that has no histogram.
 */
export function histogramKey(metricName: string): string | undefined {
  const match = DURATION_METRIC.exec(metricName);
  if (!match) return undefined;
  return match[1] === 'api:data' ? ALL_KEY : pairKey(match[1]);
}

/** 'resource:students,op:read' -> 'students read'; undefined for any other tag set. */
function pairKey(tags: string): string | undefined {
  const parts: Record<string, string> = {};
  for (const part of tags.split(',')) {
    const colon = part.indexOf(':');
    if (colon > 0) parts[part.slice(0, colon)] = part.slice(colon + 1);
  }
  const keys = Object.keys(parts);
  if (keys.length !== 2 || parts.resource === undefined || parts.op === undefined) return undefined;
  return `${parts.resource} ${parts.op}`;
}
