// The discovery URLs DMS advertises, answered as DMS answers them (both versions alike).
// DMS source (Ed-Fi-Alliance-OSS/Data-Management-Service), 8.0 line at 4ee01b0:
//   src/dms/frontend/EdFi.DataManagementService.Frontend.AspNetCore/Modules/MetadataEndpointModule.cs
//   src/dms/frontend/EdFi.DataManagementService.Frontend.AspNetCore/Modules/XsdMetadataEndpointModule.cs
//   src/dms/tests/EdFi.DataManagementService.Tests.E2E/Features/General/DiscoveryAPI.feature, XSDMetadata.feature
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningSim } from '../../sim/server.ts';
import { send, start } from './helpers.ts';

const HOST = { Host: 'dms.example:8080' };
const BASE = 'http://dms.example:8080';

for (const dmsVersion of ['8.0', '8.1'] as const) {
  describe(`metadata, DMS ${dmsVersion}`, () => {
    let sim: RunningSim;
    before(async () => {
      sim = await start({ dmsVersion });
    });
    after(() => sim.close());

    it('GET /metadata/specifications lists the Resources, Descriptors and Discovery sections', async () => {
      const r = await send(sim.url, 'GET', '/metadata/specifications', { headers: HOST });
      assert.equal(r.status, 200);
      assert.match(String(r.headers['content-type']), /^application\/json/);
      assert.deepEqual(r.json(), [
        { name: 'Resources', endpointUri: `${BASE}/metadata/specifications/resources-spec.json`, prefix: '' },
        { name: 'Descriptors', endpointUri: `${BASE}/metadata/specifications/descriptors-spec.json`, prefix: '' },
        { name: 'Discovery', endpointUri: `${BASE}/metadata/specifications/discovery-spec.json`, prefix: 'Other' },
      ]);
    });

    it('each listed specification is an OpenAPI document whose server is the data API', async () => {
      const sections = (await send(sim.url, 'GET', '/metadata/specifications', { headers: HOST })).json() as { endpointUri: string }[];
      const specs: Record<string, any> = {};
      for (const { endpointUri } of sections) {
        const r = await send(sim.url, 'GET', new URL(endpointUri).pathname, { headers: HOST });
        assert.equal(r.status, 200, endpointUri);
        const spec = r.json();
        assert.match(spec.openapi, /^3\./);
        assert.equal(typeof spec.info.title, 'string');
        specs[endpointUri.split('/').pop()!] = spec;
      }
      const resources = specs['resources-spec.json'];
      assert.deepEqual(resources.servers, [{ url: `${BASE}/data` }]);
      assert.deepEqual(Object.keys(resources.paths['/ed-fi/students']).sort(), ['get', 'post']);
      assert.deepEqual(Object.keys(resources.paths['/ed-fi/students/{id}']).sort(), ['delete', 'get', 'put']);
      assert.deepEqual(Object.keys(resources.paths['/ed-fi/students/partitions']), ['get']);
      assert.equal(resources.paths['/ed-fi/gradeLevelDescriptors'], undefined, 'descriptors are their own section');
      assert.ok(specs['descriptors-spec.json'].paths['/ed-fi/gradeLevelDescriptors']);
    });

    it('an unknown section is 404 "Invalid resource path"', async () => {
      const r = await send(sim.url, 'GET', '/metadata/specifications/nope-spec.json');
      assert.equal(r.status, 404);
      assert.equal(r.text, 'Invalid resource path');
    });

    it('GET /metadata/xsd lists the core schema section; its files list names the Data Standard 5.2 XSDs', async () => {
      const r = await send(sim.url, 'GET', '/metadata/xsd', { headers: HOST });
      assert.equal(r.status, 200);
      assert.deepEqual(r.json(), [
        { description: 'Core schema (Ed-Fi) files for the data model', name: 'ed-fi', version: '5.2.0', files: `${BASE}/metadata/xsd/ed-fi/files` },
      ]);
      const files = (await send(sim.url, 'GET', '/metadata/xsd/ed-fi/files', { headers: HOST })).json() as string[];
      assert.equal(files.length, 27);
      assert.equal(files[0], `${BASE}/metadata/xsd/ed-fi/Ed-Fi-Core.xsd`);
      assert.ok(files.includes(`${BASE}/metadata/xsd/ed-fi/Interchange-StudentEnrollment.xsd`));
      assert.equal(files.at(-1), `${BASE}/metadata/xsd/ed-fi/SchemaAnnotation.xsd`);
      const unknown = await send(sim.url, 'GET', '/metadata/xsd/nope/files');
      assert.equal(unknown.status, 404);
      assert.equal(unknown.text, 'Invalid resource path');
    });

    it('the URLs echo the /api path base', async () => {
      const r = await send(sim.url, 'GET', '/api/metadata/specifications', { headers: HOST });
      assert.equal(r.json()[0].endpointUri, `${BASE}/api/metadata/specifications/resources-spec.json`);
      const spec = (await send(sim.url, 'GET', '/api/metadata/specifications/resources-spec.json', { headers: HOST })).json();
      assert.deepEqual(spec.servers, [{ url: `${BASE}/api/data` }]);
    });
  });
}
