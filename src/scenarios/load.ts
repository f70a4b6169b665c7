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
import type { DmsClient } from '../dms/client.ts';

const entitiesEnsured = new Counter('entities_ensured');
const entitiesCreated = new Counter('entities_created');
const entitiesFailed = new Counter('entities_failed');

const profile = config.data;
const totalItems = workItemCount(profile);
const expected = expectedCounts(profile);

/** Every descriptor type is tagged 'descriptors' so the breakdown stays readable. */
function resourceTag(resource: string): string {
  return resource.endsWith('Descriptors') ? 'descriptors' : resource;
}

function entityThresholds(): Record<string, string[]> {
  const map: Record<string, string[]> = { entities_failed: ['count==0'] };
  for (const [resource, count] of Object.entries(expected)) {
    map[`entities_ensured{resource:${resource}}`] = [`count==${count}`];
    map[`entities_created{resource:${resource}}`] = [];
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
    ...phaseThresholds(config, config.thresholds.p95MsLoad),
    ...breakdownThresholds(tagPairs),
    ...entityThresholds(),
  },
  summaryTrendStats: SUMMARY_TREND_STATS,
  setupTimeout: '120s',
};

function ensure(client: DmsClient, doc: ResourceDoc): void {
  const res = client.send({
    method: 'POST',
    path: `ed-fi/${doc.resource}`,
    resource: resourceTag(doc.resource),
    op: 'create',
    body: doc.body,
    expected: [200, 201],
    loading: true,
  });
  if (res.status === 200 || res.status === 201) {
    entitiesEnsured.add(1, { resource: doc.resource });
    if (res.status === 201) entitiesCreated.add(1, { resource: doc.resource });
  } else {
    entitiesFailed.add(1, { resource: doc.resource });
    if (res.status === 403) {
      abort(`DMS refused to create ${doc.resource} (403): the API client's claim set does not allow it; set CLAIM_SET_NAME (see docs/troubleshooting.md)`);
    }
  }
}

export function setup(): SetupData {
  const data = setupAuth();
  const client = dms(data);
  for (const doc of bootstrapDocuments(profile)) ensure(client, doc);
  return data;
}

export default function (data: SetupData): void {
  const client = dms(data);
  const item = workItemAt(profile, exec.scenario.iterationInTest);
  for (const doc of documentsFor(profile, item)) ensure(client, doc);
}

export function handleSummary(data: SummaryData): Record<string, string> {
  return summaryOutputs(data, 'load', config.resultsDir);
}
