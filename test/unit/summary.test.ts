import { test } from 'node:test';
import assert from 'node:assert/strict';
import { byTag, scrubSummary, summaryOutputs, textSummary, thresholdResults, type SummaryData } from '../../src/summary/summary.ts';

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
