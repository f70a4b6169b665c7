// The readwrite phase's operations over the loaded data set. Each VU remembers the ids it learned and the
// students it created (bounded), so reads need no lookups twice and deletes only touch this phase's data.
import exec from 'k6/execution';
import { Counter } from 'k6/metrics';
import {
  naturalKeyQuery,
  newStudentDoc,
  newStudentSchoolAssociationDoc,
  newStudentSectionAssociationDocs,
  schoolId,
  studentDoc,
  studentUniqueId,
  type DataProfile,
  type Doc,
} from '../data/index.ts';
import { headerValue, idFromLocation, type DmsClient, type Response } from '../dms/client.ts';

export const missingData = new Counter('readwrite_missing_data');

const ID_CACHE_LIMIT = 5000;
const CREATED_LIMIT = 200;
const PAGE = 25;

interface Created {
  /** The enrolments this VU created, newest first: section enrolments, then the school enrolment last. */
  associationIds: Array<{ resource: string; id: string }>;
}

const studentIds = new Map<string, string>();
const created: Created[] = [];

function randomInt(n: number): number {
  return Math.floor(Math.random() * n);
}

function firstId(res: Response): Doc | undefined {
  if (res.status !== 200) return undefined;
  const list = res.json() as Doc[];
  return Array.isArray(list) && list.length > 0 ? list[0] : undefined;
}

/** The id of loaded student i: from this VU's cache, else one query by natural key. */
function studentId(client: DmsClient, p: DataProfile, i: number): string | undefined {
  const uniqueId = studentUniqueId(i);
  const cached = studentIds.get(uniqueId);
  if (cached) return cached;
  const res = client.send({ method: 'GET', path: `ed-fi/students?${naturalKeyQuery('students', studentDoc(p, i))}`, resource: 'students', op: 'lookup', expected: [200] });
  const doc = firstId(res);
  if (!doc) {
    missingData.add(1);
    return undefined;
  }
  if (studentIds.size >= ID_CACHE_LIMIT) studentIds.delete(studentIds.keys().next().value as string);
  studentIds.set(uniqueId, String(doc.id));
  return String(doc.id);
}

export function readStudent(client: DmsClient, p: DataProfile): void {
  const id = studentId(client, p, randomInt(p.studentCount));
  if (id) client.send({ method: 'GET', path: `ed-fi/students/${id}`, resource: 'students', op: 'read', expected: [200] });
}

export function queryPage(client: DmsClient, p: DataProfile): void {
  if (Math.random() < 0.5) {
    const offset = randomInt(Math.max(1, p.studentCount - PAGE));
    client.send({ method: 'GET', path: `ed-fi/students?limit=${PAGE}&offset=${offset}&totalCount=true`, resource: 'students', op: 'query', expected: [200] });
  } else {
    const school = schoolId(randomInt(p.schoolCount));
    client.send({ method: 'GET', path: `ed-fi/studentSchoolAssociations?schoolId=${school}&limit=${PAGE}&totalCount=true`, resource: 'studentSchoolAssociations', op: 'query', expected: [200] });
  }
}

/** A document as DMS returned it, made ready for PUT: server-managed fields removed. */
function forPut(doc: Doc): Doc {
  const { _etag: _e, _lastModifiedDate: _l, ...rest } = doc;
  void _e;
  void _l;
  return rest;
}

/** Updates a non-identifying field, with If-Match; 412 means another VU won the race, which is correct. */
function putWithEtag(client: DmsClient, resource: string, path: string, doc: Doc, etag: string | undefined): void {
  client.send({
    method: 'PUT',
    path: `${path}/${String(doc.id)}`,
    resource,
    op: 'update',
    body: doc,
    expected: [204, 412],
    headers: etag ? { 'If-Match': etag } : {},
  });
}

export function updateStudent(client: DmsClient, p: DataProfile): void {
  const id = studentId(client, p, randomInt(p.studentCount));
  if (!id) return;
  const res = client.send({ method: 'GET', path: `ed-fi/students/${id}`, resource: 'students', op: 'read', expected: [200] });
  if (res.status !== 200) return;
  const doc = forPut(res.json() as Doc);
  doc.middleName = `Upd${exec.scenario.iterationInTest % 1000}`;
  putWithEtag(client, 'students', 'ed-fi/students', doc, headerValue(res, 'ETag'));
}

export function updateEnrollment(client: DmsClient, p: DataProfile): void {
  const uniqueId = studentUniqueId(randomInt(p.studentCount));
  const res = client.send({ method: 'GET', path: `ed-fi/studentSchoolAssociations?studentUniqueId=${uniqueId}`, resource: 'studentSchoolAssociations', op: 'lookup', expected: [200] });
  const found = firstId(res);
  if (!found) {
    missingData.add(1);
    return;
  }
  const doc = forPut(found);
  doc.repeatGradeIndicator = !doc.repeatGradeIndicator;
  putWithEtag(client, 'studentSchoolAssociations', 'ed-fi/studentSchoolAssociations', doc, typeof found._etag === 'string' ? `"${found._etag}"` : undefined);
}

/** A run-unique student id: RW + run tag + VU + iteration, at most 32 characters as DS 5.2 allows. */
function newUniqueId(runTag: string): string {
  return `RW${runTag}V${exec.vu.idInTest}I${exec.vu.iterationInInstance}`.slice(0, 32);
}

export function createStudent(client: DmsClient, p: DataProfile, runTag: string): void {
  const uniqueId = newUniqueId(runTag);
  const n = exec.scenario.iterationInTest;
  const student = client.send({ method: 'POST', path: 'ed-fi/students', resource: 'students', op: 'create', body: newStudentDoc(p, uniqueId, n), expected: [201, 200] });
  if (student.status >= 300) return;
  const entry: Created = { associationIds: [] };
  const enrolments: Array<[string, Doc]> = [
    ['studentSchoolAssociations', newStudentSchoolAssociationDoc(p, uniqueId, n)],
    ...newStudentSectionAssociationDocs(p, uniqueId, n).map((d) => ['studentSectionAssociations', d] as [string, Doc]),
  ];
  for (const [resource, body] of enrolments) {
    const res = client.send({ method: 'POST', path: `ed-fi/${resource}`, resource, op: 'create', body, expected: [201, 200] });
    const id = idFromLocation(res);
    if (id && res.status < 300) entry.associationIds.unshift({ resource, id });
  }
  if (created.length >= CREATED_LIMIT) created.shift();
  created.push(entry);
}

/**
 * Deletes the enrolments of a student this VU created (section enrolments, then the school enrolment) and
 * checks the school enrolment is gone: a deliberate 404. The student itself stays: DMS refuses to delete a
 * student that still has enrolments (409), and under relationship-based claim sets such as EdFiSandbox a
 * student without one is no longer the client's to delete (403).
 */
export function deleteCreated(client: DmsClient, p: DataProfile, runTag: string): void {
  const entry = created.pop();
  if (!entry || entry.associationIds.length === 0) {
    createStudent(client, p, runTag); // nothing of ours to delete yet
    return;
  }
  for (const { resource, id } of entry.associationIds) {
    client.send({ method: 'DELETE', path: `ed-fi/${resource}/${id}`, resource, op: 'delete', expected: [204] });
  }
  const school = entry.associationIds[entry.associationIds.length - 1];
  client.send({ method: 'GET', path: `ed-fi/${school.resource}/${school.id}`, resource: school.resource, op: 'verify-deleted', expected: [404] });
}

export const READWRITE_TAG_PAIRS = [
  ['students', 'lookup'], ['students', 'read'], ['students', 'query'], ['students', 'update'], ['students', 'create'],
  ['studentSchoolAssociations', 'lookup'], ['studentSchoolAssociations', 'query'], ['studentSchoolAssociations', 'update'],
  ['studentSchoolAssociations', 'create'], ['studentSchoolAssociations', 'delete'], ['studentSchoolAssociations', 'verify-deleted'],
  ['studentSectionAssociations', 'create'], ['studentSectionAssociations', 'delete'],
] as const;
