// The shape of a data set. Everything in src/data is a pure function of a DataProfile and an index:
// no module-level mutable state, no arrays of entities, no k6 or Node imports (bundled for k6 and
// imported by Node tools and tests alike).

export interface DataProfile {
  schoolCount: number;
  studentCount: number;
  staffCount: number;
  coursesPerSchool: number;
  sectionsPerCourse: number;
  sectionsPerStudent: number;
  schoolYear: number; // e.g. 2026 means the 2025-2026 school year
}

export type Doc = Record<string, unknown>;

export interface ResourceDoc {
  resource: string; // DMS endpoint name, e.g. 'students', 'gradeLevelDescriptors'
  body: Doc;
}

/** Upper bounds that keep every identity inside its fixed-width / int32 id space. */
export const PROFILE_LIMITS = {
  schoolCount: 999_999, // schoolId = 777000001 + s stays < 778000000 < 2^31
  studentCount: 9_999_999, // 'LTS' + 7 digits
  staffCount: 9_999_999, // 'LTE' + 7 digits
  coursesPerSchool: 999, // course codes carry a 3-digit sequence
  sectionsPerCourse: 99, // section identifiers carry a 2-digit sequence
  sectionsPerStudent: 1_000,
} as const;

function checkCount(name: string, value: unknown, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new Error(`data profile: ${name} must be an integer in ${min}..${max}, got ${String(value)}`);
  }
}

/** Throws a readable Error when a profile cannot produce a valid data set. */
export function validateProfile(p: DataProfile): void {
  checkCount('schoolCount', p.schoolCount, 1, PROFILE_LIMITS.schoolCount);
  checkCount('studentCount', p.studentCount, 0, PROFILE_LIMITS.studentCount);
  checkCount('staffCount', p.staffCount, 0, PROFILE_LIMITS.staffCount);
  checkCount('coursesPerSchool', p.coursesPerSchool, 0, PROFILE_LIMITS.coursesPerSchool);
  checkCount('sectionsPerCourse', p.sectionsPerCourse, 0, PROFILE_LIMITS.sectionsPerCourse);
  checkCount('sectionsPerStudent', p.sectionsPerStudent, 0, PROFILE_LIMITS.sectionsPerStudent);
  checkCount('schoolYear', p.schoolYear, 1991, 2099);
}
