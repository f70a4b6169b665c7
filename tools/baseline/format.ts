// Terminal output of a baseline comparison. Pure, unit-tested.
import { formatMs } from '../progress/format.ts';
import { ALL, formatP, type Comparison, type MetricComparison, type MetricName, type RowComparison, type TestResult } from './baseline.ts';

/** 'readwrite students update', or 'readwrite all data requests' for the phase's total row. */
export function rowLabel(r: { phase: string; resource: string; op: string }): string {
  return r.resource === ALL ? `${r.phase} all data requests` : `${r.phase} ${r.resource} ${r.op}`;
}

function value(metric: MetricName, v: number | undefined): string {
  if (v === undefined) return '-';
  if (metric === 'throughput') return v >= 100 ? v.toFixed(0) : v.toFixed(1);
  if (metric === 'errorRate') return `${(v * 100).toFixed(2)}%`;
  return formatMs(v).replace(' ms', '').replace(' s', 's');
}

function change(m: MetricComparison): string {
  if (m.metric === 'errorRate') {
    if (m.baseline === undefined || m.current === undefined) return '';
    const points = (m.current - m.baseline) * 100;
    return Math.abs(points) < 0.005 ? '' : ` ${points > 0 ? '+' : ''}${points.toFixed(2)}pt`;
  }
  if (m.change === undefined || Math.abs(m.change) < 0.005) return '';
  return ` ${m.change > 0 ? '+' : ''}${Math.round(m.change * 100)}%`;
}

/** ' p=0.003': the Holm-adjusted p-value of the metric's test, when it had one. */
function pValue(m: MetricComparison): string {
  return m.test ? ` p=${formatP(m.test.pAdjusted)}` : '';
}

function cell(m: MetricComparison | undefined, rowJudged: boolean): string {
  if (!m) return '';
  const mark = m.verdict === 'regression' ? ' !!' : m.verdict === 'not-judged' && rowJudged ? ' ?' : '';
  return `${value(m.metric, m.baseline)}→${value(m.metric, m.current)}${change(m)}${m.verdict === 'not-judged' ? '' : pValue(m)}${mark}`;
}

const HEAD = ['phase', 'resource', 'op', 'requests', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'errors', 'verdict'];

function verdict(row: RowComparison): string {
  if (row.status === 'only-in-baseline') return 'only in baseline';
  if (row.status === 'only-in-run') return 'new (not in baseline)';
  if (row.status === 'too-few-samples') return 'too few requests to judge';
  if (row.metrics.some((m) => m.verdict === 'regression')) return 'REGRESSION';
  if (row.metrics.some((m) => m.verdict === 'improved')) return 'ok (faster)';
  return 'ok';
}

/** One line per capacity phase: the figure against the baseline's, and the verdict in words. */
export function capacityComparisonLines(c: Comparison): string[] {
  return (c.capacity ?? []).map((x) => {
    const fig = (n: { rate: number; requestsPerSecond: number; found: boolean; atMax: boolean }) =>
      n.found ? `${n.atMax ? 'at least ' : ''}${n.rate} iterations/s (${Math.round(n.requestsPerSecond)} requests/s)` : 'none';
    const verdict = x.verdict === 'regression' ? 'REGRESSION' : x.verdict.replace('-', ' ');
    return `${x.phase} sustainable capacity: ${fig(x.baseline)} -> ${fig(x.current)}: ${verdict} (${x.note}; allowed ${x.limit}; one figure per run, no significance test)`;
  });
}

export function comparisonTable(c: Comparison): string {
  const rows = c.rows.map((r) => {
    const by = (name: MetricName) => r.metrics.find((m) => m.metric === name);
    const judged = r.status === 'compared';
    return [
      r.phase,
      r.resource,
      r.op,
      `${r.baselineCount ?? '-'}→${r.currentCount ?? '-'}`,
      cell(by('throughput'), judged),
      cell(by('p50'), judged),
      cell(by('p95'), judged),
      cell(by('p99'), judged),
      cell(by('errorRate'), judged),
      verdict(r),
    ];
  });
  const widths = HEAD.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c2, i) => c2.padEnd(widths[i])).join('  ').trimEnd();
  const legend = [
    `!! regression   ? not judged (p50 and errors need ${c.tolerances.minCount} requests, p95 100, p99 500; requests/s: phase totals of ${c.tolerances.minSeconds} s or more, per operation only in the load phase)`,
    `p = one-sided p-value after Holm's adjustment over the comparison's ${c.method.tests} tests; a change beyond the tolerance is a regression when p < ${c.method.alpha} ` +
      `(p50: Mann-Whitney U; p95/p99: share above the baseline's percentile, Fisher, and only with the median; errors: Fisher)`,
  ];
  return [line(HEAD), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), ...capacityComparisonLines(c), ...legend].join('\n');
}

const METRIC_WORDS: Record<MetricName, string> = { throughput: 'requests/s', p50: 'p50', p95: 'p95', p99: 'p99', errorRate: 'error rate' };

const TEST_WORDS: Record<TestResult['name'], string> = { 'mann-whitney': 'Mann-Whitney', quantile: 'quantile test', fisher: 'Fisher' };

/** 'Mann-Whitney P(slower) 0.97, p 2e-9 < 0.01' */
function testWords(t: TestResult, alpha: number): string {
  return `${TEST_WORDS[t.name]} ${t.detail}, p ${formatP(t.pAdjusted)} < ${alpha}`;
}

export function regressionLines(c: Comparison): string[] {
  return c.regressions.map((r) => {
    if (r.metric === 'capacity') {
      const judged = c.capacity?.find((x) => x.phase === r.phase);
      return `REGRESSION ${r.phase} sustainable capacity: ${r.baseline} -> ${r.current} iterations/s (allowed ${r.limit}; ${judged?.method ?? 'no significance test'})`;
    }
    const m: MetricComparison = { metric: r.metric, baseline: r.baseline, current: r.current, verdict: 'regression', limit: r.limit, change: r.baseline ? r.current / r.baseline - 1 : undefined };
    const unit = r.metric === 'p50' || r.metric === 'p95' || r.metric === 'p99' ? ' ms' : '';
    const test = r.test ? `; ${testWords(r.test, c.method.alpha)}` : '';
    return `REGRESSION ${rowLabel(r)} ${METRIC_WORDS[r.metric]}: ${value(r.metric, r.baseline)}${unit} -> ${value(r.metric, r.current)}${unit}${change(m)} (allowed ${r.limit}${test})`;
  });
}

/** A banner nobody scrolls past: the numbers come from different setups. */
export function fingerprintWarning(c: Comparison): string | undefined {
  if (c.fingerprint.differences.length === 0) return undefined;
  const bar = '!'.repeat(78);
  const lines = [bar, `!! WARNING: this run and baseline '${c.baseline.name}' were made with different setups;`, '!! the comparison may not mean what it seems:'];
  for (const d of c.fingerprint.differences) lines.push(`!!   ${d.key}: baseline ${d.baseline ?? '(none)'}, this run ${d.current ?? '(none)'}`);
  lines.push(bar);
  return lines.join('\n');
}

/** Rows the one-line summary names before "and N more". */
export const SUMMARY_NAMES = 3;

export function summaryLine(c: Comparison): string {
  const judged = c.rows.filter((r) => r.status === 'compared').length;
  if (c.verdict === 'pass') {
    return `baseline '${c.baseline.name}': no regression (${judged} rows compared; ${c.method.tests} significance tests at alpha ${c.method.alpha}, Holm-adjusted)`;
  }
  const names = [...new Set(c.regressions.map((r) => (r.metric === 'capacity' ? `${r.phase} sustainable capacity` : rowLabel(r))))];
  // A long list would bury the line CI shows: three rows, then a count (the table above has them all).
  const shown = names.slice(0, SUMMARY_NAMES).join('; ');
  const more = names.length > SUMMARY_NAMES ? ` and ${names.length - SUMMARY_NAMES} more` : '';
  return `baseline '${c.baseline.name}': ${c.regressions.length} regression(s) in ${shown}${more}`;
}
