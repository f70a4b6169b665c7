import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, durationSeconds, loadConfig, parseMix } from '../../src/config.ts';
import { pickOperation, runTag } from '../../src/phase/mix.ts';

const base = { API_BASE_URL: 'http://localhost:8080/' };

test('defaults and derived URLs', () => {
  const config = loadConfig(base);
  assert.equal(config.apiBaseUrl, 'http://localhost:8080');
  assert.equal(config.dataApiUrl, 'http://localhost:8080/data');
  assert.equal(config.oauthTokenUrl, 'http://localhost:8080/oauth/token');
  assert.equal(config.data.schoolCount, 2);
  assert.equal(config.readwriteMix.read, 35);
  assert.equal(config.readwriteRate, 0);
});

test('numbers, durations and URLs are validated with the variable named', () => {
  assert.throws(() => loadConfig({ ...base, VUS_LOAD_PHASE: '-3' }), /VUS_LOAD_PHASE='-3' must be a whole number >= 1/);
  assert.throws(() => loadConfig({ ...base, VUS_LOAD_PHASE: '0' }), ConfigError);
  assert.throws(() => loadConfig({ ...base, STUDENT_COUNT: 'lots' }), /STUDENT_COUNT/);
  assert.throws(() => loadConfig({ ...base, DURATION_LOAD_PHASE: '5 minutes' }), /DURATION_LOAD_PHASE='5 minutes' must be a duration such as 30s, 5m or 1h30m/);
  assert.throws(() => loadConfig({ ...base, THRESHOLD_ERROR_RATE: '2' }), /THRESHOLD_ERROR_RATE='2' must be a number from 0 to 1/);
  assert.throws(() => loadConfig({ API_BASE_URL: 'localhost:8080' }), /API_BASE_URL/);
});

test('error budgets: outcomes gated by THRESHOLD_ERROR_RATE, operations by default alike, attempts only when asked', () => {
  const defaults = loadConfig(base).thresholds;
  assert.equal(defaults.errorRate, 0.01);
  assert.equal(defaults.operationErrorRate, 0.01);
  assert.equal(defaults.attemptErrorRate, undefined);
  const set = loadConfig({ ...base, THRESHOLD_ERROR_RATE: '0.05', THRESHOLD_ATTEMPT_ERROR_RATE: '' }).thresholds;
  assert.equal(set.operationErrorRate, 0.05, 'follows THRESHOLD_ERROR_RATE');
  assert.equal(set.attemptErrorRate, undefined, 'empty = not set');
  const own = loadConfig({ ...base, THRESHOLD_OPERATION_ERROR_RATE: '0', THRESHOLD_ATTEMPT_ERROR_RATE: '0.2' }).thresholds;
  assert.equal(own.operationErrorRate, 0);
  assert.equal(own.attemptErrorRate, 0.2);
  assert.throws(() => loadConfig({ ...base, THRESHOLD_OPERATION_ERROR_RATE: '1.5' }), /THRESHOLD_OPERATION_ERROR_RATE='1.5' must be a number from 0 to 1/);
  assert.throws(() => loadConfig({ ...base, THRESHOLD_ATTEMPT_ERROR_RATE: 'x' }), /THRESHOLD_ATTEMPT_ERROR_RATE/);
});

test('durations convert to seconds', () => {
  assert.equal(durationSeconds('1h30m'), 5400);
  assert.equal(durationSeconds('45s'), 45);
  assert.equal(durationSeconds('2m0.5s'), 120.5);
});

test('the readwrite mix parses weights and rejects unknown operations', () => {
  assert.deepEqual(parseMix('read=1, create=3'), { read: 1, query: 0, update: 0, create: 3, delete: 0 });
  assert.throws(() => parseMix('reed=1'), /READWRITE_MIX='reed=1' must be op=weight pairs .*'reed=1' is not/);
  assert.throws(() => parseMix('read=0'), /at least one operation a weight above 0/);
});

test('operations are picked in proportion to their weights', () => {
  const mix = parseMix('read=1,create=3');
  assert.equal(pickOperation(mix, 0), 'read');
  assert.equal(pickOperation(mix, 0.24), 'read');
  assert.equal(pickOperation(mix, 0.25), 'create');
  assert.equal(pickOperation(mix, 0.9999), 'create');
});

test('run tags are short, stable and differ between runs', () => {
  assert.equal(runTag('a'), runTag('a'));
  assert.notEqual(runTag('20261124T030000Z-smoke-full'), runTag('20261124T030001Z-smoke-full'));
  assert.equal(runTag('x').length, 7);
});
