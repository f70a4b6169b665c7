// One iteration of the readwrite mix (READWRITE_MIX): reads by id, paged queries, updates, creates with
// enrolments and deletes of what this VU created, each one operation (dms_operation_failed{resource,op})
// and one check. Shared by the phases that run the mix: readwrite (closed or open model), capacity (steps
// of arrival rates) and soak.
import { check } from 'k6';
import { naturalKeyQuery, studentDoc } from '../data/index.ts';
import type { Operation } from '../config.ts';
import type { DmsCall, DmsClient } from '../dms/client.ts';
import { abort, config, dms, instanceOfRun, setupAuth, type SetupData } from './context.ts';
import { pickOperation, runTag } from './mix.ts';
import { runOperation, type OperationTags } from './operation.ts';
import {
  createStudent,
  deleteCreated,
  hasCreatedEnrollments,
  queryEnrollments,
  queryStudents,
  readStudent,
  updateEnrollment,
  updateStudent,
} from './readwrite-ops.ts';

const profile = config.data;
const tag = runTag(config.runId);

interface Variant {
  tags: OperationTags;
  run: (client: DmsClient) => void;
  /** The check's name, made once. */
  check: string;
}

function variant(resource: string, op: Operation, run: (client: DmsClient) => void): Variant {
  return { tags: { resource, op }, run, check: `${op} succeeded` };
}

// Each mix operation with the resource it is counted under (dms_operation_failed{resource,op}).
const READ = variant('students', 'read', (c) => readStudent(c, profile));
const QUERY_STUDENTS = variant('students', 'query', (c) => queryStudents(c, profile));
const QUERY_ENROLLMENTS = variant('studentSchoolAssociations', 'query', (c) => queryEnrollments(c, profile));
const UPDATE_STUDENT = variant('students', 'update', (c) => updateStudent(c, profile));
const UPDATE_ENROLLMENT = variant('studentSchoolAssociations', 'update', (c) => updateEnrollment(c, profile));
const CREATE = variant('students', 'create', (c) => createStudent(c, profile, tag));
const DELETE = variant('studentSchoolAssociations', 'delete', (c) => deleteCreated(c));

function chooseVariant(op: Operation): Variant {
  switch (op) {
    case 'read':
      return READ;
    case 'query':
      return Math.random() < 0.5 ? QUERY_STUDENTS : QUERY_ENROLLMENTS;
    case 'update':
      return Math.random() < 0.5 ? UPDATE_STUDENT : UPDATE_ENROLLMENT;
    case 'create':
      return CREATE;
    case 'delete':
      return hasCreatedEnrollments() ? DELETE : CREATE; // nothing of this VU's own to delete yet
  }
}

/** One operation of the mix, chosen by READWRITE_MIX's weights, counted and checked. */
export function mixIteration(client: DmsClient): void {
  const chosen = chooseVariant(pickOperation(config.readwriteMix, Math.random()));
  const ok = runOperation(client, chosen.tags, () => chosen.run(client));
  check(null, { [chosen.check]: () => ok });
}

/**
 * setup() of a phase that runs over the load phase's data set: the last student of the profile exists only
 * if the load phase finished, so the test stops (k6 exit 108) with the way out when it is missing.
 */
export function requireLoadedDataSet(client: DmsClient, phase: string): void {
  const last = profile.studentCount - 1;
  // As patient as the load phase's look-ups (`loading`): a transient 500 or 503 is retried, and an answer
  // that is no answer to the question is not taken for a missing data set.
  const call: DmsCall = { method: 'GET', path: `ed-fi/students?${naturalKeyQuery('students', studentDoc(profile, last))}`, resource: 'students', op: 'lookup', expected: [200], loading: true };
  const res = client.send(call);
  if (res.status !== 200) {
    abort(`${phase} could not check that the ${config.profileName} data set is in DMS: the look-up of student ${last} answered HTTP ${res.status} after its retries (see the problem above)`);
  }
  let found = 0;
  try {
    found = client.readArray(call, res).length;
  } catch (error) {
    abort(`${phase} could not look up student ${last} of the data set: ${(error as Error).message}`);
  }
  if (found === 0) {
    abort(`${phase} needs the ${config.profileName} data set, but student ${last} is not in DMS; run the load phase first: --phase load or --phase full`);
  }
}

/** setup() of a phase over the loaded data set: the shared token's setup data, once the data set is found there. */
export function setupOverLoadedData(phase: string): SetupData {
  const data = setupAuth();
  instanceOfRun(); // INSTANCES and k6's segment must agree; every instance makes this one look-up
  requireLoadedDataSet(dms(data), phase);
  return data;
}
