// Who belongs where: sections of a school, which staff teaches which section, which sections a
// student takes, and a student's grade. All O(1) (or O(result size)) per index.

import type { DataProfile } from './profile.ts';
import { staffOfSchool, staffSchool } from './keys.ts';
import { schoolLevel } from './catalog.ts';

/** A section of a school: course c (0-based), section n (0-based) of that course. */
export interface SectionPos {
  c: number;
  n: number;
}

export function sectionsPerSchool(p: DataProfile): number {
  return p.coursesPerSchool * p.sectionsPerCourse;
}

/** Section k (0-based within the school) is section k mod sectionsPerCourse of course floor(k / sectionsPerCourse). */
export function sectionAt(p: DataProfile, k: number): SectionPos {
  return { c: Math.floor(k / p.sectionsPerCourse), n: k % p.sectionsPerCourse };
}

export function sectionIndex(p: DataProfile, pos: SectionPos): number {
  return pos.c * p.sectionsPerCourse + pos.n;
}

/** The staff index teaching section k of school s, or -1 when the school has no staff. */
export function teacherOfSection(p: DataProfile, s: number, k: number): number {
  const staff = staffOfSchool(p, s);
  return staff.count === 0 ? -1 : staff.first + (k % staff.count);
}

/** Section indexes (within staff j's school) taught by staff j: k = m, m + M, ... with m its rank in the school. */
export function sectionsTaughtBy(p: DataProfile, j: number): number[] {
  const s = staffSchool(p, j);
  const staff = staffOfSchool(p, s);
  const out: number[] = [];
  for (let k = j - staff.first; k < sectionsPerSchool(p); k += staff.count) out.push(k);
  return out;
}

/** Number of sections each student takes: min(sectionsPerStudent, sections in a school). */
export function sectionsTakenPerStudent(p: DataProfile): number {
  return Math.min(p.sectionsPerStudent, sectionsPerSchool(p));
}

/**
 * The distinct sections taken by a student with the given seed. Sections are walked course-first
 * (position q -> course q mod C, section floor(q / C)), from a hashed starting position, so a
 * student takes different courses before taking a second section of the same course.
 */
export function sectionsForSeed(p: DataProfile, seed: number): SectionPos[] {
  const total = sectionsPerSchool(p);
  const n = sectionsTakenPerStudent(p);
  const out: SectionPos[] = [];
  if (n === 0) return out;
  const start = seed % total;
  for (let t = 0; t < n; t++) {
    const q = (start + t) % total;
    out.push({ c: q % p.coursesPerSchool, n: Math.floor(q / p.coursesPerSchool) });
  }
  return out;
}

/** Grade number (0 = Kindergarten .. 12) of a student of school s, within the school's level. */
export function gradeForSeed(s: number, seed: number): number {
  const level = schoolLevel(s);
  return level.firstGrade + (seed % (level.lastGrade - level.firstGrade + 1));
}

export function gradesOfSchool(s: number): number[] {
  const level = schoolLevel(s);
  const out: number[] = [];
  for (let g = level.firstGrade; g <= level.lastGrade; g++) out.push(g);
  return out;
}
