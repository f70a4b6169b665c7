// Small helpers for the stand-in contract tests: raw HTTP requests (so tests control every header,
// Host included) and the client setup every data test needs.

import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import assert from 'node:assert/strict';
import { startSim, type RunningSim, type SimOptions } from '../../sim/server.ts';

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json<T = any>(): T;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  /** Objects are sent as JSON with Content-Type application/json unless a Content-Type is given. */
  body?: unknown;
}

export function send(base: string, method: string, path: string, opts: RequestOptions = {}): Promise<Reply> {
  const url = new URL(path, base);
  const headers: Record<string, string> = { ...opts.headers };
  let payload: string | Buffer | undefined;
  if (typeof opts.body === 'string' || Buffer.isBuffer(opts.body)) payload = opts.body;
  else if (opts.body !== undefined) {
    payload = JSON.stringify(opts.body);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
  }
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** A client bound to a base URL and (optionally) a bearer token. */
export class Api {
  constructor(
    readonly base: string,
    public token?: string,
  ) {}

  private auth(headers?: Record<string, string>): Record<string, string> {
    return this.token ? { Authorization: `Bearer ${this.token}`, ...headers } : { ...headers };
  }

  get(path: string, headers?: Record<string, string>): Promise<Reply> {
    return send(this.base, 'GET', path, { headers: this.auth(headers) });
  }
  post(path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply> {
    return send(this.base, 'POST', path, { headers: this.auth(headers), body });
  }
  put(path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply> {
    return send(this.base, 'PUT', path, { headers: this.auth(headers), body });
  }
  delete(path: string, headers?: Record<string, string>): Promise<Reply> {
    return send(this.base, 'DELETE', path, { headers: this.auth(headers) });
  }
}

export const ADMIN_ID = 'DmsConfigurationService';
export const ADMIN_SECRET = 'ValidClientSecret1234567890!Abcd';
export const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };

export const basic = (key: string, secret: string): string => `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;

/** A started stand-in; the rate limiter is off unless the test asks for it. */
export function start(options: Partial<SimOptions> = {}): Promise<RunningSim> {
  return startSim({ port: 0, rateLimitPermits: 0, ...options });
}

export async function adminToken(base: string): Promise<string> {
  const r = await send(base, 'POST', '/connect/token', {
    headers: FORM,
    body: `client_id=${ADMIN_ID}&client_secret=${encodeURIComponent(ADMIN_SECRET)}&grant_type=client_credentials&scope=edfi_admin_api/full_access`,
  });
  assert.equal(r.status, 200, r.text);
  return r.json().access_token;
}

let appCounter = 0;

/** Vendor + application through the CMS; returns the application's credentials. */
export async function createApplication(base: string, extra: Record<string, unknown> = { dataStoreIds: [1] }): Promise<{ key: string; secret: string; id: number }> {
  const admin = new Api(base, await adminToken(base));
  // Look the vendor up first: DMS 8.1 refuses a second POST of the same company.
  const known = (await admin.get('/v3/vendors?company=Load%20Test%20Vendor')).json() as { id: number }[];
  let vendorId = known[0]?.id;
  if (vendorId === undefined) {
    const vendor = await admin.post('/v3/vendors', {
      company: 'Load Test Vendor',
      contactName: 'Load Tester',
      contactEmailAddress: 'load@example.com',
      namespacePrefixes: 'uri://ed-fi.org',
    });
    assert.equal(vendor.status, 201, vendor.text);
    vendorId = Number(String(vendor.headers.location).split('/').pop());
  }
  const app = await admin.post('/v3/applications', {
    vendorId,
    applicationName: `Load Test ${++appCounter}`,
    claimSetName: 'E2E-NoFurtherAuthRequiredClaimSet',
    educationOrganizationIds: [255901],
    ...extra,
  });
  assert.equal(app.status, 201, app.text);
  return app.json();
}

export async function clientToken(base: string, key: string, secret: string): Promise<Reply> {
  return send(base, 'POST', '/oauth/token', { headers: { Authorization: basic(key, secret), ...FORM }, body: 'grant_type=client_credentials' });
}

/** An Api holding a fresh data token of a fresh application. */
export async function dataApi(sim: RunningSim): Promise<Api> {
  const app = await createApplication(sim.url);
  const token = await clientToken(sim.url, app.key, app.secret);
  assert.equal(token.status, 200, token.text);
  return new Api(sim.url, token.json().access_token);
}

export const uri = (type: string, code: string): string => `uri://ed-fi.org/${type}#${code}`;

export async function postOk(api: Api, resource: string, body: unknown): Promise<string> {
  const r = await api.post(`/data/ed-fi/${resource}`, body);
  assert.ok(r.status === 201 || r.status === 200, `POST ${resource}: ${r.status} ${r.text}`);
  return String(r.headers.location).split('/').pop()!;
}

export async function descriptor(api: Api, type: string, code: string): Promise<string> {
  const endpoint = type.charAt(0).toLowerCase() + type.slice(1) + 's';
  return postOk(api, endpoint, { namespace: `uri://ed-fi.org/${type}`, codeValue: code, shortDescription: code });
}

export const SCHOOL_ID = 255901001;
export const LEA_ID = 255901;
export const YEAR = 2025;

export const school = (schoolId = SCHOOL_ID): Record<string, unknown> => ({
  schoolId,
  nameOfInstitution: `School ${schoolId}`,
  educationOrganizationCategories: [{ educationOrganizationCategoryDescriptor: uri('EducationOrganizationCategoryDescriptor', 'School') }],
  gradeLevels: [{ gradeLevelDescriptor: uri('GradeLevelDescriptor', 'Ninth Grade') }],
});

export const student = (id: string): Record<string, unknown> => ({ studentUniqueId: id, firstName: 'Ada', lastSurname: 'Lovelace', birthDate: '2010-01-01' });

/** Descriptors plus one school: enough for students, associations and the scheduling chain. */
export async function seedSchool(api: Api): Promise<void> {
  await descriptor(api, 'EducationOrganizationCategoryDescriptor', 'School');
  await descriptor(api, 'GradeLevelDescriptor', 'Ninth Grade');
  await postOk(api, 'schools', school());
}

export function sectionReference(): Record<string, unknown> {
  return { localCourseCode: 'ALG-1', schoolId: SCHOOL_ID, schoolYear: YEAR, sectionIdentifier: 'ALG-1-01', sessionName: 'Fall' };
}

/** schoolYearType -> session -> course -> courseOffering -> section, on the seeded school. */
export async function seedSection(api: Api): Promise<void> {
  await descriptor(api, 'TermDescriptor', 'Fall Semester');
  await descriptor(api, 'CourseIdentificationSystemDescriptor', 'CSSC course code');
  await postOk(api, 'schoolYearTypes', { schoolYear: YEAR, currentSchoolYear: true, schoolYearDescription: `${YEAR - 1}-${YEAR}` });
  await postOk(api, 'sessions', {
    sessionName: 'Fall',
    schoolReference: { schoolId: SCHOOL_ID },
    schoolYearTypeReference: { schoolYear: YEAR },
    beginDate: '2024-08-20',
    endDate: '2024-12-20',
    termDescriptor: uri('TermDescriptor', 'Fall Semester'),
    totalInstructionalDays: 80,
  });
  await postOk(api, 'courses', {
    courseCode: 'ALG-1',
    educationOrganizationReference: { educationOrganizationId: SCHOOL_ID },
    courseTitle: 'Algebra I',
    numberOfParts: 1,
    identificationCodes: [{ courseIdentificationSystemDescriptor: uri('CourseIdentificationSystemDescriptor', 'CSSC course code'), identificationCode: '02052' }],
  });
  await postOk(api, 'courseOfferings', {
    localCourseCode: 'ALG-1',
    courseReference: { courseCode: 'ALG-1', educationOrganizationId: SCHOOL_ID },
    schoolReference: { schoolId: SCHOOL_ID },
    sessionReference: { schoolId: SCHOOL_ID, schoolYear: YEAR, sessionName: 'Fall' },
  });
  await postOk(api, 'sections', {
    sectionIdentifier: 'ALG-1-01',
    courseOfferingReference: { localCourseCode: 'ALG-1', schoolId: SCHOOL_ID, schoolYear: YEAR, sessionName: 'Fall' },
  });
}

/** The DMS problem-details keys, in order, with the given status and type. */
export function assertProblem(r: Reply, status: number, type: string, contentType = 'application/json'): any {
  assert.equal(r.status, status, r.text);
  assert.match(String(r.headers['content-type']), new RegExp(`^${contentType.replace(/[+]/g, '\\+')}; charset=utf-8$`));
  const body = r.json();
  assert.equal(body.type, type);
  assert.equal(body.status, status);
  assert.equal(typeof body.detail, 'string');
  assert.equal(typeof body.title, 'string');
  assert.equal(typeof body.correlationId, 'string');
  assert.ok(Array.isArray(body.errors));
  return body;
}
