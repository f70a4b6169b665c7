import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningSim } from '../../sim/server.ts';
import { assertProblem, send, start } from './helpers.ts';

describe('discovery, metadata and health (no token)', () => {
  let sim: RunningSim;
  before(async () => {
    sim = await start();
  });
  after(() => sim.close());

  it('GET / returns the DMS discovery document with URLs built from the request host', async () => {
    const r = await send(sim.url, 'GET', '/', { headers: { Host: 'dms.example:8080' } });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/json; charset=utf-8');
    const body = r.json();
    assert.equal(body.applicationName, 'Ed-Fi API');
    assert.equal(typeof body.version, 'string');
    assert.deepEqual(body.dataModels[0], { name: 'Ed-Fi', version: '5.2.0', informationalVersion: 'The Ed-Fi Data Standard v5.2.0' });
    assert.deepEqual(body.urls, {
      dependencies: 'http://dms.example:8080/metadata/dependencies',
      openApiMetadata: 'http://dms.example:8080/metadata/specifications',
      oauth: 'http://dms.example:8080/oauth/token',
      tokenInfo: 'http://dms.example:8080/oauth/token_info',
      dataManagementApi: 'http://dms.example:8080/data',
      changeQueries: 'http://dms.example:8080/changeQueries/v1/',
      xsdMetadata: 'http://dms.example:8080/metadata/xsd',
      tenancy: 'http://dms.example:8080/tenancy',
    });
  });

  it('accepts the /api path base and echoes it in the URLs', async () => {
    const r = await send(sim.url, 'GET', '/api', { headers: { Host: 'h:1' } });
    assert.equal(r.status, 200);
    assert.equal(r.json().urls.oauth, 'http://h:1/api/oauth/token');
    const slash = await send(sim.url, 'GET', '/api/', { headers: { Host: 'h:1' } });
    assert.equal(slash.json().urls.dataManagementApi, 'http://h:1/api/data');
  });

  it('GET /metadata lists the metadata URLs', async () => {
    const r = await send(sim.url, 'GET', '/metadata', { headers: { Host: 'h:1' } });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), {
      dependencies: 'http://h:1/metadata/dependencies',
      specifications: 'http://h:1/metadata/specifications',
      xsdMetadata: 'http://h:1/metadata/xsd',
    });
  });

  it('GET /metadata/dependencies orders resources after what they reference', async () => {
    const r = await send(sim.url, 'GET', '/metadata/dependencies');
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/json; charset=utf-8');
    const rows: { resource: string; order: number; operations: string[] }[] = r.json();
    const order = new Map(rows.map((row) => [row.resource, row.order]));
    for (const row of rows) assert.deepEqual(row.operations, ['Create', 'Update']);
    assert.equal(order.get('/ed-fi/gradeLevelDescriptors'), 1);
    assert.equal(order.get('/ed-fi/schoolYearTypes'), 1);
    const before = (a: string, b: string): void => assert.ok(order.get(`/ed-fi/${a}`)! < order.get(`/ed-fi/${b}`)!, `${a} before ${b}`);
    before('localEducationAgencies', 'schools');
    before('schools', 'sessions');
    before('sessions', 'courseOfferings');
    before('courseOfferings', 'sections');
    before('sections', 'studentSectionAssociations');
    before('students', 'studentSchoolAssociations');
    before('studentSectionAssociations', 'grades');
    const orders = rows.map((row) => row.order);
    assert.deepEqual(orders, [...orders].sort((a, b) => a - b), 'rows sorted by order');
  });

  it('GET /health reports healthy', async () => {
    const r = await send(sim.url, 'GET', '/health');
    assert.equal(r.status, 200);
    assert.equal(r.json().Status, 'Healthy');
    assert.ok(Array.isArray(r.json().Results));
  });

  it('unknown routes are 404 not-found problem+json', async () => {
    for (const path of ['/nope', '/metadata/nope', '/api/nope']) {
      const r = await send(sim.url, 'GET', path);
      assertProblem(r, 404, 'urn:ed-fi:api:not-found', 'application/problem+json');
    }
  });

  it('responses carry the DMS security headers', async () => {
    const r = await send(sim.url, 'GET', '/');
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    assert.equal(r.headers['referrer-policy'], 'no-referrer');
  });
});
