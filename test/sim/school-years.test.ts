// School years as a deployed DMS has them. EdFiSandbox and SISVendor may only read schoolYearTypes
// (Claims.json, 'edFiTypes'), so a deployed DMS gets them from its deployment: Ed-Fi-Alliance-OSS/
// Data-Management-Service eng/SchoolYear-Loader.psm1 (Invoke-SchoolYearLoader: 1991 to 2037, description
// '{year-1}-{year}', one current year from Get-CurrentSchoolYear in eng/Dms-Management.psm1: after June the
// next calendar year, else this one), run by eng/Load-SchoolYears.ps1 and by the database templates
// (eng/DatabaseTemplates/Template-Management.psm1) under the BootstrapDescriptorsandEdOrgs claim set.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningSim } from '../../sim/server.ts';
import { Api, SCHOOL_ID, assertProblem, clientToken, createApplication, descriptor, postOk, school, start, uri } from './helpers.ts';

async function sandboxApi(sim: RunningSim, claimSetName = 'EdFiSandbox'): Promise<Api> {
  const app = await createApplication(sim.url, { dataStoreIds: [1], claimSetName, educationOrganizationIds: [SCHOOL_ID] });
  const token = await clientToken(sim.url, app.key, app.secret);
  assert.equal(token.status, 200, token.text);
  return new Api(sim.url, token.json().access_token);
}

interface SchoolYearType {
  schoolYear: number;
  currentSchoolYear: boolean;
  schoolYearDescription: string;
}

const years = async (api: Api): Promise<SchoolYearType[]> => {
  const r = await api.get('/data/ed-fi/schoolYearTypes?limit=500');
  assert.equal(r.status, 200, r.text);
  return r.json();
};

describe('school years: seeded at start when claim sets are on, as DMS deployments load them', () => {
  const sims: RunningSim[] = [];
  after(() => Promise.all(sims.map((s) => s.close())));
  const startAt = async (isoDate: string, options: Record<string, unknown> = {}): Promise<RunningSim> => {
    const sim = await start({ authorization: 'claim-sets', clock: () => Date.parse(isoDate), ...options });
    sims.push(sim);
    return sim;
  };

  for (const dmsVersion of ['8.0', '8.1'] as const) {
    it(`DMS ${dmsVersion}: 1991 to 2037 with Invoke-SchoolYearLoader's descriptions, readable under EdFiSandbox and SISVendor`, async () => {
      const sim = await startAt('2026-03-15T12:00:00Z', { dmsVersion });
      for (const claimSet of ['EdFiSandbox', 'SISVendor']) {
        const got = await years(await sandboxApi(sim, claimSet));
        assert.deepEqual(
          got.map((y) => y.schoolYear),
          Array.from({ length: 2037 - 1991 + 1 }, (_, i) => 1991 + i),
        );
        assert.deepEqual(got.filter((y) => y.currentSchoolYear).map((y) => y.schoolYear), [2026]);
        assert.ok(got.every((y) => y.schoolYearDescription === `${y.schoolYear - 1}-${y.schoolYear}`));
      }
    });
  }

  it('the current school year follows Get-CurrentSchoolYear: after June it is the next calendar year', async () => {
    for (const [date, current] of [['2026-06-30T12:00:00Z', 2026], ['2026-07-01T12:00:00Z', 2027], ['2026-12-31T12:00:00Z', 2027], ['2027-01-01T12:00:00Z', 2027]] as const) {
      const got = await years(await sandboxApi(await startAt(date)));
      assert.deepEqual(got.filter((y) => y.currentSchoolYear).map((y) => y.schoolYear), [current], date);
    }
  });

  it('EdFiSandbox may not write them (403 action denied) but references them: a session needs no school year created first', async () => {
    const sim = await startAt('2026-03-15T12:00:00Z');
    const api = await sandboxApi(sim);
    const denied = await api.post('/data/ed-fi/schoolYearTypes', { schoolYear: 2026, currentSchoolYear: true, schoolYearDescription: '2025-2026' });
    assert.match(assertProblem(denied, 403, 'urn:ed-fi:api:security:authorization:access-denied:action', 'application/problem+json').errors[0], /'Update' action|'Create' action/);
    await descriptor(api, 'EducationOrganizationCategoryDescriptor', 'School');
    await descriptor(api, 'GradeLevelDescriptor', 'Ninth Grade');
    await descriptor(api, 'TermDescriptor', 'Fall Semester');
    await postOk(api, 'schools', school());
    const session = await api.post('/data/ed-fi/sessions', {
      sessionName: 'Fall',
      schoolReference: { schoolId: SCHOOL_ID },
      schoolYearTypeReference: { schoolYear: 2026 },
      beginDate: '2025-08-20',
      endDate: '2025-12-20',
      termDescriptor: uri('TermDescriptor', 'Fall Semester'),
      totalInstructionalDays: 80,
    });
    assert.equal(session.status, 201, session.text);
  });

  it('/_sim/reset keeps them: the stand-in returns to how it started', async () => {
    const sim = await startAt('2026-03-15T12:00:00Z');
    sim.reset();
    assert.equal((await years(await sandboxApi(sim))).length, 47);
    assert.equal(sim.stats().documents.schoolYearTypes, 47);
  });

  it('without claim sets nothing is seeded: any client may create the school years it needs', async () => {
    const sim = await start({ clock: () => Date.parse('2026-03-15T12:00:00Z') });
    sims.push(sim);
    const app = await createApplication(sim.url);
    const api = new Api(sim.url, (await clientToken(sim.url, app.key, app.secret)).json().access_token);
    assert.deepEqual(await years(api), []);
    assert.equal((await api.post('/data/ed-fi/schoolYearTypes', { schoolYear: 2026, currentSchoolYear: true, schoolYearDescription: '2025-2026' })).status, 201);
  });
});
