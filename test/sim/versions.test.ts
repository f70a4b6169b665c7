// The version switch: SIM_DMS_VERSION / --dms-version / startSim({ dmsVersion }) picks the DMS line the
// stand-in answers like. Discovery says which (Frontend.AspNetCore/Content/VersionProvider.cs,
// Modules/DiscoveryEndpointModule.cs; 8.1's urls.tenancy: docs/changelog/8.1.0.md).
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSim, type RunningSim } from '../../sim/server.ts';
import { SimConfigError } from '../../sim/options.ts';
import { send, start } from './helpers.ts';

describe('the DMS version switch', () => {
  const sims: RunningSim[] = [];
  after(() => Promise.all(sims.map((s) => s.close())));
  const started = async (dmsVersion?: '8.0' | '8.1'): Promise<RunningSim> => {
    const sim = await start(dmsVersion ? { dmsVersion } : {});
    sims.push(sim);
    return sim;
  };

  it('defaults to 8.1: discovery reports 8.1.0 and advertises urls.tenancy', async () => {
    const sim = await started();
    assert.equal(sim.options.dmsVersion, '8.1');
    const body = (await send(sim.url, 'GET', '/', { headers: { Host: 'h:1' } })).json();
    assert.equal(body.version, '8.1.0');
    assert.equal(body.informationalVersion, '8.1.0');
    assert.equal(body.urls.tenancy, 'http://h:1/tenancy');
    const tenancy = await send(sim.url, 'GET', '/tenancy');
    assert.equal(tenancy.status, 200);
    assert.deepEqual(tenancy.json(), { tenants: [] });
  });

  it('8.0: discovery reports 8.0.0 with the seven 8.0 urls, and there is no /tenancy', async () => {
    const sim = await started('8.0');
    const body = (await send(sim.url, 'GET', '/')).json();
    assert.equal(body.version, '8.0.0');
    assert.deepEqual(Object.keys(body.urls), ['dependencies', 'openApiMetadata', 'oauth', 'tokenInfo', 'dataManagementApi', 'changeQueries', 'xsdMetadata']);
    assert.equal((await send(sim.url, 'GET', '/tenancy')).status, 404);
  });

  it('any other version is refused with SimConfigError naming the choices', async () => {
    await assert.rejects(startSim({ port: 0, dmsVersion: '9.0' as never }), (err: unknown) => err instanceof SimConfigError && /must be one of 8\.0, 8\.1/.test((err as Error).message));
  });
});
