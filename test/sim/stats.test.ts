import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningSim } from '../../sim/server.ts';
import { Api, clientToken, createApplication, descriptor, postOk, send, start, student } from './helpers.ts';

describe('/_sim/stats and /_sim/reset', () => {
  let sim: RunningSim;
  before(async () => {
    sim = await start();
  });
  after(() => sim.close());

  it('counts tokens, requests by method/route/status and documents exactly', async () => {
    const app = await createApplication(sim.url); // admin token + vendor + application (3 requests)
    await send(sim.url, 'POST', '/_sim/reset'); // keeps the application, clears the counters
    const token = (await clientToken(sim.url, app.key, app.secret)).json().access_token;
    const api = new Api(sim.url, token);
    await descriptor(api, 'GradeLevelDescriptor', 'Ninth Grade');
    const id = await postOk(api, 'students', student('S1'));
    await postOk(api, 'students', student('S1'));
    await api.get(`/api/data/ed-fi/students/${id}`);
    await api.get('/data/ed-fi/students/8d3f3bb4-6d6f-4a36-9a3c-5f6c2f0a1b2c');
    await api.get('/data/ed-fi/students?limit=1');

    const r = await send(sim.url, 'GET', '/_sim/stats');
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/json; charset=utf-8');
    assert.deepEqual(r.json(), {
      tokens: { issuedByClient: { [app.key]: 1 }, activeByClient: { [app.key]: 1 }, active: 1, rejectedByCap: 0 },
      requests: {
        total: 7,
        byMethodRouteStatus: {
          'POST /oauth/token 200': 1,
          'POST /data/ed-fi/gradeLevelDescriptors 201': 1,
          'POST /data/ed-fi/students 201': 1,
          'POST /data/ed-fi/students 200': 1,
          'GET /data/ed-fi/students/{id} 200': 1,
          'GET /data/ed-fi/students/{id} 404': 1,
          'GET /data/ed-fi/students 200': 1,
        },
      },
      documents: { gradeLevelDescriptors: 1, students: 1 },
      breaker: { opened: 0, open: false },
    });
  });

  it('reset clears documents, tokens and counters but keeps applications', async () => {
    const app = await createApplication(sim.url);
    const api = new Api(sim.url, (await clientToken(sim.url, app.key, app.secret)).json().access_token);
    await postOk(api, 'students', student('S2'));
    const reset = await send(sim.url, 'POST', '/_sim/reset');
    assert.equal(reset.status, 204);
    assert.deepEqual((await send(sim.url, 'GET', '/_sim/stats')).json(), {
      tokens: { issuedByClient: {}, activeByClient: {}, active: 0, rejectedByCap: 0 },
      requests: { total: 0, byMethodRouteStatus: {} },
      documents: {},
      breaker: { opened: 0, open: false },
    });
    assert.equal((await api.get('/data/ed-fi/students')).status, 401, 'tokens are gone');
    assert.equal((await clientToken(sim.url, app.key, app.secret)).status, 200, 'the application is kept');
  });

  it('unknown /_sim paths are 404 JSON', async () => {
    const r = await send(sim.url, 'GET', '/_sim/nope');
    assert.equal(r.status, 404);
    assert.equal(r.json().error, 'not-found');
  });
});
