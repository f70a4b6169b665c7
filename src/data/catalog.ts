// Constant catalogues: grade levels, the three school levels and their course lists.
// Small, immutable, shared by every entity; entities only index into them.

// Descriptor code values are Ed-Fi Data Standard 5.2's own (Descriptors/*.xml at v5.2.0), spelled exactly,
// so on a DMS with the standard descriptors loaded the data set references them instead of adding
// look-alikes.

/** Grade level code values, index = grade number (0 = Kindergarten .. 12 = Twelfth grade). */
export const GRADE_LEVELS: readonly string[] = [
  'Kindergarten', 'First grade', 'Second grade', 'Third grade', 'Fourth grade', 'Fifth grade', 'Sixth grade',
  'Seventh grade', 'Eighth grade', 'Ninth grade', 'Tenth grade', 'Eleventh grade', 'Twelfth grade',
];

export interface CourseTemplate {
  code: string; // short mnemonic, combined with the course's sequence number into the course code
  title: string;
  subject: string; // AcademicSubjectDescriptor code value
  cssc: string; // value of the 'CSSC course code' identification code
}

export interface SchoolLevel {
  name: string; // suffix of the school name
  category: string; // SchoolCategoryDescriptor code value
  teacherClassification: string; // StaffClassificationDescriptor code value of its teachers
  firstGrade: number;
  lastGrade: number;
  courses: readonly CourseTemplate[];
}

const ELA = 'English Language Arts';
const MATH = 'Mathematics';
const SCI = 'Science';
const SOC = 'Social Studies';
const ARTS = 'Fine and Performing Arts';
const PE = 'Physical, Health, and Safety Education';
const LANG = 'Foreign Language and Literature';
const CTE = 'Career and Technical Education'; // DS 5.2 has no computing subject
const READ = 'Reading';

/** AcademicSubjectDescriptor code values used by the course catalogue below. */
export const ACADEMIC_SUBJECTS: readonly string[] = [ELA, MATH, SCI, SOC, ARTS, PE, LANG, CTE, READ];

export const SCHOOL_LEVELS: readonly SchoolLevel[] = [
  {
    name: 'Elementary School',
    category: 'Elementary School',
    teacherClassification: 'Elementary Teacher',
    firstGrade: 0,
    lastGrade: 5,
    courses: [
      { code: 'ELA', title: 'English Language Arts', subject: ELA, cssc: '51026' },
      { code: 'MTH', title: 'Mathematics', subject: MATH, cssc: '52031' },
      { code: 'RDG', title: 'Reading', subject: READ, cssc: '51031' },
      { code: 'SCI', title: 'Science', subject: SCI, cssc: '53231' },
      { code: 'SST', title: 'Social Studies', subject: SOC, cssc: '54431' },
      { code: 'ART', title: 'Visual Arts', subject: ARTS, cssc: '55031' },
      { code: 'MUS', title: 'General Music', subject: ARTS, cssc: '55131' },
      { code: 'PED', title: 'Physical Education', subject: PE, cssc: '58031' },
    ],
  },
  {
    name: 'Middle School',
    category: 'Middle School',
    teacherClassification: 'Secondary Teacher',
    firstGrade: 6,
    lastGrade: 8,
    courses: [
      { code: 'ELA', title: 'English Language Arts', subject: ELA, cssc: '01051' },
      { code: 'PAL', title: 'Pre-Algebra', subject: MATH, cssc: '02051' },
      { code: 'LSC', title: 'Life Science', subject: SCI, cssc: '03052' },
      { code: 'ESC', title: 'Earth Science', subject: SCI, cssc: '03001' },
      { code: 'USH', title: 'U.S. History', subject: SOC, cssc: '04101' },
      { code: 'GEO', title: 'World Geography', subject: SOC, cssc: '04001' },
      { code: 'SPA', title: 'Spanish I', subject: LANG, cssc: '06101' },
      { code: 'BND', title: 'Band', subject: ARTS, cssc: '05101' },
      { code: 'HLT', title: 'Health Education', subject: PE, cssc: '08051' },
      { code: 'PED', title: 'Physical Education', subject: PE, cssc: '08001' },
      { code: 'CMP', title: 'Computer Literacy', subject: CTE, cssc: '10001' },
    ],
  },
  {
    name: 'High School',
    category: 'High School',
    teacherClassification: 'Secondary Teacher',
    firstGrade: 9,
    lastGrade: 12,
    courses: [
      { code: 'EN1', title: 'English I', subject: ELA, cssc: '01001' },
      { code: 'EN2', title: 'English II', subject: ELA, cssc: '01002' },
      { code: 'AL1', title: 'Algebra I', subject: MATH, cssc: '02052' },
      { code: 'GEO', title: 'Geometry', subject: MATH, cssc: '02072' },
      { code: 'AL2', title: 'Algebra II', subject: MATH, cssc: '02056' },
      { code: 'BIO', title: 'Biology', subject: SCI, cssc: '03051' },
      { code: 'CHM', title: 'Chemistry', subject: SCI, cssc: '03101' },
      { code: 'PHY', title: 'Physics', subject: SCI, cssc: '03151' },
      { code: 'WHI', title: 'World History', subject: SOC, cssc: '04051' },
      { code: 'USH', title: 'U.S. History', subject: SOC, cssc: '04101' },
      { code: 'GOV', title: 'U.S. Government', subject: SOC, cssc: '04151' },
      { code: 'ECO', title: 'Economics', subject: SOC, cssc: '04201' },
      { code: 'SP1', title: 'Spanish I', subject: LANG, cssc: '06101' },
      { code: 'SP2', title: 'Spanish II', subject: LANG, cssc: '06102' },
      { code: 'ART', title: 'Art I', subject: ARTS, cssc: '05154' },
      { code: 'PED', title: 'Physical Education', subject: PE, cssc: '08001' },
      { code: 'CSP', title: 'Computer Science Principles', subject: CTE, cssc: '10019' },
    ],
  },
];

/** The level of school s: schools cycle elementary, middle, high. */
export function schoolLevel(s: number): SchoolLevel {
  return SCHOOL_LEVELS[s % SCHOOL_LEVELS.length];
}

export interface CourseInfo {
  template: CourseTemplate;
  title: string;
}

/** Course c of school s. Past the end of the level's catalogue titles repeat with a level number. */
export function courseInfo(s: number, c: number): CourseInfo {
  const courses = schoolLevel(s).courses;
  const template = courses[c % courses.length];
  const cycle = Math.floor(c / courses.length);
  return { template, title: cycle === 0 ? template.title : `${template.title} (Level ${cycle + 1})` };
}
