// docs/schemas/run.schema.json and summary.schema.json: they accept what the suite writes and reject what
// it must not (the end-to-end check of a real run's files is in test/e2e/ci-outputs.bats). The checker
// (helpers/json-schema.ts, ajv in strict mode) refuses keywords it does not know, so no rule is ignored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './helpers/stand-in-run.ts';
import { validate } from './helpers/json-schema.ts';
import { RESULTS_SCHEMA_VERSION } from '../../scripts/lib/node/results.ts';

const read = (path: string) => JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as Record<string, unknown>;
const RUN_SCHEMA = read('docs/schemas/run.schema.json');
const SUMMARY_SCHEMA = read('docs/schemas/summary.schema.json');

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** A run.json as the runner writes it today: the recorded smoke fixture with this version's fields. */
function runJson(): Record<string, unknown> {
  return { schemaVersion: RESULTS_SCHEMA_VERSION, ...read('test/tools/fixtures/smoke-sim/run.json') };
}

test('the schemas are versioned with the version run.json carries', () => {
  assert.equal((RUN_SCHEMA.properties as Record<string, { const?: number }>).schemaVersion.const, RESULTS_SCHEMA_VERSION);
  assert.match(String(RUN_SCHEMA.$id), new RegExp(`:${RESULTS_SCHEMA_VERSION}$`));
  assert.match(String(SUMMARY_SCHEMA.$id), new RegExp(`:${RESULTS_SCHEMA_VERSION}$`));
});

test('run.json: a recorded run, a failed one with its reason, one with --prometheus, one whose runner was killed', () => {
  assert.deepEqual(validate(RUN_SCHEMA, runJson()), []);
  const failed = { ...runJson(), exitCode: 99, status: 'FAIL', reason: 'phase load: k6 exit code 99' };
  assert.deepEqual(validate(RUN_SCHEMA, failed), []);
  const streamed = { ...runJson(), prometheus: { remoteWriteUrl: 'http://127.0.0.1:9090/api/v1/write', labels: { testid: 'x', profile: 'smoke', target: 'sim' } } };
  assert.deepEqual(validate(RUN_SCHEMA, streamed), []);
  const killed = { schemaVersion: 1, runId: '20261124T032106Z-smoke-full', finishedAt: '2026-11-24T03:21:40Z', exitCode: 137, status: 'FAIL', reason: 'the runner was killed', phases: [{ name: 'load', exitCode: null, dir: 'load' }] };
  assert.deepEqual(validate(RUN_SCHEMA, killed), []);
});

test('run.json: what breaks a reader is rejected (missing, mistyped, unknown, out of range)', () => {
  const cases: Array<[string, (r: Record<string, unknown>) => void, RegExp]> = [
    ['no schemaVersion', (r) => delete r.schemaVersion, /required property 'schemaVersion'/],
    ['another version', (r) => (r.schemaVersion = 2), /\/schemaVersion: must be equal to constant/],
    ['exit code as text', (r) => (r.exitCode = '0'), /\/exitCode: must be integer/],
    ['an unknown status', (r) => (r.status = 'OK'), /\/status/],
    ['a field nobody documented', (r) => (r.surprise = 1), /additionalProperty":"surprise"/],
    ['a config value that is not text', (r) => ((r.config as Record<string, unknown>).VUS_LOAD_PHASE = { value: 2, source: 'default' }), /\/config\/VUS_LOAD_PHASE\/value/],
    ['a local time', (r) => (r.startedAt = '2026-11-24 03:21:06'), /\/startedAt/],
    ['a phase without its exit code', (r) => delete (r.phases as Array<Record<string, unknown>>)[0].exitCode, /\/phases\/0: must have required property 'exitCode'/],
    ['a recorded run without its profile', (r) => delete r.profile, /must match a schema in anyOf/],
  ];
  for (const [what, change, expected] of cases) {
    const run = clone(runJson());
    change(run);
    assert.match(validate(RUN_SCHEMA, run).join('\n'), expected, what);
  }
});

test('summary.json: the recorded k6 summaries of a smoke run are valid, with the fields some phases add (logs, capacity, generator, workload)', () => {
  for (const phase of ['load', 'readwrite']) {
    const summary = read(`test/tools/fixtures/smoke-sim/${phase}/summary.json`);
    assert.deepEqual(validate(SUMMARY_SCHEMA, summary), [], phase);
  }
  const summary = read('test/tools/fixtures/smoke-sim/load/summary.json');
  const extended = {
    ...summary,
    problems: [{ phase: 'load', resource: 'schools', op: 'create', method: 'POST', status: 409, contentType: 'application/problem+json', problemType: 'urn:ed-fi:api:conflict', title: 'Conflict', detail: 'd', errors: [], validationErrors: {}, bodySnippet: '', kind: 'status', message: '', at: '2026-11-24T03:21:06.000Z', count: 3 }],
    logs: { 'request timeout': 2 },
    capacity: { steps: [{ rate: 10, requestsPerSecond: 40, operationsPerSecond: 10, p95Ms: 12, errorRate: 0, held: true }], sustainable: { rate: 10, requestsPerSecond: 40, operationsPerSecond: 10, p95Ms: 12 }, stoppedBy: 'p95' },
    generator: { bound: false, reasons: [], k6CpuPercent: 40, cores: 2, droppedIterations: 0 },
    workload: { name: 'volume', parameters: { pages: 3 } },
  };
  assert.deepEqual(validate(SUMMARY_SCHEMA, extended), []);
});

test('summary.json: a metric k6 would not write, a setup_data left in, a broken histogram are rejected', () => {
  const base = read('test/tools/fixtures/smoke-sim/load/summary.json');
  const cases: Array<[string, (s: Record<string, unknown>) => void, RegExp]> = [
    ['setup_data (holds the token)', (s) => (s.setup_data = { token: 'x' }), /additionalProperty":"setup_data"/],
    ['an unknown metric type', (s) => ((s.metrics as Record<string, Record<string, unknown>>).http_reqs.type = 'histogram'), /\/metrics\/http_reqs\/type/],
    ['a value that is not a number', (s) => ((s.metrics as Record<string, { values: Record<string, unknown> }>).http_reqs.values.count = '12'), /\/metrics\/http_reqs\/values\/count/],
    ['a threshold without ok', (s) => ((s.metrics as Record<string, { thresholds?: Record<string, unknown> }>)['http_req_duration{api:data}'].thresholds = { 'p(95)<1000': {} }), /required property 'ok'/],
    ['a histogram with a fractional count', (s) => (s.histograms = { '(all) (all)': { bounds: [0.5, 1], counts: [3, 0.5] } }), /\/histograms\/\(all\) \(all\)\/counts\/1/],
    ['no state', (s) => delete s.state, /required property 'state'/],
  ];
  for (const [what, change, expected] of cases) {
    const summary = clone(base);
    change(summary);
    assert.match(validate(SUMMARY_SCHEMA, summary).join('\n'), expected, what);
  }
});

test('the checker refuses a keyword it does not know, rather than ignoring it', () => {
  assert.throws(() => validate({ type: 'object', minPropertys: 1 }, {}), /unknown keyword: "minPropertys"/);
});

test('summary.json of an instance of several (segment) and of their merge (merge) are valid; a merge without its verdict is not', async () => {
  const { mergeSummaries } = await import('../../tools/merge/merge.ts');
  const summary = read('test/tools/fixtures/smoke-sim/load/summary.json');
  const thresholds = { entities_failed: ['count==0'] };
  const instance = (segment: string, startedAt: string) => ({
    ...clone(summary),
    segment: { runId: 'r1', instances: 2, executionSegment: segment, executionSegmentSequence: '0,1/2,1', startedAt, finishedAt: '2026-11-24T03:22:00.000Z', thresholds },
  });
  const one = instance('0:1/2', '2026-11-24T03:21:00.000Z');
  assert.deepEqual(validate(SUMMARY_SCHEMA, one), []);
  const { summary: merged } = mergeSummaries([
    { source: 'load/instance-1', summary: one as never, exitCode: 0 },
    { source: 'load/instance-2', summary: instance('1/2:1', '2026-11-24T03:21:05.000Z') as never, exitCode: 99 },
  ]);
  assert.deepEqual(validate(SUMMARY_SCHEMA, clone(merged) as Record<string, unknown>), []);
  const broken = clone(merged) as Record<string, Record<string, unknown>>;
  delete broken.merge.exitCode;
  assert.match(validate(SUMMARY_SCHEMA, broken).join('\n'), /\/merge: must have required property 'exitCode'/);
  const lonely = { ...clone(summary), segment: { ...one.segment, instances: 1 } };
  assert.match(validate(SUMMARY_SCHEMA, lonely).join('\n'), /\/segment\/instances/);
});
