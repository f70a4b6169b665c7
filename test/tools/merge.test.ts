// tools/merge: the summaries of several k6 instances of one phase become one, as if one k6 had run it:
// counts are sums, rates are over the merged run time, percentiles come from merged histograms, and the whole
// run's thresholds are judged on the merged figures with one exit code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkParts, combinedExitCode, MergeError, mergeSummaries, type SummaryPart } from '../../tools/merge/merge.ts';
import { judgeThreshold, parseExpression } from '../../tools/merge/thresholds.ts';
import { withHistograms, type MetricSummary, type SummaryData } from '../../src/summary/summary.ts';
import { LADDER_PERCENTILES } from '../../src/summary/latency-histogram.ts';

/** A trend's values as k6 computes them from samples (linear interpolation between ranks), with the ladder. */
function trend(samples: number[]): MetricSummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => {
    const i = q * (sorted.length - 1);
    const lo = Math.floor(i);
    return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (i - lo);
  };
  const values: Record<string, number> = { count: sorted.length, min: sorted[0], max: sorted[sorted.length - 1], avg: sorted.reduce((a, b) => a + b, 0) / sorted.length, med: at(0.5) };
  for (const p of [...LADDER_PERCENTILES, 90, 95, 99]) values[`p(${p})`] = at(p / 100);
  return { type: 'trend', contains: 'time', values };
}

/** Deterministic latencies: a spread around `center` ms. */
function latencies(n: number, center: number, seed: number): number[] {
  let x = seed;
  return Array.from({ length: n }, () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return center * (0.5 + (x / 2147483648) ** 2 * 3);
  });
}

const WHOLE_RUN = {
  'entities_ensured{resource:students}': ['count==100'],
  entities_failed: ['count==0', 'count<50'],
  'http_req_duration{api:data}': ['p(95)<1000'],
  'dms_request_failed{api:data}': ['rate<=0.01'],
};

function part(index: number, of: number, students: number, durations: number[], failed: number, startedAt: string, finishedAt: string, exitCode = 0): SummaryPart {
  const point = (i: number) => (i === 0 ? '0' : i === of ? '1' : `${i}/${of}`);
  const raw: SummaryData = {
    root_group: { name: '', path: '', id: 'root', groups: [], checks: [{ name: 'read succeeded', path: '::read succeeded', id: 'c1', passes: 10 * index, fails: index - 1 }] },
    options: { summaryTrendStats: ['avg'], summaryTimeUnit: '', noColor: true },
    state: { testRunDurationMs: Date.parse(finishedAt) - Date.parse(startedAt) },
    metrics: {
      'entities_ensured{resource:students}': { type: 'counter', contains: 'default', values: { count: students, rate: 1 }, thresholds: { 'count<=100': { ok: true } } },
      entities_failed: { type: 'counter', contains: 'default', values: { count: 0, rate: 0 }, thresholds: { 'count==0': { ok: true }, 'count<50': { ok: true } } },
      'http_req_duration{api:data}': { ...trend(durations), thresholds: { 'p(95)<1000': { ok: true } } },
      'http_req_duration{resource:students,op:create}': trend(durations),
      'dms_request_failed{api:data}': { type: 'rate', contains: 'default', values: { passes: failed, fails: durations.length - failed, rate: failed / durations.length }, thresholds: { 'rate<=0.01': { ok: failed / durations.length <= 0.01 } } },
      iteration_duration: trend(durations.map((d) => d * 3)),
      vus_max: { type: 'gauge', contains: 'default', values: { value: 5, min: 5, max: 5 } },
    },
    problems: [{ phase: 'load', resource: 'students', op: 'create', status: 409, kind: 'status', problemType: 'x', count: 3 + index }],
    logs: { 'request-timeout': index },
  };
  const saved = withHistograms(raw);
  saved.segment = { runId: 'run-1', instances: of, executionSegment: `${point(index - 1)}:${point(index)}`, executionSegmentSequence: Array.from({ length: of + 1 }, (_, i) => point(i)).join(','), startedAt, finishedAt, thresholds: WHOLE_RUN };
  return { source: `load/instance-${index}`, summary: saved, exitCode };
}

const A = latencies(3000, 40, 7);
const B = latencies(2000, 90, 11);

test('counts are the sums of the parts; rates over the earliest start to the latest end', () => {
  const { summary } = mergeSummaries([
    part(1, 2, 52, A, 3, '2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z'),
    part(2, 2, 48, B, 10, '2026-01-01T00:00:10Z', '2026-01-01T00:01:40Z'),
  ]);
  const m = summary.metrics;
  assert.equal(m['entities_ensured{resource:students}'].values.count, 100);
  assert.equal(m['entities_ensured{resource:students}'].values.rate, 1, '100 over 100 s');
  assert.equal(summary.state?.testRunDurationMs, 100_000);
  assert.deepEqual([m['dms_request_failed{api:data}'].values.passes, m['dms_request_failed{api:data}'].values.fails], [13, 4987]);
  assert.equal(m['dms_request_failed{api:data}'].values.rate, 13 / 5000);
  assert.equal(m['http_req_duration{api:data}'].values.count, 5000);
  assert.equal(m.vus_max.values.value, 10, 'gauges are summed');
  const check = (summary.root_group as { checks: Array<{ passes: number; fails: number }> }).checks[0];
  assert.deepEqual([check.passes, check.fails], [30, 1]);
  assert.deepEqual((summary.problems as Array<{ count: number }>).map((p) => p.count), [5], 'one broker for the run: a problem once, with its highest count');
  assert.deepEqual(summary.logs, { 'request-timeout': 3 });
  assert.equal('segment' in summary, false);
});

test('trends: min, max and avg exact; percentiles from the merged histograms, within a bucket of the exact ones', () => {
  const { summary } = mergeSummaries([part(1, 2, 50, A, 0, '2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z'), part(2, 2, 50, B, 0, '2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z')]);
  const exact = trend([...A, ...B]).values;
  const merged = summary.metrics['http_req_duration{resource:students,op:create}'].values;
  assert.equal(merged.min, exact.min);
  assert.equal(merged.max, exact.max);
  assert.ok(Math.abs(merged.avg - exact.avg) < 1e-9);
  for (const stat of ['med', 'p(90)', 'p(95)', 'p(99)']) {
    const ratio = merged[stat] / exact[stat];
    assert.ok(ratio > 1 / 1.13 && ratio < 1.13, `${stat}: merged ${merged[stat].toFixed(1)} vs exact ${exact[stat].toFixed(1)}`);
  }
  const counts = summary.histograms?.['students create'].counts ?? [];
  assert.equal(counts.reduce((a, b) => a + b, 0), 5000, 'the merged histogram holds every request');
  const iteration = summary.metrics.iteration_duration.values;
  assert.equal(iteration['p(95)'], undefined, 'no histogram: no percentile rather than a wrong one');
  assert.equal(iteration.count, 5000);
  assert.ok((summary.merge as { notes: string[] }).notes.some((n) => /percentiles of 1 trend/.test(n)));
});

test('the whole run\'s thresholds are judged on the merged figures: parts that pass alone can fail together, and back', () => {
  // each part is complete for its own share (count<=100), the sum is the whole data set
  const ok = mergeSummaries([part(1, 2, 52, A, 0, '2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z'), part(2, 2, 48, B, 0, '2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z')]);
  assert.equal(ok.record.exitCode, 0);
  assert.deepEqual(Object.keys(ok.summary.metrics['entities_ensured{resource:students}'].thresholds ?? {}), ['count==100']);
  // one student missing in all: each part passed count<=100, the run fails count==100
  const short = mergeSummaries([part(1, 2, 52, A, 0, '2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z'), part(2, 2, 47, B, 0, '2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z')]);
  assert.equal(short.record.exitCode, 99);
  assert.deepEqual(short.record.thresholds.filter((t) => !t.ok).map((t) => `${t.metric} ${t.expression} ${t.observed}`), ['entities_ensured{resource:students} count==100 99']);
  // part 2 failed its own error rate (99), the merged rate holds: the run passes
  const rates = mergeSummaries([part(1, 2, 52, A, 0, '2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z'), part(2, 2, 48, B, 30, '2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z', 99)]);
  assert.equal(rates.record.exitCode, 0, `30 of 5000 = 0.6% <= 1%: ${JSON.stringify(rates.record.thresholds.filter((t) => !t.ok))}`);
  const p95 = rates.record.thresholds.find((t) => t.expression === 'p(95)<1000');
  assert.match(p95?.note ?? '', /every instance's own p\(95\) .* is on the same side of 1000, so the whole run's is \(exact\)/);
});

test('percentile thresholds: exact when the instances\' own agree, from the merged histograms only when they straddle the limit', () => {
  const figures = (estimate: number | undefined, lo: number, hi: number) => ({ percentile: () => estimate, partRange: () => [lo, hi] as [number, number] });
  const trendMetric: MetricSummary = { type: 'trend', values: { count: 100 } };
  // both instances below the limit: the whole run is, whatever the histogram says
  let v = judgeThreshold('d', 'p(95)<500', trendMetric, figures(600, 300, 450));
  assert.deepEqual([v.ok, v.judged, v.observed], [true, true, 450]);
  assert.match(v.note ?? '', /\(exact\)/);
  // both above: fails, exactly
  v = judgeThreshold('d', 'p(95)<500', trendMetric, figures(400, 510, 900));
  assert.deepEqual([v.ok, v.judged], [false, true]);
  // straddling: the histogram's estimate, kept inside the instances' range, decides; the note says so
  v = judgeThreshold('d', 'p(95)<500', trendMetric, figures(470, 300, 700));
  assert.deepEqual([v.ok, v.observed], [true, 470]);
  assert.match(v.note ?? '', /estimated from the merged latency histograms.*straddle 500/);
  v = judgeThreshold('d', 'p(95)<500', trendMetric, figures(900, 300, 700));
  assert.deepEqual([v.ok, v.observed], [false, 700]);
  // straddling without a histogram: not judged, so not passed
  v = judgeThreshold('iteration_duration', 'p(95)<500', trendMetric, figures(undefined, 300, 700));
  assert.deepEqual([v.ok, v.judged], [false, false]);
  // lower limits too
  assert.equal(judgeThreshold('d', 'p(5)>10', trendMetric, figures(undefined, 20, 30)).ok, true);
});

test('merged percentiles stay between the instances\' own; one instance with all the samples gives its exact value', () => {
  const few = latencies(60, 40, 3);
  const { summary } = mergeSummaries([part(1, 2, 50, few, 0, '2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z'), part(2, 2, 50, latencies(70, 45, 5), 0, '2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z')]);
  const p1 = trend(few).values;
  const p2 = trend(latencies(70, 45, 5)).values;
  for (const stat of ['med', 'p(90)', 'p(95)', 'p(99)']) {
    const merged = summary.metrics['http_req_duration{resource:students,op:create}'].values[stat];
    assert.ok(merged >= Math.min(p1[stat], p2[stat]) && merged <= Math.max(p1[stat], p2[stat]), `${stat}: ${merged} between ${p1[stat]} and ${p2[stat]}`);
  }
  const idle = part(2, 2, 50, B, 0, '2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z');
  idle.summary.metrics.iteration_duration = { type: 'trend', contains: 'time', values: { count: 0, min: 0, max: 0, avg: 0, med: 0, 'p(90)': 0, 'p(95)': 0, 'p(99)': 0 } };
  const alone = mergeSummaries([part(1, 2, 50, A, 0, '2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z'), idle]);
  assert.equal(alone.summary.metrics.iteration_duration.values['p(95)'], trend(A.map((d) => d * 3)).values['p(95)'], 'exact: the other instance had no samples');
});

test('one exit code: an instance\'s own failure first (its signal only when nothing else failed), then the merged thresholds', () => {
  assert.equal(combinedExitCode([0, 0], true), 0);
  assert.equal(combinedExitCode([99, 0], true), 0);
  assert.equal(combinedExitCode([0, 0], false), 99);
  assert.equal(combinedExitCode([105, 108], true), 108, 'the aborted instance is the cause; the other was stopped');
  assert.equal(combinedExitCode([105, 105], true), 105);
  assert.equal(combinedExitCode([107, 108], false), 107);
  assert.equal(combinedExitCode([undefined, 0], true), 0);
});

test('parts that are not the instances of one run are refused, naming them', () => {
  const p1 = part(1, 2, 50, A, 0, '2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z');
  const p2 = part(2, 2, 50, B, 0, '2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z');
  const whole = { ...p1, source: 'other-run', summary: { ...p1.summary, segment: undefined } };
  assert.throws(() => checkParts([p1]), /at least two instances/);
  assert.throws(() => checkParts([p1, p1]), (e: Error) => e instanceof MergeError && /overlaps/.test(e.message) && /twice/.test(e.message));
  assert.throws(() => checkParts([p1, part(3, 3, 1, B, 0, 'a', 'b')]), /different sizes/);
  assert.throws(() => checkParts([p1, part(2, 3, 1, B, 0, 'a', 'b'), part(1, 3, 1, B, 0, 'a', 'b')].slice(1)), /do not make the whole run: 2 of 3 instances, segments 0.666..1 missing/);
  assert.throws(() => checkParts([whole, p2]), /other-run: not an instance of several/);
  const other = part(2, 2, 50, B, 0, '2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z');
  (other.summary.segment as { thresholds: unknown }).thresholds = { entities_failed: ['count==0'] };
  assert.throws(() => mergeSummaries([p1, other]), /other thresholds/);
  const stranger = part(2, 2, 50, B, 0, '2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z');
  (stranger.summary.segment as { runId: string }).runId = 'run-2';
  assert.throws(() => checkParts([p1, stranger]), /different runs \(run ids run-1, run-2\)/);
  assert.doesNotThrow(() => checkParts([p2, p1]), 'any order');
});

test('threshold expressions: what the merge judges, and what it refuses to pass', () => {
  assert.deepEqual(parseExpression('p(99.9) <= 250'), { aggregation: 'p(99.9)', operator: '<=', bound: 250 });
  assert.equal(parseExpression('count==0 && rate<1'), undefined);
  const counter: MetricSummary = { type: 'counter', values: { count: 3, rate: 0.1 } };
  assert.equal(judgeThreshold('x', 'count==3', counter).ok, true);
  assert.equal(judgeThreshold('x', 'count!=3', counter).ok, false);
  assert.equal(judgeThreshold('x', 'count>2', counter).ok, true);
  const noSamples: MetricSummary = { type: 'rate', values: { passes: 0, fails: 0, rate: 0 } };
  assert.equal(judgeThreshold('x', 'rate<=0.01', noSamples).ok, true, 'judged on zeros, as k6 does');
  const trendNoHistogram: MetricSummary = { type: 'trend', values: { count: 10, avg: 5, min: 1, max: 9 } };
  const v = judgeThreshold('iteration_duration', 'p(95)<100', trendNoHistogram);
  assert.deepEqual([v.ok, v.judged], [false, false]);
  assert.match(v.note ?? '', /cannot be merged.*not judged, so not passed/);
  assert.equal(judgeThreshold('iteration_duration', 'avg<6', trendNoHistogram).ok, true);
  assert.equal(judgeThreshold('x', 'nonsense', counter).judged, false);
});
