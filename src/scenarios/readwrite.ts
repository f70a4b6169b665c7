// Readwrite phase: for DURATION_READWRITE_PHASE, VUS_READWRITE_PHASE VUs run a configurable mix
// (READWRITE_MIX) of reads by id, paged queries with totalCount, updates, creates with enrolments and
// deletes of what this phase created, over the data set the load phase built.
import { check } from 'k6';
import type { Options } from 'k6/options';
import { naturalKeyQuery, studentDoc } from '../data/index.ts';
import type { Operation } from '../config.ts';
import type { DmsClient } from '../dms/client.ts';
import { abort, config, dms, setupAuth, type SetupData } from '../phase/context.ts';
import { pickOperation, runTag } from '../phase/mix.ts';
import {
  createStudent,
  deleteCreated,
  queryPage,
  READWRITE_TAG_PAIRS,
  readStudent,
  updateEnrollment,
  updateStudent,
} from '../phase/readwrite-ops.ts';
import { breakdownThresholds, phaseThresholds, SUMMARY_TREND_STATS } from '../phase/thresholds.ts';
import { summaryOutputs, type SummaryData } from '../summary/summary.ts';

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

export const options: Options = {
  scenarios: { readwrite: scenario },
  thresholds: {
    ...phaseThresholds(config, config.thresholds.p95MsReadwrite),
    ...breakdownThresholds(READWRITE_TAG_PAIRS),
    readwrite_missing_data: ['count==0'],
    dropped_iterations: [], // open model: iterations k6 could not start for lack of a free VU
  },
  summaryTrendStats: SUMMARY_TREND_STATS,
};

export function setup(): SetupData {
  const data = setupAuth();
  // The last student of the profile exists only if the load phase finished: check before the mix starts.
  const last = profile.studentCount - 1;
  const res = dms(data).send({ method: 'GET', path: `ed-fi/students?${naturalKeyQuery('students', studentDoc(profile, last))}`, resource: 'students', op: 'lookup', expected: [200] });
  if (res.status !== 200 || (res.json() as unknown[]).length === 0) {
    abort(`readwrite needs the ${config.profileName} data set, but student ${last} is not in DMS (HTTP ${res.status}); run the load phase first: --phase load or --phase full`);
  }
  return data;
}

export default function (data: SetupData): void {
  const client = dms(data);
  const op = pickOperation(config.readwriteMix, Math.random());
  runOperation(client, op);
  check(null, { [`${op} succeeded`]: () => client.takeUnexpected() === 0 });
}

function runOperation(client: DmsClient, op: Operation): void {
  switch (op) {
    case 'read':
      return readStudent(client, profile);
    case 'query':
      return queryPage(client, profile);
    case 'update':
      return Math.random() < 0.5 ? updateStudent(client, profile) : updateEnrollment(client, profile);
    case 'create':
      return createStudent(client, profile, tag);
    case 'delete':
      return deleteCreated(client, profile, tag);
  }
}

export function handleSummary(data: SummaryData): Record<string, string> {
  return summaryOutputs(data, 'readwrite', config.resultsDir);
}
