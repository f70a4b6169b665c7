import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningSim } from '../../sim/server.ts';
import {
  Api,
  LEA_ID,
  SCHOOL_ID,
  YEAR,
  assertProblem,
  dataApi,
  descriptor,
  postOk,
  school,
  sectionReference,
  seedSchool,
  seedSection,
  start,
  student,
  uri,
} from './helpers.ts';

const STUDENTS = '/data/ed-fi/students';
const MISSING_ID = '8d3f3bb4-6d6f-4a36-9a3c-5f6c2f0a1b2c';

const ssa = (studentUniqueId: string, entryDate = '2024-08-20'): Record<string, unknown> => ({
  entryDate,
  schoolReference: { schoolId: SCHOOL_ID },
  studentReference: { studentUniqueId },
  entryGradeLevelDescriptor: uri('GradeLevelDescriptor', 'Ninth Grade'),
});

describe('resources: DMS write and read semantics', () => {
  let sim: RunningSim;
  let api: Api;
  before(async () => {
    sim = await start();
    api = await dataApi(sim);
  });
  after(() => sim.close());
  beforeEach(async () => {
    sim.reset(); // tokens are cleared too, so get a fresh one
    api = await dataApi(sim);
  });

  describe('POST', () => {
    it('201 for a new natural key: no body, absolute Location, quoted ETag', async () => {
      const r = await api.post(STUDENTS, student('S1'), { Host: 'dms.example:8080' });
      assert.equal(r.status, 201);
      assert.equal(r.text, '');
      assert.match(String(r.headers.location), /^http:\/\/dms\.example:8080\/data\/ed-fi\/students\/[0-9a-f-]{36}$/);
      assert.match(String(r.headers.etag), /^"[^"]+"$/);
    });

    it('200 for an existing natural key, same Location, new ETag, body replaced', async () => {
      const first = await api.post(STUDENTS, student('S1'));
      const second = await api.post(STUDENTS, { ...student('S1'), firstName: 'Grace' });
      assert.equal(second.status, 200);
      assert.equal(second.headers.location, first.headers.location);
      assert.notEqual(second.headers.etag, first.headers.etag);
      const got = await api.get(new URL(String(first.headers.location)).pathname);
      assert.equal(got.json().firstName, 'Grace');
    });

    it('Location keeps the /api path base the client used', async () => {
      const r = await api.post(`/api${STUDENTS}`, student('S2'));
      assert.equal(r.status, 201);
      assert.match(String(r.headers.location), /\/api\/data\/ed-fi\/students\//);
    });

    it('400 when the body contains id', async () => {
      const r = await api.post(STUDENTS, { ...student('S1'), id: MISSING_ID });
      const body = assertProblem(r, 400, 'urn:ed-fi:api:bad-request:data-validation-failed');
      assert.match(body.errors[0], /Resource identifiers cannot be assigned by the client/);
    });

    it('400 data-validation-failed with validationErrors for missing required paths', async () => {
      const r = await api.post(STUDENTS, { studentUniqueId: 'S1', firstName: 'A' });
      const body = assertProblem(r, 400, 'urn:ed-fi:api:bad-request:data-validation-failed');
      assert.deepEqual(body.validationErrors, { '$.lastSurname': ['lastSurname is required.'], '$.birthDate': ['birthDate is required.'] });
    });

    it('400 for identity strings that are empty or padded, and for incomplete references', async () => {
      const empty = await api.post(STUDENTS, student(''));
      assert.deepEqual(assertProblem(empty, 400, 'urn:ed-fi:api:bad-request:data-validation-failed').validationErrors, {
        '$.studentUniqueId': ['studentUniqueId is required and should not be left empty.'],
      });
      const padded = await api.post(STUDENTS, student(' S1'));
      assert.equal(padded.status, 400);
      const ref = await api.post('/data/ed-fi/studentSchoolAssociations', { ...ssa('S1'), schoolReference: {} });
      assert.deepEqual(assertProblem(ref, 400, 'urn:ed-fi:api:bad-request:data-validation-failed').validationErrors, {
        '$.schoolReference.schoolId': ['schoolId is required.'],
      });
    });

    it('400 when a required array is empty', async () => {
      await descriptor(api, 'EducationOrganizationCategoryDescriptor', 'School');
      const r = await api.post('/data/ed-fi/schools', { ...school(), gradeLevels: [] });
      assert.ok(assertProblem(r, 400, 'urn:ed-fi:api:bad-request:data-validation-failed').validationErrors['$.gradeLevels']);
    });

    it('409 unresolved-reference for each missing document reference', async () => {
      await descriptor(api, 'GradeLevelDescriptor', 'Ninth Grade');
      const r = await api.post('/data/ed-fi/studentSchoolAssociations', ssa('nobody'));
      const body = assertProblem(r, 409, 'urn:ed-fi:api:data-conflict:unresolved-reference');
      assert.deepEqual(body.validationErrors, {
        '$.schoolReference': ['The referenced School item does not exist.'],
        '$.studentReference': ['The referenced Student item does not exist.'],
      });
    });

    it('400 bad-request for an unknown descriptor, keyed by JSON path with the lower-cased URI', async () => {
      await descriptor(api, 'EducationOrganizationCategoryDescriptor', 'School');
      const r = await api.post('/data/ed-fi/schools', school());
      const body = assertProblem(r, 400, 'urn:ed-fi:api:bad-request');
      assert.deepEqual(body.validationErrors, {
        '$.gradeLevels[0].gradeLevelDescriptor': ["GradeLevelDescriptor value 'uri://ed-fi.org/gradeleveldescriptor#ninth grade' does not exist."],
      });
    });

    it('descriptor URIs match case-insensitively; role-named descriptors resolve to their type', async () => {
      await seedSchool(api);
      await postOk(api, 'students', student('S1'));
      const r = await api.post('/data/ed-fi/studentSchoolAssociations', { ...ssa('S1'), entryGradeLevelDescriptor: 'URI://ED-FI.ORG/GradeLevelDescriptor#NINTH GRADE' });
      assert.equal(r.status, 201, r.text);
      const sex = await api.post(STUDENTS, { ...student('S2'), birthSexDescriptor: uri('SexDescriptor', 'Female') });
      assert.deepEqual(assertProblem(sex, 400, 'urn:ed-fi:api:bad-request').validationErrors, {
        '$.birthSexDescriptor': ["SexDescriptor value 'uri://ed-fi.org/sexdescriptor#female' does not exist."],
      });
    });

    it('a descriptor is upserted by namespace#codeValue (201 then 200)', async () => {
      const body = { namespace: 'uri://ed-fi.org/GradeLevelDescriptor', codeValue: 'Tenth Grade', shortDescription: '10' };
      assert.equal((await api.post('/data/ed-fi/gradeLevelDescriptors', body)).status, 201);
      assert.equal((await api.post('/data/ed-fi/gradeLevelDescriptors', { ...body, shortDescription: 'Tenth' })).status, 200);
      assert.equal(sim.stats().documents.gradeLevelDescriptors, 1);
    });

    it('a descriptor identity ignores case, but a query on namespace or codeValue is exact (as DMS 8.x)', async () => {
      const body = { namespace: 'uri://ed-fi.org/GradeLevelDescriptor', codeValue: 'Ninth Grade', shortDescription: 'district' };
      assert.equal((await api.post('/data/ed-fi/gradeLevelDescriptors', body)).status, 201);
      const exact = await api.get('/data/ed-fi/gradeLevelDescriptors?codeValue=Ninth%20Grade');
      assert.equal(exact.json().length, 1);
      assert.deepEqual((await api.get('/data/ed-fi/gradeLevelDescriptors?codeValue=Ninth%20grade')).json(), []);
      assert.deepEqual((await api.get('/data/ed-fi/gradeLevelDescriptors?namespace=uri://ed-fi.org/gradeleveldescriptor')).json(), []);
      const other = { ...body, codeValue: 'Ninth grade', shortDescription: 'ours' };
      assert.equal((await api.post('/data/ed-fi/gradeLevelDescriptors', other)).status, 200, 'the same identity: an update');
      assert.equal(sim.stats().documents.gradeLevelDescriptors, 1);
    });

    it('400 for malformed JSON, an empty body or a non-object', async () => {
      const malformed = await api.post(STUDENTS, '{"studentUniqueId": "1",', { 'Content-Type': 'application/json' });
      assert.ok(assertProblem(malformed, 400, 'urn:ed-fi:api:bad-request:data-validation-failed').validationErrors['$.']);
      const empty = await api.post(STUDENTS, '', { 'Content-Type': 'application/json' });
      assert.deepEqual(assertProblem(empty, 400, 'urn:ed-fi:api:bad-request').errors, ['A non-empty request body is required.']);
      const array = await api.post(STUDENTS, '[]', { 'Content-Type': 'application/json' });
      assertProblem(array, 400, 'urn:ed-fi:api:bad-request:data-validation-failed');
    });

    it('415 problem+json for a non-JSON Content-Type; a missing Content-Type is accepted', async () => {
      const r = await api.post(STUDENTS, JSON.stringify(student('S1')), { 'Content-Type': 'text/plain' });
      assertProblem(r, 415, 'urn:ed-fi:api:unsupported-media-type', 'application/problem+json');
      const none = await api.post(STUDENTS, JSON.stringify(student('S1')));
      assert.equal(none.status, 201);
      const charset = await api.post(STUDENTS, JSON.stringify(student('S2')), { 'Content-Type': 'application/json; charset=utf-8' });
      assert.equal(charset.status, 201);
    });

    it('413 for a body over 10 MB', async () => {
      const big = JSON.stringify({ ...student('S1'), padding: 'x'.repeat(10 * 1024 * 1024) });
      const r = await api.post(STUDENTS, big, { 'Content-Type': 'application/json' });
      assert.equal(r.status, 413);
      assert.equal(sim.stats().documents.students, undefined);
    });

    it('drops null properties and ignores _etag in the body', async () => {
      const r = await api.post(STUDENTS, { ...student('S1'), middleName: null, _etag: 'x' });
      const got = (await api.get(new URL(String(r.headers.location)).pathname)).json();
      assert.equal('middleName' in got, false);
      assert.notEqual(got._etag, 'x');
    });

    it('endpoint names are case-insensitive', async () => {
      const r = await api.post('/data/ed-fi/STUDENTS', student('S1'));
      assert.equal(r.status, 201);
      assert.match(String(r.headers.location), /\/data\/ed-fi\/students\//);
      await api.post('/data/ed-fi/GRADELEVELDESCRIPTORS', { namespace: 'uri://ed-fi.org/GradeLevelDescriptor', codeValue: 'X', shortDescription: 'X' });
      assert.deepEqual(sim.stats().documents, { students: 1, gradeLevelDescriptors: 1 });
    });

    it('404 for an unknown resource or project, with a token', async () => {
      for (const path of ['/data/ed-fi/school', '/data/schools', '/data/tpdm/students', '/data/ed-fi/students/x/y']) {
        assertProblem(await api.get(path), 404, 'urn:ed-fi:api:not-found', 'application/problem+json');
      }
    });
  });

  describe('GET by id', () => {
    it('200 with id, _etag and _lastModifiedDate, and the ETag header', async () => {
      const id = await postOk(api, 'students', student('S1'));
      const r = await api.get(`${STUDENTS}/${id}`);
      assert.equal(r.status, 200);
      assert.equal(r.headers['content-type'], 'application/json; charset=utf-8');
      const body = r.json();
      assert.equal(body.id, id);
      assert.equal(body.studentUniqueId, 'S1');
      assert.match(body._lastModifiedDate, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      assert.equal(r.headers.etag, `"${body._etag}"`);
    });

    it('404 with an empty body for an unknown id or an id of another resource', async () => {
      const id = await postOk(api, 'students', student('S1'));
      for (const path of [`${STUDENTS}/${MISSING_ID}`, `/data/ed-fi/staffs/${id}`]) {
        const r = await api.get(path);
        assert.equal(r.status, 404);
        assert.equal(r.text, '');
      }
    });

    it('400 for a malformed id', async () => {
      const r = await api.get(`${STUDENTS}/xyz`);
      assert.deepEqual(assertProblem(r, 400, 'urn:ed-fi:api:bad-request:data-validation-failed').validationErrors, {
        '$.id': ["The value 'xyz' is not valid."],
      });
    });

    it('304 for If-None-Match with the current ETag', async () => {
      const r = await api.post(STUDENTS, student('S1'));
      const got = await api.get(new URL(String(r.headers.location)).pathname, { 'If-None-Match': String(r.headers.etag) });
      assert.equal(got.status, 304);
    });
  });

  describe('GET collection', () => {
    beforeEach(async () => {
      for (let i = 1; i <= 7; i++) await postOk(api, 'students', { ...student(`S${i}`), lastSurname: i % 2 ? 'Odd' : 'Even' });
    });

    it('returns an array in insertion order; limit, offset and totalCount -> Total-Count', async () => {
      const all = await api.get(STUDENTS);
      assert.equal(all.status, 200);
      assert.equal(all.headers['total-count'], undefined);
      assert.deepEqual(all.json().map((s: any) => s.studentUniqueId), ['S1', 'S2', 'S3', 'S4', 'S5', 'S6', 'S7']);
      for (const s of all.json()) assert.ok(s.id && s._etag && s._lastModifiedDate);
      const page = await api.get(`${STUDENTS}?offset=3&limit=2&totalCount=true`);
      assert.deepEqual(page.json().map((s: any) => s.studentUniqueId), ['S4', 'S5']);
      assert.equal(page.headers['total-count'], '7');
      const past = await api.get(`${STUDENTS}?offset=50&totalCount=true`);
      assert.deepEqual(past.json(), []);
      assert.equal(past.headers['total-count'], '7');
      const zero = await api.get(`${STUDENTS}?limit=0`);
      assert.deepEqual(zero.json(), []);
    });

    it('400 parameter-validation-failed for bad limit, offset or totalCount', async () => {
      const cases: [string, string][] = [
        ['limit=501', 'Limit must be omitted or set to a numeric value between 0 and 500.'],
        ['limit=-1', 'Limit must be omitted or set to a numeric value between 0 and 500.'],
        ['offset=abc', 'Offset must be a numeric value greater than or equal to 0.'],
        ['totalCount=yes', 'TotalCount must be a boolean value.'],
      ];
      for (const [query, message] of cases) {
        const r = await api.get(`${STUDENTS}?${query}`);
        assert.deepEqual(assertProblem(r, 400, 'urn:ed-fi:api:bad-request:parameter-validation-failed').errors, [message]);
      }
    });

    it('filters by equality on top-level scalar fields, case-insensitive names, combined with paging', async () => {
      const odd = await api.get(`${STUDENTS}?lastSurname=Odd&totalCount=true&limit=2&offset=1`);
      assert.deepEqual(odd.json().map((s: any) => s.studentUniqueId), ['S3', 'S5']);
      assert.equal(odd.headers['total-count'], '4');
      const one = await api.get(`${STUDENTS}?STUDENTUNIQUEID=S6`);
      assert.deepEqual(one.json().map((s: any) => s.studentUniqueId), ['S6']);
      const both = await api.get(`${STUDENTS}?lastSurname=Odd&studentUniqueId=S6`);
      assert.deepEqual(both.json(), []);
    });

    it('filters follow writes after the first query (index kept up to date)', async () => {
      assert.equal((await api.get(`${STUDENTS}?lastSurname=Even`)).json().length, 3);
      await postOk(api, 'students', { ...student('S2'), lastSurname: 'Odd' });
      await postOk(api, 'students', { ...student('S8'), lastSurname: 'Even' });
      assert.deepEqual((await api.get(`${STUDENTS}?lastSurname=Even`)).json().map((s: any) => s.studentUniqueId), ['S4', 'S6', 'S8']);
    });

    it('filters on reference key fields such as schoolId and studentUniqueId', async () => {
      await seedSchool(api);
      await postOk(api, 'studentSchoolAssociations', ssa('S1'));
      await postOk(api, 'studentSchoolAssociations', ssa('S2'));
      const bySchool = await api.get(`/data/ed-fi/studentSchoolAssociations?schoolId=${SCHOOL_ID}`);
      assert.equal(bySchool.json().length, 2);
      const byStudent = await api.get('/data/ed-fi/studentSchoolAssociations?studentUniqueId=S2');
      assert.deepEqual(byStudent.json().map((a: any) => a.studentReference.studentUniqueId), ['S2']);
      const byDescriptor = await api.get(`/data/ed-fi/studentSchoolAssociations?entryGradeLevelDescriptor=${encodeURIComponent(uri('GradeLevelDescriptor', 'ninth grade'))}`);
      assert.equal(byDescriptor.json().length, 2);
    });

    // An unknown query field (8.0: 400; 8.1: ignored, X-EdFi-Warning): test/sim/paging.test.ts.
  });

  describe('PUT', () => {
    it('204 with ETag; id must be in the body and match the URL', async () => {
      const id = await postOk(api, 'students', student('S1'));
      const r = await api.put(`${STUDENTS}/${id}`, { ...student('S1'), id, firstName: 'Grace' });
      assert.equal(r.status, 204);
      assert.match(String(r.headers.etag), /^"[^"]+"$/);
      assert.equal((await api.get(`${STUDENTS}/${id}`)).json().firstName, 'Grace');

      const noId = await api.put(`${STUDENTS}/${id}`, student('S1'));
      assert.deepEqual(assertProblem(noId, 400, 'urn:ed-fi:api:bad-request:data-validation-failed').validationErrors, { '$.id': ['id is required.'] });
      const other = await api.put(`${STUDENTS}/${id}`, { ...student('S1'), id: MISSING_ID });
      assert.deepEqual(assertProblem(other, 400, 'urn:ed-fi:api:bad-request').errors, ['Request body id must match the id in the url.']);
    });

    it('404 not-found body for an unknown id', async () => {
      const r = await api.put(`${STUDENTS}/${MISSING_ID}`, { ...student('S1'), id: MISSING_ID });
      assert.equal(assertProblem(r, 404, 'urn:ed-fi:api:not-found').detail, 'Resource to update was not found');
    });

    it('400 key-change-not-supported when a student natural key changes', async () => {
      const id = await postOk(api, 'students', student('S1'));
      const r = await api.put(`${STUDENTS}/${id}`, { ...student('S9'), id });
      const body = assertProblem(r, 400, 'urn:ed-fi:api:bad-request:data-validation-failed:key-change-not-supported');
      assert.match(body.detail, /Identifying values for the Student resource cannot be changed/);
    });

    it('natural-key changes are allowed where DMS allows them (studentSchoolAssociations)', async () => {
      await seedSchool(api);
      await postOk(api, 'students', student('S1'));
      const id = await postOk(api, 'studentSchoolAssociations', ssa('S1'));
      const r = await api.put(`/data/ed-fi/studentSchoolAssociations/${id}`, { ...ssa('S1', '2024-09-01'), id });
      assert.equal(r.status, 204, r.text);
      assert.equal((await api.post('/data/ed-fi/studentSchoolAssociations', ssa('S1', '2024-09-01'))).status, 200, 'the new key finds the document');
      assert.equal((await api.post('/data/ed-fi/studentSchoolAssociations', ssa('S1'))).status, 201, 'the old key is free');
    });

    it('409 unresolved-reference on PUT as on POST', async () => {
      await seedSchool(api);
      await postOk(api, 'students', student('S1'));
      const id = await postOk(api, 'studentSchoolAssociations', ssa('S1'));
      const r = await api.put(`/data/ed-fi/studentSchoolAssociations/${id}`, { ...ssa('S1'), id, schoolReference: { schoolId: 1 } });
      assertProblem(r, 409, 'urn:ed-fi:api:data-conflict:unresolved-reference');
    });
  });

  describe('DELETE', () => {
    it('204, then 404 with an empty body', async () => {
      const id = await postOk(api, 'students', student('S1'));
      assert.equal((await api.delete(`${STUDENTS}/${id}`)).status, 204);
      const again = await api.delete(`${STUDENTS}/${id}`);
      assert.equal(again.status, 404);
      assert.equal(again.text, '');
      assert.equal((await api.get(`${STUDENTS}/${id}`)).status, 404);
    });

    it('409 dependent-item-exists while referenced, by documents or through descriptors', async () => {
      await seedSchool(api);
      const studentId = await postOk(api, 'students', student('S1'));
      const ssaId = await postOk(api, 'studentSchoolAssociations', ssa('S1'));
      const r = await api.delete(`${STUDENTS}/${studentId}`);
      const body = assertProblem(r, 409, 'urn:ed-fi:api:data-conflict:dependent-item-exists');
      assert.match(body.detail, /referenced by existing StudentSchoolAssociation item\(s\)/);
      const gradeLevel = (await api.get('/data/ed-fi/gradeLevelDescriptors')).json()[0].id;
      assert.equal((await api.delete(`/data/ed-fi/gradeLevelDescriptors/${gradeLevel}`)).status, 409);
      assert.equal((await api.delete(`/data/ed-fi/studentSchoolAssociations/${ssaId}`)).status, 204);
      assert.equal((await api.delete(`${STUDENTS}/${studentId}`)).status, 204);
    });
  });

  describe('If-Match', () => {
    it('412 optimistic-lock-failed on a stale ETag for PUT and DELETE; a current one (quoted or not) works', async () => {
      const created = await api.post(STUDENTS, student('S1'));
      const path = new URL(String(created.headers.location)).pathname;
      const id = path.split('/').pop();
      const updated = await api.put(path, { ...student('S1'), id, firstName: 'B' }, { 'If-Match': String(created.headers.etag) });
      assert.equal(updated.status, 204);
      const stale = await api.put(path, { ...student('S1'), id }, { 'If-Match': String(created.headers.etag) });
      assertProblem(stale, 412, 'urn:ed-fi:api:optimistic-lock-failed');
      assertProblem(await api.delete(path, { 'If-Match': String(created.headers.etag) }), 412, 'urn:ed-fi:api:optimistic-lock-failed');
      const current = String(updated.headers.etag).replace(/"/g, '');
      assert.equal((await api.delete(path, { 'If-Match': current })).status, 204);
    });

    it('If-Match: * on a missing resource is 412', async () => {
      const r = await api.delete(`${STUDENTS}/${MISSING_ID}`, { 'If-Match': '*' });
      assertProblem(r, 412, 'urn:ed-fi:api:optimistic-lock-failed');
    });
  });
  // 405 and the conditional headers per DMS version: test/sim/http-semantics.test.ts.
});

describe('resources: references across the scheduling chain', () => {
  let sim: RunningSim;
  let api: Api;
  before(async () => {
    sim = await start();
    api = await dataApi(sim);
    await descriptor(api, 'EducationOrganizationCategoryDescriptor', 'Local Education Agency');
    await descriptor(api, 'LocalEducationAgencyCategoryDescriptor', 'Regular public school district');
    await postOk(api, 'localEducationAgencies', {
      localEducationAgencyId: LEA_ID,
      nameOfInstitution: 'Grand Bend SD',
      categories: [{ educationOrganizationCategoryDescriptor: uri('EducationOrganizationCategoryDescriptor', 'Local Education Agency') }],
      localEducationAgencyCategoryDescriptor: uri('LocalEducationAgencyCategoryDescriptor', 'Regular public school district'),
    });
    await seedSchool(api);
    await postOk(api, 'schools', { ...school(SCHOOL_ID + 1), localEducationAgencyReference: { localEducationAgencyId: LEA_ID } });
    await seedSection(api);
    await postOk(api, 'students', student('S1'));
  });
  after(() => sim.close());

  it('education organizations share one id space: educationOrganizationReference resolves to a school or an LEA', async () => {
    await descriptor(api, 'StaffClassificationDescriptor', 'Teacher');
    await postOk(api, 'staffs', { staffUniqueId: 'T1', firstName: 'Tea', lastSurname: 'Cher' });
    for (const educationOrganizationId of [SCHOOL_ID, LEA_ID]) {
      await postOk(api, 'staffEducationOrganizationAssignmentAssociations', {
        beginDate: '2024-08-01',
        educationOrganizationReference: { educationOrganizationId },
        staffReference: { staffUniqueId: 'T1' },
        staffClassificationDescriptor: uri('StaffClassificationDescriptor', 'Teacher'),
      });
      await postOk(api, 'studentEducationOrganizationAssociations', {
        educationOrganizationReference: { educationOrganizationId },
        studentReference: { studentUniqueId: 'S1' },
      });
    }
    const missing = await api.post('/data/ed-fi/studentEducationOrganizationAssociations', {
      educationOrganizationReference: { educationOrganizationId: 42 },
      studentReference: { studentUniqueId: 'S1' },
    });
    assert.deepEqual(assertProblem(missing, 409, 'urn:ed-fi:api:data-conflict:unresolved-reference').validationErrors, {
      '$.educationOrganizationReference': ['The referenced EducationOrganization item does not exist.'],
    });
  });

  it('409 identity-conflict for a school whose id is an existing LEA id', async () => {
    const r = await api.post('/data/ed-fi/schools', school(LEA_ID));
    const body = assertProblem(r, 409, 'urn:ed-fi:api:identity-conflict');
    assert.match(body.errors[0], /\(schoolId = 255901\)/);
  });

  it('schoolYearTypeReference resolves to schoolYearTypes', async () => {
    const r = await api.post('/data/ed-fi/sessions', {
      sessionName: 'Spring',
      schoolReference: { schoolId: SCHOOL_ID },
      schoolYearTypeReference: { schoolYear: 1999 },
      beginDate: '2025-01-06',
      endDate: '2025-05-30',
      termDescriptor: uri('TermDescriptor', 'Fall Semester'),
      totalInstructionalDays: 90,
    });
    assert.deepEqual(assertProblem(r, 409, 'urn:ed-fi:api:data-conflict:unresolved-reference').validationErrors, {
      '$.schoolYearTypeReference': ['The referenced SchoolYearType item does not exist.'],
    });
  });

  it('key unification: courseOffering schoolId must equal its session schoolId', async () => {
    const r = await api.post('/data/ed-fi/courseOfferings', {
      localCourseCode: 'X',
      courseReference: { courseCode: 'ALG-1', educationOrganizationId: SCHOOL_ID },
      schoolReference: { schoolId: SCHOOL_ID + 1 },
      sessionReference: { schoolId: SCHOOL_ID, schoolYear: YEAR, sessionName: 'Fall' },
    });
    const body = assertProblem(r, 400, 'urn:ed-fi:api:bad-request:data-validation-failed');
    assert.match(body.validationErrors['$.schoolReference.schoolId'][0], /All values supplied for 'schoolId' must match/);
    assert.ok(body.validationErrors['$.sessionReference.schoolId']);
  });

  it('the whole chain resolves: studentSectionAssociation, staffSectionAssociation, gradingPeriod, grade, classPeriod', async () => {
    await descriptor(api, 'ClassroomPositionDescriptor', 'Teacher of Record');
    await descriptor(api, 'GradingPeriodDescriptor', 'First Six Weeks');
    await descriptor(api, 'GradeTypeDescriptor', 'Final');
    await descriptor(api, 'ProgramAssignmentDescriptor', 'Regular Education');
    await postOk(api, 'staffs', { staffUniqueId: 'T2', firstName: 'Tea', lastSurname: 'Cher' });
    await postOk(api, 'staffSchoolAssociations', {
      programAssignmentDescriptor: uri('ProgramAssignmentDescriptor', 'Regular Education'),
      schoolReference: { schoolId: SCHOOL_ID },
      staffReference: { staffUniqueId: 'T2' },
    });
    await postOk(api, 'studentSectionAssociations', { beginDate: '2024-08-20', sectionReference: sectionReference(), studentReference: { studentUniqueId: 'S1' } });
    await postOk(api, 'staffSectionAssociations', {
      beginDate: '2024-08-20',
      sectionReference: sectionReference(),
      staffReference: { staffUniqueId: 'T2' },
      classroomPositionDescriptor: uri('ClassroomPositionDescriptor', 'Teacher of Record'),
    });
    await postOk(api, 'gradingPeriods', {
      gradingPeriodName: 'First Six Weeks',
      gradingPeriodDescriptor: uri('GradingPeriodDescriptor', 'First Six Weeks'),
      schoolReference: { schoolId: SCHOOL_ID },
      schoolYearTypeReference: { schoolYear: YEAR },
      beginDate: '2024-08-20',
      endDate: '2024-09-30',
      totalInstructionalDays: 30,
    });
    const grade = {
      gradingPeriodReference: {
        gradingPeriodName: 'First Six Weeks',
        gradingPeriodDescriptor: uri('GradingPeriodDescriptor', 'first six weeks'),
        schoolId: SCHOOL_ID,
        schoolYear: YEAR,
      },
      studentSectionAssociationReference: { beginDate: '2024-08-20', ...sectionReference(), studentUniqueId: 'S1' },
      gradeTypeDescriptor: uri('GradeTypeDescriptor', 'Final'),
      letterGradeEarned: 'A',
    };
    assert.equal((await api.post('/data/ed-fi/grades', grade)).status, 201);
    assert.equal((await api.post('/data/ed-fi/grades', { ...grade, letterGradeEarned: 'B' })).status, 200);
    const noSection = await api.post('/data/ed-fi/grades', {
      ...grade,
      studentSectionAssociationReference: { ...grade.studentSectionAssociationReference, sectionIdentifier: 'nope' },
    });
    assert.deepEqual(assertProblem(noSection, 409, 'urn:ed-fi:api:data-conflict:unresolved-reference').validationErrors, {
      '$.studentSectionAssociationReference': ['The referenced StudentSectionAssociation item does not exist.'],
    });
    await postOk(api, 'classPeriods', { classPeriodName: 'First', schoolReference: { schoolId: SCHOOL_ID } });
    const section = await api.post('/data/ed-fi/sections', {
      sectionIdentifier: 'ALG-1-02',
      courseOfferingReference: { localCourseCode: 'ALG-1', schoolId: SCHOOL_ID, schoolYear: YEAR, sessionName: 'Fall' },
      classPeriods: [{ classPeriodReference: { classPeriodName: 'First', schoolId: SCHOOL_ID } }, { classPeriodReference: { classPeriodName: 'Second', schoolId: SCHOOL_ID } }],
    });
    assert.deepEqual(assertProblem(section, 409, 'urn:ed-fi:api:data-conflict:unresolved-reference').validationErrors, {
      '$.classPeriods[1].classPeriodReference': ['The referenced ClassPeriod item does not exist.'],
    });
    const bySection = await api.get(`/data/ed-fi/studentSectionAssociations?sectionIdentifier=ALG-1-01&schoolId=${SCHOOL_ID}`);
    assert.equal(bySection.json().length, 1);
  });
});
