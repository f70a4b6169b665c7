import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectedEntitiesFromEnv, parseArgs, plannedSecondsFromEnv, UsageError } from '../../tools/progress/args.ts';
import { etaSeconds, formatCount, formatDuration, formatLine, formatMs, ttyLine } from '../../tools/progress/format.ts';
import { k6ElapsedSeconds, parseApiMetrics, parseApiStatus, parseTimeseries, sampleFrom, snapshotFrom, type Snapshot } from '../../tools/progress/snapshot.ts';
import { expectedTotal } from '../../src/data/index.ts';
import { ROOT } from './helpers/stand-in-run.ts';

// Shaped like k6 v2.2's GET /v1/metrics and /v1/status answers.
function metricsAnswer(o: { reqs: number; rate: number; avg: number; p95: number; failedPasses: number; entities?: number; tokens?: number }) {
  const data = [
    { type: 'metrics', id: 'http_reqs{api:data}', attributes: { type: 'counter', contains: 'default', tainted: null, sample: { count: o.reqs, rate: o.rate } } },
    { type: 'metrics', id: 'http_reqs', attributes: { type: 'counter', contains: 'default', sample: { count: o.reqs + 1, rate: ((o.reqs + 1) * o.rate) / o.reqs } } },
    { type: 'metrics', id: 'http_req_duration{api:data}', attributes: { type: 'trend', contains: 'time', sample: { avg: o.avg, max: 40, med: 3, min: 1, 'p(90)': o.p95 - 1, 'p(95)': o.p95 } } },
    { type: 'metrics', id: 'http_req_failed{api:data}', attributes: { type: 'rate', contains: 'default', sample: { rate: o.reqs ? o.failedPasses / o.reqs : 0, passes: o.failedPasses, fails: o.reqs - o.failedPasses } } },
    { type: 'metrics', id: 'vus', attributes: { type: 'gauge', contains: 'default', sample: { value: 4 } } },
    { type: 'metrics', id: 'vus_max', attributes: { type: 'gauge', contains: 'default', sample: { value: 4 } } },
  ];
  if (o.entities !== undefined) data.push({ type: 'metrics', id: 'entities_ensured', attributes: { type: 'counter', contains: 'default', sample: { count: o.entities, rate: o.entities / (o.reqs / o.rate) } } });
  if (o.tokens !== undefined) data.push({ type: 'metrics', id: 'token_requests', attributes: { type: 'counter', contains: 'default', sample: { count: o.tokens, rate: 0.1 } } });
  return { data };
}
const statusAnswer = { data: { type: 'status', id: 'default', attributes: { status: 7, paused: false, vus: 4, 'vus-max': 4, stopped: false, running: true, tainted: false } } };

test('durations, counts and milliseconds are formatted for a person', () => {
  assert.equal(formatDuration(0), '0s');
  assert.equal(formatDuration(45.4), '45s');
  assert.equal(formatDuration(59.6), '1m00s');
  assert.equal(formatDuration(190), '3m10s');
  assert.equal(formatDuration(3725), '1h02m05s');
  assert.equal(formatDuration(-1), '?');
  assert.equal(formatCount(59000), '59,000');
  assert.equal(formatCount(1234567), '1,234,567');
  assert.equal(formatCount(12), '12');
  assert.equal(formatMs(undefined), '-');
  assert.equal(formatMs(3.14159), '3.1 ms');
  assert.equal(formatMs(345.6), '346 ms');
  assert.equal(formatMs(12_345), '12.3 s');
});

test('ETA uses the rate of the last minute, is 0 when done and unknown without progress', () => {
  assert.equal(etaSeconds([], 100), undefined);
  assert.equal(etaSeconds([{ elapsedS: 10, entities: 0 }], 100), undefined);
  // 10 entities/s since the start: 900 left -> 90 s.
  assert.equal(etaSeconds([{ elapsedS: 10, entities: 100 }], 1000), 90);
  // Slow start, then 50/s over the last minute: the recent rate wins.
  const history = [
    { elapsedS: 0, entities: 0 },
    { elapsedS: 100, entities: 100 },
    { elapsedS: 130, entities: 1600 },
    { elapsedS: 160, entities: 3100 },
  ];
  assert.equal(etaSeconds(history, 5100), 40);
  assert.equal(etaSeconds([{ elapsedS: 5, entities: 1000 }], 1000), 0);
});

test('the load line shows elapsed/planned, VUs, req/s, p95, errors and entities with ETA', () => {
  const sample = { t: '', elapsedS: 65, phase: 'load', status: 'running', vus: 8, vusMax: 8, reqs: 5000, reqRate: 142.34, failedRate: 0.0123, failed: 61, p95Ms: 35.24, entities: 1234 };
  const line = formatLine(sample, { phase: 'load', plannedSeconds: 600, expectedEntities: 59000, eta: 190 });
  assert.equal(line, 'load      1m05s / 10m00s  VUs 8/8  142.3 req/s  p95 35.2 ms  errors 1.23%  entities 1,234/59,000 (2%) ETA 3m10s');
  assert.match(formatLine({ ...sample, entities: 59000 }, { phase: 'load', expectedEntities: 59000, eta: 0 }), /entities 59,000\/59,000 \(100%\) ETA done$/);
  assert.match(formatLine(sample, { phase: 'load', expectedEntities: 59000 }), /ETA \?$/);
  assert.match(formatLine(sample, { phase: 'load', expectedEntities: 59000, eta: 0.4 }), /ETA <1s$/);
  const rw = formatLine({ ...sample, phase: 'readwrite', entities: undefined, status: 'setup' }, { phase: 'readwrite', plannedSeconds: 60 });
  assert.equal(rw, 'readwrite 1m05s / 1m00s  (setup)  VUs 8/8  142.3 req/s  p95 35.2 ms  errors 1.23%');
});

test('a terminal line is redrawn in place and cut to the width', () => {
  assert.equal(ttyLine('abcdefghijklmnop', 12), '\r\x1b[2Kabcdefghijk');
  assert.equal(ttyLine('abc', undefined), '\r\x1b[2Kabc');
});

test('API answers become snapshots; k6 elapsed time comes from count / rate', () => {
  const metrics = parseApiMetrics(metricsAnswer({ reqs: 200, rate: 20, avg: 5, p95: 9, failedPasses: 2, entities: 150, tokens: 1 }));
  const status = parseApiStatus(statusAnswer);
  assert.deepEqual(status, { status: 7, running: true, vus: 4, vusMax: 4 });
  assert.equal(k6ElapsedSeconds(metrics), 10);
  const snap = snapshotFrom(metrics, status, 99);
  assert.equal(snap.elapsedS, 10);
  assert.equal(snap.reqs, 200);
  assert.equal(snap.failed, 2);
  assert.equal(snap.p95Ms, 9);
  assert.equal(snap.entities, 150);
  assert.equal(snap.tokenRequests, 1);
  assert.equal(snap.status, 'running');
  // Before anything is counted, the poller's own clock is used.
  assert.equal(snapshotFrom({}, status, 3.5).elapsedS, 3.5);
  assert.throws(() => parseApiMetrics({ nope: 1 }), /no data array/);
  assert.throws(() => parseApiStatus({}), /attributes/);
});

test('errors are outcomes (dms_request_failed, per request after retries), retried attempts are shown apart', () => {
  // 120 attempts, 20 of them answered 429 and retried: 100 requests, 1 of which failed after its retries
  const answer = metricsAnswer({ reqs: 120, rate: 12, avg: 5, p95: 9, failedPasses: 21 });
  answer.data.push(
    { type: 'metrics', id: 'dms_request_failed{api:data}', attributes: { type: 'rate', contains: 'default', sample: { rate: 0.01, passes: 1, fails: 99 } } },
    { type: 'metrics', id: 'dms_retries', attributes: { type: 'counter', contains: 'default', sample: { count: 20, rate: 2 } } },
  );
  const snap = snapshotFrom(parseApiMetrics(answer), parseApiStatus(statusAnswer), 10);
  assert.equal(snap.failed, 1);
  assert.equal(snap.outcomes, 100);
  assert.equal(snap.retries, 20);
  const sample = sampleFrom(undefined, snap, 'load', new Date());
  assert.equal(sample.failedRate, 0.01); // 1 of 100 requests, not 21 of 120 attempts
  assert.equal(sample.retries, 20);
  const line = formatLine(sample, { phase: 'load' });
  assert.match(line, /errors 1\.00% {2}retried 20$/);
  // nothing retried: no retried part
  assert.doesNotMatch(formatLine({ ...sample, retries: 0 }, { phase: 'load' }), /retried/);
});

test('VUs waiting out an open circuit breaker: the line says so, with the Retry-After, not just 0 req/s', () => {
  // 3 breaker waits begun (dms_retries{reason:breaker}), 1 over (dms_breaker_waits_ended): 2 VUs wait now.
  const answer = metricsAnswer({ reqs: 100, rate: 10, avg: 5, p95: 9, failedPasses: 0 });
  const counter = (id: string, count: number) => ({ type: 'metrics', id, attributes: { type: 'counter', contains: 'default', sample: { count, rate: count / 10 } } });
  answer.data.push(
    counter('dms_retries', 3),
    counter('dms_retries{reason:breaker}', 3),
    counter('dms_breaker_waits_ended', 1),
    { type: 'metrics', id: 'dms_breaker_retry_after_seconds', attributes: { type: 'gauge', contains: 'default', sample: { value: 30 } } },
  );
  const snap = snapshotFrom(parseApiMetrics(answer), parseApiStatus(statusAnswer), 10);
  assert.equal(snap.breakerWaiting, 2);
  assert.equal(snap.breakerRetryAfterS, 30);
  // the interval since the last line: nothing was sent
  const sample = sampleFrom({ ...snap, elapsedS: 5 }, snap, 'load', new Date());
  assert.equal(sample.reqRate, 0);
  assert.equal(sample.breakerWaiting, 2);
  assert.equal(sample.breakerRetryAfterS, 30);
  assert.equal(
    formatLine(sample, { phase: 'load' }),
    'load      10s  VUs 4/4  2 VUs waiting out an open circuit breaker (503 Retry-After 30 s)  0.0 req/s  p95 9.0 ms  errors 0.00%  retried 3',
  );
  assert.match(formatLine({ ...sample, breakerWaiting: 1 }, { phase: 'load' }), /VUs 4\/4 {2}1 VU waiting out an open circuit breaker \(503 Retry-After 30 s\) {2}0\.0 req\/s/);
  // every wait over: the line is the ordinary one again
  answer.data.push(counter('dms_breaker_waits_ended', 3));
  const over = snapshotFrom(parseApiMetrics(answer), parseApiStatus(statusAnswer), 10);
  assert.equal(over.breakerWaiting, 0);
  assert.doesNotMatch(formatLine(sampleFrom(undefined, over, 'load', new Date()), { phase: 'load' }), /breaker/);
  // a script without the breaker metrics (an older k6 script): nothing about a breaker
  const plain = snapshotFrom(parseApiMetrics(metricsAnswer({ reqs: 100, rate: 10, avg: 5, p95: 9, failedPasses: 0 })), parseApiStatus(statusAnswer), 10);
  assert.equal(plain.breakerWaiting, undefined);
  assert.equal(sampleFrom(undefined, plain, 'load', new Date()).breakerWaiting, undefined);
});

test("k6's REST API gives a Rate's rate only: the interval's failed share still shows (not a constant 0.00%)", () => {
  // What k6 serves at /v1/metrics for dms_request_failed: { rate } without passes/fails.
  const answer = metricsAnswer({ reqs: 100, rate: 10, avg: 5, p95: 9, failedPasses: 0 });
  answer.data.push({ type: 'metrics', id: 'dms_request_failed{api:data}', attributes: { type: 'rate', contains: 'default', sample: { rate: 0.3 } as { rate: number; passes: number; fails: number } } });
  const snap = snapshotFrom(parseApiMetrics(answer), parseApiStatus(statusAnswer), 10);
  assert.equal(snap.failed, 30);
  const sample = sampleFrom(undefined, snap, 'readwrite', new Date());
  assert.equal(sample.failedRate, 0.3);
  assert.match(formatLine(sample, { phase: 'readwrite' }), /errors 30\.00%/);
});

test('interval rates and the interval mean come from deltas of cumulative figures', () => {
  const prev: Snapshot = { elapsedS: 10, status: 'running', vus: 4, vusMax: 4, reqs: 100, failed: 1, avgMs: 10, entities: 50 };
  const cur: Snapshot = { elapsedS: 15, status: 'running', vus: 4, vusMax: 4, reqs: 300, failed: 11, avgMs: 20, p95Ms: 40, entities: 250 };
  const s = sampleFrom(prev, cur, 'load', new Date('2026-01-01T00:00:00Z'));
  assert.equal(s.reqRate, 40); // 200 requests in 5 s
  assert.equal(s.failedRate, 0.05); // 10 of 200
  // (20 x 300 - 10 x 100) / 200 = 25 ms for the interval's requests.
  assert.equal(s.meanMs, 25);
  assert.equal(s.entitiesRate, 40);
  assert.equal(s.p95Ms, 40);
  assert.equal(s.t, '2026-01-01T00:00:00.000Z');
  // Nothing happened: no mean, zero rates.
  const idle = sampleFrom(cur, { ...cur, elapsedS: 20 }, 'load', new Date());
  assert.equal(idle.reqRate, 0);
  assert.equal(idle.failedRate, 0);
  assert.equal(idle.meanMs, undefined);
  // First sample: measured from the start.
  assert.equal(sampleFrom(undefined, cur, 'load', new Date()).reqRate, 20);
});

test('a timeseries file with a torn last line still reads', () => {
  const text = '{"elapsedS":1,"reqs":2,"reqRate":2}\n{"elapsedS":2,"reqs":4,"reqRate":2}\n{"elapsedS":3,"re';
  assert.equal(parseTimeseries(text).length, 2);
  assert.deepEqual(parseTimeseries(''), []);
});

test('arguments: required ones, defaults, and the expected entities from the profile environment', () => {
  const opts = parseArgs(['--address', '127.0.0.1:6565', '--phase', 'readwrite', '--out', '/tmp/x.ndjson', '--planned-seconds', '600']);
  assert.equal(opts.intervalS, 5);
  assert.equal(opts.sampleIntervalS, 4); // about 150 points over 600 s
  assert.equal(opts.expectedEntities, undefined);
  assert.equal(parseArgs(['--address=localhost:1', '--phase=load', '--out=x', '--planned-seconds=10', '--expected-entities', '59000']).expectedEntities, 59000);
  assert.equal(parseArgs(['--address=localhost:1', '--phase=load', '--out=x', '--planned-seconds=10']).sampleIntervalS, 1);
  const env = { SCHOOL_COUNT: '2', STUDENT_COUNT: '2', STAFF_COUNT: '2', COURSES_PER_SCHOOL: '1', SECTIONS_PER_COURSE: '1', SECTIONS_PER_STUDENT: '1' };
  const expected = expectedTotal({ schoolCount: 2, studentCount: 2, staffCount: 2, coursesPerSchool: 1, sectionsPerCourse: 1, sectionsPerStudent: 1, schoolYear: 2026 });
  assert.equal(expectedEntitiesFromEnv(env), expected);
  assert.equal(parseArgs(['--address=h:1', '--phase=load', '--out=x'], env).expectedEntities, expected);
  assert.equal(expectedEntitiesFromEnv({ STUDENT_COUNT: 'lots' }), undefined);
  assert.throws(() => parseArgs(['--phase', 'load', '--out', 'x']), /--address is required/);
  assert.throws(() => parseArgs(['--address', 'nope', '--phase', 'load', '--out', 'x']), /HOST:PORT/);
  assert.throws(() => parseArgs(['--address', 'h:1', '--phase', 'load', '--out', 'x', '--interval', '0']), /positive/);
  assert.throws(() => parseArgs(['--address', 'h:1', '--phase', 'load', '--out', 'x', '--colour']), UsageError);
});

test('arguments: the readwrite phase plans DURATION_READWRITE_PHASE from the environment (load has no plan)', () => {
  assert.equal(plannedSecondsFromEnv({ DURATION_READWRITE_PHASE: '1h30m' }, 'readwrite'), 5400);
  assert.equal(plannedSecondsFromEnv({ DURATION_READWRITE_PHASE: '4.5s' }, 'readwrite'), 4.5);
  assert.equal(plannedSecondsFromEnv({}, 'readwrite'), 60); // the suite's default, 1m
  assert.equal(plannedSecondsFromEnv({ DURATION_READWRITE_PHASE: '10m' }, 'load'), undefined);
  assert.equal(plannedSecondsFromEnv({ DURATION_READWRITE_PHASE: 'soon' }, 'readwrite'), undefined);
  const rw = ['--address=h:1', '--phase=readwrite', '--out=x'];
  assert.equal(parseArgs(rw, { DURATION_READWRITE_PHASE: '10m' }).plannedSeconds, 600);
  assert.equal(parseArgs(rw, { DURATION_READWRITE_PHASE: '10m' }).sampleIntervalS, 4); // about 150 points over 600 s
  assert.equal(parseArgs([...rw, '--planned-seconds=30'], { DURATION_READWRITE_PHASE: '10m' }).plannedSeconds, 30);
  assert.equal(parseArgs(['--address=h:1', '--phase=load', '--out=x'], { DURATION_LOAD_PHASE: '10m' }).plannedSeconds, undefined);
});

// --- the CLI against a stand-in for k6's REST API ---

function fakeK6(port = 0): Promise<{ server: Server; address: string; tick: () => void }> {
  let reqs = 0;
  const server = createServer((req, res) => {
    res.setHeader('Content-Type', 'application/json');
    if (req.url === '/v1/status') return res.end(JSON.stringify(statusAnswer));
    if (req.url === '/v1/metrics') return res.end(JSON.stringify(metricsAnswer({ reqs: reqs + 1, rate: 100, avg: 4, p95: 7, failedPasses: 0, entities: reqs + 1 })));
    res.statusCode = 404;
    res.end('{}');
  });
  return new Promise((ok) =>
    server.listen(port, '127.0.0.1', () => {
      const a = server.address();
      ok({ server, address: `127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`, tick: () => (reqs += 100) });
    }),
  );
}

function runProgress(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tools/progress/main.ts', ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; stderr: string }>((ok) => child.on('exit', (code) => ok({ code, stderr })));
  return { child, done };
}

test('the poller waits for k6, writes one JSON line per sample, prints plain lines and exits when k6 goes away', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'progress-'));
  const out = join(dir, 'load', 'timeseries.ndjson');
  const port = 20000 + Math.floor(Math.random() * 20000);
  // Started before "k6": it must wait quietly.
  const { child, done } = runProgress(['--address', `127.0.0.1:${port}`, '--phase', 'load', '--planned-seconds', '30', '--expected-entities', '1000', '--out', out, '--interval', '0.5', '--sample-interval', '0.25']);
  await new Promise((r) => setTimeout(r, 1200));
  const fake = await fakeK6(port);
  const ticker = setInterval(fake.tick, 200);
  await new Promise((r) => setTimeout(r, 1500));
  clearInterval(ticker);
  // k6 ends: its API goes away.
  fake.server.closeAllConnections();
  await new Promise<void>((ok) => fake.server.close(() => ok()));
  const result = await done;
  assert.equal(result.code, 0);
  assert.equal(child.killed, false);
  const lines = readFileSync(out, 'utf8').trim().split('\n');
  assert.ok(lines.length >= 3, `samples: ${lines.length}`);
  for (const line of lines) {
    const sample = JSON.parse(line);
    assert.equal(sample.phase, 'load');
    assert.equal(typeof sample.reqRate, 'number');
    assert.equal(sample.p95Ms, 7);
  }
  const printed = result.stderr.trim().split('\n');
  assert.ok(printed.length >= 2, result.stderr);
  for (const line of printed) assert.match(line, /^load\s+\S+ \/ 30s {2}VUs 4\/4 {2}[\d.]+ req\/s {2}p95 7\.0 ms {2}errors 0\.00% {2}entities [\d,]+\/1,000 \(\d+%\) ETA \S+$/);
  assert.doesNotMatch(result.stderr, /\x1b/);
});

test('SIGTERM ends the poller with a valid file, and bad arguments exit 2', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'progress-'));
  const out = join(dir, 'timeseries.ndjson');
  writeFileSync(out, '');
  const fake = await fakeK6();
  const { child, done } = runProgress(['--address', fake.address, '--phase', 'readwrite', '--out', out, '--interval', '0.3', '--sample-interval', '0.1']);
  // Until it has sampled twice, not a set time: on a loaded machine tsx may take longer than that to start,
  // and a SIGTERM before the handler is installed kills it (exit code null).
  const sampledTwice = () => readFileSync(out, 'utf8').split('\n').filter(Boolean).length >= 2;
  for (let waited = 0; !sampledTwice() && waited < 60_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
  child.kill('SIGTERM');
  const result = await done;
  fake.server.close();
  assert.equal(result.code, 0);
  const lines = readFileSync(out, 'utf8').split('\n').filter(Boolean);
  assert.ok(lines.length >= 2);
  for (const line of lines) JSON.parse(line);

  const bad = runProgress(['--phase', 'load']);
  const badResult = await bad.done;
  assert.equal(badResult.code, 2);
  assert.match(badResult.stderr, /--address is required/);
  assert.match(badResult.stderr, /usage:/);
});

test('the poller gives up quietly when k6 never answers', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'progress-'));
  const { done } = runProgress(['--address', '127.0.0.1:9', '--phase', 'load', '--out', join(dir, 't.ndjson'), '--wait-seconds', '1']);
  const result = await done;
  assert.equal(result.code, 0);
  assert.match(result.stderr, /did not answer within 1s/);
  assert.equal(readFileSync(join(dir, 't.ndjson'), 'utf8'), '');
});
