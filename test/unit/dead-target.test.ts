import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEAD_TARGET_MIN_FAILURES, DEAD_TARGET_SECONDS, DeadTargetWatch, deadTargetMessage } from '../../src/dms/dead-target.ts';

test('nothing but connection failures for the budget (and enough of them) is a dead target', () => {
  const watch = new DeadTargetWatch();
  const start = Date.UTC(2026, 10, 29, 21, 10, 5);
  let dead = false;
  let t = start;
  for (let i = 0; i < 100 && !dead; i++, t += 1000) dead = watch.failed(t);
  assert.equal(dead, true);
  assert.equal(t - 1000 - start, DEAD_TARGET_SECONDS * 1000, 'declared dead as the budget runs out, not before');
  assert.match(deadTargetMessage('http://dms:8080/data', 'dial: connection refused', watch.failingSinceMs, 21, start + 20_000), /DMS at http:\/\/dms:8080\/data stopped answering \(dial: connection refused since 21:10:05 UTC: 21 connection failures in a row over 20 s\)/);
});

test('an answer in between starts the count again; a few failures over a long time are not enough', () => {
  const watch = new DeadTargetWatch();
  for (let t = 0; t < 60_000; t += 1000) {
    assert.equal(watch.failed(t), false, `at ${t} ms`);
    if (t % 10_000 === 9000) watch.answered(); // the target answers every 10 s: it is alive, only stumbling
  }
  const sparse = new DeadTargetWatch();
  assert.equal(sparse.failed(0), false);
  assert.equal(sparse.failed(DEAD_TARGET_SECONDS * 1000 + 1), false, `fewer than ${DEAD_TARGET_MIN_FAILURES} failures`);
});

test('a request that gave up on connection failures, the last five or more in a row, is a dead target at once', () => {
  const watch = new DeadTargetWatch();
  for (let i = 0; i < DEAD_TARGET_MIN_FAILURES - 1; i++) watch.failed(i * 100);
  assert.equal(watch.gaveUp(), false);
  watch.failed(1000);
  assert.equal(watch.gaveUp(), true, 'well before the time budget: retries with jitter may run out first');
  watch.answered();
  assert.equal(watch.gaveUp(), false);
});
