import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningSim } from '../../sim/server.ts';
import { ADMIN_ID, ADMIN_SECRET, Api, FORM, adminToken, assertProblem, basic, clientToken, createApplication, send, start } from './helpers.ts';

const vendorBody = (company: string): Record<string, string> => ({
  company,
  contactName: 'George Washington',
  contactEmailAddress: 'george@example.com',
  namespacePrefixes: 'uri://ed-fi.org',
});

describe('Configuration Service on the same port', () => {
  let sim: RunningSim;
  let admin: Api;
  before(async () => {
    sim = await start();
    admin = new Api(sim.url, await adminToken(sim.url));
  });
  after(() => sim.close());

  describe('POST /connect/token', () => {
    it('issues an admin token for the development credentials', async () => {
      const r = await send(sim.url, 'POST', '/connect/token', {
        headers: FORM,
        body: `client_id=${ADMIN_ID}&client_secret=${encodeURIComponent(ADMIN_SECRET)}&grant_type=client_credentials&scope=edfi_admin_api/full_access`,
      });
      assert.equal(r.status, 200);
      assert.equal(r.headers['content-type'], 'application/json; charset=utf-8');
      assert.equal(r.json().token_type, 'Bearer');
      assert.equal(r.json().expires_in, 1800);
    });

    it('accepts Basic credentials too', async () => {
      const r = await send(sim.url, 'POST', '/connect/token', {
        headers: { Authorization: basic(ADMIN_ID, ADMIN_SECRET), ...FORM },
        body: 'grant_type=client_credentials&scope=edfi_admin_api/full_access',
      });
      assert.equal(r.status, 200, r.text);
    });

    it('401 problem+json for a bad secret', async () => {
      const r = await send(sim.url, 'POST', '/connect/token', {
        headers: FORM,
        body: `client_id=${ADMIN_ID}&client_secret=wrong&grant_type=client_credentials&scope=edfi_admin_api/full_access`,
      });
      const body = assertProblem(r, 401, 'urn:ed-fi:api:security:authentication', 'application/problem+json');
      assert.deepEqual(body.errors, ['unauthorized_client. Invalid client or Invalid client credentials']);
    });

    it('400 for an unsupported grant type or missing fields', async () => {
      const grant = await send(sim.url, 'POST', '/connect/token', { headers: FORM, body: `client_id=${ADMIN_ID}&client_secret=x&grant_type=password` });
      assertProblem(grant, 400, 'urn:ed-fi:api:bad-request', 'application/problem+json');
      const missing = await send(sim.url, 'POST', '/connect/token', { headers: FORM, body: 'grant_type=client_credentials' });
      const body = assertProblem(missing, 400, 'urn:ed-fi:api:bad-request:data-validation-failed', 'application/problem+json');
      assert.ok(body.validationErrors.client_id);
    });

    it('admin credentials come from SIM_ADMIN_CLIENT_ID / SIM_ADMIN_CLIENT_SECRET', async () => {
      const other = await start({ adminClientId: 'boss', adminClientSecret: 'Secret-Of-The-Boss-0123456789!Ab' });
      try {
        const ok = await send(other.url, 'POST', '/connect/token', {
          headers: FORM,
          body: 'client_id=boss&client_secret=Secret-Of-The-Boss-0123456789!Ab&grant_type=client_credentials&scope=edfi_admin_api/full_access',
        });
        assert.equal(ok.status, 200);
        const old = await send(other.url, 'POST', '/connect/token', {
          headers: FORM,
          body: `client_id=${ADMIN_ID}&client_secret=${encodeURIComponent(ADMIN_SECRET)}&grant_type=client_credentials`,
        });
        assert.equal(old.status, 401);
      } finally {
        await other.close();
      }
    });
  });

  describe('vendors', () => {
    it('POST 201 with an absolute Location and an empty body; GET by that id', async () => {
      const r = await admin.post('/v3/vendors', vendorBody('Vendor A'));
      assert.equal(r.status, 201);
      assert.equal(r.text, '');
      assert.match(String(r.headers.location), new RegExp(`^${sim.url}/v3/vendors/\\d+$`));
      const got = await admin.get(new URL(String(r.headers.location)).pathname);
      assert.equal(got.status, 200);
      assert.equal(got.json().company, 'Vendor A');
    });

    // 8.1 (docs/changelog/8.1.0.md "POST /v3/vendors no longer updates an existing vendor").
    it('8.1: POST of an existing company is 400 bad-request:data naming Company, the vendor unchanged', async () => {
      const first = await admin.post('/v3/vendors', vendorBody('Vendor B'));
      const again = await admin.post('/v3/vendors', { ...vendorBody('Vendor B'), contactName: 'Martha' });
      const body = assertProblem(again, 400, 'urn:ed-fi:api:bad-request:data', 'application/problem+json');
      assert.deepEqual(body.validationErrors, { Company: ['A vendor with this company name already exists.'] });
      assert.notEqual((await admin.get(new URL(String(first.headers.location)).pathname)).json().contactName, 'Martha');
    });

    it('8.0: POST of an existing company answers 200 with the same Location and updates it (Vendors.feature 18)', async () => {
      const old = await start({ dmsVersion: '8.0' });
      try {
        const oldAdmin = new Api(old.url, await adminToken(old.url));
        const first = await oldAdmin.post('/v3/vendors', vendorBody('Vendor B'));
        const again = await oldAdmin.post('/v3/vendors', { ...vendorBody('Vendor B'), contactName: 'Martha' });
        assert.equal(again.status, 200);
        assert.equal(again.headers.location, first.headers.location);
      } finally {
        await old.close();
      }
    });

    it('collections have no default limit and filter on model fields (GET /v3/vendors?company=)', async () => {
      for (let i = 0; i < 30; i++) await admin.post('/v3/vendors', vendorBody(`Many ${i}`));
      const all = (await admin.get('/v3/vendors')).json();
      assert.ok(all.length >= 30, `all rows without a limit, got ${all.length}`);
      const one = (await admin.get(`/v3/vendors?company=${encodeURIComponent('Many 7')}`)).json();
      assert.deepEqual(one.map((v: { company: string }) => v.company), ['Many 7']);
      assert.deepEqual((await admin.get('/v3/vendors?company=Nobody')).json(), []);
      assert.equal((await admin.get('/v3/vendors?limit=2&offset=1')).json().length, 2);
    });

    it('400 data validation for missing fields', async () => {
      const r = await admin.post('/v3/vendors', { company: 'C' });
      const body = assertProblem(r, 400, 'urn:ed-fi:api:bad-request:data-validation-failed', 'application/problem+json');
      assert.ok(body.validationErrors.ContactName);
    });

    it('the path base /api is accepted and echoed in Location', async () => {
      const r = await admin.post('/api/v3/vendors', vendorBody('Vendor C'));
      assert.equal(r.status, 201);
      assert.match(String(r.headers.location), /\/api\/v3\/vendors\/\d+$/);
    });
  });

  describe('dataStores', () => {
    it('data store 1 exists from the start', async () => {
      const r = await admin.get('/v3/dataStores');
      assert.equal(r.status, 200);
      const stores = r.json();
      assert.ok(Array.isArray(stores));
      assert.equal(stores[0].id, 1);
      assert.deepEqual(Object.keys(stores[0]).sort(), ['connectionString', 'dataStoreContexts', 'dataStoreDerivatives', 'dataStoreType', 'id', 'name']);
    });
  });

  describe('applications', () => {
    let vendorId: number;
    before(async () => {
      const r = await admin.post('/v3/vendors', vendorBody('App Vendor'));
      vendorId = Number(String(r.headers.location).split('/').pop());
    });
    const appBody = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
      vendorId,
      applicationName: name,
      claimSetName: 'E2E-NoFurtherAuthRequiredClaimSet',
      educationOrganizationIds: [255901],
      dataStoreIds: [1],
      ...extra,
    });

    it('POST 201 {id, key, secret}; the secret is 32 transport-safe characters and works at /oauth/token', async () => {
      const r = await admin.post('/v3/applications', appBody('App 1'));
      assert.equal(r.status, 201);
      assert.match(String(r.headers.location), /\/v3\/applications\/\d+$/);
      const body = r.json();
      assert.deepEqual(Object.keys(body).sort(), ['id', 'key', 'secret']);
      assert.match(body.key, /^[0-9a-f-]{36}$/);
      assert.equal(body.secret.length, 32);
      assert.doesNotMatch(body.secret, /[+%=& ]/);
      assert.match(body.secret, /[a-z]/);
      assert.match(body.secret, /[A-Z]/);
      assert.match(body.secret, /[0-9]/);
      assert.match(body.secret, /[^a-zA-Z0-9]/);
      assert.equal((await clientToken(sim.url, body.key, body.secret)).status, 200);
      const got = await admin.get(`/v3/applications/${body.id}`);
      assert.equal(got.json().applicationName, 'App 1');
      assert.equal('secret' in got.json(), false);
    });

    it('409 for an unknown vendor or data store', async () => {
      const vendor = await admin.post('/v3/applications', appBody('App 2', { vendorId: 9999 }));
      assertProblem(vendor, 409, 'urn:ed-fi:api:conflict:unresolved-reference', 'application/problem+json');
      const store = await admin.post('/v3/applications', appBody('App 3', { dataStoreIds: [42] }));
      assertProblem(store, 409, 'urn:ed-fi:api:conflict:unresolved-reference', 'application/problem+json');
    });

    it('400 for a duplicate application name of the same vendor', async () => {
      assert.equal((await admin.post('/v3/applications', appBody('Twice'))).status, 201);
      const r = await admin.post('/v3/applications', appBody('Twice'));
      assertProblem(r, 400, 'urn:ed-fi:api:bad-request:data-validation-failed', 'application/problem+json');
    });

    it('an application without dataStoreIds is accepted and gets tokens (its data calls: test/sim/authorization.test.ts)', async () => {
      const app = await createApplication(sim.url, { dataStoreIds: undefined });
      const token = await clientToken(sim.url, app.key, app.secret);
      assert.equal(token.status, 200);
    });
  });

  describe('authorization of admin calls', () => {
    it('401 without a token', async () => {
      const r = await send(sim.url, 'GET', '/v3/vendors');
      assertProblem(r, 401, 'urn:ed-fi:api:security:authentication', 'application/problem+json');
    });

    it('403 with a DMS client token, or an admin token without full_access for writes', async () => {
      const app = await createApplication(sim.url);
      const client = new Api(sim.url, (await clientToken(sim.url, app.key, app.secret)).json().access_token);
      assertProblem(await client.get('/v3/vendors'), 403, 'urn:ed-fi:api:security:authorization:', 'application/problem+json');
      const ro = await send(sim.url, 'POST', '/connect/token', {
        headers: FORM,
        body: `client_id=${ADMIN_ID}&client_secret=${encodeURIComponent(ADMIN_SECRET)}&grant_type=client_credentials&scope=edfi_admin_api/readonly_access`,
      });
      const readonly = new Api(sim.url, ro.json().access_token);
      assert.equal((await readonly.get('/v3/dataStores')).status, 200);
      assert.equal((await readonly.post('/v3/vendors', vendorBody('RO'))).status, 403);
    });
  });
});
