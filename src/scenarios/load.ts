// Load phase: creates exactly the profile's data set, each entity once, in dependency order, spread over
// VUS_LOAD_PHASE VUs. Iteration i of the shared-iterations scenario is work item i (src/data/plan.ts), so
// the data set is a pure function of the profile and re-running the phase upserts the same documents.
import exec from 'k6/execution';
import { Counter } from 'k6/metrics';
import type { Options } from 'k6/options';
import { bootstrapDocuments, documentsFor, expectedCounts, workItemAt, workItemCount, type ResourceDoc } from '../data/index.ts';
import { abort, config, dms, setupAuth, type SetupData } from '../phase/context.ts';
import { breakdownThresholds, phaseThresholds, SUMMARY_TREND_STATS } from '../phase/thresholds.ts';
import { summaryOutputs, type SummaryData } from '../summary/summary.ts';
import type { DmsClient, PreparedCall } from '../dms/client.ts';

const entitiesEnsured = new Counter('entities_ensured');
const entitiesExisting = new Counter('entities_existing');
const entitiesFailed = new Counter('entities_failed');

const profile = config.data;
const totalItems = workItemCount(profile);
const expected = expectedCounts(profile);

/** Every descriptor type is tagged 'descriptors' so the breakdown stays readable. */
function resourceTag(resource: string): string {
  return resource.endsWith('Descriptors') ? 'descriptors' : resource;
}

/** A systematic failure (a claim set, a validation rule) stops the phase early instead of at its time limit. */
const ABORT_AFTER_FAILED_ENTITIES = 50;

function entityThresholds(): NonNullable<Options['thresholds']> {
  const map: NonNullable<Options['thresholds']> = {
    entities_failed: ['count==0', { threshold: `count<${ABORT_AFTER_FAILED_ENTITIES}`, abortOnFail: true }],
  };
  for (const [resource, count] of Object.entries(expected)) {
    map[`entities_ensured{resource:${resource}}`] = [`count==${count}`];
    map[`entities_existing{resource:${resource}}`] = [];
  }
  return map;
}

const tagPairs = [...new Set(Object.keys(expected).map(resourceTag))].map((r) => [r, 'create'] as const);

export const options: Options = {
  scenarios: {
    load: {
      executor: 'shared-iterations',
      vus: Math.min(config.vusLoad, totalItems),
      iterations: totalItems,
      maxDuration: config.durationLoad,
    },
  },
  thresholds: {
    ...phaseThresholds(config, config.thresholds.p95MsLoad, { checks: false }),
    ...breakdownThresholds(tagPairs),
    ...entityThresholds(),
  },
  summaryTrendStats: SUMMARY_TREND_STATS,
  setupTimeout: '120s',
};

// Everything a create needs that does not change per document, made once per VU: k6 interprets
// JavaScript, and per-request objects showed up as a large share of the harness's CPU per request.
interface Upsert {
  prepared: PreparedCall;
  tags: { resource: string };
}
const upserts: Record<string, Upsert> = {};
function upsertFor(client: DmsClient, resource: string): Upsert {
  let upsert = upserts[resource];
  if (!upsert) {
    const prepared = client.prepare({ method: 'POST', path: `ed-fi/${resource}`, resource: resourceTag(resource), op: 'create', expected: [200, 201], loading: true });
    upsert = upserts[resource] = { prepared, tags: { resource } };
  }
  return upsert;
}

/**
 * Creates (or finds) the documents of one unit. Documents of a resource come together in a unit, so the
 * counts are added once per run of equal resources rather than once per document. There is no k6 check
 * per unit: the thresholds entities_failed == 0 and entities_ensured{resource} == expected gate the same
 * outcome more precisely, and a check per unit cost ~6% of the phase's throughput.
 */
function ensureAll(client: DmsClient, docs: ResourceDoc[]): void {
  let run: Upsert | undefined;
  let ensuredInRun = 0;
  for (const doc of docs) {
    const upsert = upsertFor(client, doc.resource);
    if (upsert !== run) {
      if (run && ensuredInRun > 0) entitiesEnsured.add(ensuredInRun, run.tags);
      run = upsert;
      ensuredInRun = 0;
    }
    const status = client.sendPrepared(upsert.prepared, doc.body).status;
    if (status === 201 || status === 200) {
      ensuredInRun++;
      if (status === 200) entitiesExisting.add(1, upsert.tags); // re-runs only: 201 is the common case
    } else {
      entitiesFailed.add(1, upsert.tags);
      if (status === 403) {
        abort(`DMS refused to create ${doc.resource} (403): the API client's claim set does not allow it; set CLAIM_SET_NAME (see docs/troubleshooting.md)`);
      }
    }
  }
  if (run && ensuredInRun > 0) entitiesEnsured.add(ensuredInRun, run.tags);
}

export function setup(): SetupData {
  const data = setupAuth();
  const client = dms(data);
  ensureAll(client, bootstrapDocuments(profile));
  return data;
}

export default function (data: SetupData): void {
  const client = dms(data);
  const item = workItemAt(profile, exec.scenario.iterationInTest);
  ensureAll(client, documentsFor(profile, item));
}

export function handleSummary(data: SummaryData): Record<string, string> {
  return summaryOutputs(data, 'load', config.resultsDir);
}
