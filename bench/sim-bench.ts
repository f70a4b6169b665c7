// Benchmark of the DMS stand-in on this machine (numbers go into the issue note):
//  1. POST of new students and GET of students by id, with autocannon;
//  2. the stand-in's resident memory after a prod-sized data set is loaded over HTTP.
// The stand-in runs in its own child process so its RSS is measured alone.
// Usage: npm run bench:sim -- [--duration 10] [--connections 64] [--students 75000] [--schools 130]
//        [--staff 8000] [--load-concurrency 64]

import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { Agent, request } from 'node:http';

const ROOT = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const arg = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  const value = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} needs a positive number`);
  return value;
};
const DURATION = arg('duration', 10);
const CONNECTIONS = arg('connections', 64);
const STUDENTS = arg('students', 75_000);
const SCHOOLS = arg('schools', 130);
const STAFF = arg('staff', 8_000);
const LOAD_CONCURRENCY = arg('load-concurrency', 64);
const COURSES_PER_SCHOOL = 27;
const SECTIONS_PER_COURSE = 6; // 130 schools x 27 x 6 = 21,060 sections
const SECTIONS_PER_STUDENT = 6; // 75,000 x 6 = 450,000 studentSectionAssociations
const YEAR = 2025;
const TARGETS = { post: 5_000, get: 10_000, rssMiB: 1024 };

// autocannon has no type declarations; this is the part of its API the benchmark uses.
interface CannonRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (req: CannonRequest) => CannonRequest;
}
interface CannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
const autocannon = createRequire(import.meta.url)('autocannon') as (opts: Record<string, unknown>) => Promise<CannonResult>;

// ---- the stand-in in a child process ------------------------------------------------------------

interface Child {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

async function startChild(): Promise<Child> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'sim/main.ts', '--port', '0'], {
    cwd: ROOT,
    env: { ...process.env, SIM_RATE_LIMIT_PERMITS: '0', SIM_TOKEN_CAP: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d;
      const m = /^dms-sim listening on (\S+)\n/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`dms-sim exited with ${code} before listening`)));
  });
  return {
    url,
    pid: child.pid!,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function memoryMiB(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

// ---- plain HTTP with keep-alive -----------------------------------------------------------------

const agent = new Agent({ keepAlive: true, maxSockets: LOAD_CONCURRENCY });

function http(base: string, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string; location?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, base), { method, agent, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text, location: res.headers.location }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function dataToken(base: string): Promise<string> {
  const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
  const admin = await http(base, 'POST', '/connect/token', 'client_id=DmsConfigurationService&client_secret=ValidClientSecret1234567890!Abcd&grant_type=client_credentials&scope=edfi_admin_api/full_access', form);
  const adminAuth = { Authorization: `Bearer ${JSON.parse(admin.text).access_token}`, 'Content-Type': 'application/json' };
  const vendor = await http(base, 'POST', '/v3/vendors', JSON.stringify({ company: 'Bench', contactName: 'Bench', contactEmailAddress: 'bench@example.com', namespacePrefixes: 'uri://ed-fi.org' }), adminAuth);
  const vendorId = Number(vendor.location!.split('/').pop());
  const app = await http(base, 'POST', '/v3/applications', JSON.stringify({ vendorId, applicationName: 'Bench', claimSetName: 'E2E-NoFurtherAuthRequiredClaimSet', educationOrganizationIds: [], dataStoreIds: [1] }), adminAuth);
  const { key, secret } = JSON.parse(app.text);
  const token = await http(base, 'POST', '/oauth/token', 'grant_type=client_credentials', { ...form, Authorization: `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}` });
  return JSON.parse(token.text).access_token;
}

type Item = [resource: string, body: unknown];

/** POSTs every item with `concurrency` requests in flight; any status but 200/201 stops the run. */
async function postAll(base: string, token: string, items: Iterable<Item>): Promise<number> {
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  const iterator = items[Symbol.iterator]();
  let count = 0;
  const worker = async (): Promise<void> => {
    for (let next = iterator.next(); !next.done; next = iterator.next()) {
      const [resource, body] = next.value;
      const r = await http(base, 'POST', `/data/ed-fi/${resource}`, JSON.stringify(body), headers);
      if (r.status !== 201 && r.status !== 200) throw new Error(`POST ${resource}: ${r.status} ${r.text}`);
      count++;
    }
  };
  await Promise.all(Array.from({ length: LOAD_CONCURRENCY }, worker));
  return count;
}

// ---- data: the shapes of src/data's DS 5.2 builders, generated independently ---------------------

const uri = (type: string, code: string): string => `uri://ed-fi.org/${type}#${code}`;
const GRADES = ['Kindergarten', 'First grade', 'Second grade', 'Third grade', 'Fourth grade', 'Fifth grade', 'Sixth grade', 'Seventh grade', 'Eighth grade', 'Ninth grade', 'Tenth grade', 'Eleventh grade', 'Twelfth grade'];
const schoolId = (s: number): number => 255901100 + s;
const studentId = (i: number): string => `S${String(i).padStart(7, '0')}`;
const staffId = (j: number): string => `T${String(j).padStart(6, '0')}`;
const sectionsPerSchool = COURSES_PER_SCHOOL * SECTIONS_PER_COURSE;
interface SectionRef {
  localCourseCode: string;
  schoolId: number;
  schoolYear: number;
  sectionIdentifier: string;
  sessionName: string;
}
const sectionRef = (s: number, k: number): SectionRef => {
  const c = Math.floor(k / SECTIONS_PER_COURSE);
  return { localCourseCode: `LCC-${c}`, schoolId: schoolId(s), schoolYear: YEAR, sectionIdentifier: `SEC-${s}-${k}`, sessionName: `Fall ${YEAR}` };
};

function newStudent(uniqueId: string, i: number): Record<string, unknown> {
  return {
    studentUniqueId: uniqueId,
    firstName: 'Ada',
    middleName: 'Byron',
    lastSurname: `Lovelace${i % 997}`,
    birthDate: `20${10 + (i % 5)}-0${1 + (i % 9)}-1${i % 10}`,
    birthSexDescriptor: uri('SexDescriptor', i % 2 ? 'Female' : 'Male'),
  };
}

function* descriptors(): Generator<Item> {
  const sets: [string, string[]][] = [
    ['GradeLevelDescriptor', GRADES],
    ['EducationOrganizationCategoryDescriptor', ['School', 'Local Education Agency']],
    ['LocalEducationAgencyCategoryDescriptor', ['Regular public school district']],
    ['TermDescriptor', ['Fall Semester']],
    ['CourseIdentificationSystemDescriptor', ['CSSC course code']],
    ['SexDescriptor', ['Female', 'Male']],
    ['StaffClassificationDescriptor', ['Teacher']],
    ['ClassroomPositionDescriptor', ['Teacher of Record']],
  ];
  for (const [type, codes] of sets) {
    const endpoint = type.charAt(0).toLowerCase() + type.slice(1) + 's';
    for (const code of codes) yield [endpoint, { namespace: `uri://ed-fi.org/${type}`, codeValue: code, shortDescription: code }];
  }
}

function* organizations(): Generator<Item> {
  yield ['schoolYearTypes', { schoolYear: YEAR, currentSchoolYear: true, schoolYearDescription: `${YEAR - 1}-${YEAR}` }];
  yield [
    'localEducationAgencies',
    {
      localEducationAgencyId: 255901,
      nameOfInstitution: 'Bench ISD',
      categories: [{ educationOrganizationCategoryDescriptor: uri('EducationOrganizationCategoryDescriptor', 'Local Education Agency') }],
      localEducationAgencyCategoryDescriptor: uri('LocalEducationAgencyCategoryDescriptor', 'Regular public school district'),
    },
  ];
}

function* schools(): Generator<Item> {
  for (let s = 0; s < SCHOOLS; s++) {
    yield [
      'schools',
      {
        schoolId: schoolId(s),
        nameOfInstitution: `Bench School ${s}`,
        educationOrganizationCategories: [{ educationOrganizationCategoryDescriptor: uri('EducationOrganizationCategoryDescriptor', 'School') }],
        gradeLevels: GRADES.slice(0, 6).map((g) => ({ gradeLevelDescriptor: uri('GradeLevelDescriptor', g) })),
        localEducationAgencyReference: { localEducationAgencyId: 255901 },
      },
    ];
  }
}

function* sessionsAndCourses(): Generator<Item> {
  for (let s = 0; s < SCHOOLS; s++) {
    yield [
      'sessions',
      {
        sessionName: `Fall ${YEAR}`,
        schoolReference: { schoolId: schoolId(s) },
        schoolYearTypeReference: { schoolYear: YEAR },
        beginDate: `${YEAR - 1}-08-20`,
        endDate: `${YEAR - 1}-12-20`,
        termDescriptor: uri('TermDescriptor', 'Fall Semester'),
        totalInstructionalDays: 80,
      },
    ];
    for (let c = 0; c < COURSES_PER_SCHOOL; c++) {
      yield [
        'courses',
        {
          courseCode: `CRS-${c}`,
          educationOrganizationReference: { educationOrganizationId: schoolId(s) },
          courseTitle: `Course ${c}`,
          numberOfParts: 1,
          identificationCodes: [{ courseIdentificationSystemDescriptor: uri('CourseIdentificationSystemDescriptor', 'CSSC course code'), identificationCode: `0${c}` }],
        },
      ];
    }
  }
}

function* offerings(): Generator<Item> {
  for (let s = 0; s < SCHOOLS; s++) {
    for (let c = 0; c < COURSES_PER_SCHOOL; c++) {
      yield [
        'courseOfferings',
        {
          localCourseCode: `LCC-${c}`,
          courseReference: { courseCode: `CRS-${c}`, educationOrganizationId: schoolId(s) },
          schoolReference: { schoolId: schoolId(s) },
          sessionReference: { schoolId: schoolId(s), schoolYear: YEAR, sessionName: `Fall ${YEAR}` },
        },
      ];
    }
  }
}

function* sectionsStudentsStaff(): Generator<Item> {
  for (let s = 0; s < SCHOOLS; s++) {
    for (let k = 0; k < sectionsPerSchool; k++) {
      const { sectionIdentifier, ...courseOfferingReference } = sectionRef(s, k);
      yield ['sections', { sectionIdentifier, courseOfferingReference }];
    }
  }
  for (let i = 0; i < STUDENTS; i++) yield ['students', newStudent(studentId(i), i)];
  for (let j = 0; j < STAFF; j++) yield ['staffs', { staffUniqueId: staffId(j), firstName: 'Tea', lastSurname: `Cher${j % 101}`, sexDescriptor: uri('SexDescriptor', 'Female') }];
}

function* associations(): Generator<Item> {
  for (let i = 0; i < STUDENTS; i++) {
    const s = i % SCHOOLS;
    yield [
      'studentSchoolAssociations',
      { entryDate: `${YEAR - 1}-08-20`, schoolReference: { schoolId: schoolId(s) }, studentReference: { studentUniqueId: studentId(i) }, entryGradeLevelDescriptor: uri('GradeLevelDescriptor', GRADES[i % 6]) },
    ];
    for (let n = 0; n < SECTIONS_PER_STUDENT; n++) {
      const k = (i + n * COURSES_PER_SCHOOL) % sectionsPerSchool;
      yield ['studentSectionAssociations', { beginDate: `${YEAR - 1}-08-20`, sectionReference: sectionRef(s, k), studentReference: { studentUniqueId: studentId(i) } }];
    }
  }
  for (let j = 0; j < STAFF; j++) {
    yield [
      'staffEducationOrganizationAssignmentAssociations',
      {
        beginDate: `${YEAR - 5}-08-01`,
        educationOrganizationReference: { educationOrganizationId: schoolId(j % SCHOOLS) },
        staffReference: { staffUniqueId: staffId(j) },
        staffClassificationDescriptor: uri('StaffClassificationDescriptor', 'Teacher'),
        positionTitle: 'Teacher',
      },
    ];
  }
  // Each section is taught by one staff member of its school.
  const staffPerSchool = Math.max(1, Math.floor(STAFF / SCHOOLS));
  for (let s = 0; s < SCHOOLS; s++) {
    for (let k = 0; k < sectionsPerSchool; k++) {
      yield [
        'staffSectionAssociations',
        {
          beginDate: `${YEAR - 1}-08-20`,
          sectionReference: sectionRef(s, k),
          staffReference: { staffUniqueId: staffId(s + SCHOOLS * (k % staffPerSchool)) },
          classroomPositionDescriptor: uri('ClassroomPositionDescriptor', 'Teacher of Record'),
        },
      ];
    }
  }
}

// ---- runs --------------------------------------------------------------------------------------

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

function describeRun(name: string, r: CannonResult): string {
  return `${name.padEnd(20)} ${fmt(r.requests.average).padStart(7)} req/s  (p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, non-2xx ${r.non2xx}, errors ${r.errors + r.timeouts})`;
}

async function throughput(): Promise<{ post: number; get: number }> {
  const sim = await startChild();
  try {
    const token = await dataToken(sim.url);
    await postAll(sim.url, token, descriptors());
    const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    let n = 0;
    const post = await autocannon({
      url: sim.url,
      connections: CONNECTIONS,
      duration: DURATION,
      headers,
      requests: [
        {
          method: 'POST',
          path: '/data/ed-fi/students',
          setupRequest: (req: CannonRequest) => ({ ...req, body: JSON.stringify(newStudent(`B${++n}`, n)) }),
        },
      ],
    });
    console.log(describeRun('POST new student', post));

    const page = await http(sim.url, 'GET', '/data/ed-fi/students?limit=500', undefined, headers);
    const ids: string[] = JSON.parse(page.text).map((s: { id: string }) => s.id);
    let g = 0;
    const get = await autocannon({
      url: sim.url,
      connections: CONNECTIONS,
      duration: DURATION,
      headers,
      requests: [{ method: 'GET', path: '/', setupRequest: (req: CannonRequest) => ({ ...req, path: `/data/ed-fi/students/${ids[g++ % ids.length]}` }) }],
    });
    console.log(describeRun('GET student by id', get));
    if (post.non2xx + get.non2xx + post.errors + get.errors > 0) throw new Error('the throughput runs had failed requests');
    return { post: post.requests.average, get: get.requests.average };
  } finally {
    await sim.stop();
  }
}

/** The first filter on a field builds its index over the whole resource; later ones use it. */
async function timeQueries(base: string, token: string): Promise<void> {
  const headers = { Authorization: `Bearer ${token}` };
  const timed = async (path: string): Promise<number> => {
    const t0 = performance.now();
    const r = await http(base, 'GET', path, undefined, headers);
    if (r.status !== 200 || JSON.parse(r.text).length === 0) throw new Error(`GET ${path}: ${r.status} ${r.text.slice(0, 200)}`);
    return performance.now() - t0;
  };
  const first = await timed(`/data/ed-fi/studentSectionAssociations?studentUniqueId=${studentId(1)}`);
  const next = await timed(`/data/ed-fi/studentSectionAssociations?studentUniqueId=${studentId(2)}`);
  const page = await timed('/data/ed-fi/studentSectionAssociations?offset=400000&limit=500&totalCount=true');
  console.log(
    `queries              studentSectionAssociations?studentUniqueId=: first ${first.toFixed(0)} ms (builds the index), then ${next.toFixed(1)} ms; offset=400000&limit=500: ${page.toFixed(0)} ms`,
  );
}

async function prodDataSet(): Promise<number> {
  const sim = await startChild();
  try {
    const token = await dataToken(sim.url);
    const started = Date.now();
    let total = 0;
    // Phases in dependency order; inside a phase, requests run concurrently.
    for (const phase of [descriptors, organizations, schools, sessionsAndCourses, offerings, sectionsStudentsStaff, associations]) {
      total += await postAll(sim.url, token, phase());
    }
    const seconds = (Date.now() - started) / 1000;
    const stats = JSON.parse((await http(sim.url, 'GET', '/_sim/stats')).text);
    const counts = stats.documents as Record<string, number>;
    const docs = Object.values(counts).reduce((a, b) => a + b, 0);
    console.log(`prod data set        ${fmt(docs)} documents in ${seconds.toFixed(0)} s (${fmt(total / seconds)} POST/s at concurrency ${LOAD_CONCURRENCY})`);
    const big = ['students', 'schools', 'sections', 'staffs', 'studentSchoolAssociations', 'studentSectionAssociations', 'staffSectionAssociations'];
    console.log(`                     ${big.map((r) => `${r} ${fmt(counts[r] ?? 0)}`).join(', ')}`);
    const mem = memoryMiB(sim.pid);
    console.log(`dms-sim memory       VmRSS ${fmt(mem.rss)} MiB after the load (peak VmHWM ${fmt(mem.peak)} MiB)`);
    await timeQueries(sim.url, token);
    return mem.rss;
  } finally {
    await sim.stop();
  }
}

async function main(): Promise<void> {
  console.log(`dms-sim benchmark: Node ${process.version}, ${cpus().length} CPUs, autocannon ${CONNECTIONS} connections x ${DURATION} s`);
  const { post, get } = await throughput();
  const rss = await prodDataSet();
  const verdict = (ok: boolean): string => (ok ? 'met' : 'MISSED');
  console.log(
    `targets              POST >= ${fmt(TARGETS.post)}/s ${verdict(post >= TARGETS.post)}, GET >= ${fmt(TARGETS.get)}/s ${verdict(get >= TARGETS.get)}, RSS < ${fmt(TARGETS.rssMiB)} MiB ${verdict(rss < TARGETS.rssMiB)}`,
  );
  agent.destroy();
}

main().catch((err: unknown) => {
  console.error(`sim-bench: ${(err as Error)?.stack ?? String(err)}`);
  process.exit(1);
});
