// Finding the district's own reference data before creating ours: grouped look-ups, DMS's identity rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import type { DataProfile } from '../../src/data/profile.ts';
import { bootstrapDocuments } from '../../src/data/plan.ts';
import { readJsonArray, type BodyView } from '../../src/dms/body-shape.ts';
import { LOOKUP_PAGE_SIZE, lookupPath, MAX_LOOKUP_PAGES, readAllPages, referenceLookups, sameNaturalKey, type ReferenceLookup } from '../../src/data/reference-data.ts';

const profile: DataProfile = { schoolCount: 2, studentCount: 2, staffCount: 2, coursesPerSchool: 1, sectionsPerCourse: 1, sectionsPerStudent: 1, schoolYear: 2026 };
const GRADE_NS = 'uri://ed-fi.org/GradeLevelDescriptor';
const JSON_TYPE = 'application/json; charset=utf-8';
/** A page as the load phase reads it: content type and shape checked (src/dms/body-shape.ts). */
const answer = (view: BodyView) => ({ status: view.status, items: readJsonArray(view) });

test('one look-up per descriptor type (all namespaces: the filter would be exact), one per school year; not the LEA', () => {
  const docs = bootstrapDocuments(profile);
  const lookups = referenceLookups(docs);
  const descriptorTypes = new Set(docs.filter((d) => d.resource.endsWith('Descriptors')).map((d) => d.resource));
  assert.equal(lookups.filter((l) => l.resource.endsWith('Descriptors')).length, descriptorTypes.size);
  const grades = lookups.find((l) => l.resource === 'gradeLevelDescriptors');
  assert.ok(grades);
  assert.equal(grades.query, '');
  assert.equal(lookupPath(grades, 2), `ed-fi/gradeLevelDescriptors?offset=${2 * LOOKUP_PAGE_SIZE}&limit=${LOOKUP_PAGE_SIZE}`);
  assert.ok(grades.docs.length > 1, 'every grade level is found by the one look-up');
  assert.deepEqual(
    lookups.filter((l) => l.resource === 'schoolYearTypes').map((l) => l.query),
    ['schoolYear=2026'],
  );
  const year = lookups.find((l) => l.resource === 'schoolYearTypes');
  assert.ok(year);
  assert.equal(lookupPath(year, 0), `ed-fi/schoolYearTypes?schoolYear=2026&offset=0&limit=${LOOKUP_PAGE_SIZE}`);
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
  assert.ok(sameNaturalKey('schoolYearTypes', { schoolYear: 2026 }, { schoolYear: '2026' }), 'a number sent back as text is the same key');
  assert.ok(!sameNaturalKey('schoolYearTypes', { schoolYear: 2026 }, { schoolYear: { value: 2026 } }));
  assert.ok(!sameNaturalKey('schoolYearTypes', { schoolYear: 2026 }, {}));
  assert.ok(!sameNaturalKey('students', { studentUniqueId: 'LTS0000001' }, { studentUniqueId: 'lts0000001' }));
});

const grades: ReferenceLookup = { resource: 'gradeLevelDescriptors', query: '', docs: [] };
const page = (n: number): string => JSON.stringify(Array.from({ length: n }, (_, i) => ({ codeValue: `c${i}` })));

test('a look-up reads page after page until a short one', () => {
  const asked: string[] = [];
  const result = readAllPages(grades, (path) => {
    asked.push(path);
    return answer({ status: 200, contentType: JSON_TYPE, body: page(asked.length < 3 ? LOOKUP_PAGE_SIZE : 7) });
  });
  assert.deepEqual(result.ok && result.found.length, 2 * LOOKUP_PAGE_SIZE + 7);
  assert.deepEqual(asked, [0, 1, 2].map((n) => lookupPath(grades, n)));
  const empty = readAllPages(grades, () => answer({ status: 200, contentType: JSON_TYPE, body: '[]' }));
  assert.deepEqual(empty, { ok: true, found: [] });
});

test('a look-up that fails is a problem, never "nothing found" (that would POST over the district\'s copies)', () => {
  const cases: Array<[BodyView, RegExp]> = [
    [{ status: 403, contentType: undefined, body: '' }, /gradeLevelDescriptors\?offset=0&limit=\d+ answered HTTP 403/],
    [{ status: 429, contentType: undefined, body: '' }, /answered HTTP 429/],
    [{ status: 200, contentType: 'text/html', body: '<html>proxy</html>' }, /did not answer a JSON array: the body is text\/html, not JSON/],
    // a JSON array behind the wrong content type is not trusted either
    [{ status: 200, contentType: 'text/plain', body: '[]' }, /did not answer a JSON array: the body is text\/plain/],
    [{ status: 200, contentType: JSON_TYPE, body: '{"items":[]}' }, /did not answer a JSON array: the body is an object/],
    [{ status: 200, contentType: JSON_TYPE, body: null }, /did not answer a JSON array/],
  ];
  for (const [view, message] of cases) {
    const result = readAllPages(grades, () => answer(view));
    assert.equal(result.ok, false);
    if (!result.ok) assert.match(result.problem, message);
  }
  let calls = 0;
  const failsLater = readAllPages(grades, () => answer(++calls === 1 ? { status: 200, contentType: JSON_TYPE, body: page(LOOKUP_PAGE_SIZE) } : { status: 503, contentType: undefined, body: '' }));
  assert.equal(failsLater.ok, false, 'a later page that fails spoils the look-up');
});

test('a look-up is bounded: a type that never ends is a problem, after MAX_LOOKUP_PAGES pages', () => {
  let calls = 0;
  const result = readAllPages(grades, () => {
    calls++;
    return answer({ status: 200, contentType: JSON_TYPE, body: page(LOOKUP_PAGE_SIZE) });
  });
  assert.equal(calls, MAX_LOOKUP_PAGES);
  assert.equal(result.ok, false);
  if (!result.ok) assert.match(result.problem, /more than 5000 documents/);
});
