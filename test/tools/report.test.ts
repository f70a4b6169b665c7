import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeReport } from '../../tools/report/main.ts';
import { parseTimeseries } from '../../tools/progress/snapshot.ts';
import { esc, json } from '../../tools/report/html.ts';
import { opRows, parseMetricName, thresholdRows, type SummaryData } from '../../tools/report/model.ts';
import { downsample } from '../../tools/report/charts.ts';
import { ROOT } from './helpers/stand-in-run.ts';
import { summaryLine } from '../../tools/baseline/format.ts';
import type { Comparison } from '../../tools/baseline/baseline.ts';

const FIXTURE = join(ROOT, 'test/tools/fixtures/smoke-sim');

function copyFixture(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'report-')), 'run');
  cpSync(FIXTURE, dir, { recursive: true });
  rmSync(join(dir, 'report.html'), { force: true });
  return dir;
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** The rows of <table id="...">, as arrays of cell texts (still HTML-escaped). */
function tableRows(html: string, id: string): string[][] {
  const match = new RegExp(`<table id="${id}"[^>]*>([\\s\\S]*?)</table>`).exec(html);
  assert.ok(match, `table ${id} is in the report`);
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(match[1])?.[1] ?? '';
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((tr) => [...tr[1].matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((td) => td[1]));
}

function reportData(html: string): { charts: Array<{ id: string; labels: string[]; datasets: Array<{ label: string; data: Array<number | null> }> }> } {
  const match = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(match, 'chart data is embedded');
  return JSON.parse(match[1]);
}

const fixed = new Date('2026-11-24T12:00:00Z');

test('the report of the fixture run has the header, the stand-in banner and no network references', () => {
  const dir = copyFixture();
  const out = writeReport(dir, fixed);
  assert.equal(out, join(dir, 'report.html'));
  const html = readFileSync(out, 'utf8');
  assert.match(html, /<header class="run PASS"><h1>PASS: DMS load test · smoke<\/h1>/);
  assert.match(html, /profile smoke · phase full · target sim/);
  assert.match(html, /id="stand-in-banner">STAND-IN RUN/);
  assert.match(html, /Chart\.js v4/);
  assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//);
  assert.doesNotMatch(html, /sourceMappingURL/);
  // Versions and timings.
  assert.deepEqual(tableRows(html, 'versions').find((r) => r[0] === 'k6'), ['k6', readJson<{ versions: { k6: string } }>(join(dir, 'run.json')).versions.k6]);
  assert.match(html, /started 2026-/);
});

test('one table row per resource and operation, with the summary numbers', () => {
  const dir = copyFixture();
  const html = readFileSync(writeReport(dir, fixed), 'utf8');
  const summary = readJson<SummaryData>(join(dir, 'readwrite/summary.json'));
  const expected = Object.keys(summary.metrics).filter((k) => /^http_reqs\{resource:[^,]+,op:[^,]+\}$/.test(k));
  const rows = tableRows(html, 'ops-readwrite');
  assert.equal(rows.length, expected.length);
  assert.ok(rows.length >= 10, 'readwrite exercises many resource/operation pairs');
  const read = rows.find((r) => r[0] === 'students' && r[1] === 'read');
  assert.ok(read);
  const count = summary.metrics['http_reqs{resource:students,op:read}'].values.count;
  assert.equal(read[2], count.toLocaleString('en-US'));
  const p95 = summary.metrics['http_req_duration{resource:students,op:read}'].values['p(95)'];
  assert.equal(read[5], `${p95.toFixed(1)} ms`);
  // Load: every resource the data set creates.
  const load = tableRows(html, 'ops-load');
  assert.ok(load.some((r) => r[0] === 'students' && r[1] === 'create'));
  assert.ok(load.some((r) => r[0] === 'descriptors' && r[1] === 'create'));
});

test('thresholds are listed with pass and fail; a failed one turns the row and the header red', () => {
  const dir = copyFixture();
  let html = readFileSync(writeReport(dir, fixed), 'utf8');
  const load = tableRows(html, 'thresholds-load');
  assert.ok(load.length > 10);
  assert.ok(load.every((r) => r[2] === 'pass'));
  assert.ok(load.some((r) => r[0] === 'entities_ensured{resource:students}' && r[1] === 'count==2500'));

  const path = join(dir, 'readwrite/summary.json');
  const summary = readJson<SummaryData>(path);
  summary.metrics['http_req_failed{api:data}'].thresholds = { 'rate<0.01': { ok: false } };
  writeFileSync(path, JSON.stringify(summary));
  const run = readJson<Record<string, unknown>>(join(dir, 'run.json'));
  writeFileSync(join(dir, 'run.json'), JSON.stringify({ ...run, status: 'FAIL', exitCode: 99, reason: 'phase readwrite: k6 exit code 99' }));
  html = readFileSync(writeReport(dir, fixed), 'utf8');
  const rw = tableRows(html, 'thresholds-readwrite');
  assert.deepEqual(rw[0], ['http_req_failed{api:data}', 'rate&lt;0.01', 'FAIL']);
  assert.match(html, /<tr class="bad"><td>http_req_failed\{api:data\}<\/td>/);
  assert.match(html, /<header class="run FAIL">/);
  assert.match(html, /exit code 99 \(phase readwrite: k6 exit code 99\)/);
  assert.match(html, /1 of 4 thresholds FAILED/);
});

test('chart data from timeseries.ndjson is embedded, plus the per-operation latency chart', () => {
  const dir = copyFixture();
  const html = readFileSync(writeReport(dir, fixed), 'utf8');
  const data = reportData(html);
  const ids = data.charts.map((c) => c.id);
  for (const id of ['readwrite-throughput', 'readwrite-latency', 'readwrite-errors', 'readwrite-vus', 'readwrite-ops', 'load-throughput', 'load-entities', 'load-ops']) {
    assert.ok(ids.includes(id), `chart ${id}`);
    assert.match(html, new RegExp(`<canvas id="chart-${id}"`));
  }
  const samples = parseTimeseries(readFileSync(join(dir, 'readwrite/timeseries.ndjson'), 'utf8'));
  const throughput = data.charts.find((c) => c.id === 'readwrite-throughput');
  assert.deepEqual(throughput?.datasets[0].data, samples.map((s) => s.reqRate));
  assert.equal(throughput?.labels.length, samples.length);
  const entities = data.charts.find((c) => c.id === 'load-entities');
  assert.equal(entities?.datasets[1].label, 'expected');
  assert.equal(entities?.datasets[1].data[0], 7553);
});

test('without a timeseries the phase says why and still shows the summary figures', () => {
  const dir = copyFixture();
  rmSync(join(dir, 'load/timeseries.ndjson'));
  const html = readFileSync(writeReport(dir, fixed), 'utf8');
  assert.match(html, /No time series for this phase: <code>timeseries\.ndjson<\/code> is written by the live progress poller/);
  const ids = reportData(html).charts.map((c) => c.id);
  assert.ok(!ids.includes('load-throughput'));
  assert.ok(ids.includes('load-ops'));
});

test('entities, tokens, retries, the stand-in counters and the configuration are shown', () => {
  const dir = copyFixture();
  const html = readFileSync(writeReport(dir, fixed), 'utf8');
  const entities = tableRows(html, 'entities-load');
  assert.deepEqual(entities.find((r) => r[0] === 'students')?.slice(1, 4), ['2,500', '2,500', '2,500']);
  assert.match(html, /7,553 of 7,553 expected entities/);
  assert.ok(tableRows(html, 'tokens-load').some((r) => r[0] === 'token requests (counted by the suite)'));
  assert.ok(tableRows(html, 'retries-readwrite').some((r) => r[0] === 'unauthorized'));
  const broker = tableRows(html, 'broker-stats');
  assert.deepEqual(broker.find((r) => r[0] === 'tokens fetched from the token endpoint'), ['tokens fetched from the token endpoint', '1']);
  const sim = tableRows(html, 'sim-routes');
  assert.ok(sim.some((r) => r[0] === 'POST' && r[1] === '/data/ed-fi/students' && r[2] === '201'));
  const config = tableRows(html, 'config-table');
  assert.deepEqual(config.find((r) => r[0] === 'CLIENT_SECRET'), ['CLIENT_SECRET', '********', 'created by client setup']);
  assert.deepEqual(config.find((r) => r[0] === 'STUDENT_COUNT'), ['STUDENT_COUNT', '2500', 'shell']);
});

test('everything is escaped, and a secret the runner forgot to mask is hidden', () => {
  const dir = copyFixture();
  const run = readJson<{ config: Record<string, { value: string; source: string }> }>(join(dir, 'run.json'));
  run.config.RUN_ID = { value: '<script>alert(1)</script>', source: 'shell "quoted"' };
  run.config.CMS_ADMIN_CLIENT_SECRET = { value: 'plain-text-secret', source: 'shell' };
  writeFileSync(join(dir, 'run.json'), JSON.stringify(run));
  const html = readFileSync(writeReport(dir, fixed), 'utf8');
  assert.doesNotMatch(html, /<script>alert/);
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.match(html, /shell &quot;quoted&quot;/);
  assert.doesNotMatch(html, /plain-text-secret/);
  assert.equal(esc(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  assert.equal(json({ s: '</script><!--' }), '{"s":"\\u003c/script\\u003e\\u003c!--"}');
});

test('a baseline comparison in the folder is shown, with a loud fingerprint warning', () => {
  const dir = copyFixture();
  const comparison = {
    format: 'dms-load-test-baseline-comparison/1',
    baseline: { name: 'main', file: '/x/main.json', savedAt: '2026-11-01T00:00:00.000Z', folder: '/r' },
    comparedAt: '2026-11-24T00:00:00.000Z',
    tolerances: { p50: 0.2, p95: 0.2, p99: 0.3, throughput: 0.2, errorRate: 0.01, minDeltaMs: 5, minCount: 20, minSeconds: 10 },
    fingerprint: { baseline: { k6: '2.1.0' }, current: { k6: '2.2.0' }, differences: [{ key: 'k6', baseline: '2.1.0', current: '2.2.0' }] },
    phaseNotes: [],
    rows: [
      {
        phase: 'readwrite', resource: 'students', op: 'read', baselineCount: 900, currentCount: 800, status: 'compared',
        metrics: [{ metric: 'p95', baseline: 2, current: 40, change: 19, verdict: 'regression', limit: '+20% and +5 ms' }],
      },
    ],
    regressions: [{ phase: 'readwrite', resource: 'students', op: 'read', metric: 'p95', baseline: 2, current: 40, limit: '+20% and +5 ms' }],
    verdict: 'regression',
  };
  writeFileSync(join(dir, 'baseline-comparison.json'), JSON.stringify(comparison));
  const html = readFileSync(writeReport(dir, fixed), 'utf8');
  assert.match(html, /Compared with baseline <strong>main<\/strong>/);
  assert.match(html, /1 regression\(s\)/);
  assert.match(html, /WARNING: this run and the baseline were made with different setups/);
  assert.match(html, /<li>k6: baseline 2\.1\.0, this run 2\.2\.0<\/li>/);
  const rows = tableRows(html, 'baseline-rows');
  assert.equal(rows[0][0], 'readwrite');
  assert.match(rows[0][6], /2\.0 ms → 40\.0 ms \(\+1900%\) REGRESSION/);
  assert.equal(rows[0][9], 'REGRESSION');
});

test('a bare k6 folder (only summary.json) gives a report; a missing folder is a clear error with exit 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'report-bare-'));
  cpSync(join(FIXTURE, 'readwrite/summary.json'), join(dir, 'summary.json'));
  const html = readFileSync(writeReport(dir, fixed), 'utf8');
  assert.match(html, /<header class="run PASS">/);
  assert.ok(tableRows(html, 'ops-phase').length > 5);
  assert.doesNotMatch(html, /stand-in-banner/);

  const missing = spawnSync(process.execPath, ['--import', 'tsx', 'tools/report/main.ts', join(dir, 'nope')], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /results folder .*nope does not exist; pass a folder under results\//);
  const empty = spawnSync(process.execPath, ['--import', 'tsx', 'tools/report/main.ts', mkdtempSync(join(tmpdir(), 'empty-'))], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(empty.status, 2);
  assert.match(empty.stderr, /is not a results folder: it has no run\.json/);
  const none = spawnSync(process.execPath, ['--import', 'tsx', 'tools/report/main.ts'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(none.status, 2);
  assert.match(none.stderr, /usage: npm run report -- <results-folder>/);
});

test('model helpers: metric names, zero-sample rows, threshold order, downsampling', () => {
  assert.deepEqual(parseMetricName('http_req_duration{resource:students,op:create}'), { name: 'http_req_duration', tags: { resource: 'students', op: 'create' } });
  assert.deepEqual(parseMetricName('checks'), { name: 'checks', tags: {} });
  const data: SummaryData = {
    state: { testRunDurationMs: 10_000 },
    metrics: {
      'http_reqs{resource:students,op:read}': { type: 'counter', values: { count: 0, rate: 0 } },
      'http_req_duration{resource:students,op:read}': { type: 'trend', values: { med: 0, 'p(95)': 0, 'p(99)': 0, max: 0, avg: 0 } },
      'http_req_duration{resource:students,op:create}': { type: 'trend', values: { count: 50, med: 2, 'p(95)': 5, 'p(99)': 9, max: 12, avg: 3 } },
      'http_req_failed{resource:students,op:create}': { type: 'rate', values: { rate: 0.1, passes: 5, fails: 45 } },
      'dms_unexpected_status{resource:students,op:create}': { type: 'counter', values: { count: 3, rate: 0.3 } },
      a: { type: 'rate', values: { rate: 1 }, thresholds: { 'rate>0.9': { ok: true } } },
      b: { type: 'rate', values: { rate: 0 }, thresholds: { 'rate>0.9': { ok: false } } },
    },
  };
  const rows = opRows(data);
  assert.deepEqual(rows.map((r) => r.op), ['create', 'read']);
  assert.equal(rows[0].errorRate, 0.1);
  assert.equal(rows[0].failed, 5);
  assert.equal(rows[0].unexpected, 3);
  assert.equal(rows[0].rate, 5);
  assert.equal(rows[1].p95, undefined, 'no samples: no latency, not 0 ms');
  assert.equal(rows[1].errorRate, undefined);
  assert.deepEqual(thresholdRows(data).map((t) => t.metric), ['b', 'a']);
  assert.deepEqual(downsample([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 4), [1, 4, 7, 10]);
  assert.deepEqual(downsample([1, 2], 4), [1, 2]);
});

// A hand-made results folder with the verdict fields: outcome metrics, problems, retries
// by reason, dropped iterations, an open-model readwrite phase, a two-sample load phase, and a baseline
// comparison whose rows carry effect / interval / p-value fields.
const OUTCOMES = join(ROOT, 'test/tools/fixtures/outcomes');

function outcomesReport(): { dir: string; html: string } {
  const dir = join(mkdtempSync(join(tmpdir(), 'report-outcomes-')), 'run');
  cpSync(OUTCOMES, dir, { recursive: true });
  return { dir, html: readFileSync(writeReport(dir, fixed), 'utf8') };
}

test('the answer comes first: the verdict and its reasons above every phase table', () => {
  const { html } = outcomesReport();
  const answer = html.indexOf('<section id="answer" class="FAIL">');
  assert.ok(answer > 0, 'answer section');
  assert.ok(answer < html.indexOf('id="phase-load"') && answer < html.indexOf('id="overview"'), 'before the phases');
  const reasons = /<ul class="reasons" id="reasons">([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? '';
  assert.match(reasons, /<li>phase readwrite: k6 exit code 99, thresholds failed: dms_request_failed\{api:data\} rate&lt;=0\.01<\/li>/);
  assert.match(reasons, /threshold http_req_duration\{resource:students,op:query\} p\(95\)&lt;80 failed/);
  assert.match(reasons, /<li>baseline main: 8 regression\(s\)<\/li>/);
});

test('the five slowest resource/operation pairs by p95, each against its own limit or the phase limit', () => {
  const { html } = outcomesReport();
  const rows = tableRows(html, 'slowest');
  assert.equal(rows.length, 5);
  assert.deepEqual(rows[0], ['readwrite', 'students', 'query', '300', '95.0 ms', '80.0 ms', '119%']);
  assert.deepEqual(rows[1].slice(0, 3), ['readwrite', 'sections', 'query']);
  assert.equal(rows[1][5], '500 ms', 'the phase threshold p(95)<500 applies');
  assert.deepEqual(rows[2].slice(0, 3), ['load', 'students', 'create']);
  assert.equal(rows[2][5], '1000 ms');
  assert.match(html, /<tr class="bad"><td>readwrite<\/td><td>students<\/td><td>query<\/td>/);
});

test('failures after retries come from the outcome metrics, with the first problem DMS answered', () => {
  const { html } = outcomesReport();
  const failures = tableRows(html, 'failures');
  assert.deepEqual(failures, [
    ['readwrite', 'students', 'read', '20 of 600 requests, 20 of 600 operations (200 x 20)'],
    ['readwrite', 'sections', 'query', '5 of 200 requests, 5 of 200 operations (503 x 5)'],
  ]);
  const problems = tableRows(html, 'problems');
  assert.equal(problems.length, 2);
  assert.deepEqual(problems[0].slice(0, 4), ['readwrite', 'students read (GET)', '200', 'content type text/html']);
  assert.match(problems[0][4], /body: &lt;html&gt;&lt;body&gt;Sign in/);
  assert.equal(problems[0][5], '20');
  assert.deepEqual(problems[1].slice(2, 4), ['503', 'urn:ed-fi:api:service-unavailable']);
  assert.match(problems[1][4], /Service Unavailable · The circuit breaker is open/);
});

test('retried-then-succeeded requests are shown as retries, not painted as failures', () => {
  const { html } = outcomesReport();
  assert.deepEqual(tableRows(html, 'retried'), [
    ['load: rate-limited', '120'],
    ['readwrite: unavailable', '35'],
  ]);
  // load students create: 120 attempts answered 429 (http_req_failed), none failed after retries.
  const load = /<table id="ops-load"[^>]*>([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '';
  assert.match(load, /<tr class="retried"><td>students<\/td><td>create<\/td>/);
  assert.doesNotMatch(load, /class="bad"/);
  const rw = /<table id="ops-readwrite"[^>]*>([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '';
  assert.match(rw, /<tr class="bad"><td>students<\/td><td>read<\/td>/);
  assert.match(rw, /<tr class="bad"><td>sections<\/td><td>query<\/td>/);
  assert.match(rw, /<tr><td>staffs<\/td><td>read<\/td>/);
  const overview = tableRows(html, 'phases');
  assert.equal(overview.find((r) => r[0] === 'load')?.[6], '0');
  assert.equal(overview.find((r) => r[0] === 'readwrite')?.[6], '25');
});

test('what capped throughput: the rate limiter, an open breaker, the load generator', () => {
  const { html } = outcomesReport();
  const caps = /<ul id="caps">([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? '';
  assert.match(caps, /<strong>load<\/strong>: 429 x 120: throughput is the limiter&#39;s, not DMS&#39;s/);
  assert.match(caps, /<strong>readwrite<\/strong>: 503 x 35: an open circuit breaker/);
  // the fixture's readwrite retried 503s: its VUs were busy waiting on DMS, which is not the generator's fault
  assert.match(caps, /<strong>readwrite<\/strong>: k6 dropped 7 of 1207 planned iterations: its VUs were busy waiting on DMS \(35 retried answers, above\)/);
  assert.doesNotMatch(caps, /throughput is k6&#39;s/);
  // The fixture run of an earlier version: a few 429s are a brief push-back, not a cap.
  const old = readFileSync(writeReport(copyFixture(), fixed), 'utf8');
  assert.match(old, /429 x 4: brief push-back from the stand-in&#39;s rate limiter/);
});

test('a phase too short for charts says so in one line; an open-model phase shows iterations/s and allocated VUs', () => {
  const { html } = outcomesReport();
  const ids = reportData(html).charts.map((c) => c.id);
  assert.ok(!ids.some((id) => id.startsWith('load-') && id !== 'load-ops'), `no load charts over time: ${ids.join(', ')}`);
  assert.match(html, /<p class="note too-short">The load phase was too short for charts over time: 2 sample\(s\)/);
  const vus = reportData(html).charts.find((c) => c.id === 'readwrite-vus');
  assert.deepEqual(vus?.datasets.map((d) => d.label), ['iterations/s', 'allocated VUs']);
  assert.deepEqual(vus?.datasets[0].data, [20, 20, 20, 20, 20, 20]);
  assert.deepEqual(vus?.datasets[1].data, [10, 10, 10, 10, 10, 10]);
  const cards = /<section class="phase" id="phase-readwrite">[\s\S]*?<div class="cards">([\s\S]*?)<\/div><\/section>|<section class="phase" id="phase-readwrite">[\s\S]*?<div class="cards">([\s\S]*?)\n/.exec(html);
  const text = (cards?.[1] ?? cards?.[2] ?? '').replace(/<[^>]+>/g, ' ');
  assert.match(text, /iterations\/s\s+20\.00/);
  assert.match(text, /allocated VUs\s+10/);
  assert.doesNotMatch(text, /\bVUs\s+0\b/);
});

test('the baseline table is compact and shows effect, interval and p-value; the answer lists five, then "and N more"', () => {
  const { html } = outcomesReport();
  assert.match(html, /<table id="baseline-rows" class="compact">/);
  const rows = tableRows(html, 'baseline-rows');
  assert.equal(rows.length, 9);
  assert.equal(rows[0][9], 'p95: effect +10.0 ms 95% CI [8.0, 12.0] p=0.00040 (Mann-Whitney U)');
  assert.equal(rows[0][10], 'REGRESSION');
  assert.equal(rows[8][10], 'not judged');
  const answer = /<ul id="baseline-answer">([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? '';
  assert.equal((answer.match(/<li>/g) ?? []).length, 6);
  assert.match(answer, /<li>and 3 more<\/li>$/);
});

test('the console answer: verdict, slowest, failures with their first problem, retries, caps, baseline with "and N more"', () => {
  const { dir } = outcomesReport();
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'tools/report/main.ts', dir, '--answer'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const lines = run.stdout.trimEnd().split('\n');
  assert.equal(lines[0], 'FAIL  phase readwrite: k6 exit code 99, thresholds failed: dms_request_failed{api:data} rate<=0.01');
  const at = (prefix: string) => lines.findIndex((l) => l.startsWith(prefix));
  const slowest = at('slowest by p95');
  assert.ok(slowest > 0);
  assert.match(lines[slowest + 1], /^ {2}readwrite students query +95\.0 ms of 80\.0 ms \(119%, OVER\)$/);
  assert.equal(lines.slice(slowest + 1).findIndex((l) => !l.startsWith('  ')), 5, 'five slowest pairs');
  assert.ok(lines.includes('failed after retries (25):'));
  assert.ok(lines.includes('    first: 503 urn:ed-fi:api:service-unavailable: The circuit breaker is open (x 5)'));
  assert.ok(lines.some((l) => l.startsWith('retried, then succeeded (not failures') && l.includes('load: rate-limited 120; readwrite: unavailable 35')));
  assert.ok(lines.some((l) => l.startsWith("  load: 429 x 120: throughput is the limiter's, not DMS's")));
  assert.ok(lines.some((l) => l.startsWith('  readwrite: k6 dropped 7 of 1207 planned iterations')));
  const baseline = at('baseline main: 8 regression(s)');
  assert.ok(baseline > 0);
  assert.equal(lines[baseline + 6], '  and 3 more');
  assert.equal(lines.at(-1), `report: ${join(dir, 'report.html')}`);
});

test('results without the outcome metrics (older runs): failures fall back to unexpected statuses, and say so', () => {
  const html = readFileSync(writeReport(copyFixture(), fixed), 'utf8');
  assert.match(html, /<p id="no-failures">None: every data request and operation ended as expected \(this run predates the outcome metrics/);
  assert.match(html, /<section id="answer" class="PASS">/);
  assert.match(html, /<li>all 32 thresholds passed \(load, readwrite\)<\/li>/);
});

test('the baseline console summary names three regressed rows, then "and N more"', () => {
  const comparison = readJson<Comparison>(join(OUTCOMES, 'baseline-comparison.json'));
  assert.equal(
    summaryLine(comparison),
    "baseline 'main': 8 regression(s) in readwrite resource0 read; readwrite resource1 read; readwrite resource2 read and 5 more",
  );
});
