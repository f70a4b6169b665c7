// Authorization of data calls, per DMS version. Each block names the DMS source it follows
// (Ed-Fi-Alliance-OSS/Data-Management-Service, src/dms/core/EdFi.DataManagementService.Core/...).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningSim } from '../../sim/server.ts';
import { Api, LEA_ID, SCHOOL_ID, adminToken, assertProblem, clientToken, createApplication, descriptor, postOk, school, start, student, uri } from './helpers.ts';

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

// Claim sets (SIM_AUTHORIZATION=claim-sets). Grants: src/config/backend/EdFi.DmsConfigurationService.Backend/
// Claims/Standards/ds52/Claims.json; answers: Middleware/ResourceActionAuthorizationMiddleware.cs,
// Response/RelationshipAuthorizationProblemDetails.cs, Response/NamespaceAuthorizationFailureResponse.cs;
// 8.1 differences: docs/changelog/8.1.0.md.
const OTHER_LEA = 999901;
const OTHER_SCHOOL = 999901001;

/** LEA 255901 with school 255901001 under it, and LEA 999901 with school 999901001: the claims cover the first only. */
async function seedTwoDistricts(api: Api): Promise<void> {
  await descriptor(api, 'EducationOrganizationCategoryDescriptor', 'Local Education Agency');
  await descriptor(api, 'LocalEducationAgencyCategoryDescriptor', 'Regular public school district');
  await descriptor(api, 'EducationOrganizationCategoryDescriptor', 'School');
  await descriptor(api, 'GradeLevelDescriptor', 'Ninth Grade');
  for (const [lea, schoolId] of [[LEA_ID, SCHOOL_ID], [OTHER_LEA, OTHER_SCHOOL]]) {
    await postOk(api, 'localEducationAgencies', {
      localEducationAgencyId: lea,
      nameOfInstitution: `LEA ${lea}`,
      categories: [{ educationOrganizationCategoryDescriptor: uri('EducationOrganizationCategoryDescriptor', 'Local Education Agency') }],
      localEducationAgencyCategoryDescriptor: uri('LocalEducationAgencyCategoryDescriptor', 'Regular public school district'),
    });
    await postOk(api, 'schools', { ...school(schoolId), localEducationAgencyReference: { localEducationAgencyId: lea } });
  }
}

const enrolment = (studentUniqueId: string, schoolId: number): Record<string, unknown> => ({
  entryDate: '2024-08-20',
  schoolReference: { schoolId },
  studentReference: { studentUniqueId },
  entryGradeLevelDescriptor: uri('GradeLevelDescriptor', 'Ninth Grade'),
});

for (const dmsVersion of VERSIONS) {
  describe(`DMS ${dmsVersion}: claim sets (Claims.json, ResourceActionAuthorizationMiddleware.cs)`, () => {
    let sim: RunningSim;
    let sandbox: Api;
    before(async () => {
      sim = await start({ dmsVersion, authorization: 'claim-sets' });
      sandbox = await apiOf(sim, { claimSetName: 'EdFiSandbox', educationOrganizationIds: [LEA_ID], dataStoreIds: [1] });
      await seedTwoDistricts(sandbox);
    });
    after(() => sim.close());

    it('EdFiSandbox may not create schoolYearTypes (Read only): 403 access-denied:action naming the claim set and action', async () => {
      const r = await sandbox.post('/data/ed-fi/schoolYearTypes', { schoolYear: 2025, currentSchoolYear: true, schoolYearDescription: '2024-2025' });
      const body = assertProblem(r, 403, 'urn:ed-fi:api:security:authorization:access-denied:action', 'application/problem+json');
      assert.deepEqual(body.errors, [
        "The API client's assigned claim set (currently 'EdFiSandbox') must grant permission of the 'Create' action on one of the following resource claims: SchoolYearType",
      ]);
      assert.equal((await sandbox.get('/data/ed-fi/schoolYearTypes')).status, 200);
    });

    it('EdFiSandbox: a student is readable only once enrolled in a school under the claimed education organization', async () => {
      const id = await postOk(sandbox, 'students', student('REL-1'));
      const denied = assertProblem(await sandbox.get(`/data/ed-fi/students/${id}`), 403, 'urn:ed-fi:api:security:authorization');
      assert.equal(denied.detail, 'Access to the requested data could not be authorized.');
      assert.deepEqual(denied.errors, [`No relationships have been established between the caller's education organization id claim ('${LEA_ID}') and the resource item's 'StudentUniqueId' value.`]);
      assert.ok(!(await sandbox.get('/data/ed-fi/students')).json().some((s: { id: string }) => s.id === id), 'a query leaves the unrelated student out');
      await postOk(sandbox, 'studentSchoolAssociations', enrolment('REL-1', SCHOOL_ID));
      assert.equal((await sandbox.get(`/data/ed-fi/students/${id}`)).status, 200);
      assert.ok((await sandbox.get('/data/ed-fi/students')).json().some((s: { id: string }) => s.id === id));
    });

    it('EdFiSandbox: enrolling in a school of another district is 403 naming SchoolId', async () => {
      await postOk(sandbox, 'students', student('REL-2'));
      const body = assertProblem(await sandbox.post('/data/ed-fi/studentSchoolAssociations', enrolment('REL-2', OTHER_SCHOOL)), 403, 'urn:ed-fi:api:security:authorization');
      assert.match(body.errors[0], /and the resource item's 'SchoolId' value\.$/);
    });

    it("EdFiSandbox: a descriptor outside the vendor's namespace prefixes is 403 namespace-mismatch", async () => {
      const r = await sandbox.post('/data/ed-fi/gradeLevelDescriptors', { namespace: 'uri://other.org/GradeLevelDescriptor', codeValue: 'X', shortDescription: 'X' });
      const body = assertProblem(r, 403, 'urn:ed-fi:api:security:authorization:namespace:access-denied:namespace-mismatch');
      assert.match(body.detail, /does not start with any of the caller's associated namespace prefixes \('uri:\/\/ed-fi\.org'\)/);
    });

    it(`${dmsVersion === '8.1' ? '8.1: re-posting an existing unrelated student is authorized as an Update: 403' : '8.0: re-posting an existing unrelated student is a Create: 200'}`, async () => {
      await postOk(sandbox, 'students', student('REPOST'));
      const again = await sandbox.post('/data/ed-fi/students', student('REPOST'));
      if (dmsVersion === '8.1') assertProblem(again, 403, 'urn:ed-fi:api:security:authorization');
      else assert.equal(again.status, 200, again.text);
    });

    it('SISVendor reads education organizations but may not create a school or a system descriptor', async () => {
      const sis = await apiOf(sim, { claimSetName: 'SISVendor', educationOrganizationIds: [LEA_ID], dataStoreIds: [1] });
      assert.equal((await sis.get('/data/ed-fi/schools')).status, 200);
      const school403 = assertProblem(await sis.post('/data/ed-fi/schools', school(SCHOOL_ID + 7)), 403, 'urn:ed-fi:api:security:authorization:access-denied:action', 'application/problem+json');
      assert.match(school403.errors[0], /currently 'SISVendor'\) must grant permission of the 'Create' action on one of the following resource claims: School$/);
      assertProblem(await sis.post('/data/ed-fi/gradeLevelDescriptors', { namespace: 'uri://ed-fi.org/GradeLevelDescriptor', codeValue: 'Y', shortDescription: 'Y' }), 403, 'urn:ed-fi:api:security:authorization:access-denied:action', 'application/problem+json');
      assert.equal((await sis.post('/data/ed-fi/students', student('SIS-1'))).status, 201);
    });

    it('an unknown claim set: 500 security configuration error on every data call', async () => {
      const unknown = await apiOf(sim, { claimSetName: 'NoSuchClaimSet', dataStoreIds: [1] });
      const body = assertProblem(await unknown.get('/data/ed-fi/schools'), 500, 'urn:ed-fi:api:system:configuration:security', 'application/problem+json');
      assert.deepEqual(body.errors, ['No security metadata has been configured for this resource.']);
    });

    it(`E2E-NoFurtherAuthRequiredClaimSet ${dmsVersion === '8.1' ? 'is not installed in 8.1: 500' : 'works in 8.0, except on resources it does not cover (403)'}`, async () => {
      const e2e = await apiOf(sim, { claimSetName: 'E2E-NoFurtherAuthRequiredClaimSet', dataStoreIds: [1] });
      const r = await e2e.get('/data/ed-fi/schools');
      if (dmsVersion === '8.1') return void assertProblem(r, 500, 'urn:ed-fi:api:system:configuration:security', 'application/problem+json');
      assert.equal(r.status, 200);
      assertProblem(await e2e.get('/data/ed-fi/staffSectionAssociations'), 403, 'urn:ed-fi:api:security:authorization:', 'application/problem+json');
    });
  });
}
