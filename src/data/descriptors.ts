// The descriptors the data set uses, all in the standard 'uri://ed-fi.org/<Type>Descriptor' namespaces.

import type { Doc, ResourceDoc } from './profile.ts';
import { ACADEMIC_SUBJECTS, GRADE_LEVELS, SCHOOL_LEVELS } from './catalog.ts';

export const DESCRIPTOR_NAMESPACE_PREFIX = 'uri://ed-fi.org/';

function withSuffix(descriptorType: string): string {
  return descriptorType.endsWith('Descriptor') ? descriptorType : descriptorType + 'Descriptor';
}

/** 'uri://ed-fi.org/GradeLevelDescriptor#Ninth grade'. The type may be given with or without the 'Descriptor' suffix. */
export const descriptorUri = (descriptorType: string, codeValue: string): string =>
  `${DESCRIPTOR_NAMESPACE_PREFIX}${withSuffix(descriptorType)}#${codeValue}`;

/** DMS endpoint name of a descriptor type: 'GradeLevelDescriptor' -> 'gradeLevelDescriptors'. */
export function descriptorResource(descriptorType: string): string {
  const t = withSuffix(descriptorType);
  return t.charAt(0).toLowerCase() + t.slice(1) + 's';
}

interface DescriptorSet {
  type: string;
  codes: readonly string[];
}

/** Every descriptor referenced by a builder, in a fixed order (types alphabetical). */
export const DESCRIPTOR_SETS: readonly DescriptorSet[] = [
  { type: 'AcademicSubjectDescriptor', codes: ACADEMIC_SUBJECTS },
  { type: 'ClassroomPositionDescriptor', codes: ['Teacher of Record'] },
  { type: 'CourseIdentificationSystemDescriptor', codes: ['CSSC course code'] },
  { type: 'EducationOrganizationCategoryDescriptor', codes: ['Local Education Agency', 'School'] },
  { type: 'ElectronicMailTypeDescriptor', codes: ['Work'] },
  { type: 'GradeLevelDescriptor', codes: GRADE_LEVELS },
  { type: 'LocalEducationAgencyCategoryDescriptor', codes: ['Regular public school district'] },
  { type: 'SchoolCategoryDescriptor', codes: SCHOOL_LEVELS.map((l) => l.category) },
  { type: 'SexDescriptor', codes: ['Female', 'Male'] },
  { type: 'StaffClassificationDescriptor', codes: [...new Set(SCHOOL_LEVELS.map((l) => l.teacherClassification))] },
  { type: 'TermDescriptor', codes: ['Fall Semester'] },
];

/** shortDescription is limited to 75 characters; the standard code values all fit. */
export function descriptorDoc(descriptorType: string, codeValue: string): Doc {
  return {
    namespace: DESCRIPTOR_NAMESPACE_PREFIX + withSuffix(descriptorType),
    codeValue,
    shortDescription: codeValue,
    description: codeValue,
  };
}

export function descriptorDocuments(): ResourceDoc[] {
  const out: ResourceDoc[] = [];
  for (const set of DESCRIPTOR_SETS) {
    const resource = descriptorResource(set.type);
    for (const code of set.codes) out.push({ resource, body: descriptorDoc(set.type, code) });
  }
  return out;
}
