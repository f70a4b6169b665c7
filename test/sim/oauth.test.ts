import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningSim } from '../../sim/server.ts';
import { Api, FORM, adminToken, assertProblem, basic, clientToken, createApplication, send, start, student } from './helpers.ts';

describe('POST /oauth/token (the DMS token proxy)', () => {
  let sim: RunningSim;
  let app: { key: string; secret: string };
  before(async () => {
    sim = await start();
    app = await createApplication(sim.url);
  });
  after(() => sim.close());
  beforeEach(() => sim.reset());

  it('issues {access_token, expires_in, token_type} for Basic credentials and client_credentials', async () => {
    const r = await clientToken(sim.url, app.key, app.secret);
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/json; charset=utf-8');
    const body = r.json();
    assert.deepEqual(Object.keys(body).sort(), ['access_token', 'expires_in', 'token_type']);
    assert.equal(body.expires_in, 1800);
    assert.equal(body.token_type, 'Bearer');
    assert.equal(typeof body.access_token, 'string');
  });

  it('accepts a JSON body and the /api path base', async () => {
    const r = await send(sim.url, 'POST', '/api/oauth/token', { headers: { Authorization: basic(app.key, app.secret) }, body: { grant_type: 'client_credentials' } });
    assert.equal(r.status, 200, r.text);
  });

  it('accepts URI-escaped key and secret, as the DMS E2E encoder sends them', async () => {
    const r = await send(sim.url, 'POST', '/oauth/token', {
      headers: { Authorization: basic(encodeURIComponent(app.key), encodeURIComponent(app.secret)), ...FORM },
      body: 'grant_type=client_credentials',
    });
    assert.equal(r.status, 200, r.text);
  });

  it('400 "Malformed Authorization header" without Basic credentials, even with form credentials', async () => {
    const r = await send(sim.url, 'POST', '/oauth/token', {
      headers: FORM,
      body: `grant_type=client_credentials&client_id=${app.key}&client_secret=${encodeURIComponent(app.secret)}`,
    });
    const body = assertProblem(r, 400, 'urn:ed-fi:api:bad-request');
    assert.equal(body.detail, 'Malformed Authorization header');
  });

  it('400 "Unsupported grant type" for anything but client_credentials', async () => {
    const r = await send(sim.url, 'POST', '/oauth/token', { headers: { Authorization: basic(app.key, app.secret), ...FORM }, body: 'grant_type=password' });
    const body = assertProblem(r, 400, 'urn:ed-fi:api:bad-request');
    assert.equal(body.detail, 'Unsupported grant type');
  });

  it('401 urn:ed-fi:api:unauthorized for a wrong secret or unknown key', async () => {
    for (const [key, secret] of [
      [app.key, 'wrong'],
      ['00000000-0000-0000-0000-000000000000', app.secret],
    ]) {
      const r = await clientToken(sim.url, key, secret);
      const body = assertProblem(r, 401, 'urn:ed-fi:api:unauthorized');
      assert.equal(body.title, 'Unauthorized');
      assert.match(body.detail, /Invalid client or Invalid client credentials/);
    }
    assert.deepEqual(sim.stats().tokens.issuedByClient, {});
  });

  // DMS 8.1 (docs/changelog/8.1.0.md; TokenEndpointModuleTests "Given_An_Upstream_Token_Limit_Rejection").
  it('8.1 caps active tokens per API client at 15: the 16th grant gets 429 too-many-tokens as DMS rebuilds it, no Retry-After', async () => {
    for (let i = 0; i < 15; i++) assert.equal((await clientToken(sim.url, app.key, app.secret)).status, 200);
    const r = await clientToken(sim.url, app.key, app.secret);
    const body = assertProblem(r, 429, 'urn:ed-fi:api:security:authentication:too-many-tokens', 'application/problem+json');
    assert.equal(body.title, 'Too Many Tokens');
    assert.equal(body.detail, 'The caller has authenticated too many times in too short of a time period.');
    assert.deepEqual(body.errors, ['Too many access tokens have been requested (limit is 15). Access tokens should be reused until they expire.']);
    assert.equal(r.headers['retry-after'], undefined);
    const stats = sim.stats().tokens;
    assert.equal(stats.issuedByClient[app.key], 15);
    assert.equal(stats.activeByClient[app.key], 15);
    assert.equal(stats.rejectedByCap, 1);
  });

  it('8.1: the CMS admin client is exempt from the cap', async () => {
    for (let i = 0; i < 20; i++) await adminToken(sim.url);
  });

  it('the cap is per client: another application still gets tokens', async () => {
    for (let i = 0; i < 15; i++) await clientToken(sim.url, app.key, app.secret);
    const other = await createApplication(sim.url);
    assert.equal((await clientToken(sim.url, other.key, other.secret)).status, 200);
  });

  it('revoking all tokens frees the cap and invalidates the tokens', async () => {
    const tokens: string[] = [];
    for (let i = 0; i < 15; i++) tokens.push((await clientToken(sim.url, app.key, app.secret)).json().access_token);
    const revoke = await send(sim.url, 'POST', '/_sim/faults/revoke-tokens');
    assert.equal(revoke.status, 200);
    assert.deepEqual(revoke.json(), { revoked: 15 });
    const api = new Api(sim.url, tokens[0]);
    const r = await api.get('/data/ed-fi/students');
    assertProblem(r, 401, 'urn:ed-fi:api:security:authentication', 'application/problem+json');
    assert.equal((await clientToken(sim.url, app.key, app.secret)).status, 200);
  });
});

describe('token lifetime and expiry (fake clock)', () => {
  let sim: RunningSim;
  let now = Date.UTC(2026, 0, 1);
  before(async () => {
    sim = await start({ tokenLifetimeSeconds: 60, tokenCap: 2, clock: () => now });
  });
  after(() => sim.close());

  it('expires_in follows SIM_TOKEN_LIFETIME_SECONDS; expired tokens get 401 and free a cap slot', async () => {
    const app = await createApplication(sim.url);
    const first = await clientToken(sim.url, app.key, app.secret);
    assert.equal(first.json().expires_in, 60);
    now += 30_000;
    await clientToken(sim.url, app.key, app.secret);
    const refused = await clientToken(sim.url, app.key, app.secret);
    assert.equal(refused.status, 429);

    const api = new Api(sim.url, first.json().access_token);
    assert.equal((await api.post('/data/ed-fi/students', student('1'))).status, 201);
    now += 30_000; // the first token is now expired
    const expired = await api.get('/data/ed-fi/students');
    assertProblem(expired, 401, 'urn:ed-fi:api:security:authentication', 'application/problem+json');
    assert.equal(expired.headers['www-authenticate'], 'Bearer error="invalid_token"');
    assert.equal((await clientToken(sim.url, app.key, app.secret)).status, 200, 'the expired token no longer counts');
    assert.equal(sim.stats().tokens.activeByClient[app.key], 2);
  });
});

describe('data calls need a valid client token', () => {
  let sim: RunningSim;
  before(async () => {
    sim = await start();
  });
  after(() => sim.close());

  const cases: [string, Record<string, string>, string][] = [
    ['no Authorization header', {}, 'Authorization header is missing.'],
    ['an unknown token', { Authorization: 'Bearer not-a-token' }, 'Invalid token'],
    ['Basic instead of Bearer', { Authorization: 'Basic abc' }, 'Invalid token'],
  ];
  for (const [name, headers, error] of cases) {
    it(`401 with WWW-Authenticate for ${name}`, async () => {
      for (const method of ['GET', 'POST', 'PUT', 'DELETE']) {
        const path = method === 'GET' || method === 'POST' ? '/data/ed-fi/students' : '/data/ed-fi/students/8d3f3bb4-6d6f-4a36-9a3c-5f6c2f0a1b2c';
        const r = await send(sim.url, method, path, { headers, body: method === 'POST' || method === 'PUT' ? student('1') : undefined });
        const body = assertProblem(r, 401, 'urn:ed-fi:api:security:authentication', 'application/problem+json');
        assert.equal(r.headers['www-authenticate'], 'Bearer error="invalid_token"');
        assert.deepEqual(body.errors, [error]);
        assert.equal('validationErrors' in body, false, 'the 401 shape has no validationErrors');
      }
    });
  }

  it('an admin (CMS) token does not authorize data calls', async () => {
    const admin = await send(sim.url, 'POST', '/connect/token', {
      headers: FORM,
      body: 'client_id=DmsConfigurationService&client_secret=ValidClientSecret1234567890!Abcd&grant_type=client_credentials&scope=edfi_admin_api/full_access',
    });
    const r = await new Api(sim.url, admin.json().access_token).get('/data/ed-fi/students');
    assertProblem(r, 401, 'urn:ed-fi:api:security:authentication', 'application/problem+json');
  });
});

describe('DMS 8.0: no token cap (no BearerTokenPerClientLimit in the 8.0 line)', () => {
  it('the 16th and later grants are all issued', async () => {
    const sim = await start({ dmsVersion: '8.0' });
    try {
      const app = await createApplication(sim.url);
      for (let i = 0; i < 20; i++) assert.equal((await clientToken(sim.url, app.key, app.secret)).status, 200);
      assert.equal(sim.stats().tokens.rejectedByCap, 0);
    } finally {
      await sim.close();
    }
  });
});
