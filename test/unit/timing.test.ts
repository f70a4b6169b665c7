import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffMs, brokerShouldRefresh, DEFAULT_BACKOFF, effectiveMarginMs, maxTokensForRun, parseRetryAfter, vuShouldAskBroker } from '../../src/auth/token-timing.ts';
import { type AttemptState, backoffBaseMs, BREAKER_RETRY_AFTER_SECONDS, decideRetry, isBreakerWait, MAX_DEPENDENCY_WAITS, MAX_LOADING_WAITS, MAX_WAITS, recordWait, type RetryReason } from '../../src/dms/retry-policy.ts';

test('margin is the configured one, capped at a quarter of the lifetime', () => {
  assert.equal(effectiveMarginMs(60, 1800), 60_000);
  assert.equal(effectiveMarginMs(60, 20), 5_000);
});

test('the broker refreshes before a VU asks, so VUs always find a fresh token', () => {
  const token = { expiresAtMs: 100_000 };
  assert.equal(brokerShouldRefresh(token, 94_999, 5_000), false);
  assert.equal(brokerShouldRefresh(token, 95_000, 5_000), true);
  assert.equal(vuShouldAskBroker(token, 97_499, 5_000), false);
  assert.equal(vuShouldAskBroker(token, 97_500, 5_000), true);
  assert.equal(brokerShouldRefresh(undefined, 0, 5_000), true);
});

test('token bound matches the issue example: 90 s run, 20 s tokens -> at most 7 (+1 pre-flight)', () => {
  assert.equal(maxTokensForRun(90, 20, 60), 7);
  assert.equal(maxTokensForRun(3600, 1800, 60), 4);
});

test('backoff honours Retry-After with at most 20% jitter and is always bounded', () => {
  assert.equal(backoffMs(1, 2, () => 0), 2000);
  assert.equal(backoffMs(1, 2, () => 1), 2400);
  assert.equal(backoffMs(1, 30, () => 0), 30_000, 'a circuit breaker\'s 30 s is never cut short');
  assert.equal(backoffMs(1, 600, () => 0), 60_000, 'but an absurd Retry-After is capped');
  for (let attempt = 1; attempt < 30; attempt++) assert.ok(backoffMs(attempt, undefined, () => 0.999) <= 10_000);
  assert.ok(backoffMs(1, undefined, () => 0.999) <= 200);
});

test('without Retry-After, rate limiting backs off on the scale of a 10 s window', () => {
  assert.equal(backoffBaseMs('rate-limited'), 1000);
  assert.equal(backoffBaseMs('unavailable'), 1000);
  assert.equal(backoffBaseMs('network'), 200);
  const policy = { baseMs: 1000, maxMs: 10_000, maxRetryAfterMs: 60_000 };
  assert.ok(backoffMs(4, undefined, () => 0.999, policy) > 7_000);
});

test('Retry-After parses seconds and HTTP dates', () => {
  assert.equal(parseRetryAfter('3', 0), 3);
  assert.equal(parseRetryAfter(undefined, 0), undefined);
  assert.equal(parseRetryAfter('soon', 0), undefined);
  assert.equal(parseRetryAfter(new Date(10_000).toUTCString(), 0), 10);
});

const fresh = { renewedToken: false, waits: {} };
const waited = (waits: Partial<Record<RetryReason, number>>) => ({ renewedToken: false, waits });

test('401 renews the token once, then gives up', () => {
  assert.deepEqual(decideRetry(401, fresh, false), { kind: 'renew-token' });
  assert.deepEqual(decideRetry(401, { renewedToken: true, waits: {} }, false), { kind: 'done' });
});

test('429, 503 and dropped connections retry up to their budget of waits', () => {
  assert.deepEqual(decideRetry(429, fresh, false), { kind: 'wait-and-retry', reason: 'rate-limited', wait: 1 });
  assert.deepEqual(decideRetry(503, fresh, false), { kind: 'wait-and-retry', reason: 'unavailable', wait: 1 });
  assert.deepEqual(decideRetry(0, fresh, false), { kind: 'wait-and-retry', reason: 'network', wait: 1 });
  assert.deepEqual(decideRetry(429, waited({ 'rate-limited': 2 }), false), { kind: 'wait-and-retry', reason: 'rate-limited', wait: 3 });
  assert.deepEqual(decideRetry(429, waited({ 'rate-limited': MAX_WAITS }), false), { kind: 'done' });
  assert.deepEqual(decideRetry(500, fresh, false), { kind: 'done' });
  assert.deepEqual(decideRetry(500, fresh, true), { kind: 'wait-and-retry', reason: 'server-error', wait: 1 });
  assert.deepEqual(decideRetry(429, waited({ 'rate-limited': MAX_WAITS }), true), { kind: 'wait-and-retry', reason: 'rate-limited', wait: MAX_WAITS + 1 });
  assert.deepEqual(decideRetry(429, waited({ 'rate-limited': MAX_LOADING_WAITS }), true), { kind: 'done' });
});

test('an unresolved reference is waited for only while loading, and only so long', () => {
  const type = 'urn:ed-fi:api:data-conflict:unresolved-reference';
  assert.deepEqual(decideRetry(409, fresh, true, type), { kind: 'wait-and-retry', reason: 'dependency', wait: 1 });
  assert.deepEqual(decideRetry(409, fresh, false, type), { kind: 'done' });
  assert.deepEqual(decideRetry(409, fresh, true, 'urn:ed-fi:api:identity-conflict'), { kind: 'done' });
  assert.deepEqual(decideRetry(409, waited({ dependency: MAX_LOADING_WAITS }), true, type), { kind: 'wait-and-retry', reason: 'dependency', wait: MAX_LOADING_WAITS + 1 });
  assert.deepEqual(decideRetry(409, waited({ dependency: MAX_DEPENDENCY_WAITS }), true, type), { kind: 'done' });
});

test('each reason has its own budget: waiting out a prerequisite leaves the full patience for a rate limiter', () => {
  // The CI failure this guards against: six 409 waits, then a 429 got only three waits, starting at the 10 s cap.
  const afterDependency = waited({ dependency: 6 });
  assert.deepEqual(decideRetry(429, afterDependency, true), { kind: 'wait-and-retry', reason: 'rate-limited', wait: 1 });
  assert.deepEqual(decideRetry(429, waited({ dependency: MAX_DEPENDENCY_WAITS, 'rate-limited': MAX_LOADING_WAITS - 1 }), true), {
    kind: 'wait-and-retry',
    reason: 'rate-limited',
    wait: MAX_LOADING_WAITS,
  });
  assert.deepEqual(decideRetry(409, waited({ dependency: MAX_DEPENDENCY_WAITS, 'rate-limited': 1 }), true, 'x:unresolved-reference'), { kind: 'done' });
});

/** Drives the policy as the client does, answering `statuses` in turn; returns the waits made. */
function waitsUntilDone(statuses: (n: number) => number, loading: boolean): number {
  const state: AttemptState = { renewedToken: false, waits: {} };
  for (let n = 0; n < 1000; n++) {
    const decision = decideRetry(statuses(n), state, loading, 'urn:ed-fi:api:data-conflict:unresolved-reference');
    if (decision.kind === 'done') return n;
    if (decision.kind === 'renew-token') state.renewedToken = true;
    else recordWait(state, decision);
  }
  throw new Error('the retry policy never ended');
}

test('a request that keeps failing ends after exactly its budgets, however its failures mix', () => {
  assert.equal(waitsUntilDone(() => 429, false), MAX_WAITS);
  assert.equal(waitsUntilDone(() => 503, true), MAX_LOADING_WAITS);
  assert.equal(waitsUntilDone(() => 409, true), MAX_DEPENDENCY_WAITS);
  assert.equal(waitsUntilDone((n) => (n === 0 ? 401 : 429), false), 1 + MAX_WAITS, 'one token renewal, then the 429 budget');
  // alternating 409 and 429: each budget is spent apart; it ends when the smaller (429's) runs out
  assert.equal(waitsUntilDone((n) => (n % 2 === 0 ? 409 : 429), true), 2 * MAX_LOADING_WAITS + 1);
  assert.equal(waitsUntilDone((n) => [429, 503, 0, 500, 409][n % 5], true), 5 * MAX_LOADING_WAITS, 'bounded by the sum of the budgets');
});

test('a dependency wait starts at about one write and still outlasts a prerequisite waiting out a 429', () => {
  const policy = { ...DEFAULT_BACKOFF, baseMs: backoffBaseMs('dependency') };
  assert.ok(backoffMs(1, undefined, () => 0.999, policy) <= 25, 'the first wait is short: kind boundaries do not idle VUs');
  let longest = 0;
  for (let wait = 1; wait <= MAX_DEPENDENCY_WAITS; wait++) longest += backoffMs(wait, undefined, () => 0.999, policy);
  assert.ok(longest >= 40_000, `all waits together reach ${longest} ms; a 429 wait is up to 10 s`);
  assert.ok(longest <= 60_000, `but stay bounded (${longest} ms)`);
});

test('an open circuit breaker (503, Retry-After 30) is waited out once on its own budget, then 503s count as unavailable', () => {
  const state: AttemptState = { renewedToken: false, waits: {} };
  const first = decideRetry(503, state, false, '', 30);
  assert.deepEqual(first, { kind: 'wait-and-retry', reason: 'breaker', wait: 1 });
  recordWait(state, first as { reason: RetryReason; wait: number });
  // still open after the wait: the ordinary budget for 503 applies, untouched by the breaker wait
  for (let wait = 1; wait <= MAX_WAITS; wait++) {
    const next = decideRetry(503, state, false, '', 30);
    assert.deepEqual(next, { kind: 'wait-and-retry', reason: 'unavailable', wait });
    recordWait(state, next as { reason: RetryReason; wait: number });
  }
  assert.deepEqual(decideRetry(503, state, false, '', 30), { kind: 'done' });
  // a 503 with a short or no Retry-After is a passing overload, not a break
  assert.equal((decideRetry(503, { renewedToken: false, waits: {} }, false, '', 2) as { reason: string }).reason, 'unavailable');
  assert.equal((decideRetry(503, { renewedToken: false, waits: {} }, false) as { reason: string }).reason, 'unavailable');
  assert.equal(isBreakerWait(BREAKER_RETRY_AFTER_SECONDS), true);
});
