// Chart specifications (plain data, embedded in the page as JSON and drawn by chart.js in the browser).
// Pure: built from the timeseries and the summary rows, unit-tested.
import { formatDuration } from '../progress/format.ts';
import type { Sample } from '../progress/snapshot.ts';
import type { OpRow } from './model.ts';
import type { Reference, WorkloadSummary } from '../../src/workloads/reference.ts';

export interface ChartDataset {
  label: string;
  data: Array<number | null>;
  color: string;
  dashed?: boolean;
}

export interface ChartSpec {
  id: string;
  phase: string;
  title: string;
  type: 'line' | 'bar';
  labels: string[];
  datasets: ChartDataset[];
  yTitle: string;
  /** Horizontal bars (one per resource/operation). */
  horizontal?: boolean;
  /** Pixel height of the chart's box. */
  height: number;
}

const COLORS = { blue: '#2563eb', orange: '#ea580c', red: '#dc2626', green: '#16a34a', purple: '#7c3aed', grey: '#6b7280', teal: '#0d9488' };

/** At most `max` points, evenly spread, always keeping the first and the last. */
export function downsample<T>(points: readonly T[], max: number): T[] {
  if (points.length <= max) return [...points];
  const out: T[] = [];
  const step = (points.length - 1) / (max - 1);
  for (let i = 0; i < max; i++) out.push(points[Math.round(i * step)]);
  return out;
}

const MAX_POINTS = 600;
const num = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? null : Math.round(v * 1000) / 1000);

/** A line needs this many points to say anything; a shorter phase gets one sentence instead of charts. */
export const MIN_CHART_POINTS = 3;

/** Iterations per second over each interval, from the cumulative iteration counts. */
export function iterationRates(samples: readonly Sample[]): Array<number | null> {
  return samples.map((s, i) => {
    const prev = i > 0 ? samples[i - 1] : undefined;
    if (s.iterations === undefined) return null;
    const seconds = s.elapsedS - (prev?.elapsedS ?? 0);
    const count = s.iterations - (prev?.iterations ?? 0);
    return seconds > 0 ? num(Math.max(0, count) / seconds) : null;
  });
}

/**
 * Charts over time; none for fewer than MIN_CHART_POINTS samples. An open-model phase (arrival rate) shows
 * iterations/s and allocated VUs instead of active VUs, which k6 reports as 0 between iterations.
 */
export function timeseriesCharts(phase: string, samples: readonly Sample[], expectedEntities?: number, options: { openModel?: boolean } = {}): ChartSpec[] {
  if (samples.length < MIN_CHART_POINTS) return [];
  const points = downsample(samples, MAX_POINTS);
  const labels = points.map((s) => formatDuration(s.elapsedS));
  const base = { phase, labels, type: 'line' as const, height: 260 };
  const charts: ChartSpec[] = [];
  const throughput: ChartDataset[] = [{ label: 'data requests/s', data: points.map((s) => num(s.reqRate)), color: COLORS.blue }];
  const hasEntities = points.some((s) => s.entities !== undefined);
  if (hasEntities) throughput.push({ label: 'entities ensured/s', data: points.map((s) => num(s.entitiesRate)), color: COLORS.green });
  charts.push({ ...base, id: `${phase}-throughput`, title: 'Throughput', yTitle: 'per second', datasets: throughput });
  charts.push({
    ...base,
    id: `${phase}-latency`,
    title: 'Latency of data requests',
    yTitle: 'ms',
    datasets: [
      { label: 'mean in the interval', data: points.map((s) => num(s.meanMs)), color: COLORS.blue },
      { label: 'p95 since start', data: points.map((s) => num(s.p95Ms)), color: COLORS.orange, dashed: true },
      { label: 'p90 since start', data: points.map((s) => num(s.p90Ms)), color: COLORS.purple, dashed: true },
    ],
  });
  charts.push({
    ...base,
    id: `${phase}-errors`,
    // Per attempt (http_req_failed): a 429 that was retried and then succeeded counts here too.
    title: 'Attempts not answered as expected (retried ones included)',
    yTitle: '% of the interval',
    datasets: [{ label: 'attempts %', data: points.map((s) => num(s.failedRate * 100)), color: COLORS.orange }],
  });
  if (options.openModel) {
    charts.push({
      ...base,
      id: `${phase}-vus`,
      title: 'Iterations per second and allocated VUs (open model)',
      yTitle: 'per second / VUs',
      datasets: [
        { label: 'iterations/s', data: iterationRates(points), color: COLORS.blue },
        { label: 'allocated VUs', data: points.map((s) => s.vusMax), color: COLORS.teal, dashed: true },
      ],
    });
  } else {
    charts.push({
      ...base,
      id: `${phase}-vus`,
      title: 'Virtual users',
      yTitle: 'VUs',
      datasets: [{ label: 'active VUs', data: points.map((s) => s.vus), color: COLORS.teal }],
    });
  }
  if (hasEntities) {
    const datasets: ChartDataset[] = [{ label: 'entities ensured', data: points.map((s) => num(s.entities)), color: COLORS.green }];
    if (expectedEntities) datasets.push({ label: 'expected', data: points.map(() => expectedEntities), color: COLORS.grey, dashed: true });
    charts.push({ ...base, id: `${phase}-entities`, title: 'Entities ensured', yTitle: 'entities', datasets });
  }
  return charts;
}

/** p50/p95/p99 per resource and operation, from the end-of-test summary (always available). */
export function opLatencyChart(phase: string, rows: readonly OpRow[]): ChartSpec | undefined {
  const used = rows.filter((r) => r.count > 0);
  if (used.length === 0) return undefined;
  return {
    id: `${phase}-ops`,
    phase,
    title: 'Latency by resource and operation',
    type: 'bar',
    horizontal: true,
    labels: used.map((r) => `${r.resource} ${r.op}`),
    yTitle: 'ms',
    height: Math.max(180, used.length * 30 + 80),
    datasets: [
      { label: 'p50', data: used.map((r) => num(r.p50)), color: COLORS.blue },
      { label: 'p95', data: used.map((r) => num(r.p95)), color: COLORS.orange },
      { label: 'p99', data: used.map((r) => num(r.p99)), color: COLORS.red },
    ],
  };
}

/** The capacity steps as the report draws them (summary.json's `capacity.steps`). */
export interface CapacityStepPoint {
  index: number;
  rate: number;
  requestsPerSecond: number;
  operationsPerSecond?: number;
  p95Ms?: number;
  held: boolean;
  judged: boolean;
}

/**
 * Throughput and p95 per capacity step (x: the step's planned iterations/s), with the p95 limit and the
 * growth limit (the first step's p95 raised by p95Growth, at least p95GrowthMinMs more) as dashed lines.
 */
export function capacityCharts(phase: string, steps: readonly CapacityStepPoint[], rule: { p95LimitMs: number; p95Growth: number; p95GrowthMinMs: number }): ChartSpec[] {
  if (steps.length === 0) return [];
  const labels = steps.map((s) => `${s.rate}/s${s.judged ? (s.held ? '' : ' (broke)') : ' (cut short)'}`);
  const base = { phase, labels, type: 'line' as const, height: 260 };
  const first = steps[0].p95Ms;
  const growthLimit = first === undefined ? undefined : Math.max(first * (1 + rule.p95Growth), first + rule.p95GrowthMinMs);
  const p95: ChartDataset[] = [
    { label: 'p95 of the step', data: steps.map((s) => num(s.p95Ms)), color: COLORS.orange },
    { label: `p95 limit (${rule.p95LimitMs} ms)`, data: steps.map(() => rule.p95LimitMs), color: COLORS.red, dashed: true },
  ];
  if (growthLimit !== undefined) p95.push({ label: `first step's p95 + ${Math.round(rule.p95Growth * 100)}%`, data: steps.map(() => num(growthLimit)), color: COLORS.purple, dashed: true });
  return [
    {
      ...base,
      id: `${phase}-capacity-throughput`,
      title: 'Throughput per step (x: planned iterations/s)',
      yTitle: 'per second',
      datasets: [
        { label: 'data requests/s', data: steps.map((s) => num(s.requestsPerSecond)), color: COLORS.blue },
        { label: 'operations/s', data: steps.map((s) => num(s.operationsPerSecond)), color: COLORS.green },
        { label: 'planned iterations/s', data: steps.map((s) => s.rate), color: COLORS.grey, dashed: true },
      ],
    },
    { ...base, id: `${phase}-capacity-p95`, title: 'p95 per step (x: planned iterations/s)', yTitle: 'ms', datasets: p95 },
  ];
}

/** The reference's figures as dashed horizontal lines, labelled with their target, source date and unit. */
function referenceLines(reference: Reference, points: number): ChartDataset[] {
  const colors = [COLORS.red, COLORS.purple, COLORS.grey];
  return reference.figures.map((f, i) => ({
    label: `Ed-Fi ${reference.date}: ${f.target} ${f.value} ${reference.unit} (reference)`,
    data: Array.from({ length: points }, () => f.value),
    color: colors[i % colors.length],
    dashed: true,
  }));
}

/**
 * The workload's figure beside Ed-Fi's published ones, drawn as labelled reference lines: volume,
 * requests/s over time; filtered-read, the mean ms per request over time; deep-paging, mean ms per page
 * against depth (tenths of the collection), by offset and by cursor.
 */
export function workloadCharts(phase: string, workload: WorkloadSummary, samples: readonly Sample[]): ChartSpec[] {
  const base = { phase, type: 'line' as const, height: 280 };
  if (workload.name === 'deep-paging') {
    const rows = workload.depth ?? [];
    if (rows.length === 0) return [];
    const labels = Array.from({ length: 10 }, (_, d) => `${d * 10}-${d * 10 + 10}%`);
    const series = (mode: 'offset' | 'cursor') => labels.map((_, d) => num(rows.find((r) => r.mode === mode && r.depth === d)?.meanMs));
    const datasets: ChartDataset[] = [{ label: 'mean ms per page, by offset', data: series('offset'), color: COLORS.blue }];
    if (rows.some((r) => r.mode === 'cursor')) datasets.push({ label: 'mean ms per page, by cursor', data: series('cursor'), color: COLORS.green });
    return [{ ...base, id: `${phase}-reference`, labels, title: 'ms per page against depth in the collection, beside Ed-Fi\'s published figures', yTitle: 'ms per page', datasets: [...datasets, ...referenceLines(workload.reference, labels.length)] }];
  }
  if (samples.length < MIN_CHART_POINTS) return [];
  const points = downsample(samples, MAX_POINTS);
  const labels = points.map((s) => formatDuration(s.elapsedS));
  const ours: ChartDataset = workload.name === 'volume'
    ? { label: 'data requests/s (this run)', data: points.map((s) => num(s.reqRate)), color: COLORS.blue }
    : { label: 'mean ms per request in the interval (this run)', data: points.map((s) => num(s.meanMs)), color: COLORS.blue };
  return [{
    ...base,
    id: `${phase}-reference`,
    labels,
    title: `${workload.name === 'volume' ? 'Requests per second' : 'ms per request'} over time, beside Ed-Fi's published figures`,
    yTitle: workload.reference.unit,
    datasets: [ours, ...referenceLines(workload.reference, labels.length)],
  }];
}

/** The soak's windows: p95 and the share failed after retries per window, with the p95 limit dashed. */
export function soakCharts(phase: string, windows: ReadonlyArray<{ index: number; startS: number; p95Ms?: number; p50Ms?: number; errorRate?: number; judged: boolean }>, p95LimitMs?: number): ChartSpec[] {
  if (windows.length === 0) return [];
  const labels = windows.map((w) => `${w.index + 1} (${formatDuration(w.startS)})${w.judged ? '' : ' short'}`);
  const base = { phase, labels, type: 'line' as const, height: 260 };
  const latency: ChartDataset[] = [
    { label: 'p95 of the window', data: windows.map((w) => num(w.p95Ms)), color: COLORS.orange },
    { label: 'p50 of the window', data: windows.map((w) => num(w.p50Ms)), color: COLORS.blue },
  ];
  if (p95LimitMs !== undefined) latency.push({ label: `p95 limit (${p95LimitMs} ms)`, data: windows.map(() => p95LimitMs), color: COLORS.red, dashed: true });
  return [
    { ...base, id: `${phase}-soak-latency`, title: 'Latency per window (x: window, its start)', yTitle: 'ms', datasets: latency },
    { ...base, id: `${phase}-soak-errors`, title: 'Failed after retries per window', yTitle: '% of data requests', datasets: [{ label: 'failed %', data: windows.map((w) => num((w.errorRate ?? 0) * 100)), color: COLORS.red }] },
  ];
}
