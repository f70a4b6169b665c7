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
 * The lowest and highest value of a percentile stat ('p(95)', 'med') among the instances' own (k6's exact
 * ones), for the instances with samples; undefined when one of them lacks it.
 */
export type PartRange = (stat: string) => [number, number] | undefined;

export interface MergedFigures {
  percentile?: PercentileSource;
  partRange?: PartRange;
}

/**
 * A percentile of the whole run from its parts. The whole run's CDF is the instances' CDFs averaged (weighted
 * by their counts), so its q-quantile lies between the lowest and the highest of the instances' own q-quantiles:
 * when all of them are on the same side of the limit, so is the whole run's, exactly. Only when they straddle
 * it is the merged histogram's estimate (buckets 12.2% wide; a tail of fewer than a few requests is lost in
 * its whole-request counts) what decides, and the note says so.
 */
function judgePercentile(aggregation: string, operator: string, bound: number, figures: MergedFigures): { observed?: number; decided?: boolean; note?: string } {
  const q = aggregation === 'med' ? 0.5 : Number(aggregation.slice(2, -1)) / 100;
  const estimate = figures.percentile?.(q);
  const range = figures.partRange?.(aggregation === 'med' ? 'med' : aggregation);
  if (range) {
    const [lo, hi] = range;
    const within = estimate === undefined ? undefined : Math.min(Math.max(estimate, lo), hi);
    const upper = operator === '<' || operator === '<=';
    const lower = operator === '>' || operator === '>=';
    if (lo === hi || ((upper || lower) && compare(lo, operator, bound) === compare(hi, operator, bound))) {
      return {
        observed: within ?? (upper ? hi : lo),
        decided: compare(upper ? hi : lo, operator, bound),
        note: lo === hi ? `${aggregation} of the one instance with samples (exact)` : `every instance's own ${aggregation} (${round(lo)} to ${round(hi)}) is on the same side of ${bound}, so the whole run's is (exact)`,
      };
    }
    if (within !== undefined) {
      return { observed: within, note: `estimated from the merged latency histograms (buckets 12.2% wide): the instances' own ${aggregation} (${round(lo)} to ${round(hi)}) straddle ${bound}` };
    }
  }
  if (estimate !== undefined) return { observed: estimate, note: 'estimated from the merged latency histograms (buckets 12.2% wide)' };
  return {};
}

function round(value: number): string {
  return String(Number(value.toPrecision(4)));
}

/**
 * Judges one expression on a merged metric: count, rate, value, avg, min and max from the merged values
 * (exact); percentiles and med from the instances' own where they decide it, else from the merged
 * histograms (judgePercentile); zeros for a metric without samples (as k6 judges one). What cannot be
 * judged is not passed: ok false, judged false, and a note says why.
 */
export function judgeThreshold(metricName: string, expression: string, metric: MetricSummary | undefined, figures: MergedFigures = {}): ThresholdVerdict {
  const parsed = parseExpression(expression);
  const base = { metric: metricName, expression };
  if (!parsed) return { ...base, ok: false, judged: false, note: `'${expression}' is not a threshold expression the merge can judge (aggregation operator number)` };
  const { aggregation, operator, bound } = parsed;
  const values = metric?.values ?? {};
  const samples = metric === undefined ? 0 : metric.type === 'rate' ? (values.passes ?? 0) + (values.fails ?? 0) : metric.type === 'trend' || metric.type === 'counter' ? values.count ?? 0 : 1;
  const isPercentile = aggregation.startsWith('p(') || aggregation === 'med';
  let observed: number | undefined;
  let note: string | undefined;
  let decided: boolean | undefined;
  if (samples === 0) {
    observed = 0; // k6 judges a metric without samples on zeros
  } else if (isPercentile) {
    ({ observed, decided, note } = judgePercentile(aggregation, operator, bound, figures));
  } else {
    observed = values[aggregation];
  }
  if (observed === undefined) {
    return { ...base, ok: false, judged: false, note: `${aggregation} of ${metricName} cannot be merged (the instances' own straddle the limit, or lack it, and only http_req_duration of data requests has histograms); not judged, so not passed` };
  }
  return { ...base, ok: decided ?? compare(observed, operator, bound), judged: true, observed, ...(note ? { note } : {}) };
}
