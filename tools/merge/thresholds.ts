// k6 threshold expressions judged again on merged figures (several k6 instances of one run). k6 judged each
// instance on its own part; the run's verdict is the whole run's thresholds on the sums. Pure, unit-tested.
import type { MetricSummary } from '../../src/summary/summary.ts';

/** One threshold of the whole run and what the merged figures say about it. */
export interface ThresholdVerdict {
  metric: string;
  expression: string;
  /** False when it failed, and when it could not be judged (a run is never passed on a figure it lacks). */
  ok: boolean;
  judged: boolean;
  /** The merged value the expression was judged on (ms for time trends). */
  observed?: number;
  /** Why it was not judged, or how the value was obtained (a percentile from merged histograms). */
  note?: string;
}

const EXPRESSION = /^\s*(count|rate|value|avg|min|max|med|p\(\s*\d+(?:\.\d+)?\s*\))\s*(<=|>=|===|==|!==|!=|<|>)\s*(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*$/i;

/** 'p(95) < 500' -> { aggregation: 'p(95)', operator: '<', bound: 500 }; undefined for anything else. */
export function parseExpression(expression: string): { aggregation: string; operator: string; bound: number } | undefined {
  const match = EXPRESSION.exec(expression);
  if (!match) return undefined;
  return { aggregation: match[1].replace(/\s+/g, '').toLowerCase(), operator: match[2], bound: Number(match[3]) };
}

function compare(value: number, operator: string, bound: number): boolean {
  switch (operator) {
    case '<': return value < bound;
    case '<=': return value <= bound;
    case '>': return value > bound;
    case '>=': return value >= bound;
    case '==':
    case '===': return value === bound;
    default: return value !== bound; // != and !==
  }
}

/** The q-quantile (0..1) of a merged trend in ms, from its merged histogram; undefined without one. */
export type PercentileSource = (q: number) => number | undefined;

/**
 * Judges one expression on a merged metric: count, rate, value, avg, min and max from the merged values
 * (exact), percentiles and med from `percentile` (merged histograms), zeros for a metric without samples
 * (as k6 judges one). What cannot be judged is not passed: ok false, judged false, and a note says why.
 */
export function judgeThreshold(metricName: string, expression: string, metric: MetricSummary | undefined, percentile?: PercentileSource): ThresholdVerdict {
  const parsed = parseExpression(expression);
  const base = { metric: metricName, expression };
  if (!parsed) return { ...base, ok: false, judged: false, note: `'${expression}' is not a threshold expression the merge can judge (aggregation operator number)` };
  const { aggregation, operator, bound } = parsed;
  const values = metric?.values ?? {};
  const samples = metric === undefined ? 0 : metric.type === 'rate' ? (values.passes ?? 0) + (values.fails ?? 0) : metric.type === 'trend' || metric.type === 'counter' ? values.count ?? 0 : 1;
  const isPercentile = aggregation.startsWith('p(') || aggregation === 'med';
  let observed: number | undefined;
  let note: string | undefined;
  if (samples === 0) {
    observed = 0; // k6 judges a metric without samples on zeros
  } else if (isPercentile) {
    const q = aggregation === 'med' ? 0.5 : Number(aggregation.slice(2, -1)) / 100;
    observed = percentile?.(q);
    if (observed !== undefined) note = 'from the merged latency histograms (buckets 12.2% wide)';
  } else {
    observed = values[aggregation];
  }
  if (observed === undefined) {
    return { ...base, ok: false, judged: false, note: `${aggregation} of ${metricName} cannot be merged (only http_req_duration of data requests has histograms); not judged, so not passed` };
  }
  return { ...base, ok: compare(observed, operator, bound), judged: true, observed, ...(note ? { note } : {}) };
}
