// One builder per resource. Each returns a fresh, valid Data Standard 5.2 request body for entity
// number `index` of the profile; the same index always gives a deep-equal body.

import type { DataProfile, Doc } from './profile.ts';
import { descriptorUri } from './descriptors.ts';
import { GRADE_LEVELS, SCHOOL_LEVELS, courseInfo, schoolLevel } from './catalog.ts';
import {
  addDays,
  fallSemesterBegin,
  fallSemesterEnd,
  fallSemesterInstructionalDays,
  isoDate,
  schoolYearDescription,
  startYear,
} from './calendar.ts';
import { EMAIL_DOMAIN, FEMALE_FIRST_NAMES, LAST_NAMES, LEA_NAME, MALE_FIRST_NAMES, SCHOOL_PLACES, SCHOOL_PLACE_PREFIXES } from './names.ts';
import { Salt, hash32, pick } from './hash.ts';
import {
  LEA_ID,
  courseCode,
  courseOfferingReference,
  courseReference,
  localCourseCode,
  schoolId,
  sectionIdentifier,
  sectionReference,
  sessionName,
  sessionReference,
  staffSchool,
  staffUniqueId,
  studentSchool,
  studentUniqueId,
} from './keys.ts';
import { gradeForSeed, gradesOfSchool, sectionsForSeed, sectionsTaughtBy, sectionAt } from './layout.ts';

export { descriptorUri };

const gradeLevelUri = (grade: number): string => descriptorUri('GradeLevelDescriptor', GRADE_LEVELS[grade]);

// ---- level 0: school year, local education agency ----------------------------------------------

export function schoolYearTypeDoc(p: DataProfile): Doc {
  return { schoolYear: p.schoolYear, currentSchoolYear: true, schoolYearDescription: schoolYearDescription(p.schoolYear) };
}

export function localEducationAgencyDoc(): Doc {
  return {
    localEducationAgencyId: LEA_ID,
    nameOfInstitution: LEA_NAME,
    categories: [{ educationOrganizationCategoryDescriptor: descriptorUri('EducationOrganizationCategoryDescriptor', 'Local Education Agency') }],
    localEducationAgencyCategoryDescriptor: descriptorUri('LocalEducationAgencyCategoryDescriptor', 'Regular public school district'),
  };
}

// ---- schools and sessions ------------------------------------------------------------------------

/** 'North Cedar Creek Middle School': level cycles per school, then place, then direction prefix. */
export function schoolName(s: number): string {
  const slot = Math.floor(s / SCHOOL_LEVELS.length);
  const place = SCHOOL_PLACES[slot % SCHOOL_PLACES.length];
  const prefixSlot = Math.floor(slot / SCHOOL_PLACES.length);
  const prefix = SCHOOL_PLACE_PREFIXES[prefixSlot % SCHOOL_PLACE_PREFIXES.length];
  const round = Math.floor(prefixSlot / SCHOOL_PLACE_PREFIXES.length);
  return `${prefix}${place} ${schoolLevel(s).name}${round > 0 ? ` ${round + 1}` : ''}`;
}

export function schoolDoc(_p: DataProfile, s: number): Doc {
  return {
    schoolId: schoolId(s),
    nameOfInstitution: schoolName(s),
    educationOrganizationCategories: [{ educationOrganizationCategoryDescriptor: descriptorUri('EducationOrganizationCategoryDescriptor', 'School') }],
    schoolCategories: [{ schoolCategoryDescriptor: descriptorUri('SchoolCategoryDescriptor', schoolLevel(s).category) }],
    gradeLevels: gradesOfSchool(s).map((g) => ({ gradeLevelDescriptor: gradeLevelUri(g) })),
    localEducationAgencyReference: { localEducationAgencyId: LEA_ID },
  };
}

export function sessionDoc(p: DataProfile, s: number): Doc {
  return {
    sessionName: sessionName(p),
    schoolReference: { schoolId: schoolId(s) },
    schoolYearTypeReference: { schoolYear: p.schoolYear },
    beginDate: fallSemesterBegin(p.schoolYear),
    endDate: fallSemesterEnd(p.schoolYear),
    termDescriptor: descriptorUri('TermDescriptor', 'Fall Semester'),
    totalInstructionalDays: fallSemesterInstructionalDays(p.schoolYear),
  };
}

// ---- courses, offerings, sections (course c of school s) ---------------------------------------

export function courseDoc(_p: DataProfile, s: number, c: number): Doc {
  const info = courseInfo(s, c);
  return {
    courseCode: courseCode(s, c),
    educationOrganizationReference: { educationOrganizationId: schoolId(s) },
    courseTitle: info.title,
    numberOfParts: 1,
    academicSubjects: [{ academicSubjectDescriptor: descriptorUri('AcademicSubjectDescriptor', info.template.subject) }],
    identificationCodes: [
      {
        courseIdentificationSystemDescriptor: descriptorUri('CourseIdentificationSystemDescriptor', 'CSSC course code'),
        identificationCode: info.template.cssc,
      },
    ],
  };
}

export function courseOfferingDoc(p: DataProfile, s: number, c: number): Doc {
  return {
    localCourseCode: localCourseCode(s, c),
    localCourseTitle: courseInfo(s, c).title,
    courseReference: courseReference(s, c),
    schoolReference: { schoolId: schoolId(s) },
    sessionReference: sessionReference(p, s),
  };
}

/** Section n (0-based) of course c of school s. */
export function sectionDoc(p: DataProfile, s: number, c: number, n: number): Doc {
  return {
    sectionIdentifier: sectionIdentifier(s, c, n),
    courseOfferingReference: courseOfferingReference(p, s, c),
  };
}

// ---- people: shared name and date rules ---------------------------------------------------------

interface Person {
  female: boolean;
  firstName: string;
  middleName: string;
  lastSurname: string;
}

/** Names of person `index`; saltBase separates families of people (students, staff, new students). */
function person(index: number, saltBase: number): Person {
  const female = (hash32(index, saltBase + Salt.sex) & 1) === 0;
  const firsts = female ? FEMALE_FIRST_NAMES : MALE_FIRST_NAMES;
  return {
    female,
    firstName: pick(firsts, index, saltBase + Salt.firstName),
    middleName: pick(firsts, index, saltBase + Salt.middleName),
    lastSurname: pick(LAST_NAMES, index, saltBase + Salt.lastName),
  };
}

const STUDENT_SALTS = 0;
const STAFF_SALTS = 100;
const NEW_STUDENT_SALTS = 200;

/** Students are 5 on September 1 of Kindergarten: born between Sept 2 and Sept 1 a year later. */
function birthDateFor(p: DataProfile, grade: number, index: number, saltBase: number): string {
  const first = isoDate(startYear(p.schoolYear) - grade - 6, 9, 2);
  return addDays(first, hash32(index, saltBase + Salt.birthDay) % 365);
}

interface StudentSpec {
  uniqueId: string;
  school: number;
  index: number; // seeds names, dates, grade and sections
  saltBase: number;
}

function existingStudent(p: DataProfile, i: number): StudentSpec {
  return { uniqueId: studentUniqueId(i), school: studentSchool(p, i), index: i, saltBase: STUDENT_SALTS };
}

/** New student i goes to school i mod schoolCount. */
function newStudent(p: DataProfile, uniqueId: string, i: number): StudentSpec {
  if (typeof uniqueId !== 'string' || uniqueId.length === 0 || uniqueId.trim() !== uniqueId || uniqueId.length > 32) {
    throw new Error(`newStudent: invalid studentUniqueId '${String(uniqueId)}'`);
  }
  if (!Number.isInteger(i) || i < 0) throw new Error(`newStudent: index must be a non-negative integer, got ${String(i)}`);
  return { uniqueId, school: i % p.schoolCount, index: i, saltBase: NEW_STUDENT_SALTS };
}

function gradeOf(st: StudentSpec): number {
  return gradeForSeed(st.school, hash32(st.index, st.saltBase + Salt.grade));
}

function buildStudent(p: DataProfile, st: StudentSpec): Doc {
  const who = person(st.index, st.saltBase);
  return {
    studentUniqueId: st.uniqueId,
    firstName: who.firstName,
    middleName: who.middleName,
    lastSurname: who.lastSurname,
    birthDate: birthDateFor(p, gradeOf(st), st.index, st.saltBase),
    birthSexDescriptor: descriptorUri('SexDescriptor', who.female ? 'Female' : 'Male'),
  };
}

function buildStudentSchoolAssociation(p: DataProfile, st: StudentSpec): Doc {
  return {
    entryDate: fallSemesterBegin(p.schoolYear),
    schoolReference: { schoolId: schoolId(st.school) },
    studentReference: { studentUniqueId: st.uniqueId },
    entryGradeLevelDescriptor: gradeLevelUri(gradeOf(st)),
  };
}

function buildStudentSectionAssociations(p: DataProfile, st: StudentSpec): Doc[] {
  const beginDate = fallSemesterBegin(p.schoolYear);
  return sectionsForSeed(p, hash32(st.index, st.saltBase + Salt.sections)).map((pos) => ({
    beginDate,
    sectionReference: sectionReference(p, st.school, pos.c, pos.n),
    studentReference: { studentUniqueId: st.uniqueId },
  }));
}

// ---- students -----------------------------------------------------------------------------------

export function studentDoc(p: DataProfile, i: number): Doc {
  return buildStudent(p, existingStudent(p, i));
}

export function studentSchoolAssociationDoc(p: DataProfile, i: number): Doc {
  return buildStudentSchoolAssociation(p, existingStudent(p, i));
}

/** min(sectionsPerStudent, sections in the school) distinct sections of the student's school. */
export function studentSectionAssociationDocs(p: DataProfile, i: number): Doc[] {
  return buildStudentSectionAssociations(p, existingStudent(p, i));
}

/** A student created during the readwrite phase; names and dates from i (not those of loaded student i). */
export function newStudentDoc(p: DataProfile, uniqueId: string, i: number): Doc {
  return buildStudent(p, newStudent(p, uniqueId, i));
}

/** The new student's enrolment at school (i mod schoolCount). */
export function newStudentSchoolAssociationDoc(p: DataProfile, uniqueId: string, i: number): Doc {
  return buildStudentSchoolAssociation(p, newStudent(p, uniqueId, i));
}

/** The new student's section enrolments, same rule as loaded students (sections of its school). */
export function newStudentSectionAssociationDocs(p: DataProfile, uniqueId: string, i: number): Doc[] {
  return buildStudentSectionAssociations(p, newStudent(p, uniqueId, i));
}

// ---- staff --------------------------------------------------------------------------------------

function staffYearsAtSchool(j: number): number {
  return hash32(j, STAFF_SALTS + Salt.staffHire) % 15;
}

export function staffDoc(_p: DataProfile, j: number): Doc {
  const who = person(j, STAFF_SALTS);
  const local = `${who.firstName}.${who.lastSurname}.${j}`.toLowerCase().replace(/[^a-z0-9.]/g, '');
  return {
    staffUniqueId: staffUniqueId(j),
    personalTitlePrefix: who.female ? 'Ms.' : 'Mr.',
    firstName: who.firstName,
    middleName: who.middleName,
    lastSurname: who.lastSurname,
    sexDescriptor: descriptorUri('SexDescriptor', who.female ? 'Female' : 'Male'),
    yearsOfPriorProfessionalExperience: staffYearsAtSchool(j) + (hash32(j, STAFF_SALTS + Salt.birthDay) % 8),
    electronicMails: [
      {
        electronicMailAddress: `${local}@${EMAIL_DOMAIN}`,
        electronicMailTypeDescriptor: descriptorUri('ElectronicMailTypeDescriptor', 'Work'),
      },
    ],
  };
}

/** Staff j is a teacher at its school (block rule), hired on August 1 some years before the school year. */
export function staffEducationOrganizationAssignmentAssociationDoc(p: DataProfile, j: number): Doc {
  const s = staffSchool(p, j);
  return {
    beginDate: isoDate(startYear(p.schoolYear) - staffYearsAtSchool(j), 8, 1),
    educationOrganizationReference: { educationOrganizationId: schoolId(s) },
    staffReference: { staffUniqueId: staffUniqueId(j) },
    staffClassificationDescriptor: descriptorUri('StaffClassificationDescriptor', schoolLevel(s).teacherClassification),
    positionTitle: 'Teacher',
  };
}

/** One staffSectionAssociation per section staff j teaches (section k of its school, k mod staffInSchool = rank). */
export function staffSectionAssociationDocs(p: DataProfile, j: number): Doc[] {
  const s = staffSchool(p, j);
  const beginDate = fallSemesterBegin(p.schoolYear);
  return sectionsTaughtBy(p, j).map((k) => {
    const pos = sectionAt(p, k);
    return {
      beginDate,
      sectionReference: sectionReference(p, s, pos.c, pos.n),
      staffReference: { staffUniqueId: staffUniqueId(j) },
      classroomPositionDescriptor: descriptorUri('ClassroomPositionDescriptor', 'Teacher of Record'),
    };
  });
}

// ---- the volume phase's enrolments ----------------------------------------------------------------

/** Entry dates the volume phase uses: the days after the loaded enrolments' entry date, in the school year. */
export const VOLUME_ENTRY_DAYS = 300;

/**
 * Enrolment number k of the volume phase (POSTed, updated, DELETEd): loaded student k mod studentCount at
 * that student's school, entering on one of the VOLUME_ENTRY_DAYS days after the load phase's entry date,
 * so its natural key (student, school, entry date) is new to the data set. Keys repeat only after
 * studentCount x VOLUME_ENTRY_DAYS enrolments, long after k's own was deleted.
 */
export function volumeEnrollmentDoc(p: DataProfile, k: number): Doc {
  if (!Number.isInteger(k) || k < 0) throw new Error(`volumeEnrollmentDoc: k must be a non-negative integer, got ${String(k)}`);
  const student = k % p.studentCount;
  const day = 1 + (Math.floor(k / p.studentCount) % VOLUME_ENTRY_DAYS);
  return { ...studentSchoolAssociationDoc(p, student), entryDate: addDays(fallSemesterBegin(p.schoolYear), day) };
}
