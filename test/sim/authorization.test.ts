// Authorization of data calls, per DMS version. Each block names the DMS source it follows
// (Ed-Fi-Alliance-OSS/Data-Management-Service, src/dms/core/EdFi.DataManagementService.Core/...).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningSim } from '../../sim/server.ts';
import { Api, adminToken, assertProblem, clientToken, createApplication, start } from './helpers.ts';

const VERSIONS = ['8.0', '8.1'] as const;

async function apiOf(sim: RunningSim, extra: Record<string, unknown>): Promise<Api> {
  const app = await createApplication(sim.url, extra);
  const token = await clientToken(sim.url, app.key, app.secret);
  assert.equal(token.status, 200, token.text);
  return new Api(sim.url, token.json().access_token);
}

for (const dmsVersion of VERSIONS) {
  describe(`DMS ${dmsVersion}: data store resolution (Middleware/ResolveDataStoreMiddleware.cs)`, () => {
    let sim: RunningSim;
    before(async () => {
      sim = await start({ dmsVersion });
    });
    after(() => sim.close());

    it('a client with no data store ids: 403 authorization-denied on every data call, reads and writes', async () => {
      const api = await apiOf(sim, { dataStoreIds: [] });
      for (const r of [await api.get('/data/ed-fi/students'), await api.post('/data/ed-fi/students', { studentUniqueId: '1' }), await api.delete('/data/ed-fi/students/6f1b2c1e-0000-4000-8000-000000000000')]) {
        const body = assertProblem(r, 403, 'urn:ed-fi:api:authorization-denied');
        assert.equal(body.title, 'Authorization Denied');
        assert.equal(body.detail, 'No database instances are authorized for this client');
        assert.deepEqual(body.errors, ['No database instances are authorized for this client']);
      }
    });

    it('data store ids of which none exists (any more): 404 route-resolution-error', async () => {
      const admin = new Api(sim.url, await adminToken(sim.url));
      const created = await admin.post('/v3/dataStores', { dataStoreType: 'PostgreSQL', name: `gone-${dmsVersion}`, connectionString: 'host=x;' });
      assert.equal(created.status, 201, created.text);
      const storeId = created.json().id as number;
      const api = await apiOf(sim, { dataStoreIds: [storeId] });
      assert.equal((await api.get('/data/ed-fi/students')).status, 200);
      assert.equal((await admin.delete(`/v3/dataStores/${storeId}`)).status, 204);
      const body = assertProblem(await api.get('/data/ed-fi/students'), 404, 'urn:ed-fi:api:route-resolution-error');
      assert.equal(body.detail, 'No database instance found matching the request route qualifiers');
    });
  });
}
