// Everything the page shows, as plain values: one ReportView from one results folder. Pure, unit-tested.
import { COMPARISON_FORMATS, type Comparison } from '../baseline/baseline.ts';
import { capacityCharts, soakCharts, workloadCharts, MIN_CHART_POINTS, opLatencyChart, timeseriesCharts, type ChartSpec } from './charts.ts';
import type { CapacityResult } from '../../src/workloads/capacity.ts';
import { asCapacity } from '../workloads/capacity-text.ts';
import { asWorkload } from '../workloads/workload-text.ts';
import { asSoak, type SoakResult } from '../workloads/soak.ts';
import { p95Limit } from './findings.ts';
import type { WorkloadSummary } from '../../src/workloads/reference.ts';
import { buildFindings, failureRows, generatorOf, isOpenModel, type FailureRow, type Findings } from './findings.ts';
import type { GeneratorVerdict } from '../generator/verdict.ts';
import {
  checkRows,
  entityRows,
  opRows,
  retryRows,
  simRouteRows,
  thresholdRows,
  tokenInfo,
  totals,
  type CheckRow,
  type CountRow,
  type EntityRow,
  type OpRow,
  type SimRouteRow,
  type ThresholdRow,
  type TokenInfo,
  type Totals,
} from './model.ts';
import type { ConfigValue, ResultsFolder } from './results.ts';
import { prometheusLinks, type PrometheusLinks } from '../prometheus/links.ts';

export interface PhaseView {
  name: string;
  dir: string;
  exitCode?: number;
  hasSummary: boolean;
  hasTimeseries: boolean;
  samples: number;
  /** Too few samples over time for a chart (MIN_CHART_POINTS). */
  tooShortForCharts: boolean;
  /** An arrival-rate phase: iterations/s and allocated VUs mean more than active VUs. */
  openModel: boolean;
  /** Iterations per second over the phase. */
  iterationRate?: number;
  /** Failures after retries per resource and operation (keyed 'resource|op'). */
  failures: Map<string, FailureRow>;
  dashboard?: string;
  totals?: Totals;
  /** VUs from the configuration, for phases too short for k6 to report vus_max. */
  configuredVus?: number;
  rows: OpRow[];
  thresholds: ThresholdRow[];
  entities: EntityRow[];
  expectedEntities?: number;
  tokens?: TokenInfo;
  retries: CountRow[];
  checks: CheckRow[];
  chartIds: string[];
  /** The capacity phase's steps and sustainable capacity (summary.json `capacity`). */
  capacity?: CapacityResult;
  capacityChartIds: string[];
  /** volume, deep-paging, filtered-read: the run's figures beside Ed-Fi's (summary.json `workload`). */
  workload?: WorkloadSummary;
  workloadChartIds: string[];
  /** soak: its windows and drift verdict (summary.json `soak`). */
  soak?: SoakResult;
  soakChartIds: string[];
  /** Was the load generator the bottleneck? (summary.json `generator`, tools/generator). */
  generator?: GeneratorVerdict;
}

export interface ReportView {
  folder: string;
  status: 'PASS' | 'FAIL' | 'UNKNOWN';
  profile?: string;
  phase?: string;
  target?: string;
  isStandIn: boolean;
  startedAt?: string;
  finishedAt?: string;
  durationS?: number;
  exitCode?: number;
  reason?: string;
  versions: Array<[string, string]>;
  config: Array<[string, ConfigValue]>;
  phases: PhaseView[];
  charts: ChartSpec[];
  simRoutes: SimRouteRow[];
  simTokens?: Record<string, unknown>;
  simDocuments: CountRow[];
  broker?: Record<string, unknown>;
  comparison?: Comparison;
  /** The answer first: verdict, reasons, slowest pairs, failures, retries, caps, baseline. */
  findings: Findings;
  /** Where the run's metrics are, when it streamed them with --prometheus. */
  metrics?: PrometheusLinks;
  warnings: string[];
}

const SECRET_NAME = /(SECRET|PASSWORD|PASSWD|_KEY|TOKEN)$/i;

/** Values the runner already masked pass through; anything that still looks like a secret is hidden. */
export function displayConfigValue(name: string, value: ConfigValue): ConfigValue {
  if (!SECRET_NAME.test(name) || value.value === '' || /\*|•|masked|hidden|redacted|<set>|\(set\)/i.test(value.value)) return value;
  return { ...value, value: '•••• (hidden by the report)' };
}

function toStatus(results: ResultsFolder): ReportView['status'] {
  const s = results.run?.status?.toUpperCase();
  if (s === 'PASS' || s === 'FAIL') return s;
  if (results.run?.exitCode !== undefined) return results.run.exitCode === 0 ? 'PASS' : 'FAIL';
  const codes = results.phases.map((p) => p.exitCode).filter((c): c is number => c !== undefined);
  if (codes.length > 0) return codes.every((c) => c === 0) ? 'PASS' : 'FAIL';
  const thresholds = results.phases.flatMap((p) => (p.summary ? thresholdRows(p.summary) : []));
  if (thresholds.length > 0) return thresholds.every((t) => t.ok) ? 'PASS' : 'FAIL';
  return 'UNKNOWN';
}

function durationOf(start?: string, end?: string): number | undefined {
  if (!start || !end) return undefined;
  const ms = Date.parse(end) - Date.parse(start);
  return Number.isFinite(ms) && ms >= 0 ? ms / 1000 : undefined;
}

function configuredRate(results: ResultsFolder, phase: string): number | undefined {
  const raw = phase === 'readwrite' ? results.run?.config?.READWRITE_RATE?.value : undefined;
  return raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : undefined;
}

function configuredVus(results: ResultsFolder, phase: string): number | undefined {
  const name = phase === 'load' ? 'VUS_LOAD_PHASE' : phase === 'readwrite' ? 'VUS_READWRITE_PHASE' : '';
  const raw = results.run?.config?.[name]?.value;
  return raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : undefined;
}

export function buildView(results: ResultsFolder): ReportView {
  const run = results.run;
  const charts: ChartSpec[] = [];
  const phases: PhaseView[] = results.phases.map((p) => {
    const s = p.summary;
    const rows = s ? opRows(s) : [];
    const entities = s ? entityRows(s) : [];
    const expected = entities.every((e) => e.expected !== undefined) && entities.length > 0 ? entities.reduce((n, e) => n + (e.expected ?? 0), 0) : undefined;
    const openModel = isOpenModel(s, configuredRate(results, p.name));
    const phaseCharts = timeseriesCharts(p.name, p.timeseries, expected, { openModel });
    const iterations = s?.metrics.iterations?.values;
    const seconds = s?.state?.testRunDurationMs ? s.state.testRunDurationMs / 1000 : undefined;
    const ops = opLatencyChart(p.name, rows);
    if (ops) phaseCharts.push(ops);
    charts.push(...phaseCharts);
    const capacity = asCapacity((s as { capacity?: unknown } | undefined)?.capacity);
    const stepCharts = capacity ? capacityCharts(p.name, capacity.steps, capacity.rule) : [];
    charts.push(...stepCharts);
    const workload = asWorkload((s as { workload?: unknown } | undefined)?.workload);
    const referenceCharts = workload ? workloadCharts(p.name, workload, p.timeseries) : [];
    charts.push(...referenceCharts);
    const soak = asSoak((s as { soak?: unknown } | undefined)?.soak);
    const limit = p95Limit(Object.keys(s?.metrics['http_req_duration{api:data}']?.thresholds ?? {}));
    const windowCharts = soak ? soakCharts(p.name, soak.windows, limit) : [];
    charts.push(...windowCharts);
    return {
      name: p.name,
      dir: p.dir,
      exitCode: p.exitCode,
      hasSummary: s !== undefined,
      hasTimeseries: p.timeseries.length > 0,
      samples: p.timeseries.length,
      tooShortForCharts: p.timeseries.length > 0 && p.timeseries.length < MIN_CHART_POINTS,
      openModel,
      iterationRate: iterations?.count !== undefined && seconds ? iterations.count / seconds : iterations?.rate,
      failures: new Map((s ? failureRows(p.name, s).rows : []).map((r) => [`${r.resource}|${r.op}`, r])),
      dashboard: p.dashboard,
      totals: s ? totals(s) : undefined,
      configuredVus: configuredVus(results, p.name),
      rows,
      thresholds: s ? thresholdRows(s) : [],
      entities,
      expectedEntities: expected,
      tokens: s ? tokenInfo(s) : undefined,
      retries: s ? retryRows(s) : [],
      checks: s ? checkRows(s) : [],
      chartIds: phaseCharts.map((c) => c.id),
      capacity,
      capacityChartIds: stepCharts.map((c) => c.id),
      generator: generatorOf(s),
      workload,
      workloadChartIds: referenceCharts.map((c) => c.id),
      soak,
      soakChartIds: windowCharts.map((c) => c.id),
    };
  });
  const sim = results.simStats as { tokens?: Record<string, unknown>; documents?: Record<string, unknown> } | undefined;
  const simDocuments: CountRow[] = Object.entries(sim?.documents ?? {})
    .filter((e): e is [string, number] => typeof e[1] === 'number')
    .map(([key, count]) => ({ key, count }))
    .sort((a, b) => a.key.localeCompare(b.key));
  const comparison = COMPARISON_FORMATS.includes(String((results.comparison as Comparison | undefined)?.format)) ? (results.comparison as Comparison) : undefined;
  const warnings = [...results.warnings];
  const status = toStatus(results);
  if (results.comparison !== undefined && !comparison) warnings.push('baseline-comparison.json is not in the format this report knows; it was left out');
  return {
    folder: results.folder,
    status,
    profile: run?.profile,
    phase: run?.phase,
    target: run?.target,
    isStandIn: run?.target === 'sim',
    startedAt: run?.startedAt,
    finishedAt: run?.finishedAt,
    durationS: durationOf(run?.startedAt, run?.finishedAt),
    exitCode: run?.exitCode,
    reason: run?.reason,
    versions: Object.entries(run?.versions ?? {}).sort(([a], [b]) => a.localeCompare(b)),
    config: Object.entries(run?.config ?? {})
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => [k, displayConfigValue(k, v)]),
    phases,
    charts,
    simRoutes: simRouteRows(results.simStats),
    simTokens: sim?.tokens,
    simDocuments,
    broker: results.brokerStats,
    comparison,
    findings: buildFindings({ results, status, comparison }),
    metrics: prometheusLinks(run),
    warnings,
  };
}
