// Readwrite phase: for DURATION_READWRITE_PHASE, VUS_READWRITE_PHASE VUs run a configurable mix
// (READWRITE_MIX) of reads by id, paged queries with totalCount, updates, creates with enrolments and
// deletes of what this phase created, over the data set the load phase built.
import { check } from 'k6';
import type { Options } from 'k6/options';
import { naturalKeyQuery, studentDoc } from '../data/index.ts';
import type { Operation } from '../config.ts';
import type { DmsCall, DmsClient } from '../dms/client.ts';
import { abort, config, dms, instanceOfRun, segmentOfSummary, setPhase, setupAuth, type SetupData } from '../phase/context.ts';
import { thresholdExpressions } from '../phase/segment.ts';
import { pickOperation, runTag } from '../phase/mix.ts';
import { runOperation, type OperationTags } from '../phase/operation.ts';
import {
  createStudent,
  deleteCreated,
  hasCreatedEnrollments,
  queryEnrollments,
  queryStudents,
  READWRITE_OPERATION_PAIRS,
  READWRITE_TAG_PAIRS,
  readStudent,
  updateEnrollment,
  updateStudent,
} from '../phase/readwrite-ops.ts';
import { breakdownThresholds, operationThresholds, phaseThresholds, SUMMARY_TREND_STATS } from '../phase/thresholds.ts';
import { summaryOutputs, type SummaryData } from '../summary/summary.ts';

setPhase('readwrite');

const profile = config.data;
const tag = runTag(config.runId);

// Closed model by default (VUs loop, the stress a bulk SIS sync puts on DMS); with READWRITE_RATE an open
// model: a fixed arrival rate that does not slow down when DMS does, so latency is not hidden.
const scenario = config.readwriteRate > 0
  ? {
    executor: 'constant-arrival-rate' as const,
    rate: config.readwriteRate,
    timeUnit: '1s',
    duration: config.durationReadwrite,
    preAllocatedVUs: config.vusReadwrite,
    maxVUs: config.vusReadwrite,
  }
  : { executor: 'constant-vus' as const, vus: config.vusReadwrite, duration: config.durationReadwrite };

// The same for one instance and for several: each gate holds for a part as for the sums (tools/merge).
const thresholds = {
  ...phaseThresholds(config, config.thresholds.p95MsReadwrite),
  ...breakdownThresholds(READWRITE_TAG_PAIRS),
  ...operationThresholds(READWRITE_OPERATION_PAIRS),
  readwrite_missing_data: ['count==0'],
  dropped_iterations: [], // open model: iterations k6 could not start for lack of a free VU
};

export const options: Options = {
  scenarios: { readwrite: scenario },
  thresholds,
  summaryTrendStats: SUMMARY_TREND_STATS,
};

export function setup(): SetupData {
  const data = setupAuth();
  // The last student of the profile exists only if the load phase finished: check before the mix starts.
  const last = profile.studentCount - 1;
  const client = dms(data);
  instanceOfRun(); // INSTANCES and k6's segment must agree; every instance makes this one look-up
  // As patient as the load phase's look-ups (`loading`): a transient 500 or 503 is retried, and an answer
  // that is no answer to the question is not taken for a missing data set.
  const call: DmsCall = { method: 'GET', path: `ed-fi/students?${naturalKeyQuery('students', studentDoc(profile, last))}`, resource: 'students', op: 'lookup', expected: [200], loading: true };
  const res = client.send(call);
  if (res.status !== 200) {
    abort(`readwrite could not check that the ${config.profileName} data set is in DMS: the look-up of student ${last} answered HTTP ${res.status} after its retries (see the problem above)`);
  }
  let found = 0;
  try {
    if (res.status === 200) found = client.readArray(call, res).length;
  } catch (error) {
    abort(`readwrite could not look up student ${last} of the data set: ${(error as Error).message}`);
  }
  if (found === 0) {
    abort(`readwrite needs the ${config.profileName} data set, but student ${last} is not in DMS; run the load phase first: --phase load or --phase full`);
  }
  return data;
}

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

export default function (data: SetupData): void {
  const client = dms(data);
  const chosen = chooseVariant(pickOperation(config.readwriteMix, Math.random()));
  const ok = runOperation(client, chosen.tags, () => chosen.run(client));
  check(null, { [chosen.check]: () => ok });
}

export function handleSummary(data: SummaryData): Record<string, string> {
  const segment = segmentOfSummary(data.state?.testRunDurationMs ?? 0, thresholdExpressions(thresholds));
  return summaryOutputs(data, 'readwrite', config.resultsDir, { segment, toStdout: config.summaryToStdout });
}
