import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assessMetric, minCountFor, type Comparison } from '../../tools/baseline/baseline.ts';
import { DEFAULT_TOLERANCES, tolerancesFromEnv } from '../../tools/baseline/tolerances.ts';
import type { SummaryData } from '../../tools/report/model.ts';
import { BUCKET_COUNT, bucketIndex, compactHistogram, type Histogram } from '../../src/summary/latency-histogram.ts';
import { ROOT } from './helpers/stand-in-run.ts';

interface Row {
  resource: string;
  op: string;
  count: number;
  p50: number;
  p95: number;
  p99: number;
  failed?: number;
}

/**
 * Durations with (about) the row's percentiles: half up to p50, 45% up to p95, 4% up to p99, 1% beyond,
 * log-uniform inside each part. Deterministic, so two fixtures of the same row are like runs without noise.
 */
function durationsOf(r: Row): number[] {
  const parts: Array<[number, number, number]> = [
    [0.5, r.p50 * 0.6, r.p50],
    [0.45, r.p50, r.p95],
    [0.04, r.p95, r.p99],
    [0.01, r.p99, r.p99 * 1.5],
  ];
  const out: number[] = [];
  for (const [share, from, to] of parts) {
    const n = Math.round(share * r.count);
    for (let i = 0; i < n; i++) out.push(from * (to / from) ** ((i + 0.5) / n));
  }
  return out;
}

function histogramOf(durations: number[]): Histogram {
  const dense = new Array<number>(BUCKET_COUNT).fill(0);
  for (const d of durations) dense[bucketIndex(d)]++;
  return compactHistogram(dense) as Histogram;
}

function summaryOf(rows: Row[], seconds = 60): SummaryData {
  const metrics: SummaryData['metrics'] = {};
  const histograms: Record<string, Histogram> = {};
  const all: number[] = [];
  let total = 0;
  let failed = 0;
  for (const r of rows) {
    const durations = durationsOf(r);
    histograms[`${r.resource} ${r.op}`] = histogramOf(durations);
    all.push(...durations);
    const tags = `{resource:${r.resource},op:${r.op}}`;
    metrics[`http_reqs${tags}`] = { type: 'counter', values: { count: r.count, rate: r.count / seconds } };
    metrics[`http_req_duration${tags}`] = { type: 'trend', values: { avg: r.p50, min: 0.1, med: r.p50, 'p(90)': r.p95, 'p(95)': r.p95, 'p(99)': r.p99, max: r.p99 * 2, count: r.count } };
    metrics[`http_req_failed${tags}`] = { type: 'rate', values: { rate: (r.failed ?? 0) / r.count, passes: r.failed ?? 0, fails: r.count - (r.failed ?? 0) } };
    total += r.count;
    failed += r.failed ?? 0;
  }
  // Totals: the busiest row stands in for the mix.
  const slowest = rows.reduce((a, b) => (a.count > b.count ? a : b));
  metrics['http_reqs{api:data}'] = { type: 'counter', values: { count: total, rate: total / seconds } };
  metrics['http_req_duration{api:data}'] = { type: 'trend', values: { avg: slowest.p50, med: slowest.p50, 'p(95)': slowest.p95, 'p(99)': slowest.p99, max: slowest.p99, count: total } };
  metrics['http_req_failed{api:data}'] = { type: 'rate', values: { rate: failed / total, passes: failed, fails: total - failed } };
  metrics.vus_max = { type: 'gauge', values: { value: 10, min: 10, max: 10 } };
  histograms['(all) (all)'] = histogramOf(all);
  return { state: { testRunDurationMs: seconds * 1000 }, metrics, histograms };
}

const ROWS: Row[] = [
  { resource: 'students', op: 'read', count: 6000, p50: 12, p95: 40, p99: 80 },
  { resource: 'students', op: 'update', count: 1200, p50: 20, p95: 60, p99: 120 },
  { resource: 'studentSchoolAssociations', op: 'query', count: 900, p50: 1.0, p95: 1.0, p99: 1.2 },
  { resource: 'students', op: 'delete', count: 10, p50: 10, p95: 30, p99: 30 },
];

function resultsFolder(rows: Row[], run: Partial<Record<string, unknown>> = {}, seconds = 60): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'baseline-run-')), 'run');
  mkdirSync(join(dir, 'readwrite'), { recursive: true });
  writeFileSync(join(dir, 'readwrite/summary.json'), JSON.stringify(summaryOf(rows, seconds)));
  writeFileSync(
    join(dir, 'run.json'),
    JSON.stringify({
      profile: 'dev',
      phase: 'readwrite',
      target: 'dms',
      status: 'PASS',
      exitCode: 0,
      versions: { k6: '2.2.0', node: '20.20.2', suite: '0.1.0' },
      config: { VUS_READWRITE_PHASE: { value: '10', source: 'profile dev' }, STUDENT_COUNT: { value: '1000', source: 'profile dev' } },
      phases: [{ name: 'readwrite', exitCode: 0, dir: 'readwrite' }],
      ...run,
    }),
  );
  return dir;
}

function cli(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'tools/baseline/main.ts', ...args], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function baselineEnv(): Record<string, string> {
  return { BASELINE_DIR: mkdtempSync(join(tmpdir(), 'baselines-')) };
}

test('save writes NAME.json with the fingerprint and per resource/operation numbers', () => {
  const env = baselineEnv();
  const r = cli(['save', resultsFolder(ROWS), 'main'], env);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /saved baseline 'main' to .*main\.json: readwrite \(4 resource\/operation rows\)/);
  const saved = JSON.parse(readFileSync(join(env.BASELINE_DIR, 'main.json'), 'utf8'));
  assert.equal(saved.format, 'dms-load-test-baseline/2');
  assert.deepEqual(saved.fingerprint, { profile: 'dev', phase: 'readwrite', target: 'dms', k6: '2.2.0', suite: '0.1.0', 'vus.readwrite': '10', STUDENT_COUNT: '1000' });
  const read = saved.phases.readwrite.rows.find((x: { resource: string; op: string }) => x.resource === 'students' && x.op === 'read');
  const { histogram, ...numbers } = read;
  assert.deepEqual(numbers, { resource: 'students', op: 'read', count: 6000, throughput: 100, p50: 12, p95: 40, p99: 80, errorRate: 0, failed: 0 });
  // the latency histogram travels with the row: every request, a few dozen buckets
  assert.equal(histogram.counts.reduce((a: number, b: number) => a + b, 0), 6000);
  assert.ok(histogram.counts.length < 40);
  assert.equal(saved.phases.readwrite.rows[0].histogram.counts.reduce((a: number, b: number) => a + b, 0), 8110);
  assert.equal(saved.phases.readwrite.rows[0].resource, '(all)');
});

test('saving over an existing baseline says so and keeps every earlier one as .bak.<UTC timestamp>', () => {
  const env = baselineEnv();
  const backups = () => readdirSync(env.BASELINE_DIR).filter((f) => f.startsWith('main.json.bak.')).sort();
  assert.equal(cli(['save', resultsFolder(ROWS), 'main'], env).code, 0);
  const first = readFileSync(join(env.BASELINE_DIR, 'main.json'), 'utf8');
  const r = cli(['save', resultsFolder(ROWS.map((x) => ({ ...x, p95: x.p95 + 1 }))), 'main'], env);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /baseline 'main' already existed: replaced it; the previous one is kept as .*main\.json\.bak\.\d{8}T\d{6}Z/);
  const second = readFileSync(join(env.BASELINE_DIR, 'main.json'), 'utf8');
  assert.notEqual(second, first);
  assert.equal(backups().length, 1);
  assert.match(backups()[0], /^main\.json\.bak\.\d{8}T\d{6}Z$/);
  assert.equal(readFileSync(join(env.BASELINE_DIR, backups()[0]), 'utf8'), first);
  // A third save (within the same second, too) keeps both earlier ones.
  assert.equal(cli(['save', resultsFolder(ROWS.map((x) => ({ ...x, p95: x.p95 + 2 }))), 'main'], env).code, 0);
  const kept = backups().map((f) => readFileSync(join(env.BASELINE_DIR, f), 'utf8'));
  assert.equal(kept.length, 2);
  assert.deepEqual(new Set(kept), new Set([first, second]));
  // Backups are not baselines.
  assert.match(cli(['list'], env).stdout, /^main$/m);
  assert.doesNotMatch(cli(['list'], env).stdout, /bak/);
});

test('the same numbers compare clean: exit 0 and baseline-comparison.json in the results folder', () => {
  const env = baselineEnv();
  cli(['save', resultsFolder(ROWS), 'main'], env);
  const run = resultsFolder(ROWS);
  const r = cli(['compare', run, 'main'], env);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /baseline 'main': no regression/);
  assert.match(r.stdout, /phase\s+resource\s+op\s+requests\s+req\/s\s+p50 ms\s+p95 ms\s+p99 ms\s+errors\s+verdict/);
  assert.doesNotMatch(r.stderr, /WARNING/);
  const comparison = JSON.parse(readFileSync(join(run, 'baseline-comparison.json'), 'utf8')) as Comparison;
  assert.equal(comparison.verdict, 'pass');
  assert.deepEqual(comparison.regressions, []);
  assert.deepEqual(comparison.fingerprint.differences, []);
});

test('a slower operation is a regression: exit 1, named by phase, resource, operation, metric and test', () => {
  const env = baselineEnv();
  cli(['save', resultsFolder(ROWS), 'main'], env);
  const slower = ROWS.map((x) => (x.op === 'update' ? { ...x, p50: 30, p95: 90, p99: 200 } : x));
  const run = resultsFolder(slower);
  const r = cli(['compare', run, 'main'], env);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /REGRESSION readwrite students update p50: 20\.0 ms -> 30\.0 ms \+50% \(allowed \+10% and \+5 ms; Mann-Whitney P\(slower\) 0\.\d\d, p <1e-12 < 0\.01\)/);
  assert.match(r.stdout, /REGRESSION readwrite students update p95: 60\.0 ms -> 90\.0 ms \+50% \(allowed \+10% and \+5 ms; quantile test \d+\/1200 -> \d+\/1200 above [\d.]+ ms, p \S+ < 0\.01\)/);
  assert.match(r.stdout, /REGRESSION readwrite students update p99: 120 ms -> 200 ms \+67% \(allowed \+30% and \+5 ms; quantile test/);
  assert.match(r.stdout, /baseline 'main': 3 regression\(s\) in readwrite students update\n/);
  assert.doesNotMatch(r.stdout, /REGRESSION readwrite students read/);
  // every judged cell shows its p-value; the legend says which test and at which confidence
  assert.match(r.stdout, /students\s+update\s+1200→1200\s+20\.0→20\.0 \?\s+20\.0→30\.0 \+50% p=<1e-12 !!/);
  assert.match(r.stdout, /p = one-sided p-value after Holm's adjustment over the comparison's \d+ tests/);
  const comparison = JSON.parse(readFileSync(join(run, 'baseline-comparison.json'), 'utf8')) as Comparison;
  assert.equal(comparison.verdict, 'regression');
  assert.equal(comparison.method.alpha, 0.01);
  assert.deepEqual([...new Set(comparison.regressions.map((x) => `${x.resource}/${x.op}/${x.metric}`))].sort(), ['students/update/p50', 'students/update/p95', 'students/update/p99']);
  assert.ok(comparison.regressions.every((x) => x.test && x.test.pAdjusted < 0.01));
});

test('a tail that grew while the median stayed is shown but is not a regression by itself', () => {
  const env = baselineEnv();
  cli(['save', resultsFolder(ROWS), 'main'], env);
  const run = resultsFolder(ROWS.map((x) => (x.op === 'update' ? { ...x, p95: 90, p99: 200 } : x)));
  const r = cli(['compare', run, 'main'], env);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const comparison = JSON.parse(readFileSync(join(run, 'baseline-comparison.json'), 'utf8')) as Comparison;
  const p95 = comparison.rows.find((x) => x.op === 'update')?.metrics.find((m) => m.metric === 'p95');
  assert.equal(p95?.verdict, 'ok');
  assert.ok(p95?.test && p95.test.pAdjusted < 0.01, 'the tail change itself is significant');
  assert.match(p95?.note ?? '', /the median did not move/);
});

test('throughput drops and error rate rises are regressions too', () => {
  const env = baselineEnv();
  cli(['save', resultsFolder(ROWS), 'main'], env);
  const worse = ROWS.map((x) => (x.op === 'read' ? { ...x, count: 4000, failed: 100 } : x));
  const run = resultsFolder(worse);
  const r = cli(['compare', run, 'main'], env);
  assert.equal(r.code, 1);
  // readwrite: the phase total's requests/s is judged, not an operation's (its share is drawn at random)
  assert.match(r.stdout, /REGRESSION readwrite all data requests requests\/s: 135 -> 102 -25% \(allowed -20%\)/);
  assert.doesNotMatch(r.stdout, /REGRESSION readwrite students read requests\/s/);
  assert.match(r.stdout, /REGRESSION readwrite students read error rate: 0\.00% -> 2\.50% \+2\.50pt \(allowed \+1\.00 points; Fisher 0\/6000 -> 100\/4000 failed, p <1e-12 < 0\.01\)/);
  // Looser tolerances from the environment let it pass.
  const loose = cli(['compare', run, 'main'], { ...env, BASELINE_THROUGHPUT_TOLERANCE: '0.5', BASELINE_ERROR_RATE_TOLERANCE: '0.05' });
  assert.equal(loose.code, 0, loose.stdout);
});

test('tiny absolute changes and thin rows are not regressions', () => {
  const env = baselineEnv();
  cli(['save', resultsFolder(ROWS), 'main'], env);
  // 1.0 -> 1.5 ms is +50% but below BASELINE_MIN_DELTA_MS; the delete row has 10 requests only.
  const noisy = ROWS.map((x) => (x.op === 'query' ? { ...x, p50: 1.5, p95: 1.5, p99: 2.4 } : x.op === 'delete' ? { ...x, p50: 100, p95: 300, p99: 300 } : x));
  const r = cli(['compare', resultsFolder(noisy), 'main'], env);
  assert.equal(r.code, 0, r.stdout);
  assert.match(r.stdout, /students\s+delete\s+10→10 .* too few requests to judge/);
  // With a stricter minimum delta the query row is judged.
  const strict = cli(['compare', resultsFolder(noisy), 'main'], { ...env, BASELINE_MIN_DELTA_MS: '0.1' });
  assert.equal(strict.code, 1);
  assert.match(strict.stdout, /REGRESSION readwrite studentSchoolAssociations query p50/);
});

test('different fingerprints warn loudly but still compare', () => {
  const env = baselineEnv();
  cli(['save', resultsFolder(ROWS), 'main'], env);
  const r = cli(['compare', resultsFolder(ROWS, { target: 'sim', versions: { k6: '2.1.0', suite: '0.1.0' } }), 'main'], env);
  assert.equal(r.code, 0);
  assert.match(r.stderr, /!!!!!!!!/);
  assert.match(r.stderr, /WARNING: this run and baseline 'main' were made with different setups/);
  assert.match(r.stderr, /target: baseline dms, this run sim/);
  assert.match(r.stderr, /k6: baseline 2\.2\.0, this run 2\.1\.0/);
});

test('bad input exits 2 with what, where and how to fix it', () => {
  const env = baselineEnv();
  cli(['save', resultsFolder(ROWS), 'main'], env);
  cli(['save', resultsFolder(ROWS), 'release-1.2'], env);
  const unknown = cli(['compare', resultsFolder(ROWS), 'nightly'], env);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /no baseline named 'nightly' \(.*nightly\.json does not exist\); available in .*: main, release-1\.2\. Save one from a good run with/);
  const none = cli(['compare', resultsFolder(ROWS), 'main'], baselineEnv());
  assert.equal(none.code, 2);
  assert.match(none.stderr, /there are no baselines in .* yet/);
  const folder = cli(['compare', '/nonexistent/results/x', 'main'], env);
  assert.equal(folder.code, 2);
  assert.match(folder.stderr, /results folder \/nonexistent\/results\/x does not exist/);
  const name = cli(['save', resultsFolder(ROWS), '../evil'], env);
  assert.equal(name.code, 2);
  assert.match(name.stderr, /baseline name '\.\.\/evil' is not valid/);
  const tol = cli(['compare', resultsFolder(ROWS), 'main'], { ...env, BASELINE_P95_TOLERANCE: 'twenty' });
  assert.equal(tol.code, 2);
  assert.match(tol.stderr, /BASELINE_P95_TOLERANCE='twenty' must be a number >= 0/);
  const usage = cli(['frobnicate'], env);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /unknown command 'frobnicate'/);
  writeFileSync(join(env.BASELINE_DIR, 'broken.json'), '{"hello":1}');
  const broken = cli(['compare', resultsFolder(ROWS), 'broken'], env);
  assert.equal(broken.code, 2);
  assert.match(broken.stderr, /is not a baseline of this suite/);
  const failed = cli(['save', resultsFolder(ROWS, { status: 'FAIL', exitCode: 99 }), 'bad'], env);
  assert.equal(failed.code, 2);
  assert.match(failed.stderr, /is a FAIL run \(exit code 99\).*pass --force/);
  assert.equal(existsSync(join(env.BASELINE_DIR, 'bad.json')), false);
  assert.equal(cli(['save', resultsFolder(ROWS, { status: 'FAIL', exitCode: 99 }), 'bad', '--force'], env).code, 0);
  const list = cli(['list'], env);
  assert.equal(list.code, 0);
  assert.deepEqual(list.stdout.trim().split('\n'), ['bad', 'broken', 'main', 'release-1.2']);
});

test('rules of one metric: tolerance and floor, sample sizes, throughput only where the work is fixed', () => {
  const tol = DEFAULT_TOLERANCES;
  const hist = (r: Partial<Row> & { p50: number }, count = 1000) =>
    histogramOf(durationsOf({ resource: 'r', op: 'o', count, p95: r.p50 * 2, p99: r.p50 * 3, ...r }));
  const dense = (h: Histogram) => {
    const d = new Array<number>(BUCKET_COUNT).fill(0);
    h.bounds.forEach((b, j) => (d[bucketIndex((b as number) * 0.999)] += h.counts[j]));
    return d;
  };
  const side = (value: number, count = 1000, seconds = 60, histogram?: number[]) => ({ value, count, seconds, histogram });
  const base = dense(hist({ p50: 100 }));
  // beyond the tolerance (10%) and the floor (5 ms) with a significant test: a candidate
  const slower = assessMetric('p50', side(100, 1000, 60, base), side(125, 1000, 60, dense(hist({ p50: 125 }))), tol);
  assert.equal(slower.beyond, true);
  assert.ok(slower.raw && slower.raw.p < 1e-6);
  assert.equal(assessMetric('p50', side(100, 1000, 60, base), side(109, 1000, 60, dense(hist({ p50: 109 }))), tol).beyond, false);
  assert.equal(assessMetric('p50', side(1.0, 1000, 60, base), side(1.5, 1000, 60, base), tol).beyond, false, '+50% but 0.5 ms');
  assert.equal(assessMetric('p95', side(100, 1000, 60, base), side(70, 1000, 60, base), tol).comparison.verdict, 'improved');
  // no histogram (a format-1 baseline): latency is not judged
  const old = assessMetric('p50', side(100), side(200, 1000, 60, base), tol);
  assert.equal(old.comparison.verdict, 'not-judged');
  assert.match(old.comparison.note ?? '', /no latency histogram in the baseline \(saved by an older version/);
  assert.equal(minCountFor('p95', tol), 100);
  assert.equal(minCountFor('p99', tol), 500);
  assert.equal(minCountFor('p50', tol), 20);
  const thin = assessMetric('p99', side(10, 400, 60, base), side(100, 400, 60, base), tol);
  assert.equal(thin.comparison.verdict, 'not-judged');
  assert.equal(thin.comparison.note, 'fewer than 500 requests');
  assert.equal(assessMetric('throughput', side(100), side(79), tol).comparison.verdict, 'regression');
  assert.equal(assessMetric('throughput', side(100, 1000, 5), side(10, 1000, 5), tol).comparison.note, 'phase shorter than 10 s');
  assert.match(assessMetric('throughput', side(100), side(10), tol, false).comparison.note ?? '', /share of the mix is drawn at random/);
  // Much slower runs make few requests: their throughput drop still counts.
  assert.equal(assessMetric('throughput', side(100, 6000), side(0.2, 12), tol).comparison.verdict, 'regression');
  assert.equal(assessMetric('throughput', side(0.2, 12), side(100, 6000), tol).comparison.verdict, 'not-judged');
  // error rate: beyond one point is a candidate, and Fisher's test says whether it is more than chance
  const errors = (b: number, c: number, n = 1000) => assessMetric('errorRate', { value: b / n, count: n, failed: b }, { value: c / n, count: n, failed: c }, tol);
  assert.equal(errors(1, 11).beyond, false);
  assert.equal(errors(1, 12).beyond, true);
  assert.ok((errors(1, 12).raw?.p ?? 1) < 0.01);
  assert.ok((errors(0, 2, 100).raw?.p ?? 0) > 0.2, '0 -> 2 of 100 is +2 points but could be chance');
  assert.deepEqual(tolerancesFromEnv({ BASELINE_P95_TOLERANCE: '0.5', BASELINE_MIN_COUNT: '50', BASELINE_ALPHA: '0.05' }), { ...tol, p95: 0.5, minCount: 50, alpha: 0.05 });
  assert.throws(() => tolerancesFromEnv({ BASELINE_THROUGHPUT_TOLERANCE: '1.5' }), /below 1/);
  assert.throws(() => tolerancesFromEnv({ BASELINE_MIN_COUNT: '2.5' }), /whole number/);
  assert.throws(() => tolerancesFromEnv({ BASELINE_ALPHA: '0.7' }), /below 0\.5/);
});

test('a format-1 baseline (no histograms) is still read: latency "not judged", requests/s and errors judged', () => {
  const env = baselineEnv();
  cli(['save', resultsFolder(ROWS), 'old'], env);
  const file = join(env.BASELINE_DIR, 'old.json');
  const saved = JSON.parse(readFileSync(file, 'utf8'));
  saved.format = 'dms-load-test-baseline/1';
  for (const phase of Object.values(saved.phases) as Array<{ rows: Array<Record<string, unknown>> }>) {
    for (const row of phase.rows) {
      delete row.histogram;
      delete row.failed;
    }
  }
  writeFileSync(file, JSON.stringify(saved));
  const run = resultsFolder(ROWS.map((x) => (x.op === 'read' ? { ...x, p50: 40, p95: 90, p99: 160, failed: 300 } : x)));
  const r = cli(['compare', run, 'old'], env);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /note: baseline 'old' has no latency histograms \(format dms-load-test-baseline\/1\): latency is not judged; save the baseline again/);
  assert.match(r.stdout, /REGRESSION readwrite students read error rate/);
  assert.doesNotMatch(r.stdout, /REGRESSION readwrite students read p50/);
  const comparison = JSON.parse(readFileSync(join(run, 'baseline-comparison.json'), 'utf8')) as Comparison;
  const p50 = comparison.rows.find((x) => x.op === 'read')?.metrics.find((m) => m.metric === 'p50');
  assert.equal(p50?.verdict, 'not-judged');
  assert.match(p50?.note ?? '', /no latency histogram in the baseline/);
});

test('another profile, or nothing in common, cannot be compared: exit 2 with the reason; check says so before a run', () => {
  const env = baselineEnv();
  cli(['save', resultsFolder(ROWS), 'main'], env);
  const other = cli(['compare', resultsFolder(ROWS, { profile: 'staging' }), 'main'], env);
  assert.equal(other.code, 2);
  assert.match(other.stderr, /baseline 'main' was saved from a dev run, this is a staging run/);
  const renamed = cli(['compare', resultsFolder(ROWS.map((x) => ({ ...x, resource: `x${x.resource}` }))), 'main'], env);
  assert.equal(renamed.code, 2);
  assert.match(renamed.stderr, /nothing to compare between .* and baseline 'main': no resource\/operation in common/);
  assert.equal(cli(['check', 'main', '--profile', 'dev', '--phases', 'readwrite'], env).code, 0);
  const phase = cli(['check', 'main', '--profile', 'dev', '--phases', 'load'], env);
  assert.equal(phase.code, 2);
  assert.match(phase.stderr, /has the phase\(s\) readwrite, this run has load: no phase in common/);
  const profile = cli(['check', 'main', '--profile', 'smoke'], env);
  assert.equal(profile.code, 2);
  assert.match(profile.stderr, /saved from a dev run, this is a smoke run/);
  const usage = cli(['check', 'main', '--frobnicate'], env);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /Unknown option '--frobnicate'/);
});
