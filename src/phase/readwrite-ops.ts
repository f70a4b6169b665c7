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
import { headerValue, idFromLocation, type DmsCall, type DmsClient, type Response } from '../dms/client.ts';
import { documentOf } from '../dms/body-shape.ts';

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

/**
 * The first document of a collection answer, undefined when the answer was not 200 (already counted as an
 * unexpected status) or the list is empty. A body that is not a JSON array of documents fails the operation.
 */
function firstDocument(client: DmsClient, call: DmsCall, res: Response): Doc | undefined {
  if (res.status !== 200) return undefined;
  const items = client.readArray(call, res);
  if (items.length === 0) return undefined;
  const doc = documentOf(items[0]);
  if (!doc.ok) return client.wrongBody(call, res, `its first item: ${doc.reason}`);
  return doc.value;
}

/**
 * Data the profile has was not found: an empty answer to a look-up by natural key, or 404 for an id just
 * looked up. A server error is not missing data: it is an unexpected status, counted as such.
 */
function dataMissing(): undefined {
  missingData.add(1);
  return undefined;
}

/** The id of loaded student i: from this VU's cache, else one query by natural key. */
function studentId(client: DmsClient, p: DataProfile, i: number): string | undefined {
  const uniqueId = studentUniqueId(i);
  const cached = studentIds.get(uniqueId);
  if (cached) return cached;
  const call: DmsCall = { method: 'GET', path: `ed-fi/students?${naturalKeyQuery('students', studentDoc(p, i))}`, resource: 'students', op: 'lookup', expected: [200] };
  const res = client.send(call);
  if (res.status !== 200) return undefined;
  const doc = firstDocument(client, call, res);
  if (!doc) return dataMissing();
  if (studentIds.size >= ID_CACHE_LIMIT) studentIds.delete(studentIds.keys().next().value as string);
  studentIds.set(uniqueId, String(doc.id));
  return String(doc.id);
}

/** GET of a loaded student by id: its document, checked; undefined on any other answer (counted). */
function readStudentById(client: DmsClient, id: string): { doc: Doc; res: Response } | undefined {
  const call: DmsCall = { method: 'GET', path: `ed-fi/students/${id}`, resource: 'students', op: 'read', expected: [200] };
  const res = client.send(call);
  if (res.status === 404) return dataMissing();
  if (res.status !== 200) return undefined;
  return { doc: client.readDocument(call, res), res };
}

export function readStudent(client: DmsClient, p: DataProfile): void {
  const id = studentId(client, p, randomInt(p.studentCount));
  if (id) readStudentById(client, id);
}

/** A page of a collection: a JSON array, whatever its length. */
function queryCollection(client: DmsClient, call: DmsCall): void {
  const res = client.send(call);
  if (res.status === 200) client.readArray(call, res);
}

export function queryStudents(client: DmsClient, p: DataProfile): void {
  const offset = randomInt(Math.max(1, p.studentCount - PAGE));
  queryCollection(client, { method: 'GET', path: `ed-fi/students?limit=${PAGE}&offset=${offset}&totalCount=true`, resource: 'students', op: 'query', expected: [200] });
}

export function queryEnrollments(client: DmsClient, p: DataProfile): void {
  const school = schoolId(randomInt(p.schoolCount));
  queryCollection(client, { method: 'GET', path: `ed-fi/studentSchoolAssociations?schoolId=${school}&limit=${PAGE}&totalCount=true`, resource: 'studentSchoolAssociations', op: 'query', expected: [200] });
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
  const read = readStudentById(client, id);
  if (!read) return;
  const doc = forPut(read.doc);
  doc.middleName = `Upd${exec.scenario.iterationInTest % 1000}`;
  putWithEtag(client, 'students', 'ed-fi/students', doc, headerValue(read.res, 'ETag'));
}

export function updateEnrollment(client: DmsClient, p: DataProfile): void {
  const uniqueId = studentUniqueId(randomInt(p.studentCount));
  const call: DmsCall = { method: 'GET', path: `ed-fi/studentSchoolAssociations?studentUniqueId=${uniqueId}`, resource: 'studentSchoolAssociations', op: 'lookup', expected: [200] };
  const res = client.send(call);
  if (res.status !== 200) return;
  const found = firstDocument(client, call, res);
  if (!found) return dataMissing();
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
  // Remembered before the enrolments are made: if one of them fails (a missing Location throws), the ones
  // already created are still deleted later, not left to grow the data set.
  if (created.length >= CREATED_LIMIT) created.shift();
  created.push(entry);
  for (const [resource, body] of enrolments) {
    const call: DmsCall = { method: 'POST', path: `ed-fi/${resource}`, resource, op: 'create', body, expected: [201, 200] };
    const res = client.send(call);
    if (res.status >= 300) continue;
    // the delete operation needs the id: DMS answers it in Location only
    const id = idFromLocation(res);
    if (!id) client.wrongBody(call, res, 'no Location header with the new id');
    entry.associationIds.unshift({ resource, id });
  }
}

/** True when this VU has enrolments of its own to delete; otherwise the delete operation creates some. */
export function hasCreatedEnrollments(): boolean {
  // A create whose enrolments all failed leaves an empty entry: drop those, or it would hide older ones.
  while (created.length > 0 && created[created.length - 1].associationIds.length === 0) created.pop();
  return created.length > 0;
}

/**
 * Deletes the enrolments of a student this VU created (section enrolments, then the school enrolment) and
 * checks the school enrolment is gone: a deliberate 404. The student itself stays: DMS refuses to delete a
 * student that still has enrolments (409), and under relationship-based claim sets such as EdFiSandbox a
 * student without one is no longer the client's to delete (403).
 */
export function deleteCreated(client: DmsClient): void {
  const entry = created.pop();
  if (!entry) return; // the caller asks hasCreatedEnrollments() first
  for (const { resource, id } of entry.associationIds) {
    client.send({ method: 'DELETE', path: `ed-fi/${resource}/${id}`, resource, op: 'delete', expected: [204] });
  }
  const school = entry.associationIds[entry.associationIds.length - 1];
  client.send({ method: 'GET', path: `ed-fi/${school.resource}/${school.id}`, resource: school.resource, op: 'verify-deleted', expected: [404] });
}

/** The operations of the mix as dms_operation_failed tags them: the main resource and the mix operation. */
export const READWRITE_OPERATION_PAIRS = [
  ['students', 'read'], ['students', 'query'], ['studentSchoolAssociations', 'query'], ['students', 'update'],
  ['studentSchoolAssociations', 'update'], ['students', 'create'], ['studentSchoolAssociations', 'delete'],
] as const;

export const READWRITE_TAG_PAIRS = [
  ['students', 'lookup'], ['students', 'read'], ['students', 'query'], ['students', 'update'], ['students', 'create'],
  ['studentSchoolAssociations', 'lookup'], ['studentSchoolAssociations', 'query'], ['studentSchoolAssociations', 'update'],
  ['studentSchoolAssociations', 'create'], ['studentSchoolAssociations', 'delete'], ['studentSchoolAssociations', 'verify-deleted'],
  ['studentSectionAssociations', 'create'], ['studentSectionAssociations', 'delete'],
] as const;
