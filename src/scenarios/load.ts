// Load phase: creates exactly the profile's data set, each entity once, in dependency order, spread over
// VUS_LOAD_PHASE VUs. Iteration i of the shared-iterations scenario is a fixed range of work items
// (src/data/plan.ts, iterations.ts), so the data set is a pure function of the profile and re-running the
// phase upserts the same documents. Run as several k6 instances (execution segments, INSTANCES=N), i is
// k6's test-wide iteration number, so the instances share the work items out between them, and only the
// first instance writes the bootstrap documents (src/phase/segment.ts).
import exec from 'k6/execution';
import { sleep } from 'k6';
import { Counter } from 'k6/metrics';
import type { Options } from 'k6/options';
import {
  bootstrapDocuments,
  dependentsOf,
  documentsFor,
  expectedCounts,
  itemsOfIteration,
  iterationPlan,
  localEducationAgencyDoc,
  naturalKeyQuery,
  readAllPages,
  referenceLookups,
  sameNaturalKey,
  workItemAt,
  type ReferenceLookup,
  type ResourceDoc,
  type WorkItem,
} from '../data/index.ts';
import { abort, config, dms, instanceOfRun, segmentOfSummary, setPhase, setupAuth, type SetupData } from '../phase/context.ts';
import { thresholdExpressions } from '../phase/segment.ts';
import { operationFailed } from '../phase/operation.ts';
import { breakdownThresholds, operationThresholds, phaseThresholds, SUMMARY_TREND_STATS } from '../phase/thresholds.ts';
import { summaryOutputs, type SummaryData } from '../summary/summary.ts';
import { headerValue, type DmsClient, type PreparedCall } from '../dms/client.ts';
import { problemSentence } from '../dms/problems.ts';
import { readJsonArray } from '../dms/body-shape.ts';

setPhase('load');

const entitiesEnsured = new Counter('entities_ensured');
const entitiesExisting = new Counter('entities_existing');
const entitiesFailed = new Counter('entities_failed');

const profile = config.data;
const plan = iterationPlan(profile, config.vusLoad);
const expected = expectedCounts(profile);

/** Every descriptor type is tagged 'descriptors' so the breakdown stays readable. */
function resourceTag(resource: string): string {
  return resource.endsWith('Descriptors') ? 'descriptors' : resource;
}

/** A systematic failure (a claim set, a validation rule) stops the phase early instead of at its time limit. */
const ABORT_AFTER_FAILED_ENTITIES = 50;

/**
 * Completeness gates. An instance of several writes only its part of the data set, so it is gated on
 * count<=N (more than the whole run's N would be a duplicate); the merge of the instances judges count==N
 * on the sums (tools/merge, from summary.json's segment.thresholds).
 */
function entityThresholds(instanceOfSeveral: boolean): NonNullable<Options['thresholds']> {
  const map: NonNullable<Options['thresholds']> = {
    entities_failed: ['count==0', { threshold: `count<${ABORT_AFTER_FAILED_ENTITIES}`, abortOnFail: true }],
  };
  for (const [resource, count] of Object.entries(expected)) {
    map[`entities_ensured{resource:${resource}}`] = [instanceOfSeveral ? `count<=${count}` : `count==${count}`];
    map[`entities_existing{resource:${resource}}`] = [];
  }
  return map;
}

const createPairs = [...new Set(Object.keys(expected).map(resourceTag))].map((r) => [r, 'create'] as const);
const tagPairs = [...createPairs, ['descriptors', 'verify'] as const, ['schoolYearTypes', 'verify'] as const];

/**
 * dms_operation_failed's tags: an operation of the load is a work item (a school with its session, a course
 * with its offering and sections, a staff member or a student with their associations), named by its first
 * resource, and each bootstrap document. Not each document: a tagged sample costs k6 about 9 µs of CPU, and
 * one per document took 10% off the load phase's request rate (npm run bench:k6).
 */
const WORK_ITEM_OPERATION: Record<WorkItem['kind'], { resource: string; op: string }> = {
  school: { resource: 'schools', op: 'create' },
  course: { resource: 'courses', op: 'create' },
  staff: { resource: 'staffs', op: 'create' },
  student: { resource: 'students', op: 'create' },
};
const operationPairs = [
  ...Object.values(WORK_ITEM_OPERATION).map((t) => [t.resource, t.op] as const),
  ...['descriptors', 'schoolYearTypes', 'localEducationAgencies'].map((r) => [r, 'create'] as const),
];

function loadThresholds(instanceOfSeveral: boolean): NonNullable<Options['thresholds']> {
  return {
    ...phaseThresholds(config, config.thresholds.p95MsLoad, { checks: false }),
    ...breakdownThresholds(tagPairs),
    ...operationThresholds(operationPairs),
    ...entityThresholds(instanceOfSeveral),
  };
}

/** What the whole run is judged by: this instance's thresholds, or the merge's when it is one of several. */
const wholeRunThresholds = thresholdExpressions(loadThresholds(false));

export const options: Options = {
  scenarios: {
    load: {
      executor: 'shared-iterations',
      vus: Math.min(config.vusLoad, plan.count),
      iterations: plan.count,
      maxDuration: config.durationLoad,
    },
  },
  thresholds: loadThresholds(config.instances > 1),
  summaryTrendStats: SUMMARY_TREND_STATS,
  setupTimeout: '10m', // look-ups and creates wait out a rate limiter (up to a minute each) rather than fail
};

// Everything a create needs that does not change per document, made once per VU: k6 interprets
// JavaScript, and per-request objects showed up as a large share of the harness's CPU per request.
// The entity counts of an iteration are kept here too and added to the counters once at its end.
interface Upsert {
  prepared: PreparedCall;
  tags: { resource: string };
  /** A bootstrap document's dms_operation_failed tags. */
  opTags: { resource: string; op: string };
  ensured: number;
  existing: number;
}
const upserts: Record<string, Upsert> = {};
const upsertList: Upsert[] = [];
function upsertFor(client: DmsClient, resource: string): Upsert {
  let upsert = upserts[resource];
  if (!upsert) {
    const prepared = client.prepare({ method: 'POST', path: `ed-fi/${resource}`, resource: resourceTag(resource), op: 'create', expected: [200, 201], loading: true });
    upsert = upserts[resource] = { prepared, tags: { resource }, opTags: { resource: resourceTag(resource), op: 'create' }, ensured: 0, existing: 0 };
    upsertList.push(upsert);
  }
  return upsert;
}

/**
 * Creates (or finds) the documents of one work item, in order; true when every one of them is there. There
 * is no k6 check per document: the thresholds entities_failed == 0 and entities_ensured{resource} ==
 * expected gate the same outcome more precisely. An exception fails its document like a status does.
 */
function ensureAll(client: DmsClient, docs: ResourceDoc[]): boolean {
  for (let d = 0; d < docs.length; d++) {
    const doc = docs[d];
    const upsert = upsertFor(client, doc.resource);
    let status: number;
    try {
      status = client.sendPrepared(upsert.prepared, doc.body).status;
    } catch (error) {
      client.reportException(upsert.opTags.resource, 'create', error);
      status = -1;
    }
    if (status === 201 || status === 200) {
      upsert.ensured++;
      if (status === 200) upsert.existing++; // re-runs only
      continue;
    }
    entitiesFailed.add(1, upsert.tags);
    documentFailed(client, doc, status, docs.slice(d + 1));
    return false;
  }
  return true;
}

/**
 * A document failed for good (its retries are spent, or the answer cannot get better by waiting). Nothing
 * that references it can be created, so nothing waits for it: a document other work items reference stops
 * the phase at once with DMS's own words; a student or staff member ends its own work item, whose other
 * documents are counted as failed without being sent. See docs/architecture.md.
 */
function documentFailed(client: DmsClient, doc: ResourceDoc, status: number, rest: ResourceDoc[]): void {
  const problem = client.lastProblem;
  if (status === 403) {
    abort(`DMS refused to create ${doc.resource} (403): the API client's claim set does not allow it; set CLAIM_SET_NAME (see docs/troubleshooting.md)`);
  }
  const dependents = dependentsOf(doc.resource);
  if (dependents === 'later-items') {
    const what = problem ? problemSentence(problem) : `${doc.resource} create failed (status ${status})`;
    abort(
      `the load stops: ${what}. Every later document that references ${doc.resource} would wait for it and fail; ` +
        'fix the cause (docs/troubleshooting.md) and run the load again',
    );
  }
  for (const skipped of rest) entitiesFailed.add(1, upsertFor(client, skipped.resource).tags);
}

/** Work item i as one operation; a builder that throws fails that item, counted and reported. */
function ensureWorkItem(client: DmsClient, i: number): void {
  let tags = WORK_ITEM_OPERATION.student;
  let ok = false;
  try {
    const item = workItemAt(profile, i);
    tags = WORK_ITEM_OPERATION[item.kind];
    ok = ensureAll(client, documentsFor(profile, item));
  } catch (error) {
    client.reportException(tags.resource, tags.op, error);
    entitiesFailed.add(1, { resource: tags.resource });
  }
  operationFailed.add(!ok, tags);
}


/** Adds the iteration's counts: once per resource per iteration, not once per document (a Counter.add each). */
function addEntityCounts(): void {
  for (const upsert of upsertList) {
    if (upsert.ensured > 0) entitiesEnsured.add(upsert.ensured, upsert.tags);
    if (upsert.existing > 0) entitiesExisting.add(upsert.existing, upsert.tags);
    upsert.ensured = 0;
    upsert.existing = 0;
  }
}

/** Every document the target has for the look-up; stops the run if it cannot tell (see readAllPages). */
function fetchAll(client: DmsClient, lookup: ReferenceLookup): unknown[] {
  // As patient as the writes (`loading`): a rate limiter is waited out, not taken for "nothing there".
  const result = readAllPages(lookup, (path) => {
    const res = client.send({ method: 'GET', path, resource: resourceTag(lookup.resource), op: 'verify', expected: [200], loading: true });
    return { status: res.status, items: readJsonArray({ status: res.status, contentType: headerValue(res, 'Content-Type'), body: res.body }) };
  });
  if (!result.ok) {
    abort(
      `could not look up the ${lookup.resource} already on the target (${result.problem}); the load stops rather than POST over a district's own copies. ` +
        `Check that the API client's claim set may read ${lookup.resource} (see docs/troubleshooting.md)`,
    );
  }
  return result.found;
}

/**
 * Descriptors and school years are shared reference data: a district's DMS usually has them, and a POST
 * would overwrite their descriptions (DMS upserts on the natural key). setup() looks them up and creates
 * only those missing (src/data/reference-data.ts). The LEA, schools and everything after are the suite's
 * own (ids 777000…).
 */
export function setup(): SetupData {
  const data = setupAuth();
  const client = dms(data);
  if (!instanceOfRun().first) {
    waitForBootstrap(client);
    return data;
  }
  const docs = bootstrapDocuments(profile);
  const existing = new Set<ResourceDoc>();
  for (const lookup of referenceLookups(docs)) {
    const found = fetchAll(client, lookup);
    for (const doc of lookup.docs) if (found.some((c) => sameNaturalKey(doc.resource, doc.body, c))) existing.add(doc);
  }
  for (const doc of docs) {
    if (existing.has(doc)) {
      const upsert = upsertFor(client, doc.resource);
      upsert.ensured++;
      upsert.existing++;
    } else {
      operationFailed.add(!ensureAll(client, [doc]), upsertFor(client, doc.resource).opTags);
    }
  }
  addEntityCounts();
  return data;
}

/** How long an instance other than the first waits for the first one's bootstrap documents (s), and how often it looks. */
const BOOTSTRAP_WAIT_SECONDS = 300;
const BOOTSTRAP_POLL_SECONDS = 0.25;

/**
 * An instance other than the first: the first instance's setup() writes the bootstrap documents (descriptors,
 * school year, LEA, in that order), and every work item references them. Waiting here for the LEA, the
 * last of them, with one GET every quarter of a second, keeps this instance's VUs from starting on work items whose
 * prerequisites are minutes away behind a rate limiter (a 409 is waited for about 50 s per document). Reads
 * only: repeated by every instance, it changes nothing.
 */
function waitForBootstrap(client: DmsClient): void {
  const lea = localEducationAgencyDoc();
  const call = { method: 'GET' as const, path: `ed-fi/localEducationAgencies?${naturalKeyQuery('localEducationAgencies', lea)}`, resource: 'localEducationAgencies', op: 'verify', expected: [200], loading: true };
  const deadline = Date.now() + BOOTSTRAP_WAIT_SECONDS * 1000;
  for (;;) {
    const res = client.send(call);
    const items = res.status === 200 ? readJsonArray({ status: res.status, contentType: headerValue(res, 'Content-Type'), body: res.body }) : undefined;
    if (items?.ok && items.value.length > 0) return;
    if (Date.now() > deadline) {
      abort(
        `the first instance did not create the bootstrap documents (descriptors, school year, local education agency ${String(lea.localEducationAgencyId)}) within ${BOOTSTRAP_WAIT_SECONDS} s ` +
          `(last answer: HTTP ${res.status}); see the first instance's output for why`,
      );
    }
    sleep(BOOTSTRAP_POLL_SECONDS);
  }
}

export default function (data: SetupData): void {
  const client = dms(data);
  const { first, end } = itemsOfIteration(plan, exec.scenario.iterationInTest);
  for (let i = first; i < end; i++) ensureWorkItem(client, i);
  addEntityCounts();
}

export function handleSummary(data: SummaryData): Record<string, string> {
  const segment = segmentOfSummary(data.state?.testRunDurationMs ?? 0, wholeRunThresholds);
  return summaryOutputs(data, 'load', config.resultsDir, { segment, toStdout: config.summaryToStdout });
}
