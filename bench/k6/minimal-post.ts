// The reference for harness overhead: the plainest k6 script that POSTs the same documents as the load
// phase (same work items, same bodies, same order), with a fixed token: no retries, no checks, no tags,
// no custom metrics, no thresholds. The server does identical work, so the difference is the harness.
import http from 'k6/http';
import exec from 'k6/execution';
import { bootstrapDocuments, documentsFor, workItemAt, workItemCount, type DataProfile } from '../../src/data/index.ts';

const profile: DataProfile = {
  schoolCount: Number(__ENV.SCHOOL_COUNT), studentCount: Number(__ENV.STUDENT_COUNT), staffCount: Number(__ENV.STAFF_COUNT),
  coursesPerSchool: Number(__ENV.COURSES_PER_SCHOOL), sectionsPerCourse: Number(__ENV.SECTIONS_PER_COURSE),
  sectionsPerStudent: Number(__ENV.SECTIONS_PER_STUDENT), schoolYear: 2026,
};

export const options = {
  scenarios: {
    minimal: { executor: 'shared-iterations', vus: Number(__ENV.VUS), iterations: workItemCount(profile), maxDuration: '10m' },
  },
};

const params = { headers: { Authorization: `Bearer ${__ENV.ACCESS_TOKEN}`, 'Content-Type': 'application/json' } };

function post(resource: string, body: unknown): void {
  http.post(`${__ENV.API_BASE_URL}/data/ed-fi/${resource}`, JSON.stringify(body), params);
}

export function setup(): void {
  for (const doc of bootstrapDocuments(profile)) post(doc.resource, doc.body);
}

export default function (): void {
  for (const doc of documentsFor(profile, workItemAt(profile, exec.scenario.iterationInTest))) post(doc.resource, doc.body);
}

export function handleSummary(data: { metrics: Record<string, { values: Record<string, number> }> }): Record<string, string> {
  return { [__ENV.SUMMARY_FILE]: JSON.stringify({ rate: data.metrics.http_reqs.values.rate, count: data.metrics.http_reqs.values.count }) };
}
