// Contract tests for the resources a SIS sync writes beyond enrolment and scheduling (issue 10, item 9),
// over real HTTP. Identities, required paths, references, descriptors and key unification are the
// Data Standard 5.2 ones as DMS derives them from its ApiSchema, read from Ed-Fi-Alliance-OSS/
// Data-Management-Service src/dms/backend/EdFi.DataManagementService.Backend.RelationalModel.Tests.Unit/
// Fixtures/authoritative/ds-5.2/expected/authoritative-relational-model.manifest.json (per resource: the
// root table's non-nullable paths, its '_NK' unique constraint, its document references and
// 'key_unification_equality_constraints'), and the messages are DMS's as the stand-in gives them for the
// other resources.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningSim } from '../../sim/server.ts';
import { Api, LEA_ID, SCHOOL_ID, YEAR, assertProblem, dataApi, descriptor, postOk, seedSchool, seedSection, start, student, uri } from './helpers.ts';

const SEA_ID = 255950;

const calendar = (): Record<string, unknown> => ({
  calendarCode: 'CAL-1',
  schoolReference: { schoolId: SCHOOL_ID },
  schoolYearTypeReference: { schoolYear: YEAR },
  calendarTypeDescriptor: uri('CalendarTypeDescriptor', 'Student Specific'),
});

const calendarDate = (): Record<string, unknown> => ({
  calendarReference: { calendarCode: 'CAL-1', schoolId: SCHOOL_ID, schoolYear: YEAR },
  date: '2024-09-03',
});

const attendanceEvent = (): Record<string, unknown> => ({
  attendanceEventCategoryDescriptor: uri('AttendanceEventCategoryDescriptor', 'Excused Absence'),
  eventDate: '2024-09-03',
  schoolReference: { schoolId: SCHOOL_ID },
  sessionReference: { schoolId: SCHOOL_ID, schoolYear: YEAR, sessionName: 'Fall' },
  studentReference: { studentUniqueId: 'S1' },
  educationalEnvironmentDescriptor: uri('EducationalEnvironmentDescriptor', 'Classroom'),
});

const stateEducationAgency = (): Record<string, unknown> => ({
  stateEducationAgencyId: SEA_ID,
  nameOfInstitution: 'Texas Education Agency',
  categories: [{ educationOrganizationCategoryDescriptor: uri('EducationOrganizationCategoryDescriptor', 'State Education Agency') }],
});

const seoa = (): Record<string, unknown> => ({
  educationOrganizationReference: { educationOrganizationId: SCHOOL_ID },
  studentReference: { studentUniqueId: 'S1' },
  sexDescriptor: uri('SexDescriptor', 'Female'),
});

interface Case {
  endpoint: string;
  body: () => Record<string, unknown>;
  /** The body with one reference pointing at nothing, and the reference path DMS names. */
  missing: { body: () => Record<string, unknown>; path: string; target: string };
  /** validationErrors for a body holding none of the required paths (DMS: 'x is required.'). */
  required: string[];
  /** A change outside the natural key: the same identity is an upsert (200). */
  change: Record<string, unknown>;
}

const CASES: Case[] = [
  {
    endpoint: 'stateEducationAgencies',
    body: stateEducationAgency,
    missing: {
      // The SEA has no document references of its own; an LEA that names a missing SEA is the check.
      body: () => ({ ...stateEducationAgency(), stateEducationAgencyId: SEA_ID + 1 }),
      path: '',
      target: '',
    },
    required: ['$.stateEducationAgencyId', '$.nameOfInstitution', '$.categories'],
    change: { nameOfInstitution: 'TEA' },
  },
  {
    endpoint: 'studentEducationOrganizationAssociations',
    body: seoa,
    missing: {
      body: () => ({ ...seoa(), studentReference: { studentUniqueId: 'nobody' } }),
      path: '$.studentReference',
      target: 'Student',
    },
    required: ['$.educationOrganizationReference', '$.studentReference'],
    change: { sexDescriptor: uri('SexDescriptor', 'Male') },
  },
  {
    endpoint: 'calendars',
    body: calendar,
    missing: {
      body: () => ({ ...calendar(), schoolYearTypeReference: { schoolYear: 1900 } }),
      path: '$.schoolYearTypeReference',
      target: 'SchoolYearType',
    },
    required: ['$.calendarCode', '$.calendarTypeDescriptor', '$.schoolReference', '$.schoolYearTypeReference'],
    change: { gradeLevels: [{ gradeLevelDescriptor: uri('GradeLevelDescriptor', 'Ninth Grade') }] },
  },
  {
    endpoint: 'calendarDates',
    body: calendarDate,
    missing: {
      body: () => ({ ...calendarDate(), calendarReference: { calendarCode: 'CAL-9', schoolId: SCHOOL_ID, schoolYear: YEAR } }),
      path: '$.calendarReference',
      target: 'Calendar',
    },
    required: ['$.calendarReference', '$.date'],
    change: { calendarEvents: [{ calendarEventDescriptor: uri('CalendarEventDescriptor', 'Instructional day') }] },
  },
  {
    endpoint: 'studentSchoolAttendanceEvents',
    body: attendanceEvent,
    missing: {
      body: () => ({ ...attendanceEvent(), sessionReference: { schoolId: SCHOOL_ID, schoolYear: YEAR, sessionName: 'Summer' } }),
      path: '$.sessionReference',
      target: 'Session',
    },
    required: ['$.attendanceEventCategoryDescriptor', '$.eventDate', '$.schoolReference', '$.sessionReference', '$.studentReference'],
    change: { attendanceEventReason: 'Doctor' },
  },
];

describe('data model: SIS-sync resources as DS 5.2 defines them (authoritative-relational-model.manifest.json)', () => {
  let sim: RunningSim;
  let api: Api;
  before(async () => {
    sim = await start();
    api = await dataApi(sim);
    await seedSchool(api);
    await seedSection(api);
    await postOk(api, 'students', student('S1'));
    await descriptor(api, 'EducationOrganizationCategoryDescriptor', 'State Education Agency');
    await descriptor(api, 'CalendarTypeDescriptor', 'Student Specific');
    await descriptor(api, 'CalendarEventDescriptor', 'Instructional day');
    await descriptor(api, 'AttendanceEventCategoryDescriptor', 'Excused Absence');
    await descriptor(api, 'EducationalEnvironmentDescriptor', 'Classroom');
    await descriptor(api, 'SexDescriptor', 'Female');
    await descriptor(api, 'SexDescriptor', 'Male');
  });
  after(() => sim.close());

  // In order: each resource's references are created by an earlier case or the before() hook.
  for (const c of CASES) {
    it(`${c.endpoint}: 201 with its references resolved, then 200 for the same natural key`, async () => {
      const created = await api.post(`/data/ed-fi/${c.endpoint}`, c.body());
      assert.equal(created.status, 201, created.text);
      const again = await api.post(`/data/ed-fi/${c.endpoint}`, { ...c.body(), ...c.change });
      assert.equal(again.status, 200, again.text);
      assert.equal(again.headers.location, created.headers.location);
      const stored = (await api.get(new URL(String(created.headers.location)).pathname)).json();
      for (const [name, value] of Object.entries(c.change)) assert.deepEqual(stored[name], value, name);
    });

    it(`${c.endpoint}: 400 data-validation-failed naming every missing required path`, async () => {
      const r = await api.post(`/data/ed-fi/${c.endpoint}`, { someOtherProperty: 1 });
      const body = assertProblem(r, 400, 'urn:ed-fi:api:bad-request:data-validation-failed');
      assert.deepEqual(body.validationErrors, Object.fromEntries(c.required.map((p) => [p, [`${p.slice(p.lastIndexOf('.') + 1)} is required.`]])));
    });

    if (c.missing.path) {
      it(`${c.endpoint}: 409 unresolved-reference for a missing ${c.missing.target}`, async () => {
        const r = await api.post(`/data/ed-fi/${c.endpoint}`, c.missing.body());
        assert.deepEqual(assertProblem(r, 409, 'urn:ed-fi:api:data-conflict:unresolved-reference').validationErrors, {
          [c.missing.path]: [`The referenced ${c.missing.target} item does not exist.`],
        });
      });
    }
  }

  it('localEducationAgencies: stateEducationAgencyReference resolves to the SEA, 409 when it is missing', async () => {
    await descriptor(api, 'EducationOrganizationCategoryDescriptor', 'Local Education Agency');
    await descriptor(api, 'LocalEducationAgencyCategoryDescriptor', 'Regular public school district');
    const lea = (sea: number): Record<string, unknown> => ({
      localEducationAgencyId: LEA_ID,
      nameOfInstitution: 'Grand Bend SD',
      categories: [{ educationOrganizationCategoryDescriptor: uri('EducationOrganizationCategoryDescriptor', 'Local Education Agency') }],
      localEducationAgencyCategoryDescriptor: uri('LocalEducationAgencyCategoryDescriptor', 'Regular public school district'),
      stateEducationAgencyReference: { stateEducationAgencyId: sea },
    });
    assert.equal((await api.post('/data/ed-fi/localEducationAgencies', lea(SEA_ID))).status, 201);
    assert.deepEqual(assertProblem(await api.post('/data/ed-fi/localEducationAgencies', lea(SEA_ID + 7)), 409, 'urn:ed-fi:api:data-conflict:unresolved-reference').validationErrors, {
      '$.stateEducationAgencyReference': ['The referenced StateEducationAgency item does not exist.'],
    });
  });

  it('the new descriptors are checked: an unknown attendanceEventCategoryDescriptor or calendarEventDescriptor is 400', async () => {
    const event = await api.post('/data/ed-fi/studentSchoolAttendanceEvents', {
      ...attendanceEvent(),
      attendanceEventCategoryDescriptor: uri('AttendanceEventCategoryDescriptor', 'Tardy'),
    });
    assert.deepEqual(assertProblem(event, 400, 'urn:ed-fi:api:bad-request').validationErrors, {
      '$.attendanceEventCategoryDescriptor': ["AttendanceEventCategoryDescriptor value 'uri://ed-fi.org/attendanceeventcategorydescriptor#tardy' does not exist."],
    });
    const date = await api.post('/data/ed-fi/calendarDates', { ...calendarDate(), calendarEvents: [{ calendarEventDescriptor: uri('CalendarEventDescriptor', 'Holiday') }] });
    assert.deepEqual(assertProblem(date, 400, 'urn:ed-fi:api:bad-request').validationErrors, {
      '$.calendarEvents[0].calendarEventDescriptor': ["CalendarEventDescriptor value 'uri://ed-fi.org/calendareventdescriptor#holiday' does not exist."],
    });
  });

  it('studentSchoolAttendanceEvents: key unification, the school and the session school are one schoolId', async () => {
    const r = await api.post('/data/ed-fi/studentSchoolAttendanceEvents', { ...attendanceEvent(), schoolReference: { schoolId: SCHOOL_ID + 5 } });
    const body = assertProblem(r, 400, 'urn:ed-fi:api:bad-request:data-validation-failed');
    const message = `All values supplied for 'schoolId' must match. Review all references (including those higher up in the resource's data) and align the following conflicting values: '${SCHOOL_ID + 5}', '${SCHOOL_ID}'`;
    assert.deepEqual(body.validationErrors, { '$.schoolReference.schoolId': [message], '$.sessionReference.schoolId': [message] });
  });

  it('studentSchoolAssociations: an optional calendarReference resolves to calendars and shares schoolId and schoolYear', async () => {
    const enrolment = (calendarReference: Record<string, unknown>): Record<string, unknown> => ({
      entryDate: '2024-08-20',
      schoolReference: { schoolId: SCHOOL_ID },
      studentReference: { studentUniqueId: 'S1' },
      entryGradeLevelDescriptor: uri('GradeLevelDescriptor', 'Ninth Grade'),
      schoolYearTypeReference: { schoolYear: YEAR },
      calendarReference,
    });
    assert.equal((await api.post('/data/ed-fi/studentSchoolAssociations', enrolment({ calendarCode: 'CAL-1', schoolId: SCHOOL_ID, schoolYear: YEAR }))).status, 201);
    const missing = await api.post('/data/ed-fi/studentSchoolAssociations', enrolment({ calendarCode: 'CAL-2', schoolId: SCHOOL_ID, schoolYear: YEAR }));
    assert.deepEqual(assertProblem(missing, 409, 'urn:ed-fi:api:data-conflict:unresolved-reference').validationErrors, {
      '$.calendarReference': ['The referenced Calendar item does not exist.'],
    });
    const otherYear = await api.post('/data/ed-fi/studentSchoolAssociations', enrolment({ calendarCode: 'CAL-1', schoolId: SCHOOL_ID, schoolYear: YEAR + 1 }));
    const body = assertProblem(otherYear, 400, 'urn:ed-fi:api:bad-request:data-validation-failed');
    assert.match(body.validationErrors['$.calendarReference.schoolYear'][0], /^All values supplied for 'schoolYear' must match/);
    assert.ok(body.validationErrors['$.schoolYearTypeReference.schoolYear']);
  });

  it('grades: key unification covers schoolYear as well as schoolId (grading period vs. student section association)', async () => {
    await descriptor(api, 'GradingPeriodDescriptor', 'First Six Weeks');
    await descriptor(api, 'GradeTypeDescriptor', 'Final');
    await postOk(api, 'schoolYearTypes', { schoolYear: YEAR + 1, currentSchoolYear: false, schoolYearDescription: `${YEAR}-${YEAR + 1}` });
    for (const schoolYear of [YEAR, YEAR + 1]) {
      await postOk(api, 'gradingPeriods', {
        gradingPeriodName: 'First Six Weeks',
        gradingPeriodDescriptor: uri('GradingPeriodDescriptor', 'First Six Weeks'),
        schoolReference: { schoolId: SCHOOL_ID },
        schoolYearTypeReference: { schoolYear },
        beginDate: '2024-08-20',
        endDate: '2024-09-30',
        totalInstructionalDays: 30,
      });
    }
    const section = { localCourseCode: 'ALG-1', schoolId: SCHOOL_ID, schoolYear: YEAR, sectionIdentifier: 'ALG-1-01', sessionName: 'Fall' };
    await postOk(api, 'studentSectionAssociations', { beginDate: '2024-08-20', sectionReference: section, studentReference: { studentUniqueId: 'S1' } });
    const r = await api.post('/data/ed-fi/grades', {
      gradingPeriodReference: { gradingPeriodName: 'First Six Weeks', gradingPeriodDescriptor: uri('GradingPeriodDescriptor', 'First Six Weeks'), schoolId: SCHOOL_ID, schoolYear: YEAR + 1 },
      studentSectionAssociationReference: { beginDate: '2024-08-20', ...section, studentUniqueId: 'S1' },
      gradeTypeDescriptor: uri('GradeTypeDescriptor', 'Final'),
    });
    const body = assertProblem(r, 400, 'urn:ed-fi:api:bad-request:data-validation-failed');
    const message = `All values supplied for 'schoolYear' must match. Review all references (including those higher up in the resource's data) and align the following conflicting values: '${YEAR + 1}', '${YEAR}'`;
    assert.deepEqual(body.validationErrors, { '$.gradingPeriodReference.schoolYear': [message], '$.studentSectionAssociationReference.schoolYear': [message] });
  });

  it('queries by natural-key parts: calendarDates by calendarCode and date, attendance events by studentUniqueId', async () => {
    const dates = await api.get('/data/ed-fi/calendarDates?calendarCode=CAL-1&date=2024-09-03');
    assert.equal(dates.status, 200, dates.text);
    assert.equal(dates.json().length, 1);
    const events = await api.get(`/data/ed-fi/studentSchoolAttendanceEvents?studentUniqueId=S1&sessionName=Fall&schoolId=${SCHOOL_ID}`);
    assert.equal(events.json().length, 1);
  });

  it('calendars, calendarDates and studentSchoolAttendanceEvents do not allow natural-key changes (400 key-change-not-supported)', async () => {
    const changes: [string, () => Record<string, unknown>, Record<string, unknown>][] = [
      ['calendars', calendar, { calendarCode: 'CAL-2' }],
      ['calendarDates', calendarDate, { date: '2024-09-04' }],
      ['studentSchoolAttendanceEvents', attendanceEvent, { eventDate: '2024-09-04' }],
    ];
    for (const [endpoint, body, change] of changes) {
      const found = (await api.get(`/data/ed-fi/${endpoint}`)).json()[0];
      const r = await api.put(`/data/ed-fi/${endpoint}/${found.id}`, { ...body(), ...change, id: found.id });
      assertProblem(r, 400, 'urn:ed-fi:api:bad-request:data-validation-failed:key-change-not-supported');
    }
  });

  it('GET /metadata/dependencies lists the new resources after what they reference', async () => {
    const rows = (await api.get('/metadata/dependencies')).json() as { resource: string; order: number }[];
    const order = (name: string): number => rows.find((r) => r.resource === `/ed-fi/${name}`)?.order ?? -1;
    for (const d of ['attendanceEventCategoryDescriptors', 'calendarEventDescriptors', 'calendarTypeDescriptors', 'educationalEnvironmentDescriptors']) assert.equal(order(d), 1, d);
    assert.ok(order('calendars') > order('schools'));
    assert.ok(order('calendarDates') > order('calendars'));
    assert.ok(order('studentSchoolAssociations') > order('calendars'));
    assert.ok(order('studentSchoolAttendanceEvents') > order('sessions'));
  });
});
