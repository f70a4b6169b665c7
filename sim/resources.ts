// The resource table: adding a resource is adding one entry. Required paths, natural keys, references,
// descriptors and key unification are the Data Standard 5.2 ones as DMS derives them from its ApiSchema:
// Ed-Fi-Alliance-OSS/Data-Management-Service src/dms/backend/EdFi.DataManagementService.Backend.
// RelationalModel.Tests.Unit/Fixtures/authoritative/ds-5.2/expected/authoritative-relational-model.manifest.json
// (per resource: the root table's non-nullable paths, its '_NK' unique constraint, its document-reference
// foreign keys and 'key_unification_equality_constraints'), plus the arrays DS 5.2 requires with at least
// one item. allowIdentityUpdates follows the resources Ed-Fi ships with cascading key updates.

export interface ReferenceDef {
  /** JSON path of the reference object; may pass through arrays: '$.classPeriods[*].classPeriodReference'. */
  path: string;
  /** Endpoint of the referenced resource, or 'educationOrganizations' for any education organization. */
  target: string;
  /** Reference property -> identity part of the target. */
  keys: Record<string, string>;
  required: boolean;
}

export interface ResourceDef {
  endpoint: string;
  resourceName: string;
  /** Paths that must be present and not null; arrays among them need at least one item. */
  required: string[];
  /** Natural key: identity part name -> JSON path. Referencing documents use the part names. */
  identity: Record<string, string>;
  references: ReferenceDef[];
  /** Role-named descriptor properties whose type is not the property name (entryGradeLevelDescriptor -> gradeLevelDescriptors). */
  roleNamedDescriptors: Record<string, string>;
  /** Groups of paths that must hold one value (DMS key unification). */
  sameValues: string[][];
  allowIdentityUpdates: boolean;
  isDescriptor: boolean;
  /** Education organizations share one id space; educationOrganizationReference resolves to any of them. */
  isEducationOrganization: boolean;
}

export const EDUCATION_ORGANIZATIONS = 'educationOrganizations';

type Entry = Pick<ResourceDef, 'endpoint' | 'resourceName' | 'required' | 'identity'> & Partial<ResourceDef>;

function resource(e: Entry): ResourceDef {
  return {
    references: [],
    roleNamedDescriptors: {},
    sameValues: [],
    allowIdentityUpdates: false,
    isDescriptor: false,
    isEducationOrganization: false,
    ...e,
  };
}

/** A reference whose property names equal the target's identity part names. */
function ref(path: string, target: string, fields: string[], required = true): ReferenceDef {
  return { path, target, keys: Object.fromEntries(fields.map((f) => [f, f])), required };
}

const SCHOOL = ['schoolId'];
const SECTION_KEY = ['localCourseCode', 'schoolId', 'schoolYear', 'sectionIdentifier', 'sessionName'];
const CALENDAR_KEY = ['calendarCode', 'schoolId', 'schoolYear'];
const GRADING_PERIOD_KEY = ['gradingPeriodDescriptor', 'gradingPeriodName', 'schoolId', 'schoolYear'];

const sectionIdentity = (refPath: string): Record<string, string> =>
  Object.fromEntries(SECTION_KEY.map((k) => [k, `${refPath}.${k}`]));

export const RESOURCES: ResourceDef[] = [
  resource({
    endpoint: 'schoolYearTypes',
    resourceName: 'SchoolYearType',
    required: ['$.schoolYear', '$.currentSchoolYear', '$.schoolYearDescription'],
    identity: { schoolYear: '$.schoolYear' },
  }),
  resource({
    endpoint: 'stateEducationAgencies',
    resourceName: 'StateEducationAgency',
    required: ['$.stateEducationAgencyId', '$.nameOfInstitution', '$.categories'],
    identity: { stateEducationAgencyId: '$.stateEducationAgencyId' },
    isEducationOrganization: true,
  }),
  resource({
    endpoint: 'localEducationAgencies',
    resourceName: 'LocalEducationAgency',
    required: ['$.localEducationAgencyId', '$.nameOfInstitution', '$.localEducationAgencyCategoryDescriptor', '$.categories'],
    identity: { localEducationAgencyId: '$.localEducationAgencyId' },
    references: [
      ref('$.stateEducationAgencyReference', 'stateEducationAgencies', ['stateEducationAgencyId'], false),
      ref('$.parentLocalEducationAgencyReference', 'localEducationAgencies', ['localEducationAgencyId'], false),
    ],
    isEducationOrganization: true,
  }),
  resource({
    endpoint: 'schools',
    resourceName: 'School',
    required: ['$.schoolId', '$.nameOfInstitution', '$.educationOrganizationCategories', '$.gradeLevels'],
    identity: { schoolId: '$.schoolId' },
    references: [ref('$.localEducationAgencyReference', 'localEducationAgencies', ['localEducationAgencyId'], false)],
    isEducationOrganization: true,
  }),
  resource({
    endpoint: 'students',
    resourceName: 'Student',
    required: ['$.studentUniqueId', '$.firstName', '$.lastSurname', '$.birthDate'],
    identity: { studentUniqueId: '$.studentUniqueId' },
    roleNamedDescriptors: {
      birthCountryDescriptor: 'countryDescriptors',
      birthSexDescriptor: 'sexDescriptors',
      birthStateAbbreviationDescriptor: 'stateAbbreviationDescriptors',
    },
  }),
  resource({
    endpoint: 'staffs',
    resourceName: 'Staff',
    required: ['$.staffUniqueId', '$.firstName', '$.lastSurname'],
    identity: { staffUniqueId: '$.staffUniqueId' },
    roleNamedDescriptors: { highestCompletedLevelOfEducationDescriptor: 'levelOfEducationDescriptors' },
  }),
  resource({
    endpoint: 'studentSchoolAssociations',
    resourceName: 'StudentSchoolAssociation',
    required: ['$.entryDate', '$.entryGradeLevelDescriptor', '$.schoolReference', '$.studentReference'],
    identity: { entryDate: '$.entryDate', schoolId: '$.schoolReference.schoolId', studentUniqueId: '$.studentReference.studentUniqueId' },
    references: [
      ref('$.schoolReference', 'schools', SCHOOL),
      ref('$.studentReference', 'students', ['studentUniqueId']),
      ref('$.schoolYearTypeReference', 'schoolYearTypes', ['schoolYear'], false),
      ref('$.classOfSchoolYearTypeReference', 'schoolYearTypes', ['schoolYear'], false),
      ref('$.calendarReference', 'calendars', CALENDAR_KEY, false),
    ],
    roleNamedDescriptors: { entryGradeLevelDescriptor: 'gradeLevelDescriptors', nextYearGradeLevelDescriptor: 'gradeLevelDescriptors' },
    sameValues: [
      ['$.calendarReference.schoolId', '$.schoolReference.schoolId'],
      ['$.calendarReference.schoolYear', '$.schoolYearTypeReference.schoolYear'],
    ],
    allowIdentityUpdates: true,
  }),
  resource({
    endpoint: 'studentEducationOrganizationAssociations',
    resourceName: 'StudentEducationOrganizationAssociation',
    required: ['$.educationOrganizationReference', '$.studentReference'],
    identity: { educationOrganizationId: '$.educationOrganizationReference.educationOrganizationId', studentUniqueId: '$.studentReference.studentUniqueId' },
    references: [
      ref('$.educationOrganizationReference', EDUCATION_ORGANIZATIONS, ['educationOrganizationId']),
      ref('$.studentReference', 'students', ['studentUniqueId']),
    ],
  }),
  resource({
    endpoint: 'staffSchoolAssociations',
    resourceName: 'StaffSchoolAssociation',
    required: ['$.programAssignmentDescriptor', '$.schoolReference', '$.staffReference'],
    identity: { programAssignmentDescriptor: '$.programAssignmentDescriptor', schoolId: '$.schoolReference.schoolId', staffUniqueId: '$.staffReference.staffUniqueId' },
    references: [
      ref('$.schoolReference', 'schools', SCHOOL),
      ref('$.staffReference', 'staffs', ['staffUniqueId']),
      ref('$.schoolYearTypeReference', 'schoolYearTypes', ['schoolYear'], false),
      ref('$.calendarReference', 'calendars', CALENDAR_KEY, false),
    ],
    sameValues: [
      ['$.calendarReference.schoolId', '$.schoolReference.schoolId'],
      ['$.calendarReference.schoolYear', '$.schoolYearTypeReference.schoolYear'],
    ],
  }),
  resource({
    endpoint: 'staffEducationOrganizationAssignmentAssociations',
    resourceName: 'StaffEducationOrganizationAssignmentAssociation',
    required: ['$.beginDate', '$.educationOrganizationReference', '$.staffClassificationDescriptor', '$.staffReference'],
    identity: {
      beginDate: '$.beginDate',
      educationOrganizationId: '$.educationOrganizationReference.educationOrganizationId',
      staffClassificationDescriptor: '$.staffClassificationDescriptor',
      staffUniqueId: '$.staffReference.staffUniqueId',
    },
    references: [
      ref('$.educationOrganizationReference', EDUCATION_ORGANIZATIONS, ['educationOrganizationId']),
      ref('$.staffReference', 'staffs', ['staffUniqueId']),
    ],
  }),
  resource({
    endpoint: 'sessions',
    resourceName: 'Session',
    required: ['$.beginDate', '$.endDate', '$.schoolReference', '$.schoolYearTypeReference', '$.sessionName', '$.termDescriptor', '$.totalInstructionalDays'],
    identity: { schoolId: '$.schoolReference.schoolId', schoolYear: '$.schoolYearTypeReference.schoolYear', sessionName: '$.sessionName' },
    references: [
      ref('$.schoolReference', 'schools', SCHOOL),
      ref('$.schoolYearTypeReference', 'schoolYearTypes', ['schoolYear']),
      ref('$.gradingPeriods[*].gradingPeriodReference', 'gradingPeriods', GRADING_PERIOD_KEY, false),
    ],
    allowIdentityUpdates: true,
  }),
  resource({
    endpoint: 'courses',
    resourceName: 'Course',
    required: ['$.courseCode', '$.courseTitle', '$.educationOrganizationReference', '$.numberOfParts', '$.identificationCodes'],
    identity: { courseCode: '$.courseCode', educationOrganizationId: '$.educationOrganizationReference.educationOrganizationId' },
    references: [ref('$.educationOrganizationReference', EDUCATION_ORGANIZATIONS, ['educationOrganizationId'])],
  }),
  resource({
    endpoint: 'courseOfferings',
    resourceName: 'CourseOffering',
    required: ['$.courseReference', '$.localCourseCode', '$.schoolReference', '$.sessionReference'],
    identity: {
      localCourseCode: '$.localCourseCode',
      schoolId: '$.schoolReference.schoolId',
      schoolYear: '$.sessionReference.schoolYear',
      sessionName: '$.sessionReference.sessionName',
    },
    references: [
      ref('$.courseReference', 'courses', ['courseCode', 'educationOrganizationId']),
      ref('$.schoolReference', 'schools', SCHOOL),
      ref('$.sessionReference', 'sessions', ['schoolId', 'schoolYear', 'sessionName']),
    ],
    sameValues: [['$.schoolReference.schoolId', '$.sessionReference.schoolId']],
  }),
  resource({
    endpoint: 'sections',
    resourceName: 'Section',
    required: ['$.courseOfferingReference', '$.sectionIdentifier'],
    identity: {
      localCourseCode: '$.courseOfferingReference.localCourseCode',
      schoolId: '$.courseOfferingReference.schoolId',
      schoolYear: '$.courseOfferingReference.schoolYear',
      sectionIdentifier: '$.sectionIdentifier',
      sessionName: '$.courseOfferingReference.sessionName',
    },
    references: [
      ref('$.courseOfferingReference', 'courseOfferings', ['localCourseCode', 'schoolId', 'schoolYear', 'sessionName']),
      ref('$.classPeriods[*].classPeriodReference', 'classPeriods', ['classPeriodName', 'schoolId'], false),
    ],
    sameValues: [['$.courseOfferingReference.schoolId', '$.classPeriods[*].classPeriodReference.schoolId']],
    allowIdentityUpdates: true,
  }),
  resource({
    endpoint: 'studentSectionAssociations',
    resourceName: 'StudentSectionAssociation',
    required: ['$.beginDate', '$.sectionReference', '$.studentReference'],
    identity: { beginDate: '$.beginDate', ...sectionIdentity('$.sectionReference'), studentUniqueId: '$.studentReference.studentUniqueId' },
    references: [ref('$.sectionReference', 'sections', SECTION_KEY), ref('$.studentReference', 'students', ['studentUniqueId'])],
    allowIdentityUpdates: true,
  }),
  resource({
    endpoint: 'staffSectionAssociations',
    resourceName: 'StaffSectionAssociation',
    required: ['$.beginDate', '$.classroomPositionDescriptor', '$.sectionReference', '$.staffReference'],
    identity: { beginDate: '$.beginDate', ...sectionIdentity('$.sectionReference'), staffUniqueId: '$.staffReference.staffUniqueId' },
    references: [ref('$.sectionReference', 'sections', SECTION_KEY), ref('$.staffReference', 'staffs', ['staffUniqueId'])],
  }),
  resource({
    endpoint: 'gradingPeriods',
    resourceName: 'GradingPeriod',
    required: [
      '$.beginDate',
      '$.endDate',
      '$.gradingPeriodDescriptor',
      '$.gradingPeriodName',
      '$.schoolReference',
      '$.schoolYearTypeReference',
      '$.totalInstructionalDays',
    ],
    identity: {
      gradingPeriodDescriptor: '$.gradingPeriodDescriptor',
      gradingPeriodName: '$.gradingPeriodName',
      schoolId: '$.schoolReference.schoolId',
      schoolYear: '$.schoolYearTypeReference.schoolYear',
    },
    references: [ref('$.schoolReference', 'schools', SCHOOL), ref('$.schoolYearTypeReference', 'schoolYearTypes', ['schoolYear'])],
  }),
  resource({
    endpoint: 'grades',
    resourceName: 'Grade',
    required: ['$.gradeTypeDescriptor', '$.gradingPeriodReference', '$.studentSectionAssociationReference'],
    identity: {
      gradeTypeDescriptor: '$.gradeTypeDescriptor',
      gradingPeriodDescriptor: '$.gradingPeriodReference.gradingPeriodDescriptor',
      gradingPeriodName: '$.gradingPeriodReference.gradingPeriodName',
      gradingPeriodSchoolYear: '$.gradingPeriodReference.schoolYear',
      beginDate: '$.studentSectionAssociationReference.beginDate',
      ...sectionIdentity('$.studentSectionAssociationReference'),
      studentUniqueId: '$.studentSectionAssociationReference.studentUniqueId',
    },
    references: [
      ref('$.gradingPeriodReference', 'gradingPeriods', GRADING_PERIOD_KEY),
      ref('$.studentSectionAssociationReference', 'studentSectionAssociations', ['beginDate', ...SECTION_KEY, 'studentUniqueId']),
    ],
    sameValues: [
      ['$.gradingPeriodReference.schoolId', '$.studentSectionAssociationReference.schoolId'],
      ['$.gradingPeriodReference.schoolYear', '$.studentSectionAssociationReference.schoolYear'],
    ],
    allowIdentityUpdates: true,
  }),
  resource({
    endpoint: 'calendars',
    resourceName: 'Calendar',
    required: ['$.calendarCode', '$.calendarTypeDescriptor', '$.schoolReference', '$.schoolYearTypeReference'],
    identity: { calendarCode: '$.calendarCode', schoolId: '$.schoolReference.schoolId', schoolYear: '$.schoolYearTypeReference.schoolYear' },
    references: [ref('$.schoolReference', 'schools', SCHOOL), ref('$.schoolYearTypeReference', 'schoolYearTypes', ['schoolYear'])],
  }),
  resource({
    endpoint: 'calendarDates',
    resourceName: 'CalendarDate',
    required: ['$.calendarReference', '$.date'],
    identity: {
      calendarCode: '$.calendarReference.calendarCode',
      date: '$.date',
      schoolId: '$.calendarReference.schoolId',
      schoolYear: '$.calendarReference.schoolYear',
    },
    references: [ref('$.calendarReference', 'calendars', CALENDAR_KEY)],
  }),
  resource({
    endpoint: 'studentSchoolAttendanceEvents',
    resourceName: 'StudentSchoolAttendanceEvent',
    required: ['$.attendanceEventCategoryDescriptor', '$.eventDate', '$.schoolReference', '$.sessionReference', '$.studentReference'],
    identity: {
      attendanceEventCategoryDescriptor: '$.attendanceEventCategoryDescriptor',
      eventDate: '$.eventDate',
      schoolId: '$.schoolReference.schoolId',
      schoolYear: '$.sessionReference.schoolYear',
      sessionName: '$.sessionReference.sessionName',
      studentUniqueId: '$.studentReference.studentUniqueId',
    },
    references: [
      ref('$.schoolReference', 'schools', SCHOOL),
      ref('$.sessionReference', 'sessions', ['schoolId', 'schoolYear', 'sessionName']),
      ref('$.studentReference', 'students', ['studentUniqueId']),
    ],
    sameValues: [['$.schoolReference.schoolId', '$.sessionReference.schoolId']],
  }),
  resource({
    endpoint: 'classPeriods',
    resourceName: 'ClassPeriod',
    required: ['$.classPeriodName', '$.schoolReference'],
    identity: { classPeriodName: '$.classPeriodName', schoolId: '$.schoolReference.schoolId' },
    references: [ref('$.schoolReference', 'schools', SCHOOL)],
    allowIdentityUpdates: true,
  }),
];

/** Any '*Descriptors' endpoint gets this generic definition: natural key is the URI namespace#codeValue. */
export function descriptorResource(endpoint: string): ResourceDef {
  return resource({
    endpoint,
    resourceName: endpoint.charAt(0).toUpperCase() + endpoint.slice(1, -1),
    required: ['$.namespace', '$.codeValue', '$.shortDescription'],
    identity: { namespace: '$.namespace', codeValue: '$.codeValue' },
    isDescriptor: true,
  });
}

/** 'gradeLevelDescriptor' -> 'gradeLevelDescriptors', unless the resource names a role-named property. */
export function descriptorEndpointFor(property: string, def: ResourceDef): string {
  return def.roleNamedDescriptors[property] ?? property + 's';
}

/** Descriptor endpoints listed by /metadata/dependencies even before any is stored: the ones the table's resources use. */
export const KNOWN_DESCRIPTORS = [
  'academicSubjectDescriptors',
  'attendanceEventCategoryDescriptors',
  'calendarEventDescriptors',
  'calendarTypeDescriptors',
  'classroomPositionDescriptors',
  'countryDescriptors',
  'courseIdentificationSystemDescriptors',
  'educationOrganizationCategoryDescriptors',
  'educationalEnvironmentDescriptors',
  'electronicMailTypeDescriptors',
  'entryTypeDescriptors',
  'exitWithdrawTypeDescriptors',
  'gradeLevelDescriptors',
  'gradeTypeDescriptors',
  'gradingPeriodDescriptors',
  'levelOfEducationDescriptors',
  'localEducationAgencyCategoryDescriptors',
  'programAssignmentDescriptors',
  'schoolCategoryDescriptors',
  'sexDescriptors',
  'staffClassificationDescriptors',
  'stateAbbreviationDescriptors',
  'termDescriptors',
];
