// Builders of src/data: required DS 5.2 paths, descriptor URIs, identities, determinism.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { DataProfile, Doc, ResourceDoc } from '../../src/data/profile.ts';
import { validateProfile } from '../../src/data/profile.ts';
import { bootstrapDocuments, documentsFor, workItemAt, workItemCount } from '../../src/data/plan.ts';
import {
  LEA_ID,
  naturalKeyQuery,
  schoolId,
  staffSchool,
  staffUniqueId,
  studentSchool,
  studentUniqueId,
} from '../../src/data/keys.ts';
import {
  descriptorUri,
  newStudentDoc,
  newStudentSchoolAssociationDoc,
  newStudentSectionAssociationDocs,
  schoolDoc,
  studentDoc,
  studentSchoolAssociationDoc,
  studentSectionAssociationDocs,
} from '../../src/data/builders.ts';
import { descriptorResource } from '../../src/data/descriptors.ts';

const SMALL: DataProfile = {
  schoolCount: 3, studentCount: 20, staffCount: 4, coursesPerSchool: 2, sectionsPerCourse: 2, sectionsPerStudent: 3, schoolYear: 2026,
};
const PROD: DataProfile = {
  schoolCount: 130, studentCount: 75000, staffCount: 8000, coursesPerSchool: 40, sectionsPerCourse: 4, sectionsPerStudent: 6, schoolYear: 2026,
};

/**
 * Required paths, transcribed from ds52-required-fields.txt (root non-nullable columns) plus the
 * child collections that need at least one item (school educationOrganizationCategories and
 * gradeLevels, edOrg categories, course identificationCodes). Every path must yield at least one
 * non-empty value.
 */
const REQUIRED: Record<string, string[]> = {
  descriptor: ['$.namespace', '$.codeValue', '$.shortDescription'],
  schoolYearTypes: ['$.currentSchoolYear', '$.schoolYear', '$.schoolYearDescription'],
  localEducationAgencies: [
    '$.localEducationAgencyCategoryDescriptor', '$.localEducationAgencyId', '$.nameOfInstitution',
    '$.categories[*].educationOrganizationCategoryDescriptor',
  ],
  schools: [
    '$.nameOfInstitution', '$.schoolId',
    '$.educationOrganizationCategories[*].educationOrganizationCategoryDescriptor', '$.gradeLevels[*].gradeLevelDescriptor',
  ],
  sessions: [
    '$.beginDate', '$.endDate', '$.schoolReference', '$.schoolReference.schoolId', '$.schoolYearTypeReference',
    '$.schoolYearTypeReference.schoolYear', '$.sessionName', '$.termDescriptor', '$.totalInstructionalDays',
  ],
  courses: [
    '$.courseCode', '$.courseTitle', '$.educationOrganizationReference', '$.educationOrganizationReference.educationOrganizationId',
    '$.numberOfParts', '$.identificationCodes[*].courseIdentificationSystemDescriptor', '$.identificationCodes[*].identificationCode',
  ],
  courseOfferings: [
    '$.courseReference', '$.courseReference.courseCode', '$.courseReference.educationOrganizationId', '$.localCourseCode',
    '$.schoolReference', '$.schoolReference.schoolId', '$.sessionReference', '$.sessionReference.schoolId',
    '$.sessionReference.schoolYear', '$.sessionReference.sessionName',
  ],
  sections: [
    '$.courseOfferingReference', '$.courseOfferingReference.localCourseCode', '$.courseOfferingReference.schoolId',
    '$.courseOfferingReference.schoolYear', '$.courseOfferingReference.sessionName', '$.sectionIdentifier',
  ],
  staffs: ['$.firstName', '$.lastSurname', '$.staffUniqueId'],
  staffEducationOrganizationAssignmentAssociations: [
    '$.beginDate', '$.educationOrganizationReference', '$.educationOrganizationReference.educationOrganizationId',
    '$.staffClassificationDescriptor', '$.staffReference', '$.staffReference.staffUniqueId',
  ],
  staffSectionAssociations: [
    '$.beginDate', '$.classroomPositionDescriptor', '$.sectionReference', '$.sectionReference.localCourseCode',
    '$.sectionReference.schoolId', '$.sectionReference.schoolYear', '$.sectionReference.sectionIdentifier',
    '$.sectionReference.sessionName', '$.staffReference', '$.staffReference.staffUniqueId',
  ],
  students: ['$.birthDate', '$.firstName', '$.lastSurname', '$.studentUniqueId'],
  studentSchoolAssociations: [
    '$.entryDate', '$.entryGradeLevelDescriptor', '$.schoolReference', '$.schoolReference.schoolId',
    '$.studentReference', '$.studentReference.studentUniqueId',
  ],
  studentSectionAssociations: [
    '$.beginDate', '$.sectionReference', '$.sectionReference.localCourseCode', '$.sectionReference.schoolId',
    '$.sectionReference.schoolYear', '$.sectionReference.sectionIdentifier', '$.sectionReference.sessionName',
    '$.studentReference', '$.studentReference.studentUniqueId',
  ],
};

/** Non-null members of optional child collections we send (if the collection is there, each item needs them). */
const CHILD_REQUIRED: Record<string, string[]> = {
  schools: ['$.schoolCategories[*].schoolCategoryDescriptor'],
  courses: ['$.academicSubjects[*].academicSubjectDescriptor'],
  staffs: ['$.electronicMails[*].electronicMailAddress', '$.electronicMails[*].electronicMailTypeDescriptor'],
};

/** Values at a '$.a.b[*].c' path; an absent step yields nothing. */
function valuesAt(doc: unknown, path: string): unknown[] {
  let current: unknown[] = [doc];
  for (const raw of path.replace(/^\$\./, '').split('.')) {
    const many = raw.endsWith('[*]');
    const key = many ? raw.slice(0, -3) : raw;
    const next: unknown[] = [];
    for (const v of current) {
      if (v === null || typeof v !== 'object') continue;
      const child = (v as Doc)[key];
      if (child === undefined) continue;
      if (many) {
        if (Array.isArray(child)) next.push(...child);
      } else next.push(child);
    }
    current = next;
  }
  return current;
}

function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (typeof v === 'string') return v.trim() === '' || v.trim() !== v;
  if (typeof v === 'number') return !Number.isFinite(v);
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v as object).length === 0;
  return false;
}

function requiredFor(resource: string): string[] {
  const r = resource.endsWith('Descriptors') ? REQUIRED.descriptor : REQUIRED[resource];
  assert.ok(r, `no required-path list for resource ${resource}: add it to this test`);
  return r;
}

function assertValid(rd: ResourceDoc): void {
  const where = `${rd.resource} ${JSON.stringify(rd.body)}`;
  for (const path of requiredFor(rd.resource)) {
    const values = valuesAt(rd.body, path);
    assert.ok(values.length > 0, `${path} missing in ${where}`);
    for (const v of values) assert.ok(!isEmpty(v), `${path} empty in ${where}`);
  }
  for (const path of CHILD_REQUIRED[rd.resource] ?? []) {
    const collection = path.slice(0, path.indexOf('[*]'));
    const items = valuesAt(rd.body, collection);
    if (items.length === 0) continue;
    assert.ok(Array.isArray(items[0]) && (items[0] as unknown[]).length > 0, `${collection} empty in ${where}`);
    const values = valuesAt(rd.body, path);
    assert.equal(values.length, (items[0] as unknown[]).length, `${path} missing in an item of ${where}`);
    for (const v of values) assert.ok(!isEmpty(v), `${path} empty in ${where}`);
  }
  assert.equal('id' in rd.body, false, `client-assigned id in ${where}`);
  // JSON round trip: no undefined, functions or NaN hiding in the body, no nulls sent.
  assert.deepEqual(JSON.parse(JSON.stringify(rd.body)), rd.body, `not plain JSON: ${where}`);
  assert.equal(JSON.stringify(rd.body).includes('null'), false, `null value in ${where}`);
}

function allDocuments(p: DataProfile): ResourceDoc[] {
  const out = bootstrapDocuments(p);
  const n = workItemCount(p);
  for (let i = 0; i < n; i++) out.push(...documentsFor(p, workItemAt(p, i)));
  return out;
}

test('every document of a small profile has every required DS 5.2 path, non-empty', () => {
  const docs = allDocuments(SMALL);
  const seen = new Set<string>();
  for (const rd of docs) {
    assertValid(rd);
    seen.add(rd.resource);
  }
  // every resource with a required-path list is actually exercised
  for (const r of Object.keys(REQUIRED)) if (r !== 'descriptor') assert.ok(seen.has(r), `no ${r} produced`);
});

test('new-student builders (readwrite phase) produce valid documents', () => {
  for (let i = 0; i < 25; i++) {
    const id = `RW-${i}-test`;
    assertValid({ resource: 'students', body: newStudentDoc(SMALL, id, i) });
    assertValid({ resource: 'studentSchoolAssociations', body: newStudentSchoolAssociationDoc(SMALL, id, i) });
    const sections = newStudentSectionAssociationDocs(SMALL, id, i);
    assert.equal(sections.length, 3);
    for (const body of sections) {
      assertValid({ resource: 'studentSectionAssociations', body });
      assert.equal((body.studentReference as Doc).studentUniqueId, id);
      assert.equal((body.sectionReference as Doc).schoolId, (newStudentSchoolAssociationDoc(SMALL, id, i).schoolReference as Doc).schoolId);
    }
    assert.equal(newStudentDoc(SMALL, id, i).studentUniqueId, id);
    assert.deepEqual(newStudentDoc(SMALL, id, i), newStudentDoc(SMALL, id, i));
  }
  assert.throws(() => newStudentDoc(SMALL, '', 1));
  assert.throws(() => newStudentDoc(SMALL, ' padded ', 1));
  assert.throws(() => newStudentDoc(SMALL, 'X1', -1));
});

test('descriptor URIs and endpoint names', () => {
  assert.equal(descriptorUri('GradeLevelDescriptor', 'Ninth Grade'), 'uri://ed-fi.org/GradeLevelDescriptor#Ninth Grade');
  assert.equal(descriptorUri('GradeLevel', 'Ninth Grade'), 'uri://ed-fi.org/GradeLevelDescriptor#Ninth Grade');
  assert.equal(descriptorResource('GradeLevelDescriptor'), 'gradeLevelDescriptors');
  assert.equal(descriptorResource('EducationOrganizationCategory'), 'educationOrganizationCategoryDescriptors');
  const boot = bootstrapDocuments(SMALL);
  for (const { resource, body } of boot.filter((d) => d.resource.endsWith('Descriptors'))) {
    const type = String(body.namespace).slice('uri://ed-fi.org/'.length);
    assert.equal(resource, descriptorResource(type));
    assert.ok(String(body.codeValue).length <= 50, `codeValue too long: ${String(body.codeValue)}`);
    assert.ok(String(body.shortDescription).length <= 75);
  }
  // code values are DS 5.2's own, spelled exactly (a district's standard descriptors are found, not duplicated)
  const uris = new Set(boot.filter((d) => d.resource.endsWith('Descriptors')).map((d) => `${String(d.body.namespace)}#${String(d.body.codeValue)}`));
  for (const [type, code] of [
    ['GradeLevel', 'Ninth grade'], ['GradeLevel', 'Kindergarten'], ['EducationOrganizationCategory', 'School'],
    ['EducationOrganizationCategory', 'Local Education Agency'], ['LocalEducationAgencyCategory', 'Regular public school district'],
    ['Term', 'Fall Semester'], ['CourseIdentificationSystem', 'CSSC course code'], ['StaffClassification', 'Elementary Teacher'],
    ['StaffClassification', 'Secondary Teacher'], ['ClassroomPosition', 'Teacher of Record'],
    ['AcademicSubject', 'Career and Technical Education'],
  ]) assert.ok(uris.has(descriptorUri(type, code)), `${type} ${code} missing`);
  // not in DS 5.2, or deprecated there ('DEPRECATED: Teacher')
  for (const [type, code] of [['GradeLevel', 'Ninth Grade'], ['StaffClassification', 'Teacher'], ['AcademicSubject', 'Computer and Information Sciences']]) {
    assert.ok(!uris.has(descriptorUri(type, code)), `${type} ${code} is not a DS 5.2 code value`);
  }
});

test('identities: fixed formats, id space, block rule', () => {
  assert.equal(LEA_ID, 777000);
  assert.equal(schoolId(0), 777000001);
  assert.equal(schoolId(129), 777000130);
  assert.ok(schoolId(999998) < 2 ** 31);
  assert.throws(() => schoolId(999999));
  assert.throws(() => schoolId(-1));
  assert.throws(() => schoolId(1.5));
  assert.equal(studentUniqueId(42), 'LTS0000042');
  assert.equal(studentUniqueId(74999), 'LTS0074999');
  assert.equal(staffUniqueId(7), 'LTE0000007');
  assert.equal(studentSchool(PROD, 0), 0);
  assert.equal(studentSchool(PROD, 74999), 129);
  assert.equal(studentSchool(PROD, 56670), Math.floor((56670 * 130) / 75000));
  assert.equal(staffSchool(PROD, 7999), 129);
  assert.throws(() => studentSchool(PROD, 75000));
  // contiguous blocks: school numbers never decrease with the index, and every school has students
  let last = 0;
  const schools = new Set<number>();
  for (let i = 0; i < PROD.studentCount; i += 7) {
    const s = studentSchool(PROD, i);
    assert.ok(s >= last);
    last = s;
    schools.add(s);
  }
  assert.equal(schools.size, PROD.schoolCount);
});

test('profile validation', () => {
  validateProfile(PROD);
  assert.throws(() => validateProfile({ ...PROD, schoolCount: 1_000_000 }), /schoolCount/);
  assert.throws(() => validateProfile({ ...PROD, schoolCount: 0 }), /schoolCount/);
  assert.throws(() => validateProfile({ ...PROD, studentCount: -1 }), /studentCount/);
  assert.throws(() => validateProfile({ ...PROD, sectionsPerCourse: 2.5 }), /sectionsPerCourse/);
  assert.throws(() => bootstrapDocuments({ ...PROD, schoolYear: Number.NaN }), /schoolYear/);
});

test('naturalKeyQuery uses DMS query field names, sorted and encoded', () => {
  assert.equal(naturalKeyQuery('students', studentDoc(SMALL, 42 % SMALL.studentCount)), 'studentUniqueId=LTS0000002');
  assert.equal(
    naturalKeyQuery('studentSchoolAssociations', studentSchoolAssociationDoc(SMALL, 0)),
    'entryDate=2025-08-18&schoolId=777000001&studentUniqueId=LTS0000000',
  );
  assert.equal(naturalKeyQuery('schools', schoolDoc(SMALL, 2)), 'schoolId=777000003');
  assert.equal(
    naturalKeyQuery('gradeLevelDescriptors', { namespace: 'uri://ed-fi.org/GradeLevelDescriptor', codeValue: 'Ninth Grade', shortDescription: 'x' }),
    'codeValue=Ninth%20Grade&namespace=uri%3A%2F%2Fed-fi.org%2FGradeLevelDescriptor',
  );
  const ssa = studentSectionAssociationDocs(SMALL, 0)[0];
  const q = naturalKeyQuery('studentSectionAssociations', ssa);
  assert.deepEqual(
    q.split('&').map((kv) => kv.split('=')[0]),
    ['beginDate', 'localCourseCode', 'schoolId', 'schoolYear', 'sectionIdentifier', 'sessionName', 'studentUniqueId'],
  );
  assert.throws(() => naturalKeyQuery('widgets', {}), /widgets/);
  assert.throws(() => naturalKeyQuery('students', {}), /studentUniqueId/);
});

test('determinism: same index gives a deep-equal document, different index a different natural key', () => {
  const n = workItemCount(SMALL);
  const keys = new Set<string>();
  let count = 0;
  for (let i = 0; i < n; i++) {
    const a = documentsFor(SMALL, workItemAt(SMALL, i));
    assert.deepEqual(documentsFor(SMALL, workItemAt(SMALL, i)), a);
    for (const d of a) {
      keys.add(`${d.resource}?${naturalKeyQuery(d.resource, d.body)}`);
      count++;
    }
  }
  assert.equal(keys.size, count, 'two documents share a natural key');
  // spot checks on the prod profile, far apart indexes
  for (const [i, j] of [[0, 1], [41, 42], [70000, 70001], [12, 74999]]) {
    assert.deepEqual(studentDoc(PROD, i), studentDoc(PROD, i));
    assert.notEqual(naturalKeyQuery('students', studentDoc(PROD, i)), naturalKeyQuery('students', studentDoc(PROD, j)));
    assert.notDeepEqual(studentSectionAssociationDocs(PROD, i), studentSectionAssociationDocs(PROD, j));
  }
  // pinned values: a change here changes every run's data set (and breaks comparability with older runs)
  assert.deepEqual(studentDoc(SMALL, 0), {
    studentUniqueId: 'LTS0000000', firstName: 'Benjamin', middleName: 'Mateo', lastSurname: 'Cooper',
    birthDate: '2019-11-26', birthSexDescriptor: 'uri://ed-fi.org/SexDescriptor#Male',
  });
  assert.equal(schoolDoc(PROD, 0).nameOfInstitution, 'Lakeview Elementary School');
});

test('realistic people and dates', () => {
  for (let i = 0; i < 300; i++) {
    const s = studentDoc(PROD, i * 250);
    const ssa = studentSchoolAssociationDoc(PROD, i * 250);
    const grade = [
      'Kindergarten', 'First grade', 'Second grade', 'Third grade', 'Fourth grade', 'Fifth grade', 'Sixth grade',
      'Seventh grade', 'Eighth grade', 'Ninth grade', 'Tenth grade', 'Eleventh grade', 'Twelfth grade',
    ].indexOf(String(ssa.entryGradeLevelDescriptor).split('#')[1]);
    assert.ok(grade >= 0);
    assert.match(String(s.birthDate), /^\d{4}-\d{2}-\d{2}$/);
    // age on September 1 of the school year's first year is grade + 5
    const [y, m, d] = String(s.birthDate).split('-').map(Number);
    const age = 2025 - y - (m > 9 || (m === 9 && d > 1) ? 1 : 0);
    assert.equal(age, grade + 5, `student ${i * 250} born ${String(s.birthDate)} in grade ${grade}`);
    // the grade is one the school offers
    const school = schoolDoc(PROD, studentSchool(PROD, i * 250));
    assert.ok((school.gradeLevels as Doc[]).some((g) => g.gradeLevelDescriptor === ssa.entryGradeLevelDescriptor));
  }
  const firsts = new Set<string>();
  for (let i = 0; i < 500; i++) firsts.add(String(studentDoc(PROD, i).firstName));
  assert.ok(firsts.size > 40, 'names should vary');
});

test('src/data and the settings table stay k6-safe: no Node or k6 imports, no wall clock or randomness', () => {
  for (const dir of ['src/data', 'src/settings'].map((d) => join(import.meta.dirname, '../..', d))) {
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.ts'))) {
      const src = readFileSync(join(dir, f), 'utf8');
      for (const bad of ['Math.random', 'Date.now', 'new Date()', "from 'k6", "from 'node:", 'Buffer', 'process.', 'require(']) {
        assert.equal(src.includes(bad), false, `${f} uses ${bad}`);
      }
      for (const m of src.matchAll(/from '([^']+)'/g)) {
        assert.ok(m[1].startsWith('./') || m[1] === '../settings/table.ts', `${f} imports ${m[1]}`);
      }
    }
  }
});
