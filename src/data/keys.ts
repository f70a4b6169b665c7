// Identities: every entity's natural key is a pure function of the profile and its index,
// so any phase can find any entity without state files.

import type { DataProfile, Doc } from './profile.ts';
import { PROFILE_LIMITS } from './profile.ts';
import { courseInfo } from './catalog.ts';
import { schoolYearDescription } from './calendar.ts';
import { pad } from './hash.ts';

export const LEA_ID = 777000;
const SCHOOL_ID_BASE = 777000001; // education organization ids share one id space with LEA_ID

function checkIndex(kind: string, index: number, count: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new Error(`${kind} index ${String(index)} out of range 0..${count - 1}`);
  }
}

/** 777000001 + s; s < 999999 keeps every id below 778000000 < 2^31. */
export function schoolId(s: number): number {
  checkIndex('school', s, PROFILE_LIMITS.schoolCount);
  return SCHOOL_ID_BASE + s;
}

/** 'LTS0000042' */
export function studentUniqueId(i: number): string {
  checkIndex('student', i, PROFILE_LIMITS.studentCount);
  return 'LTS' + pad(i, 7);
}

/** 'LTE0000042' */
export function staffUniqueId(j: number): string {
  checkIndex('staff', j, PROFILE_LIMITS.staffCount);
  return 'LTE' + pad(j, 7);
}

/** Block rule: floor(index * schoolCount / count), so early entities belong to early schools. */
function blockSchool(index: number, count: number, schoolCount: number): number {
  return Math.floor((index * schoolCount) / count);
}

/** First index of school s's block: the smallest index with blockSchool(index) >= s. */
function blockStart(s: number, count: number, schoolCount: number): number {
  return Math.floor((s * count + schoolCount - 1) / schoolCount);
}

export function studentSchool(p: DataProfile, i: number): number {
  checkIndex('student', i, p.studentCount);
  return blockSchool(i, p.studentCount, p.schoolCount);
}

export function staffSchool(p: DataProfile, j: number): number {
  checkIndex('staff', j, p.staffCount);
  return blockSchool(j, p.staffCount, p.schoolCount);
}

/** The staff of school s are the contiguous range [first, first + count). count may be 0. */
export function staffOfSchool(p: DataProfile, s: number): { first: number; count: number } {
  checkIndex('school', s, p.schoolCount);
  const first = blockStart(s, p.staffCount, p.schoolCount);
  return { first, count: blockStart(s + 1, p.staffCount, p.schoolCount) - first };
}

/** The students of school s are the contiguous range [first, first + count). */
export function studentsOfSchool(p: DataProfile, s: number): { first: number; count: number } {
  checkIndex('school', s, p.schoolCount);
  const first = blockStart(s, p.studentCount, p.schoolCount);
  return { first, count: blockStart(s + 1, p.studentCount, p.schoolCount) - first };
}

/** '2025-2026 Fall Semester': the one session of every school. */
export function sessionName(p: DataProfile): string {
  return `${schoolYearDescription(p.schoolYear)} Fall Semester`;
}

/** Course c of school s, e.g. 'AL1-003' (unique within the school). */
export function courseCode(s: number, c: number): string {
  return `${courseInfo(s, c).template.code}-${pad(c + 1, 3)}`;
}

/** The course offering's local code: the course code. */
export function localCourseCode(s: number, c: number): string {
  return courseCode(s, c);
}

/** Section n of course c: 'AL1-003-02' (unique within the school). */
export function sectionIdentifier(s: number, c: number, n: number): string {
  return `${courseCode(s, c)}-${pad(n + 1, 2)}`;
}

export function sessionReference(p: DataProfile, s: number): Doc {
  return { schoolId: schoolId(s), schoolYear: p.schoolYear, sessionName: sessionName(p) };
}

export function courseReference(s: number, c: number): Doc {
  return { courseCode: courseCode(s, c), educationOrganizationId: schoolId(s) };
}

export function courseOfferingReference(p: DataProfile, s: number, c: number): Doc {
  return { localCourseCode: localCourseCode(s, c), schoolId: schoolId(s), schoolYear: p.schoolYear, sessionName: sessionName(p) };
}

export function sectionReference(p: DataProfile, s: number, c: number, n: number): Doc {
  return {
    localCourseCode: localCourseCode(s, c),
    schoolId: schoolId(s),
    schoolYear: p.schoolYear,
    sectionIdentifier: sectionIdentifier(s, c, n),
    sessionName: sessionName(p),
  };
}

// ---- natural key queries ------------------------------------------------------------------------

/**
 * Natural key of each resource as body paths. The DMS query field name is the last path segment
 * (top-level scalars keep their name; reference members are queried by their key name).
 */
/** The identity of a section as other documents reference it. */
const SECTION_REFERENCE_KEYS = [
  'sectionReference.localCourseCode',
  'sectionReference.schoolId',
  'sectionReference.schoolYear',
  'sectionReference.sectionIdentifier',
  'sectionReference.sessionName',
];

const NATURAL_KEY_PATHS: Readonly<Record<string, readonly string[]>> = {
  schoolYearTypes: ['schoolYear'],
  localEducationAgencies: ['localEducationAgencyId'],
  schools: ['schoolId'],
  sessions: ['schoolReference.schoolId', 'schoolYearTypeReference.schoolYear', 'sessionName'],
  courses: ['courseCode', 'educationOrganizationReference.educationOrganizationId'],
  courseOfferings: [
    'localCourseCode',
    'schoolReference.schoolId',
    'sessionReference.schoolYear',
    'sessionReference.sessionName',
  ],
  sections: [
    'courseOfferingReference.localCourseCode',
    'courseOfferingReference.schoolId',
    'courseOfferingReference.schoolYear',
    'sectionIdentifier',
    'courseOfferingReference.sessionName',
  ],
  staffs: ['staffUniqueId'],
  staffEducationOrganizationAssignmentAssociations: [
    'beginDate',
    'educationOrganizationReference.educationOrganizationId',
    'staffClassificationDescriptor',
    'staffReference.staffUniqueId',
  ],
  staffSectionAssociations: [
    'beginDate',
    ...SECTION_REFERENCE_KEYS,
    'staffReference.staffUniqueId',
  ],
  students: ['studentUniqueId'],
  studentSchoolAssociations: ['entryDate', 'schoolReference.schoolId', 'studentReference.studentUniqueId'],
  studentSectionAssociations: [
    'beginDate',
    ...SECTION_REFERENCE_KEYS,
    'studentReference.studentUniqueId',
  ],
};

const DESCRIPTOR_KEY_PATHS: readonly string[] = ['codeValue', 'namespace'];

export function naturalKeyPaths(resource: string): readonly string[] {
  if (Object.prototype.hasOwnProperty.call(NATURAL_KEY_PATHS, resource)) return NATURAL_KEY_PATHS[resource];
  if (resource.endsWith('Descriptors')) return DESCRIPTOR_KEY_PATHS;
  throw new Error(`naturalKeyQuery: no natural key known for resource '${resource}'`);
}

/** The value at a dotted path ('schoolReference.schoolId'), or undefined. */
export function valueAt(body: Doc, path: string): unknown {
  let v: unknown = body;
  for (const part of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Doc)[part];
  }
  return v;
}

/**
 * Query string that finds the document by its natural key, fields sorted by name, values
 * URI-encoded: 'entryDate=2025-08-18&schoolId=777000001&studentUniqueId=LTS0000042'.
 */
export function naturalKeyQuery(resource: string, body: Doc): string {
  const pairs: Array<[string, string]> = [];
  for (const path of naturalKeyPaths(resource)) {
    const v = valueAt(body, path);
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      throw new Error(`naturalKeyQuery: ${resource} body has no scalar at '${path}'`);
    }
    const name = path.slice(path.lastIndexOf('.') + 1);
    pairs.push([name, String(v)]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
}
