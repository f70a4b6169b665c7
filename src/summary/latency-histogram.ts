// Latency histograms: the bucket layout, and the summary.json form of the buckets k6 counted.
// k6 keeps only percentiles of a trend; a baseline comparison needs the samples' distribution, so every data
// request attempt is also counted in one of BUCKET_COUNT log-spaced buckets (src/dms/latency.ts), and
// handleSummary collapses those counters into summary.json's `histograms` field. k6-free and Node-free:
// used inside k6 (the hot path: bucketIndex) and by tools/baseline; unit-tested under Node.

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
 * overflow bucket. NaN and negative durations land in bucket 0. Called once per data request in k6: one
 * Math.log, no allocation.
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

/** The k6 Counter of bucket i: dms_latency_bucket_000 ... dms_latency_bucket_109. */
export function bucketMetricName(i: number): string {
  return `dms_latency_bucket_${String(i).padStart(3, '0')}`;
}

const METRIC_PATTERN = /^dms_latency_bucket_(\d{3})(?:\{(.*)\})?$/;

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
 * summary metrics -> histograms: the per-(resource, op) sub-metrics dms_latency_bucket_NNN{resource:R,op:O}
 * become '<R> <op>' entries, the bucket metrics themselves (every data request) the ALL_KEY entry. Takes
 * k6's summary `metrics` object; returns only histograms with samples.
 */
export function histogramsFromMetrics(metrics: Record<string, { values: Record<string, number> }>): Record<string, Histogram> {
  const dense = new Map<string, number[]>();
  for (const [name, metric] of Object.entries(metrics)) {
    const match = METRIC_PATTERN.exec(name);
    if (!match) continue;
    const count = metric.values?.count ?? 0;
    if (!(count > 0)) continue;
    const key = match[2] === undefined ? ALL_KEY : pairKey(match[2]);
    if (key === undefined) continue;
    let counts = dense.get(key);
    if (!counts) dense.set(key, (counts = new Array<number>(BUCKET_COUNT).fill(0)));
    counts[Number(match[1])] += count;
  }
  const out: Record<string, Histogram> = {};
  for (const key of [...dense.keys()].sort()) {
    const h = compactHistogram(dense.get(key) as number[]);
    if (h) out[key] = h;
  }
  return out;
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

/** True for the raw bucket counters, which summary.json leaves out once they are collapsed. */
export function isBucketMetric(name: string): boolean {
  return METRIC_PATTERN.test(name);
}
