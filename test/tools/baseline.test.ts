import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareMetric, minCountFor, type Comparison } from '../../tools/baseline/baseline.ts';
import { DEFAULT_TOLERANCES, tolerancesFromEnv } from '../../tools/baseline/tolerances.ts';
import type { SummaryData } from '../../tools/report/model.ts';
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

function summaryOf(rows: Row[], seconds = 60): SummaryData {
  const metrics: SummaryData['metrics'] = {};
  let total = 0;
  let failed = 0;
  for (const r of rows) {
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
  return { state: { testRunDurationMs: seconds * 1000 }, metrics };
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
  assert.equal(saved.format, 'dms-load-test-baseline/1');
  assert.deepEqual(saved.fingerprint, { profile: 'dev', phase: 'readwrite', target: 'dms', k6: '2.2.0', suite: '0.1.0', 'vus.readwrite': '10', STUDENT_COUNT: '1000' });
  const read = saved.phases.readwrite.rows.find((x: { resource: string; op: string }) => x.resource === 'students' && x.op === 'read');
  assert.deepEqual(read, { resource: 'students', op: 'read', count: 6000, throughput: 100, p50: 12, p95: 40, p99: 80, errorRate: 0 });
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

test('a slower operation is a regression: exit 1, named by phase, resource, operation and metric', () => {
  const env = baselineEnv();
  cli(['save', resultsFolder(ROWS), 'main'], env);
  const slower = ROWS.map((x) => (x.op === 'update' ? { ...x, p95: 90, p99: 200 } : x));
  const run = resultsFolder(slower);
  const r = cli(['compare', run, 'main'], env);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /REGRESSION readwrite students update p95: 60\.0 ms -> 90\.0 ms \+50% \(allowed \+20% and \+5 ms\)/);
  assert.match(r.stdout, /REGRESSION readwrite students update p99: 120 ms -> 200 ms \+67% \(allowed \+30% and \+5 ms\)/);
  assert.match(r.stdout, /baseline 'main': 2 regression\(s\) in readwrite students update\n/);
  assert.doesNotMatch(r.stdout, /REGRESSION readwrite students read/);
  const comparison = JSON.parse(readFileSync(join(run, 'baseline-comparison.json'), 'utf8')) as Comparison;
  assert.equal(comparison.verdict, 'regression');
  assert.deepEqual([...new Set(comparison.regressions.map((x) => `${x.resource}/${x.op}/${x.metric}`))].sort(), ['students/update/p95', 'students/update/p99']);
});

test('throughput drops and error rate rises are regressions too', () => {
  const env = baselineEnv();
  cli(['save', resultsFolder(ROWS), 'main'], env);
  const worse = ROWS.map((x) => (x.op === 'read' ? { ...x, count: 4000, failed: 100 } : x));
  const run = resultsFolder(worse);
  const r = cli(['compare', run, 'main'], env);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /REGRESSION readwrite students read requests\/s: 100 -> 66\.7 -33% \(allowed -20%\)/);
  assert.match(r.stdout, /REGRESSION readwrite students read error rate: 0\.00% -> 2\.50% \+2\.50pt \(allowed \+1\.00 points\)/);
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
  assert.match(tol.stderr, /BASELINE_P95_TOLERANCE='twenty' must be a non-negative number/);
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

test('rules of one metric: relative and absolute steps, percentile sample sizes, short phases', () => {
  const tol = DEFAULT_TOLERANCES;
  const side = (value: number, count = 1000, seconds = 60) => ({ value, count, seconds });
  assert.equal(compareMetric('p95', side(100), side(119), tol).verdict, 'ok');
  assert.equal(compareMetric('p95', side(100), side(121), tol).verdict, 'regression');
  assert.equal(compareMetric('p95', side(1.0), side(1.5), tol).verdict, 'ok');
  assert.equal(compareMetric('p95', side(100), side(70), tol).verdict, 'improved');
  assert.equal(compareMetric('p99', side(100), side(125), tol).verdict, 'ok');
  assert.equal(minCountFor('p95', tol), 100);
  assert.equal(minCountFor('p99', tol), 500);
  assert.equal(minCountFor('p50', tol), 20);
  const thin = compareMetric('p99', side(10, 400), side(100, 400), tol);
  assert.equal(thin.verdict, 'not-judged');
  assert.equal(thin.note, 'fewer than 500 requests');
  assert.equal(compareMetric('throughput', side(100), side(79), tol).verdict, 'regression');
  assert.equal(compareMetric('throughput', side(100, 1000, 5), side(10, 1000, 5), tol).note, 'phase shorter than 10 s');
  // Much slower runs make few requests: their throughput drop still counts.
  assert.equal(compareMetric('throughput', side(100, 6000), side(0.2, 12), tol).verdict, 'regression');
  assert.equal(compareMetric('throughput', side(0.2, 12), side(100, 6000), tol).verdict, 'not-judged');
  assert.equal(compareMetric('errorRate', side(0.001), side(0.011), tol).verdict, 'ok');
  assert.equal(compareMetric('errorRate', side(0.001), side(0.0111), tol).verdict, 'regression');
  assert.deepEqual(tolerancesFromEnv({ BASELINE_P95_TOLERANCE: '0.5', BASELINE_MIN_COUNT: '50' }), { ...tol, p95: 0.5, minCount: 50 });
  assert.throws(() => tolerancesFromEnv({ BASELINE_THROUGHPUT_TOLERANCE: '1.5' }), /below 1/);
  assert.throws(() => tolerancesFromEnv({ BASELINE_MIN_COUNT: '2.5' }), /whole number/);
});
