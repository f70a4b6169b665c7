// The load plan of src/data: order, references, descriptors, counts, O(1) access by index.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import type { DataProfile, Doc, ResourceDoc } from '../../src/data/profile.ts';
import type { WorkKind } from '../../src/data/plan.ts';
import {
  bootstrapDocuments,
  courseItemPosition,
  dependentsOf,
  documentsFor,
  expectedCounts,
  expectedTotal,
  workItemAt,
  workItemCount,
} from '../../src/data/plan.ts';
import { naturalKeyQuery, staffOfSchool, staffSchool, staffUniqueId, studentSchool, schoolId } from '../../src/data/keys.ts';

const profile = (
  schoolCount: number, studentCount: number, staffCount: number,
  coursesPerSchool: number, sectionsPerCourse: number, sectionsPerStudent: number,
): DataProfile => ({ schoolCount, studentCount, staffCount, coursesPerSchool, sectionsPerCourse, sectionsPerStudent, schoolYear: 2026 });

const SMOKE = profile(2, 2, 2, 1, 1, 1);
const SMALL = profile(3, 20, 4, 2, 2, 3);
const DEV = profile(10, 100, 20, 5, 2, 3);
const PROD = profile(130, 75000, 8000, 40, 4, 6);
// corner cases: fewer staff than schools, more sections per student than a school has, no courses
const FEW_STAFF = profile(5, 7, 2, 3, 2, 10);
const NO_STAFF = profile(2, 3, 0, 2, 1, 2);
const NO_COURSES = profile(4, 5, 3, 0, 3, 2);

/** Which resources a reference can point to, and how its members map to the target's natural key. */
const REFERENCE_TARGETS: Record<string, string[]> = {
  schoolReference: ['schools'],
  localEducationAgencyReference: ['localEducationAgencies'],
  schoolYearTypeReference: ['schoolYearTypes'],
  sessionReference: ['sessions'],
  courseReference: ['courses'],
  courseOfferingReference: ['courseOfferings'],
  sectionReference: ['sections'],
  studentReference: ['students'],
  staffReference: ['staffs'],
  educationOrganizationReference: ['schools', 'localEducationAgencies'],
};

/** The natural-key query a reference object denotes on a target resource. */
function referenceQuery(refName: string, target: string, ref: Doc): string {
  const pairs = Object.entries(ref).map(([k, v]): [string, string] => {
    // an abstract education organization reference points at a school or the LEA by its own id
    if (refName === 'educationOrganizationReference') k = target === 'schools' ? 'schoolId' : 'localEducationAgencyId';
    return [k, String(v)];
  });
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  return pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
}

function* descriptorValues(v: unknown, key = ''): Generator<string> {
  if (Array.isArray(v)) for (const x of v) yield* descriptorValues(x);
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) yield* descriptorValues(x, k);
  else if (key.endsWith('Descriptor')) yield String(v);
}

function enumerate(p: DataProfile, visit: (rd: ResourceDoc, phase: 'bootstrap' | WorkKind) => void): void {
  for (const rd of bootstrapDocuments(p)) visit(rd, 'bootstrap');
  const n = workItemCount(p);
  for (let i = 0; i < n; i++) {
    const item = workItemAt(p, i);
    for (const rd of documentsFor(p, item)) visit(rd, item.kind);
  }
}

function checkReferences(p: DataProfile): void {
  const existing = new Set<string>();
  const descriptors = new Set<string>();
  for (const rd of bootstrapDocuments(p)) {
    if (rd.resource.endsWith('Descriptors')) descriptors.add(`${String(rd.body.namespace)}#${String(rd.body.codeValue)}`);
  }
  enumerate(p, (rd, phase) => {
    const where = `${phase} ${rd.resource} ${JSON.stringify(rd.body)}`;
    for (const [key, value] of Object.entries(rd.body)) {
      if (!key.endsWith('Reference')) continue;
      const targets = REFERENCE_TARGETS[key];
      assert.ok(targets, `unknown reference ${key} in ${where}`);
      const found = targets.some((t) => existing.has(`${t}?${referenceQuery(key, t, value as Doc)}`));
      assert.ok(found, `${key} ${JSON.stringify(value)} does not resolve to an earlier document: ${where}`);
    }
    // key unification: one schoolId per body
    const schoolIds = new Set<unknown>();
    for (const [key, value] of Object.entries(rd.body)) {
      if (key.endsWith('Reference') && 'schoolId' in (value as Doc)) schoolIds.add((value as Doc).schoolId);
    }
    assert.ok(schoolIds.size <= 1, `conflicting schoolIds in ${where}`);
    // descriptors exist before use (exact URI, not only case-insensitively)
    if (phase !== 'bootstrap' || !rd.resource.endsWith('Descriptors')) {
      for (const uri of descriptorValues(rd.body)) assert.ok(descriptors.has(uri), `descriptor ${uri} not bootstrapped: ${where}`);
    }
    existing.add(`${rd.resource}?${naturalKeyQuery(rd.resource, rd.body)}`);
  });
}

test('every reference resolves to a document produced earlier; every descriptor is bootstrapped', () => {
  for (const p of [SMALL, SMOKE, FEW_STAFF, NO_STAFF, NO_COURSES]) checkReferences(p);
});

/**
 * Who references each resource, found by following every reference of a profile's documents: from a
 * later work item, from the same item only, or never. A resource whose documents are referenced by one
 * that later items need (a course, through its offering and sections) is needed by later items too.
 */
function observedDependents(p: DataProfile): Record<string, 'later-items' | 'own-item' | 'none'> {
  const itemOf = new Map<string, number>(); // "resource?natural key" -> work item index (-1: bootstrap)
  const edges: Array<{ from: string; to: string; sameItem: boolean }> = [];
  const resources = new Set<string>();
  let item = -1;
  const visit = (rd: ResourceDoc) => {
    resources.add(rd.resource);
    for (const [key, value] of Object.entries(rd.body)) {
      if (!key.endsWith('Reference')) continue;
      for (const target of REFERENCE_TARGETS[key]) {
        const at = itemOf.get(`${target}?${referenceQuery(key, target, value as Doc)}`);
        if (at !== undefined) edges.push({ from: rd.resource, to: target, sameItem: at === item });
      }
    }
    itemOf.set(`${rd.resource}?${naturalKeyQuery(rd.resource, rd.body)}`, item);
  };
  for (const rd of bootstrapDocuments(p)) visit(rd);
  for (item = 0; item < workItemCount(p); item++) for (const rd of documentsFor(p, workItemAt(p, item))) visit(rd);
  const out: Record<string, 'later-items' | 'own-item' | 'none'> = {};
  for (const r of resources) out[r] = r.endsWith('Descriptors') ? 'later-items' : 'none';
  for (const e of edges) if (out[e.to] === 'none') out[e.to] = 'own-item';
  for (const e of edges) if (!e.sameItem) out[e.to] = 'later-items';
  for (let changed = true; changed; ) {
    changed = false;
    for (const e of edges) {
      if (out[e.from] === 'later-items' && out[e.to] !== 'later-items') {
        out[e.to] = 'later-items';
        changed = true;
      }
    }
  }
  return out;
}

test('dependentsOf: what a failed document leaves waiting, as the profile\'s references show it', () => {
  for (const p of [SMALL, DEV, FEW_STAFF]) {
    for (const [resource, dependents] of Object.entries(observedDependents(p))) {
      assert.equal(dependentsOf(resource), dependents, resource);
    }
  }
  assert.equal(dependentsOf('schools'), 'later-items');
  assert.equal(dependentsOf('students'), 'own-item');
  assert.equal(dependentsOf('studentSectionAssociations'), 'none');
  // a resource the suite does not know is assumed to be needed: the safe side is to stop, not to wait
  assert.equal(dependentsOf('somethingNew'), 'later-items');
});

test('bootstrap: descriptors first, then the school year, then the LEA', () => {
  const boot = bootstrapDocuments(SMALL).map((d) => d.resource);
  const firstNonDescriptor = boot.findIndex((r) => !r.endsWith('Descriptors'));
  assert.ok(firstNonDescriptor > 0);
  assert.deepEqual(boot.slice(firstNonDescriptor), ['schoolYearTypes', 'localEducationAgencies']);
  const sy = bootstrapDocuments(SMALL)[firstNonDescriptor].body;
  assert.deepEqual(sy, { schoolYear: 2026, currentSchoolYear: true, schoolYearDescription: '2025-2026' });
  // independent of counts
  assert.deepEqual(bootstrapDocuments(SMALL), bootstrapDocuments(PROD));
});

function enumeratedCounts(p: DataProfile): Record<string, number> {
  const counts: Record<string, number> = {};
  enumerate(p, (rd) => {
    counts[rd.resource] = (counts[rd.resource] ?? 0) + 1;
  });
  return counts;
}

test('expectedCounts equals a full enumeration', () => {
  for (const p of [SMOKE, SMALL, DEV, FEW_STAFF, NO_STAFF, NO_COURSES, profile(7, 33, 7, 3, 3, 4), profile(1, 1, 1, 1, 1, 1)]) {
    const expected = expectedCounts(p);
    const actual = enumeratedCounts(p);
    for (const r of Object.keys(actual)) assert.ok(r in expected, `${r} missing from expectedCounts`);
    for (const r of Object.keys(expected)) assert.equal(actual[r] ?? 0, expected[r], `${r} for ${JSON.stringify(p)}`);
    assert.equal(expectedTotal(p), Object.values(actual).reduce((a, b) => a + b, 0));
  }
});

test('expected counts of the named profiles', () => {
  const smoke = expectedCounts(SMOKE);
  assert.equal(smoke.schools, 2);
  assert.equal(smoke.sections, 2);
  assert.equal(smoke.staffSectionAssociations, 2);
  assert.equal(smoke.studentSectionAssociations, 2);
  const prod = expectedCounts(PROD);
  assert.equal(prod.sections, 130 * 40 * 4);
  assert.equal(prod.staffSectionAssociations, 130 * 40 * 4);
  assert.equal(prod.studentSectionAssociations, 75000 * 6);
  assert.equal(expectedCounts(FEW_STAFF).staffSectionAssociations, 2 * 6); // only 2 schools have a teacher
  assert.equal(expectedCounts(FEW_STAFF).studentSectionAssociations, 7 * 6); // capped at the school's 6 sections
  assert.equal(expectedCounts(NO_STAFF).staffSectionAssociations, 0);
});

const KIND_ORDER: WorkKind[] = ['school', 'course', 'staff', 'student'];

test('workItemAt covers 0..count-1 in the documented order', () => {
  for (const p of [SMOKE, SMALL, DEV, FEW_STAFF, NO_STAFF, NO_COURSES]) {
    const n = workItemCount(p);
    assert.equal(n, p.schoolCount + p.schoolCount * p.coursesPerSchool + p.staffCount + p.studentCount);
    const sizes: Record<WorkKind, number> = {
      school: p.schoolCount, course: p.schoolCount * p.coursesPerSchool, staff: p.staffCount, student: p.studentCount,
    };
    let i = 0;
    for (const kind of KIND_ORDER) {
      let lastSchool = 0;
      for (let k = 0; k < sizes[kind]; k++, i++) {
        assert.deepEqual(workItemAt(p, i), { kind, index: k });
        if (kind === 'course') {
          const { s, c } = courseItemPosition(p, k);
          assert.ok(s >= lastSchool && c === k % p.coursesPerSchool, 'courses grouped by school, school 0 first');
          lastSchool = s;
        }
      }
    }
    assert.equal(i, n);
    assert.throws(() => workItemAt(p, n));
    assert.throws(() => workItemAt(p, -1));
    assert.throws(() => workItemAt(p, 0.5));
  }
});

test('units contain the documented documents, in dependency order', () => {
  const p = SMALL;
  assert.deepEqual(documentsFor(p, { kind: 'school', index: 1 }).map((d) => d.resource), ['schools', 'sessions']);
  assert.deepEqual(
    documentsFor(p, { kind: 'course', index: 3 }).map((d) => d.resource),
    ['courses', 'courseOfferings', 'sections', 'sections'],
  );
  const course = documentsFor(p, { kind: 'course', index: 3 }); // school 1, course 1
  assert.deepEqual((course[0].body.educationOrganizationReference as Doc).educationOrganizationId, schoolId(1));
  const staff = documentsFor(p, { kind: 'staff', index: 0 }).map((d) => d.resource);
  assert.deepEqual(staff.slice(0, 2), ['staffs', 'staffEducationOrganizationAssignmentAssociations']);
  assert.ok(staff.slice(2).every((r) => r === 'staffSectionAssociations'));
  const student = documentsFor(p, { kind: 'student', index: 5 }).map((d) => d.resource);
  assert.deepEqual(student, ['students', 'studentSchoolAssociations', ...Array(3).fill('studentSectionAssociations')]);
  assert.throws(() => documentsFor(p, { kind: 'course', index: 6 }));
  assert.throws(() => documentsFor(p, { kind: 'student', index: 20 }));
  assert.throws(() => documentsFor(p, { kind: 'staff', index: 4 }));
});

test('section teachers: section k of school s is taught by staff k mod (staff in s) of that school', () => {
  for (const p of [SMALL, DEV, FEW_STAFF, profile(4, 10, 9, 3, 2, 2)]) {
    const teacherOf = new Map<string, string>(); // sectionReference -> staffUniqueId
    for (let j = 0; j < p.staffCount; j++) {
      const docs = documentsFor(p, { kind: 'staff', index: j });
      const s = staffSchool(p, j);
      assert.equal((docs[1].body.educationOrganizationReference as Doc).educationOrganizationId, schoolId(s));
      for (const d of docs.slice(2)) {
        const ref = d.body.sectionReference as Doc;
        assert.equal(ref.schoolId, schoolId(s), 'a staff member teaches only at its school');
        const key = JSON.stringify(ref);
        assert.equal(teacherOf.has(key), false, 'one teacher per section');
        teacherOf.set(key, String((d.body.staffReference as Doc).staffUniqueId));
      }
    }
    // check the rule from the section side
    for (let s = 0; s < p.schoolCount; s++) {
      const staff = staffOfSchool(p, s);
      for (let c = 0; c < p.coursesPerSchool; c++) {
        const docs = documentsFor(p, { kind: 'course', index: s * p.coursesPerSchool + c }).slice(2);
        docs.forEach((d, n) => {
          const k = c * p.sectionsPerCourse + n;
          const ref: Doc = { ...(d.body.courseOfferingReference as Doc), sectionIdentifier: d.body.sectionIdentifier };
          const key = JSON.stringify({
            localCourseCode: ref.localCourseCode, schoolId: ref.schoolId, schoolYear: ref.schoolYear,
            sectionIdentifier: ref.sectionIdentifier, sessionName: ref.sessionName,
          });
          if (staff.count === 0) assert.equal(teacherOf.has(key), false);
          else assert.equal(teacherOf.get(key), staffUniqueId(staff.first + (k % staff.count)));
        });
      }
    }
  }
});

test('students take distinct sections of their own school, spread across courses', () => {
  for (const p of [SMALL, DEV, FEW_STAFF]) {
    for (let i = 0; i < p.studentCount; i++) {
      const docs = documentsFor(p, { kind: 'student', index: i });
      const sid = schoolId(studentSchool(p, i));
      assert.equal((docs[1].body.schoolReference as Doc).schoolId, sid);
      const sections = docs.slice(2).map((d) => d.body.sectionReference as Doc);
      assert.equal(sections.length, Math.min(p.sectionsPerStudent, p.coursesPerSchool * p.sectionsPerCourse));
      assert.equal(new Set(sections.map((r) => JSON.stringify(r))).size, sections.length, 'distinct sections');
      for (const r of sections) assert.equal(r.schoolId, sid);
      const courses = new Set(sections.map((r) => r.localCourseCode));
      assert.equal(courses.size, Math.min(sections.length, p.coursesPerSchool), 'different courses first');
    }
  }
});

test('prod profile: workItemAt and documentsFor are O(1) per index', () => {
  const n = workItemCount(PROD);
  assert.equal(n, 130 + 130 * 40 + 8000 + 75000);
  assert.deepEqual(workItemAt(PROD, 70000), { kind: 'student', index: 70000 - 13330 });
  assert.deepEqual(workItemAt(PROD, 5329), { kind: 'course', index: 5199 });
  assert.deepEqual(courseItemPosition(PROD, 5199), { s: 129, c: 39 });
  const last = documentsFor(PROD, workItemAt(PROD, n - 1));
  assert.equal(last[0].body.studentUniqueId, 'LTS0074999');
  assert.equal(last.length, 2 + 6);
  // 3000 items spread over the whole range must be cheap: no enumeration behind the index
  const start = process.hrtime.bigint();
  let docs = 0;
  for (let k = 0; k < 3000; k++) docs += documentsFor(PROD, workItemAt(PROD, (k * 2_654_435_761) % n)).length;
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  assert.ok(docs > 3000);
  assert.ok(ms < 1500, `3000 prod work items took ${ms.toFixed(0)} ms`);
  // expectedCounts does not enumerate either
  const t0 = process.hrtime.bigint();
  expectedTotal(PROD);
  assert.ok(Number(process.hrtime.bigint() - t0) / 1e6 < 50);
});
