import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startSim, type RunningSim } from '../../sim/server.ts';
import { Api, adminToken, assertProblem, clientToken, createApplication, dataApi, send, start, student } from './helpers.ts';

const STUDENTS = '/data/ed-fi/students';

describe('rate limiter: fixed window per Host header', () => {
  let sim: RunningSim;
  let now = Date.UTC(2026, 0, 1);
  before(async () => {
    sim = await start({ rateLimitPermits: 3, rateLimitWindowSeconds: 10, clock: () => now });
  });
  after(() => sim.close());
  beforeEach(() => sim.reset());

  // Retry-After is the whole window: .NET's FixedWindowRateLimiter with QueueLimit 0 reports it so
  // (Frontend.AspNetCore/Infrastructure/WebApplicationBuilderExtensions.cs ConfigureRateLimit).
  it('the request after the permits gets 429 problem+json with the whole window as Retry-After; the next window admits again', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await send(sim.url, 'GET', '/', { headers: { Host: 'a' } })).status, 200);
    now += 4_000;
    const r = await send(sim.url, 'GET', '/', { headers: { Host: 'a' } });
    const body = assertProblem(r, 429, 'urn:ed-fi:api:too-many-requests', 'application/problem+json');
    assert.equal(body.detail, 'The number of allowed requests has been exceeded. Retry the request later.');
    assert.equal(r.headers['retry-after'], '10', 'the whole window, not the 6 s left in it');
    now += 6_000;
    assert.equal((await send(sim.url, 'GET', '/', { headers: { Host: 'a' } })).status, 200);
  });

  it('each Host header value has its own bucket, and the token endpoint is limited too', async () => {
    for (let i = 0; i < 3; i++) await send(sim.url, 'GET', '/health', { headers: { Host: 'b' } });
    assert.equal((await send(sim.url, 'POST', '/oauth/token', { headers: { Host: 'b' } })).status, 429);
    assert.equal((await send(sim.url, 'GET', '/health', { headers: { Host: 'c' } })).status, 200);
  });

  it('neither the Configuration Service nor /_sim is limited', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await send(sim.url, 'GET', '/_sim/stats', { headers: { Host: 'd' } })).status, 200);
    for (let i = 0; i < 5; i++) assert.equal((await send(sim.url, 'GET', '/v3/vendors', { headers: { Host: 'd' } })).status, 401);
  });

  it('can be changed or turned off (0) at runtime through /_sim/faults', async () => {
    const off = await send(sim.url, 'POST', '/_sim/faults', { body: { rateLimitPermits: 0 } });
    assert.equal(off.status, 200);
    assert.equal(off.json().rateLimitPermits, 0);
    for (let i = 0; i < 10; i++) assert.equal((await send(sim.url, 'GET', '/', { headers: { Host: 'e' } })).status, 200);
    await send(sim.url, 'POST', '/_sim/faults', { body: { rateLimitPermits: 3 } });
  });

  it("style 'v8.0' answers as DMS 8.0.0 did: an empty 429 with no Retry-After", async () => {
    const set = await send(sim.url, 'POST', '/_sim/faults', { body: { rateLimitStyle: 'v8.0' } });
    assert.equal(set.status, 200);
    try {
      for (let i = 0; i < 3; i++) await send(sim.url, 'GET', '/', { headers: { Host: 'f' } });
      const r = await send(sim.url, 'GET', '/', { headers: { Host: 'f' } });
      assert.equal(r.status, 429);
      assert.equal(r.text, '');
      assert.equal(r.headers['retry-after'], undefined);
      const bad = await send(sim.url, 'POST', '/_sim/faults', { body: { rateLimitStyle: 'v7' } });
      assert.equal(bad.status, 400);
    } finally {
      await send(sim.url, 'POST', '/_sim/faults', { body: { rateLimitStyle: 'current' } });
    }
  });

  it('defaults to 20000 per 10 s (DMS HEAD)', async () => {
    const plain = await startSim({ port: 0 });
    try {
      const faults = (await send(plain.url, 'GET', '/_sim/faults')).json();
      assert.equal(faults.rateLimitPermits, 20000);
      assert.equal(faults.rateLimitWindowSeconds, 10);
    } finally {
      await plain.close();
    }
  });
});

describe('faults (data requests only)', () => {
  let sim: RunningSim;
  let api: Api;
  before(async () => {
    sim = await start();
  });
  after(() => sim.close());
  beforeEach(async () => {
    sim.setFaults({ latencyMs: 0, latencyJitterMs: 0, errorRate: 0, dropRate: 0, nonJsonRate: 0, tokenLatencyMs: 0 });
    sim.reset();
    api = await dataApi(sim);
  });

  it('GET /_sim/faults shows every fault setting', async () => {
    const r = await send(sim.url, 'GET', '/_sim/faults');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), {
      latencyMs: 0,
      latencyJitterMs: 0,
      errorRate: 0,
      breaker: 'off',
      breakerBreakSeconds: 30,
      outageAfterCalls: 0,
      outageCalls: 0,
      dropRate: 0,
      nonJsonRate: 0,
      tokenLatencyMs: 0,
      rateLimitPermits: 0,
      rateLimitWindowSeconds: 10,
      rateLimitStyle: 'current',
    });
  });

  it('errorRate 1: every data request is 500 (no Retry-After, CoreExceptionLoggingMiddleware.cs) or 503 (Retry-After) and stores nothing; /_sim and discovery unaffected', async () => {
    const set = await send(sim.url, 'POST', '/_sim/faults', { body: { errorRate: 1 } });
    assert.equal(set.json().errorRate, 1);
    const seen = new Set<number>();
    for (let i = 0; i < 20; i++) {
      const r = await api.post(STUDENTS, student(`S${i}`));
      assert.ok(r.status === 500 || r.status === 503, String(r.status));
      assertProblem(r, r.status, r.status === 500 ? 'urn:ed-fi:api:system' : 'urn:ed-fi:api:service-unavailable', 'application/problem+json');
      assert.equal(r.headers['retry-after'], r.status === 500 ? undefined : '1');
      seen.add(r.status);
    }
    assert.deepEqual([...seen].sort(), [500, 503]);
    assert.equal(sim.stats().documents.students, undefined);
    assert.equal((await send(sim.url, 'GET', '/')).status, 200);
    assert.equal((await send(sim.url, 'GET', '/_sim/stats')).status, 200);
  });

  it('dropRate 1: the connection is closed without an answer, counted as dropped', async () => {
    sim.setFaults({ dropRate: 1 });
    await assert.rejects(api.get(STUDENTS), /socket hang up|ECONNRESET/);
    assert.equal(sim.stats().requests.byMethodRouteStatus['GET /data/ed-fi/students dropped'], 1);
  });

  it('nonJsonRate: every 1/rate-th data GET is a 200 text/html login page; writes and the rest are untouched', async () => {
    assert.equal((await api.post(STUDENTS, student('S1'))).status, 201);
    const set = await send(sim.url, 'POST', '/_sim/faults', { body: { nonJsonRate: 0.34 } });
    assert.equal(set.json().nonJsonRate, 0.34);
    const answers: string[] = [];
    for (let i = 0; i < 9; i++) {
      const r = await api.get(STUDENTS);
      answers.push(`${r.status} ${String(r.headers['content-type']).split(';')[0]}`);
      if (r.headers['content-type']?.startsWith('text/html')) {
        assert.match(r.text, /^<!DOCTYPE html><html>.*<form/);
        assert.throws(() => r.json());
      } else {
        assert.equal(r.json()[0].studentUniqueId, 'S1');
      }
    }
    const html = '200 text/html';
    const json = '200 application/json';
    assert.deepEqual(answers, [json, json, html, json, json, html, json, json, html]);
    // POSTs are never answered by the login page, and do not move the count of GETs
    for (let i = 0; i < 5; i++) assert.equal((await api.post(STUDENTS, student(`T${i}`))).status, 201);
    // rate 1: every data GET, queries included
    sim.setFaults({ nonJsonRate: 1 });
    const all = await api.get(`${STUDENTS}?studentUniqueId=S1`);
    assert.equal(all.status, 200);
    assert.match(String(all.headers['content-type']), /^text\/html/);
    assert.equal((await send(sim.url, 'GET', '/')).status, 200, 'discovery is not behind the login wall');
  });

  it('nonJsonRate counts from the first GET after it is set, so the first one is a real answer', async () => {
    sim.setFaults({ nonJsonRate: 0.5 });
    const first = await api.get(STUDENTS);
    assert.equal(first.headers['content-type'], 'application/json; charset=utf-8');
    assert.match(String((await api.get(STUDENTS)).headers['content-type']), /^text\/html/);
  });

  it('latencyMs and latencyJitterMs delay data requests', async () => {
    sim.setFaults({ latencyMs: 150, latencyJitterMs: 50 });
    const t0 = Date.now();
    assert.equal((await api.get(STUDENTS)).status, 200);
    const took = Date.now() - t0;
    assert.ok(took >= 145 && took < 1000, `took ${took} ms`);
    const t1 = Date.now();
    await send(sim.url, 'GET', '/');
    assert.ok(Date.now() - t1 < 100, 'discovery is not delayed');
  });

  it('tokenLatencyMs delays both token endpoints', async () => {
    const app = await createApplication(sim.url);
    sim.setFaults({ tokenLatencyMs: 150 });
    const t0 = Date.now();
    assert.equal((await clientToken(sim.url, app.key, app.secret)).status, 200);
    assert.ok(Date.now() - t0 >= 145);
    const t1 = Date.now();
    await adminToken(sim.url);
    assert.ok(Date.now() - t1 >= 145);
  });

  it('400 for an unknown or invalid fault value; nothing is applied', async () => {
    for (const body of [{ errorRate: 2 }, { errorRate: 0.5, latencyMs: -1 }, { nope: 1 }, { errorRate: '0.5' }, [1]]) {
      const r = await send(sim.url, 'POST', '/_sim/faults', { body });
      assert.equal(r.status, 400);
      assert.equal(r.json().error, 'invalid-faults');
      assert.equal(typeof r.json().detail, 'string');
    }
    assert.equal((await send(sim.url, 'GET', '/_sim/faults')).json().errorRate, 0);
  });

  it('faults given at start apply from the first request', async () => {
    const faulty = await start({ errorRate: 1 });
    try {
      const faultyApi = await dataApi(faulty);
      assert.ok([500, 503].includes((await faultyApi.get(STUDENTS)).status));
    } finally {
      await faulty.close();
    }
  });
});

// The breaker fault mode follows DMS's defaults: Configuration/CircuitBreakerSettings.cs (0.1 of >= 20 calls
// in 120 s, 30 s break) and Middleware/CoreExceptionLoggingMiddleware.cs (503 with the whole break as Retry-After).
describe('breaker: DMS circuit breaker on data calls', () => {
  let sim: RunningSim;
  let api: Api;
  let now = Date.UTC(2026, 0, 1);
  before(async () => {
    sim = await start({ breaker: 'on', clock: () => now });
    api = await dataApi(sim);
  });
  after(() => sim.close());

  it('stays closed below 20 calls, opens at 10% failures of 20; then every data call, reads too, is 503 with Retry-After: 30 for 30 s', async () => {
    for (let i = 0; i < 17; i++) assert.equal((await api.get(STUDENTS)).status, 200);
    sim.setFaults({ errorRate: 1 });
    assert.ok((await api.get(STUDENTS)).status >= 500);
    assert.ok((await api.get(STUDENTS)).status >= 500, '19 calls, 2 failed: not enough calls yet');
    sim.setFaults({ errorRate: 0 });
    assert.equal((await api.get(STUDENTS)).status, 200, 'the 20th call is handled; now 2 of 20 failed');
    for (const r of [await api.get(STUDENTS), await api.post(STUDENTS, student('B1'))]) {
      const body = assertProblem(r, 503, 'urn:ed-fi:api:service-unavailable', 'application/problem+json');
      assert.equal(body.detail, 'The service is temporarily unable to handle the request. Retry the request later.');
      assert.equal(r.headers['retry-after'], '30');
    }
    assert.equal(sim.stats().documents.students, undefined, 'a refused write stores nothing');
    assert.equal((await send(sim.url, 'GET', '/')).status, 200, 'discovery is not behind the breaker');
    now += 29_000;
    assert.equal((await api.get(STUDENTS)).status, 503);
    now += 1_000;
    assert.equal((await api.get(STUDENTS)).status, 200, 'closed again after 30 s');
  });

  it('failures older than 120 s no longer count', async () => {
    sim.reset();
    api = await dataApi(sim);
    sim.setFaults({ errorRate: 1 });
    for (let i = 0; i < 5; i++) await api.get(STUDENTS);
    sim.setFaults({ errorRate: 0 });
    now += 121_000;
    for (let i = 0; i < 30; i++) assert.equal((await api.get(STUDENTS)).status, 200);
  });

  it('the break is a setting (DMS CircuitBreaker:BreakDurationSeconds): Retry-After and the open time follow it; /_sim/stats counts the openings', async () => {
    sim.reset();
    sim.setFaults({ breakerBreakSeconds: 6 });
    api = await dataApi(sim);
    assert.deepEqual(sim.stats().breaker, { opened: 0, open: false });
    sim.setFaults({ errorRate: 1 });
    for (let i = 0; i < 20; i++) await api.get(STUDENTS);
    sim.setFaults({ errorRate: 0 });
    const r = await api.get(STUDENTS);
    assert.equal(r.status, 503);
    assert.equal(r.headers['retry-after'], '6');
    assert.deepEqual(sim.stats().breaker, { opened: 1, open: true });
    now += 6_000;
    assert.equal((await api.get(STUDENTS)).status, 200, 'closed again after 6 s');
    assert.deepEqual(sim.stats().breaker, { opened: 1, open: false });
    sim.setFaults({ breakerBreakSeconds: 30 });
    sim.reset();
    assert.deepEqual(sim.stats().breaker, { opened: 0, open: false }, 'reset forgets the openings');
  });

  it('an outage (outageCalls after outageAfterCalls) trips it exactly once: the calls it refuses do not use up the outage', async () => {
    sim.reset();
    sim.setFaults({ outageAfterCalls: 18, outageCalls: 2 });
    api = await dataApi(sim);
    for (let i = 0; i < 18; i++) assert.equal((await api.get(STUDENTS)).status, 200);
    for (let i = 0; i < 2; i++) assertProblem(await api.get(STUDENTS), 500, 'urn:ed-fi:api:system', 'application/problem+json');
    // 2 failures of 20 calls: open; while open no call reaches the backend, so the outage is over when it closes
    for (let i = 0; i < 3; i++) assert.equal((await api.get(STUDENTS)).status, 503);
    now += 30_000;
    for (let i = 0; i < 25; i++) assert.equal((await api.get(STUDENTS)).status, 200);
    assert.deepEqual(sim.stats().breaker, { opened: 1, open: false });
    sim.setFaults({ outageAfterCalls: 0, outageCalls: 0 });
  });

  it("'off' (the default) never opens", async () => {
    const plain = await start();
    try {
      const a = await dataApi(plain);
      plain.setFaults({ errorRate: 1 });
      for (let i = 0; i < 25; i++) await a.get(STUDENTS);
      plain.setFaults({ errorRate: 0 });
      assert.equal((await a.get(STUDENTS)).status, 200);
    } finally {
      await plain.close();
    }
  });
});
