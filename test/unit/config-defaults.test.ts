// The runner (scripts/lib/node/config.ts) and the k6 scenarios (src/config.ts) each know the built-in
// defaults: the runner to print and validate them, k6 to run bare. This keeps the two lists in step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config.ts';

import { SETTINGS } from '../../scripts/lib/node/config.ts';

test('the runner and the k6 config have the same built-in defaults', async () => {
  const fromRunnerDefaults: Record<string, string> = { API_BASE_URL: 'http://dms.example' };
  for (const setting of SETTINGS) {
    if (setting.def !== '' && setting.name !== 'API_BASE_URL') fromRunnerDefaults[setting.name] = setting.def;
  }
  assert.deepEqual(loadConfig(fromRunnerDefaults), loadConfig({ API_BASE_URL: 'http://dms.example' }));
  assert.ok(Object.keys(fromRunnerDefaults).length > 15, 'the runner lists its defaults');
});
