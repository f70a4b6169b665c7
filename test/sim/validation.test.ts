// Contract tests for DMS's type coercion and scalar type checks (issue 10, item 4), over real HTTP, in both
// DMS versions. Sources in Ed-Fi-Alliance-OSS/Data-Management-Service src/dms/core/EdFi.DataManagementService.Core:
// Middleware/CoerceRequestValuesMiddleware.cs and Middleware/CoerceDateFormatMiddleware.cs (with
// ApiSchema/Helpers/JsonHelpers.cs TryCoerceToBoolean, TryCoerceStringToNumber, TryCoerceStringToDecimal,
// TryCoerceSlashDateToIso8601) and Validation/DocumentValidator.cs for the refusal wording; the boolean
// cases are DMS's own tests/EdFi.DataManagementService.Tests.E2E/Features/General/DataStrictnessValidation.feature.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningSim } from '../../sim/server.ts';
import { Api, SCHOOL_ID, assertProblem, dataApi, postOk, school, seedSchool, start, student, uri } from './helpers.ts';

const VALIDATION = 'urn:ed-fi:api:bad-request:data-validation-failed';

const classPeriod = (name: string, officialAttendancePeriod: unknown): Record<string, unknown> => ({
  classPeriodName: name,
  schoolReference: { schoolId: SCHOOL_ID },
  officialAttendancePeriod,
});

for (const dmsVersion of ['8.0', '8.1'] as const) {
  describe(`DMS ${dmsVersion}: type coercion (CoerceRequestValuesMiddleware.cs, CoerceDateFormatMiddleware.cs)`, () => {
    let sim: RunningSim;
    let api: Api;
    before(async () => {
      sim = await start({ dmsVersion });
      api = await dataApi(sim);
      await seedSchool(api);
    });
    after(() => sim.close());

    const stored = async (resource: string, id: string): Promise<any> => {
      const r = await api.get(`/data/ed-fi/${resource}/${id}`);
      assert.equal(r.status, 200, r.text);
      return r.json();
    };

    for (const [sent, expected] of [
      ['true', true],
      [' False ', false],
      ['1', true],
      ['0', false],
      [1, true],
      [0, false],
    ] as const) {
      it(`a boolean sent as ${JSON.stringify(sent)} is stored as ${expected}`, async () => {
        const id = await postOk(api, 'classPeriods', classPeriod(`Period ${JSON.stringify(sent)}`, sent));
        assert.equal((await stored('classPeriods', id)).officialAttendancePeriod, expected);
      });
    }

    for (const [sent, type] of [
      ['2', 'string'],
      ['yes', 'string'],
      [2, 'integer'],
      [0.5, 'number'],
    ] as const) {
      it(`a boolean sent as ${JSON.stringify(sent)} is refused with DMS's type message`, async () => {
        const body = assertProblem(await api.post('/data/ed-fi/classPeriods', classPeriod('Bad', sent)), 400, VALIDATION);
        assert.equal(body.detail, "Data validation failed. See 'validationErrors' for details.");
        assert.deepEqual(body.validationErrors, {
          '$.officialAttendancePeriod': [`officialAttendancePeriod Value is "${type}" but should be "boolean"`],
        });
      });
    }

    it('integers sent as strings are stored as numbers, in references too, and name the same document', async () => {
      const id = await postOk(api, 'classPeriods', { ...classPeriod('Numbers', true), schoolReference: { schoolId: ` ${SCHOOL_ID} ` } });
      assert.deepEqual((await stored('classPeriods', id)).schoolReference, { schoolId: SCHOOL_ID });
      // The same natural key as a number: an upsert of that document.
      const again = await api.post('/data/ed-fi/classPeriods', classPeriod('Numbers', false));
      assert.equal(again.status, 200, again.text);
    });

    it('an integer that does not parse, or is not whole, is refused', async () => {
      const body = assertProblem(await api.post('/data/ed-fi/classPeriods', { ...classPeriod('X', true), schoolReference: { schoolId: '12a' } }), 400, VALIDATION);
      assert.deepEqual(body.validationErrors, { '$.schoolId': ['schoolId Value is "string" but should be "integer"'] });
      const fraction = assertProblem(await api.post('/data/ed-fi/classPeriods', { ...classPeriod('X', true), schoolReference: { schoolId: '1.5' } }), 400, VALIDATION);
      assert.deepEqual(fraction.validationErrors, { '$.schoolId': ['schoolId Value is "number" but should be "integer"'] });
    });

    it('slash dates are stored as ISO-8601 dates (M/d/yyyy, then d/M/yyyy)', async () => {
      const a = await postOk(api, 'students', { ...student('C1'), birthDate: '5/1/2009' });
      assert.equal((await stored('students', a)).birthDate, '2009-05-01');
      const b = await postOk(api, 'students', { ...student('C2'), birthDate: '25/12/2010' });
      assert.equal((await stored('students', b)).birthDate, '2010-12-25');
    });

    it('a date that is not a date is refused with the format message', async () => {
      const body = assertProblem(await api.post('/data/ed-fi/students', { ...student('C3'), birthDate: '2010-02-30' }), 400, VALIDATION);
      assert.deepEqual(body.validationErrors, { '$.birthDate': ['birthDate Value does not match format "date"'] });
    });

    it('a number where the Data Standard has a string is refused, next to missing required paths', async () => {
      const body = assertProblem(await api.post('/data/ed-fi/students', { studentUniqueId: 'C4', firstName: 7, birthDate: '2010-01-01' }), 400, VALIDATION);
      assert.deepEqual(body.validationErrors, {
        '$.firstName': ['firstName Value is "integer" but should be "string"'],
        '$.lastSurname': ['lastSurname is required.'],
      });
    });

    it('decimals sent as strings are stored as numbers', async () => {
      await postOk(api, 'staffs', { staffUniqueId: 'T1', firstName: 'Grace', lastSurname: 'Hopper' });
      const id = await postOk(api, 'staffs', { staffUniqueId: 'T2', firstName: 'Alan', lastSurname: 'Turing', yearsOfPriorTeachingExperience: '3.5' });
      assert.equal((await stored('staffs', id)).yearsOfPriorTeachingExperience, 3.5);
    });
  });
}

const DESCRIPTORS = '/data/ed-fi/absenceEventCategoryDescriptors';

for (const dmsVersion of ['8.0', '8.1'] as const) {
  describe(`DMS ${dmsVersion}: empty and padded strings (Validation/DocumentValidator.cs)`, () => {
    let sim: RunningSim;
    let api: Api;
    before(async () => {
      sim = await start({ dmsVersion });
      api = await dataApi(sim);
    });
    after(() => sim.close());

    it("a whitespace-only identity string is 'leading or trailing spaces' (only '' is 'left empty')", async () => {
      const body = assertProblem(await api.post('/data/ed-fi/students', student('   ')), 400, VALIDATION);
      assert.deepEqual(body.validationErrors, { '$.studentUniqueId': ['studentUniqueId cannot contain leading or trailing spaces.'] });
    });

    // tests/EdFi.DataManagementService.Tests.E2E/Features/Resources/CreateResourcesValidation.feature, scenario 21.
    it('an empty or padded required string is refused like an identity string', async () => {
      const empty = assertProblem(await api.post('/data/ed-fi/students', { ...student('P1'), firstName: '' }), 400, VALIDATION);
      assert.deepEqual(empty.validationErrors, { '$.firstName': ['firstName is required and should not be left empty.'] });
      const padded = assertProblem(await api.post('/data/ed-fi/students', { ...student('P1'), lastSurname: 'Lovelace ' }), 400, VALIDATION);
      assert.deepEqual(padded.validationErrors, { '$.lastSurname': ['lastSurname cannot contain leading or trailing spaces.'] });
    });

    it("a descriptor's codeValue and shortDescription are trimmed and stored trimmed; its namespace is refused", async () => {
      const namespace = 'uri://ed-fi.org/AbsenceEventCategoryDescriptor';
      const created = await api.post(DESCRIPTORS, { namespace, codeValue: '  Sick ', shortDescription: ' Sick  ' });
      assert.equal(created.status, 201, created.text);
      const id = String(created.headers.location).split('/').pop();
      const doc = (await api.get(`${DESCRIPTORS}/${id}`)).json();
      assert.equal(doc.codeValue, 'Sick');
      assert.equal(doc.shortDescription, 'Sick');
      // The trimmed value is the natural key: the unpadded codeValue is the same descriptor.
      assert.equal((await api.post(DESCRIPTORS, { namespace, codeValue: 'Sick', shortDescription: 'Sick' })).status, 200);
      const padded = assertProblem(await api.post(DESCRIPTORS, { namespace: ` ${namespace}`, codeValue: 'a', shortDescription: 'a' }), 400, VALIDATION);
      assert.deepEqual(padded.validationErrors, { '$.namespace': ['namespace cannot contain leading or trailing spaces.'] });
    });

    // tests/EdFi.DataManagementService.Tests.E2E/Features/Descriptors/CreateDescriptorsValidation.feature, scenario 06.
    it('a descriptor of spaces only gets the three errors DMS gives', async () => {
      const body = assertProblem(await api.post(DESCRIPTORS, { codeValue: '     ', namespace: '  ', shortDescription: '    ' }), 400, VALIDATION);
      assert.deepEqual(body.validationErrors, {
        '$.codeValue': ['codeValue Value should be at least 1 characters'],
        '$.namespace': ['namespace cannot contain leading or trailing spaces.'],
        '$.shortDescription': ['shortDescription Value should be at least 1 characters'],
      });
    });
  });
}

for (const dmsVersion of ['8.0', '8.1'] as const) {
  describe(`DMS ${dmsVersion}: duplicate JSON properties (Middleware/DuplicatePropertiesMiddleware.cs)`, () => {
    let sim: RunningSim;
    let api: Api;
    before(async () => {
      sim = await start({ dmsVersion });
      api = await dataApi(sim);
    });
    after(() => sim.close());

    for (const [text, path] of [
      ['{"studentUniqueId":"D1","firstName":"A","firstName":"B","lastSurname":"L","birthDate":"2010-01-01"}', '$.firstName'],
      ['{"studentUniqueId":"D1","firstName":"A","lastSurname":"L","birthDate":"2010-01-01","personReference":{"personId":"1", "personId" :"2"}}', '$.personReference.personId'],
      ['{"studentUniqueId":"D1","lastSurname":"L\\\\","lastSurname":"M","firstName":"A","birthDate":"2010-01-01"}', '$.lastSurname'],
      ['{"studentUniqueId":"D1","firstName":"A","lastSurname":"L","birthDate":"2010-01-01","otherNames":[{"firstName":"x"},{"firstName":"y","firstName":"z"}]}', '$.otherNames[1].firstName'],
    ] as const) {
      it(`names ${path} as the duplicate, before any other check`, async () => {
        const body = assertProblem(await api.post('/data/ed-fi/students', text, { 'Content-Type': 'application/json' }), 400, VALIDATION);
        assert.deepEqual(body.validationErrors, { [path]: ['An item with the same key has already been added.'] });
      });
    }

    it('a property name inside a string value is no duplicate', async () => {
      const text = '{"studentUniqueId":"D2","firstName":"A \\"firstName\\": x","lastSurname":"L","birthDate":"2010-01-01"}';
      const r = await api.post('/data/ed-fi/students', text, { 'Content-Type': 'application/json' });
      assert.equal(r.status, 201, r.text);
    });
  });
}

for (const dmsVersion of ['8.0', '8.1'] as const) {
  describe(`DMS ${dmsVersion}: collection items must be unique (Middleware/ArrayUniquenessValidationMiddleware.cs)`, () => {
    let sim: RunningSim;
    let api: Api;
    before(async () => {
      sim = await start({ dmsVersion });
      api = await dataApi(sim);
      await seedSchool(api);
    });
    after(() => sim.close());

    const ninth = { gradeLevelDescriptor: uri('GradeLevelDescriptor', 'Ninth Grade') };
    const tenth = { gradeLevelDescriptor: uri('GradeLevelDescriptor', 'Tenth Grade') };

    it('a repeated item is named by its ordinal (Utilities/ValidationErrorFactory.cs)', async () => {
      const body = assertProblem(await api.post('/data/ed-fi/schools', { ...school(), gradeLevels: [ninth, tenth, ninth] }), 400, VALIDATION);
      assert.deepEqual(body.validationErrors, {
        '$.gradeLevels': ['The 3rd item of the gradeLevels has the same identifying values as another item earlier in the list.'],
      });
    });

    // Middleware/ReferenceArrayUniquenessValidationMiddleware.cs; tests/EdFi.DataManagementService.Tests.E2E
    // Features: 'The 4th item of the classPeriods has the same identifying values ...'.
    it('a repeated reference in a collection of references is refused the same way', async () => {
      const period = (classPeriodName: string) => ({ classPeriodReference: { classPeriodName, schoolId: SCHOOL_ID } });
      const section = {
        sectionIdentifier: 'S-1',
        courseOfferingReference: { localCourseCode: 'ALG-1', schoolId: SCHOOL_ID, schoolYear: 2025, sessionName: 'Fall' },
        classPeriods: [period('01 - Traditional'), period('02 - Traditional'), period('03 - Traditional'), period('01 - Traditional')],
      };
      const body = assertProblem(await api.post('/data/ed-fi/sections', section), 400, VALIDATION);
      assert.deepEqual(body.validationErrors, {
        '$.classPeriods': ['The 4th item of the classPeriods has the same identifying values as another item earlier in the list.'],
      });
    });

    it('a nested collection is checked within each parent item, keyed with its index', async () => {
      const address = (periods: unknown[]): Record<string, unknown> => ({
        addressTypeDescriptor: uri('AddressTypeDescriptor', 'Physical'),
        city: 'Austin',
        postalCode: '78701',
        stateAbbreviationDescriptor: uri('StateAbbreviationDescriptor', 'TX'),
        streetNumberName: '1 Main St',
        periods,
      });
      const other = { ...address([{ beginDate: '2020-01-01' }, { beginDate: '2020-01-01' }]), city: 'Dallas' };
      const body = assertProblem(
        await api.post('/data/ed-fi/schools', { ...school(), addresses: [address([{ beginDate: '2020-01-01' }]), other] }),
        400,
        VALIDATION,
      );
      assert.deepEqual(body.validationErrors, {
        '$.addresses[1].periods': ['The 2nd item of the periods has the same identifying values as another item earlier in the list.'],
      });
    });
  });
}

for (const dmsVersion of ['8.0', '8.1'] as const) {
  describe(`DMS ${dmsVersion}: over-posted properties are dropped (Validation/DocumentValidator.cs PruneOverpostedData)`, () => {
    let sim: RunningSim;
    let api: Api;
    before(async () => {
      sim = await start({ dmsVersion });
      api = await dataApi(sim);
      await seedSchool(api);
    });
    after(() => sim.close());

    // tests/EdFi.DataManagementService.Tests.E2E/Features/Resources/CreateResourcesValidation.feature, scenario 24.
    it('unknown properties of a resource, at the root and inside references, are accepted and not stored', async () => {
      const id = await postOk(api, 'classPeriods', {
        ...classPeriod('Overposted', true),
        newField: 'x',
        schoolReference: { schoolId: SCHOOL_ID, link: { rel: 'School' } },
      });
      const doc = (await api.get(`/data/ed-fi/classPeriods/${id}`)).json();
      assert.equal('newField' in doc, false);
      assert.deepEqual(doc.schoolReference, { schoolId: SCHOOL_ID });
    });

    it('unknown properties of a descriptor are dropped too', async () => {
      const r = await api.post('/data/ed-fi/absenceEventCategoryDescriptors', {
        namespace: 'uri://ed-fi.org/AbsenceEventCategoryDescriptor',
        codeValue: 'Vacation',
        shortDescription: 'Vacation',
        priority: 3,
      });
      assert.equal(r.status, 201, r.text);
      const doc = (await api.get(`/data/ed-fi/absenceEventCategoryDescriptors/${String(r.headers.location).split('/').pop()}`)).json();
      assert.equal('priority' in doc, false);
      assert.equal(doc.codeValue, 'Vacation');
    });
  });
}

for (const dmsVersion of ['8.0', '8.1'] as const) {
  describe(`DMS ${dmsVersion}: string lengths and decimal ranges of the Data Standard`, () => {
    let sim: RunningSim;
    let api: Api;
    before(async () => {
      sim = await start({ dmsVersion });
      api = await dataApi(sim);
    });
    after(() => sim.close());

    // Validation/DocumentValidator.cs prefixes JsonSchema.Net's maxLength message with the property name.
    it('a string longer than its Data Standard length is refused (firstName: 75)', async () => {
      assert.equal((await api.post('/data/ed-fi/students', { ...student('L1'), firstName: 'x'.repeat(75) })).status, 201);
      const body = assertProblem(await api.post('/data/ed-fi/students', { ...student('L2'), firstName: 'x'.repeat(76) }), 400, VALIDATION);
      assert.deepEqual(body.validationErrors, { '$.firstName': ['firstName Value is not shorter than or equal to 75 characters'] });
    });

    // Validation/DecimalValidator.cs; the wording is DMS's E2E feature's for this property.
    it('a decimal beyond its precision is refused with the allowed range (decimal(5,2))', async () => {
      const staff = { staffUniqueId: 'R1', firstName: 'Grace', lastSurname: 'Hopper' };
      assert.equal((await api.post('/data/ed-fi/staffs', { ...staff, yearsOfPriorProfessionalExperience: 999.99 })).status, 201);
      const body = assertProblem(await api.post('/data/ed-fi/staffs', { ...staff, yearsOfPriorProfessionalExperience: '1000' }), 400, VALIDATION);
      assert.deepEqual(body.validationErrors, {
        '$.yearsOfPriorProfessionalExperience': ['yearsOfPriorProfessionalExperience must be between -999.99 and 999.99.'],
      });
    });
  });
}

// ApiSchema/Helpers/JsonHelpers.cs: 8.0's coercion helpers call AsValue(), which throws on an object or
// array (Middleware/CoreExceptionLoggingMiddleware.cs answers 500); 8.1 returns early and the schema refuses it.
describe('an object or array where a boolean, number or date belongs: 8.0 500, 8.1 400', () => {
  for (const [dmsVersion, status] of [['8.0', 500], ['8.1', 400]] as const) {
    it(`DMS ${dmsVersion}: ${status}`, async () => {
      const sim = await start({ dmsVersion });
      try {
        const api = await dataApi(sim);
        await seedSchool(api);
        for (const value of [{ value: true }, [1]]) {
          const r = await api.post('/data/ed-fi/classPeriods', classPeriod('Object', value));
          if (status === 500) assertProblem(r, 500, 'urn:ed-fi:api:system', 'application/problem+json');
          else {
            const type = Array.isArray(value) ? 'array' : 'object';
            assert.deepEqual(assertProblem(r, 400, VALIDATION).validationErrors, {
              '$.officialAttendancePeriod': [`officialAttendancePeriod Value is "${type}" but should be "boolean"`],
            });
          }
        }
      } finally {
        await sim.close();
      }
    });
  }
});
