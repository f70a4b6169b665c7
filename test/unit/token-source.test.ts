import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CredentialsRejected, TokenCapReached, TokenSource } from '../../tools/token-broker/token-source.ts';
import { effectiveMarginMs, maxTokensForRun, vuShouldAskBroker } from '../../src/auth/token-timing.ts';

/** A token endpoint double: answers from a script of statuses, counting calls. */
function fakeEndpoint(statuses: number[], lifetimeSeconds = 20) {
  const calls = { count: 0 };
  let next = 0;
  const fetchImpl = (async () => {
    calls.count++;
    const status = statuses[Math.min(next++, statuses.length - 1)];
    const body = status === 200 ? JSON.stringify({ access_token: `tok-${calls.count}`, expires_in: lifetimeSeconds, token_type: 'Bearer' }) : '{"detail":"no"}';
    return new Response(body, { status, headers: status === 503 ? { 'retry-after': '1' } : {} });
  }) as typeof fetch;
  return { calls, fetchImpl };
}

function source(statuses: number[], clock: { now: number }, extra: Partial<ConstructorParameters<typeof TokenSource>[0]> = {}) {
  const endpoint = fakeEndpoint(statuses);
  const slept: number[] = [];
  const src = new TokenSource({
    tokenUrl: 'http://dms/oauth/token', clientId: 'id', clientSecret: 'secret', marginSeconds: 60,
    now: () => clock.now, fetchImpl: endpoint.fetchImpl, sleep: async (ms) => { slept.push(ms); }, ...extra,
  });
  return { src, calls: endpoint.calls, slept };
}

test('many concurrent callers share one fetch', async () => {
  const clock = { now: 0 };
  const { src, calls } = source([200], clock);
  const tokens = await Promise.all(Array.from({ length: 50 }, () => src.get()));
  assert.equal(calls.count, 1);
  assert.ok(tokens.every((t) => t.accessToken === 'tok-1'));
});

test('renews once the token is inside the margin (a quarter of a 20 s lifetime), serving the valid one meanwhile', async () => {
  const clock = { now: 0 };
  const { src, calls } = source([200], clock);
  await src.get();
  clock.now = 14_900;
  assert.equal((await src.get()).generation, 1);
  assert.equal(calls.count, 1);
  clock.now = 15_000;
  assert.equal((await src.get()).generation, 1, 'the still-valid token, at once');
  assert.equal(calls.count, 2, 'the renewal started');
  await src.idle();
  assert.equal((await src.get()).generation, 2);
  assert.equal(calls.count, 2);
});

test('a slow token endpoint never stalls callers while the token is valid (8 s fetches, 20 s tokens)', async () => {
  const clock = { now: 0 };
  const pending: Array<() => void> = [];
  let fetches = 0;
  // Each token request completes only when the test says so: 8 s of fake time later.
  const fetchImpl = (() => {
    fetches++;
    const n = fetches;
    return new Promise<Response>((resolve) => {
      pending.push(() => resolve(new Response(JSON.stringify({ access_token: `tok-${n}`, expires_in: 20 }), { status: 200 })));
    });
  }) as unknown as typeof fetch;
  const timers: Array<{ at: number; run: () => void }> = [];
  const src = new TokenSource({
    tokenUrl: 'http://dms/oauth/token', clientId: 'id', clientSecret: 'secret', marginSeconds: 60, now: () => clock.now, fetchImpl,
  });
  const first = src.get();
  clock.now = 8_000; // the first request takes 8 s (the pre-flight waits for it)
  pending.shift()!();
  assert.equal((await first).generation, 1);
  // Renewal ahead of expiry: twice the 8 s fetch (the margin, a quarter of 20 s, would be too late), at most half the lifetime.
  assert.equal(src.stats.renewAheadMs, 10_000);
  assert.equal(src.renewAtMs(await first), 28_000 - 10_000, 'callers are told to ask from the window\'s start');
  assert.match(src.stats.slowEndpointWarning ?? '', /took 8\.0 s, more than half the renewal margin of 5\.0 s/);
  // A VU asks at the renewal window's start (renew_at_ms), then every second while it gets the same token.
  for (let generationsSeen = 1; clock.now < 70_000; clock.now += 250) {
    const started = fetches;
    for (const timer of timers.filter((t) => t.at <= clock.now)) timer.run();
    const token = await Promise.race([src.get(), new Promise<'stalled'>((r) => setTimeout(() => r('stalled'), 50))]);
    if (token === 'stalled') assert.fail(`a caller waited for the token endpoint at ${clock.now} ms`);
    assert.ok(token.expiresAtMs > clock.now, `an expired token was served at ${clock.now} ms`);
    generationsSeen = Math.max(generationsSeen, token.generation);
    // the endpoint answers 8 s after each request
    if (fetches > started) {
      const requestedAt = clock.now;
      const answer = pending.shift()!;
      timers.push({ at: requestedAt + 8_000, run: answer });
    }
    if (clock.now === 69_750) assert.ok(generationsSeen >= 4, `saw ${generationsSeen} generations`);
  }
  assert.equal(src.stats.stalledAsks, 0);
});

test('a burst of 401 reports for one generation causes one refresh', async () => {
  const clock = { now: 0 };
  const { src, calls } = source([200], clock);
  const first = await src.get();
  await Promise.all(Array.from({ length: 20 }, () => src.refreshIfCurrent(first.generation)));
  await src.refreshIfCurrent(first.generation); // stale report: already refreshed
  assert.equal(calls.count, 2);
});

test('rejected credentials fail at once and are never retried', async () => {
  const clock = { now: 0 };
  const { src, calls } = source([401], clock);
  await assert.rejects(src.get(), CredentialsRejected);
  await assert.rejects(src.get(), CredentialsRejected);
  assert.equal(calls.count, 1);
});

test('initial retries cover a client that is not usable yet', async () => {
  const clock = { now: 0 };
  const { src, calls } = source([401, 401, 200], clock, { initialRetries: 3 });
  assert.equal((await src.get()).accessToken, 'tok-3');
  assert.equal(calls.count, 3);
});

test('a failing endpoint is retried with bounded, Retry-After based backoff', async () => {
  const clock = { now: 0 };
  const { src, calls, slept } = source([503, 503, 200], clock);
  assert.equal((await src.get()).accessToken, 'tok-3');
  assert.equal(calls.count, 3);
  assert.equal(slept.length, 2);
  assert.ok(slept.every((ms) => ms >= 1000 && ms <= 1200), `slept ${slept.join(',')}`);
});

test('keeps serving a still-valid token while the endpoint is down', async () => {
  const clock = { now: 0 };
  const { src } = source([200, 503], clock);
  await src.get();
  clock.now = 16_000;
  const token = await src.get();
  assert.equal(token.generation, 1);
  await src.idle();
  assert.equal(src.stats.fetchFailures, 1);
  assert.equal((await src.get()).generation, 1);
});

test('50 VUs over a 90 s run with 20 s tokens stay within ceil(run/(lifetime-margin))+1 tokens', async () => {
  const clock = { now: 0 };
  const { src, calls } = source([200], clock);
  const marginMs = effectiveMarginMs(60, 20);
  const vuTokens = await Promise.all(Array.from({ length: 50 }, () => src.get()));
  for (clock.now = 0; clock.now <= 90_000; clock.now += 250) {
    for (let vu = 0; vu < vuTokens.length; vu++) {
      if (vuShouldAskBroker(vuTokens[vu], clock.now, marginMs)) vuTokens[vu] = await src.get();
      assert.ok(vuTokens[vu].expiresAtMs > clock.now, 'a VU never holds an expired token');
    }
  }
  assert.ok(calls.count <= maxTokensForRun(90, 20, 60), `fetched ${calls.count}`);
  assert.ok(calls.count >= 6);
});

test('DMS rejecting freshly issued tokens stops the minting after a few tries', async () => {
  const clock = { now: 0 };
  const { src, calls } = source([200], clock);
  let token = await src.get();
  token = await src.refreshIfCurrent(token.generation); // 1st fresh rejection: one more token
  token = await src.refreshIfCurrent(token.generation); // 2nd
  await assert.rejects(src.refreshIfCurrent(token.generation), /rejected 3 tokens in a row/);
  await assert.rejects(src.get(), /rejected 3 tokens in a row/);
  assert.equal(calls.count, 3);
});

test('a token rejected after the fresh window (a revoke mid-run) is simply replaced', async () => {
  const clock = { now: 0 };
  const { src, calls } = source([200], clock, { marginSeconds: 60 });
  let token = await src.get();
  for (let round = 0; round < 5; round++) {
    clock.now += 31_000;
    token = await src.refreshIfCurrent(token.generation);
  }
  assert.equal(calls.count, 6);
});

test('after a failed refresh the valid token is served without a fetch per ask', async () => {
  const clock = { now: 0 };
  const { src, calls } = source([200, 503, 503, 503, 503, 200], clock);
  await src.get();
  clock.now = 16_000; // inside the margin: refresh due
  for (let i = 0; i < 20; i++) await src.get(); // the first fails; the rest wait for the backoff
  assert.equal(calls.count, 2);
  assert.equal((await src.get()).generation, 1);
});

test('client id and secret are escaped before Basic auth, as DMS unescapes them', async () => {
  let header = '';
  const fetchImpl = (async (_url: string, init: RequestInit) => {
    header = String((init.headers as Record<string, string>).authorization);
    return new Response(JSON.stringify({ access_token: 't', expires_in: 1800 }), { status: 200 });
  }) as unknown as typeof fetch;
  const src = new TokenSource({ tokenUrl: 'http://dms/oauth/token', clientId: 'id', clientSecret: 'a%b:c', marginSeconds: 60, fetchImpl });
  await src.get();
  assert.equal(Buffer.from(header.replace('Basic ', ''), 'base64').toString(), 'id:a%25b%3Ac');
});

test("DMS 8.1's token cap (429 too-many-tokens, no Retry-After) is final: one request, no retries, the cause named", async () => {
  let calls = 0;
  const fetchImpl = (async () => {
    calls++;
    return new Response(JSON.stringify({ type: 'urn:ed-fi:api:security:authentication:too-many-tokens', errors: ['Too many access tokens have been requested (limit is 15).'] }), { status: 429 });
  }) as unknown as typeof fetch;
  const src = new TokenSource({ tokenUrl: 'http://dms/oauth/token', clientId: 'id', clientSecret: 's', marginSeconds: 60, fetchImpl, sleep: async () => undefined });
  await assert.rejects(src.get(), (error: Error) => error instanceof TokenCapReached && /cap of active tokens for this client is reached/.test(error.message));
  await assert.rejects(src.get(), TokenCapReached);
  assert.equal(calls, 1);
});
