// Volume phase, shaped as Ed-Fi's Suite-3 Volume workload: VUS_VOLUME_PHASE users (Ed-Fi: 10) looping, for
// DURATION_VOLUME_PHASE (Ed-Fi: 30 minutes), POST, PUT and DELETE with 40% of requests DELETE: each
// iteration POSTs a new student school enrolment (src/data/builders.ts volumeEnrollmentDoc), PUTs it every
// other iteration, and DELETEs it (1 + 0.5 + 1 requests: 40% POST, 20% PUT, 40% DELETE). Closed model: the
// figure is requests/s. Its gates are outcomes only (failures after retries, checks): latency is measured,
// and shown beside Ed-Fi's published figures, not judged.
import { check } from 'k6';
import exec from 'k6/execution';
import type { Options } from 'k6/options';
import { volumeEnrollmentDoc } from '../data/index.ts';
import { idFromLocation, type DmsCall, type PreparedCall } from '../dms/client.ts';
import { config, dms, setPhase, type SetupData } from '../phase/context.ts';
import { runOperation } from '../phase/operation.ts';
import { setupOverLoadedData } from '../phase/readwrite-mix.ts';
import { breakdownThresholds, operationThresholds, outcomeThresholds, SUMMARY_TREND_STATS } from '../phase/thresholds.ts';
import { summaryOutputs, type SummaryData } from '../summary/summary.ts';
import { volumeSummary } from '../workloads/workload-summary.ts';

setPhase('volume');

const RESOURCE = 'studentSchoolAssociations';
const TAGS = { resource: RESOURCE, op: 'create-update-delete' };
const settings = config.workloads.volume;

export const options: Options = {
  scenarios: { volume: { executor: 'constant-vus', vus: settings.vus, duration: settings.duration } },
  thresholds: {
    ...outcomeThresholds(config),
    ...breakdownThresholds([[RESOURCE, 'create'], [RESOURCE, 'update'], [RESOURCE, 'delete']]),
    ...operationThresholds([[TAGS.resource, TAGS.op]]),
  },
  summaryTrendStats: SUMMARY_TREND_STATS,
};

export function setup(): SetupData {
  return setupOverLoadedData('volume');
}

let post: PreparedCall | undefined;

export default function (data: SetupData): void {
  const client = dms(data);
  post ??= client.prepare({ method: 'POST', path: `ed-fi/${RESOURCE}`, resource: RESOURCE, op: 'create', expected: [201, 200] });
  const n = exec.scenario.iterationInTest;
  const body = volumeEnrollmentDoc(config.data, n);
  const ok = runOperation(client, TAGS, () => {
    const created = client.sendPrepared(post as PreparedCall, body);
    if (created.status >= 300) return;
    const id = idFromLocation(created);
    if (!id) return client.wrongBody(post?.call as DmsCall, created, 'no Location header with the new id');
    const path = `ed-fi/${RESOURCE}/${id}`;
    if (n % 2 === 0) client.send({ method: 'PUT', path, resource: RESOURCE, op: 'update', body: { ...body, id, repeatGradeIndicator: true }, expected: [204] });
    client.send({ method: 'DELETE', path, resource: RESOURCE, op: 'delete', expected: [204] });
  });
  check(null, { 'create, update, delete succeeded': () => ok });
}

export function handleSummary(data: SummaryData): Record<string, string> {
  return summaryOutputs({ ...data, workload: volumeSummary(config, data, config.target) }, 'volume', config.resultsDir);
}
