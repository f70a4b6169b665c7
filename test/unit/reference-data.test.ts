// Finding the district's own reference data before creating ours: grouped look-ups, DMS's identity rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import type { DataProfile } from '../../src/data/profile.ts';
import { bootstrapDocuments } from '../../src/data/plan.ts';
import { referenceLookups, sameNaturalKey } from '../../src/data/reference-data.ts';

const profile: DataProfile = { schoolCount: 2, studentCount: 2, staffCount: 2, coursesPerSchool: 1, sectionsPerCourse: 1, sectionsPerStudent: 1, schoolYear: 2026 };
const GRADE_NS = 'uri://ed-fi.org/GradeLevelDescriptor';

test('one look-up per descriptor type and namespace, one per school year; the LEA is not looked up', () => {
  const docs = bootstrapDocuments(profile);
  const lookups = referenceLookups(docs);
  const descriptorTypes = new Set(docs.filter((d) => d.resource.endsWith('Descriptors')).map((d) => d.resource));
  assert.equal(lookups.filter((l) => l.resource.endsWith('Descriptors')).length, descriptorTypes.size);
  const grades = lookups.find((l) => l.resource === 'gradeLevelDescriptors');
  assert.ok(grades);
  assert.equal(grades.query, `namespace=${encodeURIComponent(GRADE_NS)}`);
  assert.ok(grades.docs.length > 1, 'every grade level is found by the one look-up');
  assert.deepEqual(
    lookups.filter((l) => l.resource === 'schoolYearTypes').map((l) => l.query),
    ['schoolYear=2026'],
  );
  assert.ok(!lookups.some((l) => l.resource === 'localEducationAgencies'));
  const covered = lookups.flatMap((l) => l.docs);
  assert.equal(covered.length, docs.length - 1, 'every descriptor and the school year, once each');
  assert.equal(new Set(covered).size, covered.length);
});

test('descriptors match as DMS compares their identity: namespace and codeValue case-insensitively', () => {
  const ours = { namespace: GRADE_NS, codeValue: 'Ninth grade', shortDescription: 'Ninth grade' };
  assert.ok(sameNaturalKey('gradeLevelDescriptors', ours, { ...ours, shortDescription: 'district text' }));
  assert.ok(sameNaturalKey('gradeLevelDescriptors', ours, { id: 'x', namespace: GRADE_NS.toUpperCase(), codeValue: 'Ninth Grade' }));
  assert.ok(!sameNaturalKey('gradeLevelDescriptors', ours, { namespace: GRADE_NS, codeValue: 'Tenth grade' }));
  assert.ok(!sameNaturalKey('gradeLevelDescriptors', ours, { namespace: 'uri://district.org/GradeLevelDescriptor', codeValue: 'Ninth grade' }));
  assert.ok(!sameNaturalKey('gradeLevelDescriptors', ours, { codeValue: 'Ninth grade' }));
  assert.ok(!sameNaturalKey('gradeLevelDescriptors', ours, null));
  assert.ok(!sameNaturalKey('gradeLevelDescriptors', ours, 'Ninth grade'));
});

test('other natural keys match exactly', () => {
  assert.ok(sameNaturalKey('schoolYearTypes', { schoolYear: 2026 }, { schoolYear: 2026, currentSchoolYear: true }));
  assert.ok(!sameNaturalKey('schoolYearTypes', { schoolYear: 2026 }, { schoolYear: 2025 }));
  assert.ok(!sameNaturalKey('schoolYearTypes', { schoolYear: 2026 }, { schoolYear: '2026' }));
  assert.ok(!sameNaturalKey('students', { studentUniqueId: 'LTS0000001' }, { studentUniqueId: 'lts0000001' }));
});
