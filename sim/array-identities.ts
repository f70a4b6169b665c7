// The identifying values of each collection's items in the stand-in's resources, as DMS checks them for
// uniqueness (ArrayUniquenessValidationMiddleware.cs, ReferenceArrayUniquenessValidationMiddleware.cs with
// the ApiSchema's arrayUniquenessConstraints). Read from Ed-Fi-Alliance-OSS/Data-Management-Service
// src/dms/backend/EdFi.DataManagementService.Backend.RelationalModel.Tests.Unit/Fixtures/authoritative/
// ds-5.2/expected/authoritative-relational-model.manifest.json: each collection table's 'scope' and its
// 'semantic_identity_bindings' (paths relative to one item). Data: regenerate from that manifest.

/** Endpoint -> collection scope ('$.gradeLevels[*]', nested '$.addresses[*].periods[*]') -> identifying relative paths. */
export const ARRAY_IDENTITIES: Record<string, Record<string, string[]>> = {
  stateEducationAgencies: {
    '$.accountabilities[*]': ['$.schoolYearTypeReference.schoolYear'],
    '$.addresses[*]': ['$.addressTypeDescriptor', '$.city', '$.postalCode', '$.stateAbbreviationDescriptor', '$.streetNumberName'],
    '$.categories[*]': ['$.educationOrganizationCategoryDescriptor'],
    '$.federalFunds[*]': ['$.fiscalYear'],
    '$.identificationCodes[*]': ['$.educationOrganizationIdentificationSystemDescriptor'],
    '$.indicators[*]': ['$.indicatorDescriptor'],
    '$.institutionTelephones[*]': ['$.institutionTelephoneNumberTypeDescriptor'],
    '$.internationalAddresses[*]': ['$.addressTypeDescriptor'],
    '$.addresses[*].periods[*]': ['$.beginDate'],
    '$.indicators[*].periods[*]': ['$.beginDate'],
  },
  localEducationAgencies: {
    '$.accountabilities[*]': ['$.schoolYearTypeReference.schoolYear'],
    '$.addresses[*]': ['$.addressTypeDescriptor', '$.city', '$.postalCode', '$.stateAbbreviationDescriptor', '$.streetNumberName'],
    '$.categories[*]': ['$.educationOrganizationCategoryDescriptor'],
    '$.federalFunds[*]': ['$.fiscalYear'],
    '$.identificationCodes[*]': ['$.educationOrganizationIdentificationSystemDescriptor'],
    '$.indicators[*]': ['$.indicatorDescriptor'],
    '$.institutionTelephones[*]': ['$.institutionTelephoneNumberTypeDescriptor'],
    '$.internationalAddresses[*]': ['$.addressTypeDescriptor'],
    '$.addresses[*].periods[*]': ['$.beginDate'],
    '$.indicators[*].periods[*]': ['$.beginDate'],
  },
  schools: {
    '$.addresses[*]': ['$.addressTypeDescriptor', '$.city', '$.postalCode', '$.stateAbbreviationDescriptor', '$.streetNumberName'],
    '$.educationOrganizationCategories[*]': ['$.educationOrganizationCategoryDescriptor'],
    '$.gradeLevels[*]': ['$.gradeLevelDescriptor'],
    '$.identificationCodes[*]': ['$.educationOrganizationIdentificationSystemDescriptor'],
    '$.indicators[*]': ['$.indicatorDescriptor'],
    '$.institutionTelephones[*]': ['$.institutionTelephoneNumberTypeDescriptor'],
    '$.internationalAddresses[*]': ['$.addressTypeDescriptor'],
    '$.schoolCategories[*]': ['$.schoolCategoryDescriptor'],
    '$.addresses[*].periods[*]': ['$.beginDate'],
    '$.indicators[*].periods[*]': ['$.beginDate'],
  },
  students: {
    '$.identificationDocuments[*]': ['$.identificationDocumentUseDescriptor', '$.personalInformationVerificationDescriptor'],
    '$.otherNames[*]': ['$.otherNameTypeDescriptor'],
    '$.personalIdentificationDocuments[*]': ['$.identificationDocumentUseDescriptor', '$.personalInformationVerificationDescriptor'],
    '$.visas[*]': ['$.visaDescriptor'],
  },
  staffs: {
    '$.addresses[*]': ['$.addressTypeDescriptor', '$.city', '$.postalCode', '$.stateAbbreviationDescriptor', '$.streetNumberName'],
    '$.ancestryEthnicOrigins[*]': ['$.ancestryEthnicOriginDescriptor'],
    '$.credentials[*]': ['$.credentialReference.credentialIdentifier', '$.credentialReference.stateOfIssueStateAbbreviationDescriptor'],
    '$.electronicMails[*]': ['$.electronicMailAddress', '$.electronicMailTypeDescriptor'],
    '$.identificationCodes[*]': ['$.staffIdentificationSystemDescriptor'],
    '$.identificationDocuments[*]': ['$.identificationDocumentUseDescriptor', '$.personalInformationVerificationDescriptor'],
    '$.internationalAddresses[*]': ['$.addressTypeDescriptor'],
    '$.languages[*]': ['$.languageDescriptor'],
    '$.otherNames[*]': ['$.otherNameTypeDescriptor'],
    '$.personalIdentificationDocuments[*]': ['$.identificationDocumentUseDescriptor', '$.personalInformationVerificationDescriptor'],
    '$.races[*]': ['$.raceDescriptor'],
    '$.recognitions[*]': ['$.recognitionTypeDescriptor'],
    '$.telephones[*]': ['$.telephoneNumber', '$.telephoneNumberTypeDescriptor'],
    '$.tribalAffiliations[*]': ['$.tribalAffiliationDescriptor'],
    '$.visas[*]': ['$.visaDescriptor'],
    '$.addresses[*].periods[*]': ['$.beginDate'],
    '$.languages[*].uses[*]': ['$.languageUseDescriptor'],
  },
  studentSchoolAssociations: {
    '$.alternativeGraduationPlans[*]': ['$.alternativeGraduationPlanReference.educationOrganizationId', '$.alternativeGraduationPlanReference.graduationPlanTypeDescriptor', '$.alternativeGraduationPlanReference.graduationSchoolYear'],
    '$.educationPlans[*]': ['$.educationPlanDescriptor'],
  },
  studentEducationOrganizationAssociations: {
    '$.addresses[*]': ['$.addressTypeDescriptor', '$.city', '$.postalCode', '$.stateAbbreviationDescriptor', '$.streetNumberName'],
    '$.ancestryEthnicOrigins[*]': ['$.ancestryEthnicOriginDescriptor'],
    '$.cohortYears[*]': ['$.cohortYearTypeDescriptor', '$.schoolYearTypeReference.schoolYear'],
    '$.disabilities[*]': ['$.disabilityDescriptor'],
    '$.displacedStudents[*]': ['$.crisisEventReference.crisisEventName'],
    '$.electronicMails[*]': ['$.electronicMailAddress', '$.electronicMailTypeDescriptor'],
    '$.internationalAddresses[*]': ['$.addressTypeDescriptor'],
    '$.languages[*]': ['$.languageDescriptor'],
    '$.races[*]': ['$.raceDescriptor'],
    '$.studentCharacteristics[*]': ['$.studentCharacteristicDescriptor'],
    '$.studentIdentificationCodes[*]': ['$.assigningOrganizationIdentificationCode', '$.studentIdentificationSystemDescriptor'],
    '$.studentIndicators[*]': ['$.indicatorName'],
    '$.telephones[*]': ['$.telephoneNumber', '$.telephoneNumberTypeDescriptor'],
    '$.tribalAffiliations[*]': ['$.tribalAffiliationDescriptor'],
    '$.addresses[*].periods[*]': ['$.beginDate'],
    '$.disabilities[*].designations[*]': ['$.disabilityDesignationDescriptor'],
    '$.languages[*].uses[*]': ['$.languageUseDescriptor'],
    '$.studentCharacteristics[*].periods[*]': ['$.beginDate'],
    '$.studentIndicators[*].periods[*]': ['$.beginDate'],
  },
  staffSchoolAssociations: {
    '$.academicSubjects[*]': ['$.academicSubjectDescriptor'],
    '$.gradeLevels[*]': ['$.gradeLevelDescriptor'],
  },
  sessions: {
    '$.academicWeeks[*]': ['$.academicWeekReference.schoolId', '$.academicWeekReference.weekIdentifier'],
    '$.gradingPeriods[*]': ['$.gradingPeriodReference.gradingPeriodDescriptor', '$.gradingPeriodReference.gradingPeriodName', '$.gradingPeriodReference.schoolId', '$.gradingPeriodReference.schoolYear'],
  },
  courses: {
    '$.academicSubjects[*]': ['$.academicSubjectDescriptor'],
    '$.competencyLevels[*]': ['$.competencyLevelDescriptor'],
    '$.identificationCodes[*]': ['$.courseIdentificationSystemDescriptor'],
    '$.learningStandards[*]': ['$.learningStandardReference.learningStandardId'],
    '$.levelCharacteristics[*]': ['$.courseLevelCharacteristicDescriptor'],
    '$.offeredGradeLevels[*]': ['$.gradeLevelDescriptor'],
  },
  courseOfferings: {
    '$.courseLevelCharacteristics[*]': ['$.courseLevelCharacteristicDescriptor'],
    '$.curriculumUseds[*]': ['$.curriculumUsedDescriptor'],
    '$.offeredGradeLevels[*]': ['$.gradeLevelDescriptor'],
  },
  sections: {
    '$.characteristics[*]': ['$.sectionCharacteristicDescriptor'],
    '$.classPeriods[*]': ['$.classPeriodReference.classPeriodName', '$.classPeriodReference.schoolId'],
    '$.courseLevelCharacteristics[*]': ['$.courseLevelCharacteristicDescriptor'],
    '$.offeredGradeLevels[*]': ['$.gradeLevelDescriptor'],
    '$.programs[*]': ['$.programReference.educationOrganizationId', '$.programReference.programName', '$.programReference.programTypeDescriptor'],
  },
  studentSectionAssociations: {
    '$.programs[*]': ['$.programReference.educationOrganizationId', '$.programReference.programName', '$.programReference.programTypeDescriptor'],
  },
  grades: {
    '$.learningStandardGrades[*]': ['$.learningStandardReference.learningStandardId'],
  },
  calendars: {
    '$.gradeLevels[*]': ['$.gradeLevelDescriptor'],
  },
  calendarDates: {
    '$.calendarEvents[*]': ['$.calendarEventDescriptor'],
  },
  classPeriods: {
    '$.meetingTimes[*]': ['$.endTime', '$.startTime'],
  },
};
