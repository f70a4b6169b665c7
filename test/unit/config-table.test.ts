// The console's configuration table (scripts/lib/node/results.ts): the settings in use, not the ~40 knobs
// at their defaults; config.env keeps every row.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quietRow } from '../../scripts/lib/node/results.ts';

test('the console leaves out settings not set and stand-in, k6 and baseline options at their defaults', () => {
  assert.equal(quietRow({ name: 'DATA_STORE_ID', source: 'not set', value: '' }), true);
  assert.equal(quietRow({ name: 'SIM_LATENCY_MS', source: 'default', value: '0' }), true);
  assert.equal(quietRow({ name: 'BASELINE_P95_TOLERANCE', source: 'default', value: '0.1' }), true);
  assert.equal(quietRow({ name: 'SIM_LATENCY_MS', source: 'shell', value: '20' }), false, 'a knob the user set is shown');
  assert.equal(quietRow({ name: 'K6_OUT', source: '.env.load-test', value: 'json=x.json' }), false);
  assert.equal(quietRow({ name: 'THRESHOLD_ERROR_RATE', source: 'default', value: '0.01' }), false, 'the verdict settings are always shown');
  assert.equal(quietRow({ name: 'CLIENT_ID', source: 'stand-in (client setup)', value: '' }), false);
});
