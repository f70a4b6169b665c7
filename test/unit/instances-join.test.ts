// The join file of a run over several hosts (scripts/lib/node/instances.ts): what the other hosts get from
// the first one, and what a joining host refuses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { joinFileText, parseJoinFile, sharedSettings } from '../../scripts/lib/node/instances.ts';

test('shared settings: what makes the instances one run; no secret, nothing of the host\'s own, no discovered URL', () => {
  const rows = [
    ['API_BASE_URL', 'shell', 'http://dms:8080'], ['DATA_API_URL', 'discovery (urls.dataManagementApi)', 'http://dms:8080/data'],
    ['OAUTH_TOKEN_URL', '.env.load-test', 'http://idp/token'], ['CLIENT_ID', 'shell', 'abc'], ['CLIENT_SECRET', 'shell', 's3cret'],
    ['CMS_ADMIN_CLIENT_SECRET', 'shell', 'x'], ['STUDENT_COUNT', 'profile', '100'], ['VUS_LOAD_PHASE', 'profile', '10'],
    ['THRESHOLD_ERROR_RATE', 'default', '0.01'], ['RESULTS_ROOT', 'default', '/r'], ['SIM_PORT', 'default', '0'],
    ['K6_OUT', 'shell', 'json=x'], ['BROKER_BIND_ADDRESS', 'shell', '10.0.0.1'], ['THRESHOLD_ATTEMPT_ERROR_RATE', 'not set', ''],
  ].map(([name, source, value]) => ({ name, source, value }));
  assert.deepEqual(sharedSettings(rows), [
    ['API_BASE_URL', 'http://dms:8080'], ['OAUTH_TOKEN_URL', 'http://idp/token'], ['CLIENT_ID', 'abc'],
    ['STUDENT_COUNT', '100'], ['VUS_LOAD_PHASE', '10'], ['THRESHOLD_ERROR_RATE', '0.01'],
  ]);
});

test('a join file reads back as written; a broken one is refused with what is wrong', () => {
  const pairs: Array<[string, string]> = [['JOIN_FORMAT', '1'], ['RUN_ID', 'r1'], ['INSTANCES', '2'], ['PROFILE', 'dev'], ['PHASE', 'full'],
    ['TOKEN_BROKER_URL', 'http://10.0.0.1:7400'], ['TOKEN_BROKER_KEY', 'k'.repeat(32)], ['API_BASE_URL', 'http://dms:8080'], ['READWRITE_MIX', 'read=1,query=2']];
  const text = joinFileText(pairs);
  assert.match(text, /^# .*holds the token broker key/m);
  assert.deepEqual([...parseJoinFile(text, 'j')], pairs);
  assert.throws(() => joinFileText([['RUN_ID', 'a\nEVIL=1']]), /on one line/);
  assert.throws(() => parseJoinFile(text.replace('JOIN_FORMAT=1', 'JOIN_FORMAT=2'), 'j'), /format 2, this suite reads format 1/);
  assert.throws(() => parseJoinFile(text.replace(/^TOKEN_BROKER_KEY=.*$/m, ''), 'j'), /lacks TOKEN_BROKER_KEY/);
  assert.throws(() => parseJoinFile(`${text}not a line\n`, 'j'), /line \d+ is not NAME=value/);
  assert.throws(() => parseJoinFile(text.replace('INSTANCES=2', 'INSTANCES=1'), 'j'), /INSTANCES must be a whole number >= 2/);
});
