// The shape of a data set. Everything in src/data is a pure function of a DataProfile and an index:
// no module-level mutable state, no arrays of entities, no k6 or Node imports (bundled for k6 and
// imported by Node tools and tests alike).
import { check, setting } from '../settings/table.ts';

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

/** The setting (src/settings/table.ts) each field of a profile comes from: its range is the field's. */
export const PROFILE_SETTINGS: Readonly<Record<keyof DataProfile, string>> = {
  schoolCount: 'SCHOOL_COUNT',
  studentCount: 'STUDENT_COUNT',
  staffCount: 'STAFF_COUNT',
  coursesPerSchool: 'COURSES_PER_SCHOOL',
  sectionsPerCourse: 'SECTIONS_PER_COURSE',
  sectionsPerStudent: 'SECTIONS_PER_STUDENT',
  schoolYear: 'SCHOOL_YEAR',
};

function maxOf(field: keyof DataProfile): number {
  const max = setting(PROFILE_SETTINGS[field]).max;
  if (max === undefined) throw new Error(`settings table: ${PROFILE_SETTINGS[field]} needs a max`);
  return max;
}

/**
 * Upper bounds that keep every identity inside its fixed-width / int32 id space: the settings table's
 * maxima (the reasons are there, as rangeReason).
 */
export const PROFILE_LIMITS = {
  schoolCount: maxOf('schoolCount'),
  studentCount: maxOf('studentCount'),
  staffCount: maxOf('staffCount'),
  coursesPerSchool: maxOf('coursesPerSchool'),
  sectionsPerCourse: maxOf('sectionsPerCourse'),
  sectionsPerStudent: maxOf('sectionsPerStudent'),
} as const;

/**
 * Throws a readable Error when a profile cannot produce a valid data set: each field is checked with its
 * setting's rule from the settings table, the same the runner and src/config.ts apply, and the message
 * names both (e.g. "data profile: schoolYear (SCHOOL_YEAR) must be a whole number from 1991 to 2099, got 2100").
 */
export function validateProfile(p: DataProfile): void {
  for (const field of Object.keys(PROFILE_SETTINGS) as Array<keyof DataProfile>) {
    const value: unknown = p[field];
    const problem = typeof value === 'number' ? check(setting(PROFILE_SETTINGS[field]), String(value)) : 'must be a number';
    if (problem !== null) {
      throw new Error(`data profile: ${field} (${PROFILE_SETTINGS[field]}) ${problem}, got ${String(value)}`);
    }
  }
}
