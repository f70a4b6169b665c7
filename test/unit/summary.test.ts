import { test } from 'node:test';
import assert from 'node:assert/strict';
import { byTag, retriesLine, scrubSummary, STDOUT_SUMMARY_BEGIN, STDOUT_SUMMARY_END, summaryOutputs, textSummary, thresholdResults, type SummaryData } from '../../src/summary/summary.ts';

const data: SummaryData = {
  setup_data: { auth: { accessToken: 'SECRET-TOKEN' } },
  state: { testRunDurationMs: 12_000 },
  metrics: {
    'http_reqs{api:data}': { type: 'counter', values: { count: 120, rate: 10 } },
    'http_req_duration{api:data}': { type: 'trend', values: { 'p(95)': 12.5, 'p(99)': 20 }, thresholds: { 'p(95)<500': { ok: true } } },
    'http_req_failed{api:data}': { type: 'rate', values: { rate: 0.02 }, thresholds: { 'rate<0.01': { ok: false } } },
    'entities_ensured{resource:students}': { type: 'counter', values: { count: 2 }, thresholds: { 'count==2': { ok: true } } },
    'entities_ensured{resource:students,op:x}': { type: 'counter', values: { count: 1 } },
    'entities_ensured{resource:sexDescriptors}': { type: 'counter', values: { count: 2 }, thresholds: { 'count==2': { ok: true } } },
    'entities_existing{resource:sexDescriptors}': { type: 'counter', values: { count: 2 } },
    'entities_existing{resource:students}': { type: 'counter', values: { count: 0 } },
  },
};

test('the token in setup data never reaches the summary file', () => {
  const outputs = summaryOutputs(data, 'load', '/tmp/r');
  assert.ok(!outputs['/tmp/r/summary.json'].includes('SECRET-TOKEN'));
  assert.ok(!outputs.stdout.includes('SECRET-TOKEN'));
  assert.equal('setup_data' in scrubSummary(data), false);
});

test('failed thresholds come first and are named in the text summary', () => {
  const results = thresholdResults(data);
  assert.deepEqual(results[0], { metric: 'http_req_failed{api:data}', expression: 'rate<0.01', ok: false });
  const text = textSummary(data, 'load');
  assert.match(text, /FAILED http_req_failed\{api:data\}: rate<0\.01/);
  assert.match(text, /thresholds: 3\/4 passed/);
  assert.match(text, /students\s+2 \/ 2\n/);
  assert.match(text, /sexDescriptors\s+2 \/ 2  \(2 already there\)\n/);
});

test('byTag splits sub-metrics by one tag only', () => {
  assert.deepEqual(Object.keys(byTag(data, 'entities_ensured', 'resource')).sort(), ['sexDescriptors', 'students']);
});

test('the text summary leads with outcomes; attempts and retries by reason are shown apart', () => {
  const retried: SummaryData = {
    state: { testRunDurationMs: 20_000 },
    metrics: {
      'http_reqs{api:data}': { type: 'counter', values: { count: 150, rate: 7.5 } },
      'http_req_duration{api:data}': { type: 'trend', values: { 'p(95)': 4.2, 'p(99)': 29.1 } },
      'http_req_failed{api:data}': { type: 'rate', values: { rate: 0.0133, passes: 2, fails: 148 } },
      'dms_request_failed{api:data}': { type: 'rate', values: { rate: 0, passes: 0, fails: 120 }, thresholds: { 'rate<=0.01': { ok: true } } },
      dms_operation_failed: { type: 'rate', values: { rate: 0.05, passes: 3, fails: 57 }, thresholds: { 'rate<=0.01': { ok: false } } },
      dms_retries: { type: 'counter', values: { count: 30 } },
      'dms_retries{reason:rate-limited}': { type: 'counter', values: { count: 12 } },
      'dms_retries{reason:dependency}': { type: 'counter', values: { count: 18 } },
      'dms_retries{reason:network}': { type: 'counter', values: { count: 0 } },
    },
  };
  const text = textSummary(retried, 'load');
  assert.match(text, /^data requests 120 {2}failed after retries 0\.00% {2}operations 60 {2}failed 5\.00%$/m);
  assert.match(text, /^attempts 150 \(7\.5\/s\) {2}p95 4\.2 ms {2}p99 29\.1 ms {2}failed attempts 1\.33% {2}retried dependency 18, rate-limited 12$/m);
  assert.match(text, /FAILED dms_operation_failed: rate<=0\.01/);
  assert.equal(retriesLine({ metrics: {} }), 'retried none');
});

test('an instance of several: its summary.json carries the segment record; the text names its part of the whole', () => {
  const part: SummaryData = {
    state: { testRunDurationMs: 1000 },
    metrics: { 'entities_ensured{resource:students}': { type: 'counter', values: { count: 48 }, thresholds: { 'count<=100': { ok: true } } } },
  };
  const segment = { runId: 'r', instances: 2, executionSegment: '0:1/2', executionSegmentSequence: '0,1/2,1', startedAt: 'a', finishedAt: 'b', thresholds: { 'entities_ensured{resource:students}': ['count==100'] } };
  const outputs = summaryOutputs(part, 'load', '/tmp/r', { segment });
  assert.deepEqual(JSON.parse(outputs['/tmp/r/summary.json']).segment, segment);
  assert.match(outputs.stdout, /ensured by this instance \/ expected in the whole run/);
  assert.match(outputs.stdout, /students\s+48 \/ 100\n/);
  assert.equal('segment' in JSON.parse(summaryOutputs(part, 'load', '/tmp/r')['/tmp/r/summary.json']), false, 'a whole run has no segment field');
});

test('SUMMARY_TO_STDOUT: summary.json is printed whole between the markers (a pod keeps no files)', () => {
  const outputs = summaryOutputs(data, 'load', '', { toStdout: true });
  assert.equal(Object.keys(outputs).length, 1, 'no file without RESULTS_DIR');
  const match = new RegExp(`${STDOUT_SUMMARY_BEGIN}\\n([\\s\\S]*)\\n${STDOUT_SUMMARY_END}\\n$`).exec(outputs.stdout);
  assert.ok(match, outputs.stdout);
  const parsed = JSON.parse(match[1]) as SummaryData;
  assert.equal(parsed.metrics['entities_ensured{resource:students}'].values.count, 2);
  assert.ok(!outputs.stdout.includes('SECRET-TOKEN'));
});
