// Filtered-read phase, shaped as Ed-Fi's Suite-3 FilteredRead workload: GETs by query parameters that
// return up to FILTERED_READ_LIMIT (Ed-Fi: 100) rows, looped by VUS_FILTERED_READ_PHASE VUs for
// DURATION_FILTERED_READ_PHASE. Each iteration is one of three queries over the loaded data set, at random:
// a school's enrolments (studentSchoolAssociations?schoolId=), a section's enrolments
// (studentSectionAssociations?sectionIdentifier=) and students by last name (students?lastSurname=). The
// figure is ms per request; rows returned are counted (filtered_read_rows). Gates: outcomes and checks only.
import { check } from 'k6';
import { Counter } from 'k6/metrics';
import type { Options } from 'k6/options';
import { schoolId, sectionIdentifier, studentDoc, type DataProfile } from '../data/index.ts';
import type { DmsCall } from '../dms/client.ts';
import { config, dms, setPhase, type SetupData } from '../phase/context.ts';
import { runOperation } from '../phase/operation.ts';
import { setupOverLoadedData } from '../phase/readwrite-mix.ts';
import { breakdownThresholds, operationThresholds, outcomeThresholds, SUMMARY_TREND_STATS } from '../phase/thresholds.ts';
import { summaryOutputs, type SummaryData } from '../summary/summary.ts';
import { filteredReadSummary } from '../workloads/workload-summary.ts';

setPhase('filtered-read');

const LIMIT = config.workloads.filteredRead.limit;
const rowsReturned = new Counter('filtered_read_rows');
const profile = config.data;

function randomInt(n: number): number {
  return Math.floor(Math.random() * n);
}

/** The three queries: the resource and its filter, from a random entity of the data set. */
const QUERIES: ReadonlyArray<{ resource: string; filter: (p: DataProfile) => string }> = [
  { resource: 'studentSchoolAssociations', filter: (p) => `schoolId=${schoolId(randomInt(p.schoolCount))}` },
  {
    resource: 'studentSectionAssociations',
    filter: (p) => `sectionIdentifier=${encodeURIComponent(sectionIdentifier(randomInt(p.schoolCount), randomInt(p.coursesPerSchool), randomInt(p.sectionsPerCourse)))}`,
  },
  { resource: 'students', filter: (p) => `lastSurname=${encodeURIComponent(String(studentDoc(p, randomInt(p.studentCount)).lastSurname))}` },
];

export const options: Options = {
  scenarios: { 'filtered-read': { executor: 'constant-vus', vus: config.workloads.filteredRead.vus, duration: config.workloads.filteredRead.duration } },
  thresholds: {
    ...outcomeThresholds(config),
    ...breakdownThresholds(QUERIES.map((q) => [q.resource, 'filter'] as const)),
    ...operationThresholds(QUERIES.map((q) => [q.resource, 'filter'] as const)),
    filtered_read_rows: [],
  },
  summaryTrendStats: SUMMARY_TREND_STATS,
};

export function setup(): SetupData {
  return setupOverLoadedData('filtered-read');
}

export default function (data: SetupData): void {
  const client = dms(data);
  const query = QUERIES[randomInt(QUERIES.length)];
  let rows = -1;
  const ok = runOperation(client, { resource: query.resource, op: 'filter' }, () => {
    const call: DmsCall = { method: 'GET', path: `ed-fi/${query.resource}?${query.filter(profile)}&limit=${LIMIT}`, resource: query.resource, op: 'filter', expected: [200] };
    const res = client.send(call);
    if (res.status !== 200) return;
    rows = client.readArray(call, res).length;
    rowsReturned.add(rows);
  });
  check(null, { [`filtered read returned at most ${LIMIT} rows`]: () => ok && rows >= 0 && rows <= LIMIT });
}

export function handleSummary(data: SummaryData): Record<string, string> {
  return summaryOutputs({ ...data, workload: filteredReadSummary(config, data, config.target) }, 'filtered-read', config.resultsDir);
}
