// A phase's thresholds with the value k6 judged, in words: `p(95)<500` on http_req_duration{api:data} ->
// "p(95) = 612.3 ms". Pure, unit-tested; read by junit.xml and summary.md.
import { formatMs } from '../progress/format.ts';
import { thresholdRows, type MetricSummary, type SummaryData } from '../report/model.ts';

export interface ThresholdOutcome {
  metric: string;
  expression: string;
  ok: boolean;
  /** The aggregation the expression tests and its value, e.g. 'p(95) = 612.3 ms'; undefined when unknown. */
  observed?: string;
}

/** 'p(95)<500' -> 'p(95)'; 'rate<=0.01' -> 'rate'; 'count==36' -> 'count'. */
export function aggregationOf(expression: string): string | undefined {
  return /^\s*([a-z]+(?:\(\s*\d+(?:\.\d+)?\s*\))?)\s*(?:<=|>=|===|==|!==|!=|<|>)/.exec(expression)?.[1].replace(/\s+/g, '');
}

function formatValue(metric: MetricSummary, aggregation: string, value: number): string {
  if (metric.type === 'trend' && metric.contains === 'time') return formatMs(value);
  if (aggregation === 'rate' && metric.type === 'rate') {
    const passes = metric.values.passes;
    const all = (metric.values.passes ?? 0) + (metric.values.fails ?? 0);
    const share = `${Number((value * 100).toPrecision(3))}%`;
    return passes !== undefined && all > 0 ? `${share} (${passes} of ${all})` : share;
  }
  if (aggregation === 'rate') return `${Number(value.toPrecision(4))}/s`;
  return String(Number.isInteger(value) ? value : Number(value.toPrecision(6)));
}

/** The value a threshold expression was judged on, in words; undefined when the summary lacks it. */
export function observedValue(metric: MetricSummary | undefined, expression: string): string | undefined {
  if (!metric) return undefined;
  const aggregation = aggregationOf(expression);
  if (!aggregation) return undefined;
  const value = metric.values[aggregation === 'p(50)' && metric.values['p(50)'] === undefined ? 'med' : aggregation];
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  return `${aggregation} = ${formatValue(metric, aggregation, value)}`;
}

/** Every threshold of a phase, failed ones first, with what k6 observed. */
export function thresholdOutcomes(data: SummaryData): ThresholdOutcome[] {
  return thresholdRows(data).map((t) => ({ ...t, observed: observedValue(data.metrics[t.metric], t.expression) }));
}
