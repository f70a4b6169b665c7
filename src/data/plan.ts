// The load phase's work list: level-0 bootstrap documents, then units of work addressed by a flat
// index (schools, then courses grouped by school, then staff, then students). Every unit depends
// only on bootstrap and on units of earlier kinds, so items of one kind can run in any order.

import type { DataProfile, ResourceDoc } from './profile.ts';
import { validateProfile } from './profile.ts';
import { DESCRIPTOR_SETS, descriptorDocuments, descriptorResource } from './descriptors.ts';
import {
  courseDoc,
  courseOfferingDoc,
  localEducationAgencyDoc,
  schoolDoc,
  schoolYearTypeDoc,
  sectionDoc,
  sessionDoc,
  staffDoc,
  staffEducationOrganizationAssignmentAssociationDoc,
  staffSectionAssociationDocs,
  studentDoc,
  studentSchoolAssociationDoc,
  studentSectionAssociationDocs,
} from './builders.ts';
import { sectionsPerSchool, sectionsTakenPerStudent } from './layout.ts';

export type WorkKind = 'school' | 'course' | 'staff' | 'student';

/** index is within its kind; for 'course', index = s * coursesPerSchool + c. */
export interface WorkItem {
  kind: WorkKind;
  index: number;
}

/** Level 0, in dependency order: descriptors, the school year, the local education agency. */
export function bootstrapDocuments(p: DataProfile): ResourceDoc[] {
  validateProfile(p);
  const out = descriptorDocuments();
  out.push({ resource: 'schoolYearTypes', body: schoolYearTypeDoc(p) });
  out.push({ resource: 'localEducationAgencies', body: localEducationAgencyDoc() });
  return out;
}

function courseItemCount(p: DataProfile): number {
  return p.schoolCount * p.coursesPerSchool;
}

export function workItemCount(p: DataProfile): number {
  validateProfile(p);
  return p.schoolCount + courseItemCount(p) + p.staffCount + p.studentCount;
}

export function workItemAt(p: DataProfile, i: number): WorkItem {
  const total = workItemCount(p);
  if (!Number.isInteger(i) || i < 0 || i >= total) throw new Error(`work item ${String(i)} out of range 0..${total - 1}`);
  let rest = i;
  if (rest < p.schoolCount) return { kind: 'school', index: rest };
  rest -= p.schoolCount;
  if (rest < courseItemCount(p)) return { kind: 'course', index: rest };
  rest -= courseItemCount(p);
  if (rest < p.staffCount) return { kind: 'staff', index: rest };
  rest -= p.staffCount;
  return { kind: 'student', index: rest };
}

/** The school and the course within it of a 'course' work item. */
export function courseItemPosition(p: DataProfile, index: number): { s: number; c: number } {
  return { s: Math.floor(index / p.coursesPerSchool), c: index % p.coursesPerSchool };
}

function many(resource: string, bodies: ReturnType<typeof studentSectionAssociationDocs>): ResourceDoc[] {
  return bodies.map((body) => ({ resource, body }));
}

/** The documents of one unit, in dependency order. */
export function documentsFor(p: DataProfile, item: WorkItem): ResourceDoc[] {
  switch (item.kind) {
    case 'school':
      return [
        { resource: 'schools', body: schoolDoc(p, item.index) },
        { resource: 'sessions', body: sessionDoc(p, item.index) },
      ];
    case 'course': {
      if (!Number.isInteger(item.index) || item.index < 0 || item.index >= courseItemCount(p)) {
        throw new Error(`course item ${String(item.index)} out of range`);
      }
      const { s, c } = courseItemPosition(p, item.index);
      const out: ResourceDoc[] = [
        { resource: 'courses', body: courseDoc(p, s, c) },
        { resource: 'courseOfferings', body: courseOfferingDoc(p, s, c) },
      ];
      for (let n = 0; n < p.sectionsPerCourse; n++) out.push({ resource: 'sections', body: sectionDoc(p, s, c, n) });
      return out;
    }
    case 'staff':
      return [
        { resource: 'staffs', body: staffDoc(p, item.index) },
        { resource: 'staffEducationOrganizationAssignmentAssociations', body: staffEducationOrganizationAssignmentAssociationDoc(p, item.index) },
        ...many('staffSectionAssociations', staffSectionAssociationDocs(p, item.index)),
      ];
    case 'student':
      return [
        { resource: 'students', body: studentDoc(p, item.index) },
        { resource: 'studentSchoolAssociations', body: studentSchoolAssociationDoc(p, item.index) },
        ...many('studentSectionAssociations', studentSectionAssociationDocs(p, item.index)),
      ];
    default:
      throw new Error(`unknown work item kind '${String((item as WorkItem).kind)}'`);
  }
}

/**
 * Who references a document of `resource`, and so what its definitive failure leaves waiting:
 * - 'later-items': documents of later work items (bootstrap, schools, sessions, courses, course offerings,
 *   sections; a course fails its offering and sections, which students and staff reference). Each of those
 *   would wait out its whole dependency budget (about 50 s) and fail, and the data set cannot be complete.
 * - 'own-item': only the rest of its own work item (a student: its enrolments; a staff member: its
 *   assignment and section associations).
 * - 'none': nothing (the associations).
 */
export type Dependents = 'later-items' | 'own-item' | 'none';

const OWN_ITEM_PREREQUISITES = new Set(['students', 'staffs']);
const LEAVES = new Set([
  'studentSchoolAssociations',
  'studentSectionAssociations',
  'staffSectionAssociations',
  'staffEducationOrganizationAssignmentAssociations',
]);

export function dependentsOf(resource: string): Dependents {
  if (OWN_ITEM_PREREQUISITES.has(resource)) return 'own-item';
  return LEAVES.has(resource) ? 'none' : 'later-items';
}

/** Per resource endpoint name, the number of documents bootstrap + all units produce. */
export function expectedCounts(p: DataProfile): Record<string, number> {
  validateProfile(p);
  const counts: Record<string, number> = {};
  for (const set of DESCRIPTOR_SETS) counts[descriptorResource(set.type)] = set.codes.length;
  const courses = courseItemCount(p);
  // Block rule: with staffCount >= schoolCount every school has staff, otherwise each staff member
  // is alone in a distinct school; sections of schools without staff have no teacher.
  const schoolsWithStaff = Math.min(p.schoolCount, p.staffCount);
  Object.assign(counts, {
    schoolYearTypes: 1,
    localEducationAgencies: 1,
    schools: p.schoolCount,
    sessions: p.schoolCount,
    courses,
    courseOfferings: courses,
    sections: courses * p.sectionsPerCourse,
    staffs: p.staffCount,
    staffEducationOrganizationAssignmentAssociations: p.staffCount,
    staffSectionAssociations: schoolsWithStaff * sectionsPerSchool(p),
    students: p.studentCount,
    studentSchoolAssociations: p.studentCount,
    studentSectionAssociations: p.studentCount * sectionsTakenPerStudent(p),
  });
  return counts;
}

export function expectedTotal(p: DataProfile): number {
  const counts = expectedCounts(p);
  let total = 0;
  for (const k of Object.keys(counts)) total += counts[k];
  return total;
}
