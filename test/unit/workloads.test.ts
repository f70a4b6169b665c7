// The workloads shaped as Ed-Fi's Suite-3 ones: the volume phase's enrolments, the depth of a page, the
// `workload` summaries, and the text that puts a run's figure beside Ed-Fi's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config.ts';
import { studentSchoolAssociationDoc, studentSchool, schoolId, studentUniqueId, volumeEnrollmentDoc, VOLUME_ENTRY_DAYS } from '../../src/data/index.ts';
import { depthMetric, depthOf, depthRows, ED_FI_REFERENCE } from '../../src/workloads/reference.ts';
import { deepPagingSummary, filteredReadSummary, volumeSummary } from '../../src/workloads/workload-summary.ts';
import type { SummaryData } from '../../src/summary/summary.ts';
import { figureText, headlineFigure, workloadLine } from '../../tools/workloads/workload-text.ts';

const config = loadConfig({ API_BASE_URL: 'http://dms', STUDENT_COUNT: '7', SCHOOL_COUNT: '2' });
const p = config.data;

const key = (d: Record<string, unknown>) => JSON.stringify([(d.studentReference as { studentUniqueId: string }).studentUniqueId, (d.schoolReference as { schoolId: number }).schoolId, d.entryDate]);

test('volume enrolments: a loaded student at its own school, a natural key new to the data set, distinct until the keys wrap', () => {
  const first = volumeEnrollmentDoc(p, 0);
  const loaded = studentSchoolAssociationDoc(p, 0);
  assert.deepEqual({ ...first, entryDate: loaded.entryDate }, loaded, 'the loaded enrolment but for its entry date');
  assert.notEqual(first.entryDate, loaded.entryDate);
  assert.deepEqual(volumeEnrollmentDoc(p, 0), first, 'deterministic');
  const doc = volumeEnrollmentDoc(p, 10);
  assert.equal((doc.studentReference as { studentUniqueId: string }).studentUniqueId, studentUniqueId(3));
  assert.equal((doc.schoolReference as { schoolId: number }).schoolId, schoolId(studentSchool(p, 3)));
  const keys = new Set<string>();
  const all = p.studentCount * VOLUME_ENTRY_DAYS;
  for (let k = 0; k < all; k++) keys.add(key(volumeEnrollmentDoc(p, k)));
  assert.equal(keys.size, all, 'every key distinct within a cycle');
  for (let s = 0; s < p.studentCount; s++) assert.ok(!keys.has(key(studentSchoolAssociationDoc(p, s))), 'never a loaded enrolment');
  assert.equal(key(volumeEnrollmentDoc(p, all)), key(volumeEnrollmentDoc(p, 0)), 'then the keys repeat (each one deleted long before)');
  assert.throws(() => volumeEnrollmentDoc(p, -1), /non-negative integer/);
});

test('depth: the tenth of the collection a page starts in', () => {
  assert.equal(depthOf(0, 1000), 0);
  assert.equal(depthOf(99, 1000), 0);
  assert.equal(depthOf(100, 1000), 1);
  assert.equal(depthOf(999, 1000), 9);
  assert.equal(depthOf(1000, 1000), 9, 'the empty page after the last one is at the end');
  assert.equal(depthOf(5, 0), 0);
  assert.equal(depthMetric('cursor', 3), 'http_req_duration{api:data,mode:cursor,depth:3}');
});

function summary(metrics: Record<string, Record<string, number>>, seconds = 10): SummaryData {
  const out: SummaryData = { metrics: {}, state: { testRunDurationMs: seconds * 1000 } };
  for (const [name, values] of Object.entries(metrics)) out.metrics[name] = { type: 'trend', values };
  return out;
}

test('volume: requests/s over the phase beside Ed-Fi\'s, with the shape of the run', () => {
  const w = volumeSummary(config, summary({ 'http_reqs{api:data}': { count: 13780 }, 'http_req_duration{api:data}': { avg: 7, 'p(95)': 20 } }), 'sim');
  assert.equal(w.name, 'volume');
  assert.deepEqual(headlineFigure(w), { label: 'throughput', value: 1378, unit: 'requests/s', comparable: true });
  assert.equal(w.parameters.users, 10);
  assert.equal(w.parameters.duration, '30m');
  assert.match(String(w.parameters.requests), /40% POST, 20% PUT, 40% DELETE/);
  assert.deepEqual(w.reference, ED_FI_REFERENCE.volume);
  assert.deepEqual(w.notes, ['a stand-in run measures the suite and this machine, not a DMS']);
  assert.equal(
    workloadLine(w),
    'volume: throughput 1,378 requests/s; beside Ed-Fi 2026-09-30 (PostgreSQL; hardware: not stated in the figures quoted (not this machine)): ' +
      'DMS 8.1 pre-release 1,378 requests/s, ODS/API 7.3.2 1,305 requests/s (a reference, not a verdict; a stand-in run measures the suite and this machine, not a DMS)',
  );
  assert.deepEqual(volumeSummary(config, summary({}), 'dms').notes, [], 'no stand-in note against a DMS');
});

test('deep paging: ms per page by mode (only the offset mean stands beside Ed-Fi\'s) and by depth', () => {
  const data = summary({
    'http_req_duration{api:data,mode:offset}': { avg: 400, 'p(95)': 700, count: 20 },
    'http_req_duration{api:data,mode:cursor}': { avg: 50, 'p(95)': 80, count: 20 },
    [depthMetric('offset', 0)]: { avg: 100, med: 90, 'p(95)': 150, count: 2 },
    [depthMetric('offset', 9)]: { avg: 700, med: 690, 'p(95)': 750, count: 2 },
    [depthMetric('cursor', 9)]: { avg: 50, med: 50, 'p(95)': 60, count: 2 },
    [depthMetric('cursor', 5)]: { count: 0 },
  });
  const w = deepPagingSummary(config, data, { cursor: 'pageToken/pageSize', total: 10000 });
  assert.deepEqual(headlineFigure(w), { label: 'mean ms per page (offset)', value: 400, unit: 'ms', comparable: true });
  assert.equal(w.figures.find((f) => f.label === 'mean ms per page (cursor)')?.comparable, false);
  assert.equal(figureText(w.figures.find((f) => f.label === 'pages (offset)') as { value: number; unit: string }), '20 pages');
  assert.deepEqual(w.parameters, { resource: 'studentSectionAssociations', pageSize: 500, users: 1, walks: 1, cursor: 'pageToken/pageSize', documents: 10000 });
  assert.deepEqual(w.depth, [
    { mode: 'offset', depth: 0, pages: 2, meanMs: 100, p50Ms: 90, p95Ms: 150 },
    { mode: 'offset', depth: 9, pages: 2, meanMs: 700, p50Ms: 690, p95Ms: 750 },
    { mode: 'cursor', depth: 9, pages: 2, meanMs: 50, p50Ms: 50, p95Ms: 60 },
  ]);
  assert.deepEqual(depthRows(() => undefined), []);
});

test('filtered read: ms per request beside Ed-Fi\'s, and the rows the queries returned', () => {
  const w = filteredReadSummary(config, summary({ 'http_req_duration{api:data}': { avg: 12.5, med: 10, 'p(95)': 30, count: 400 }, filtered_read_rows: { count: 20000 } }));
  assert.deepEqual(headlineFigure(w), { label: 'mean ms per request', value: 12.5, unit: 'ms', comparable: true });
  assert.equal(w.figures.find((f) => f.label === 'rows per request')?.value, 50);
  assert.equal(w.parameters.limit, 100);
});
