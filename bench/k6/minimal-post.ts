// The reference for harness overhead: the plainest k6 script that POSTs the same student bodies as the
// load phase, with a fixed token, no retries, no checks, no custom metrics.
import http from 'k6/http';
import exec from 'k6/execution';
import { studentDoc, type DataProfile } from '../../src/data/index.ts';

const profile: DataProfile = {
  schoolCount: 1, studentCount: Number(__ENV.STUDENT_COUNT), staffCount: 0,
  coursesPerSchool: 1, sectionsPerCourse: 1, sectionsPerStudent: 0, schoolYear: 2026,
};

export const options = {
  scenarios: {
    minimal: { executor: 'shared-iterations', vus: Number(__ENV.VUS), iterations: profile.studentCount, maxDuration: '10m' },
  },
};

const params = { headers: { Authorization: `Bearer ${__ENV.ACCESS_TOKEN}`, 'Content-Type': 'application/json' } };

export default function (): void {
  http.post(`${__ENV.API_BASE_URL}/data/ed-fi/students`, JSON.stringify(studentDoc(profile, exec.scenario.iterationInTest)), params);
}

export function handleSummary(data: { metrics: Record<string, { values: Record<string, number> }> }): Record<string, string> {
  return { [__ENV.SUMMARY_FILE]: JSON.stringify({ rate: data.metrics.http_reqs.values.rate, count: data.metrics.http_reqs.values.count }) };
}
