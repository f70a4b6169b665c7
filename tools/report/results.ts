// Reads a results folder (results/<UTC>-<profile>-<phase>/) into plain values. Missing optional files are
// fine (a bare k6 run has only summary.json); unreadable or malformed ones become warnings, not crashes.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { parseTimeseries, type Sample } from '../progress/snapshot.ts';
import type { SummaryData } from './model.ts';

export interface ConfigValue {
  value: string;
  source?: string;
}

export interface RunInfo {
  profile?: string;
  phase?: string;
  target?: string;
  startedAt?: string;
  finishedAt?: string;
  exitCode?: number;
  status?: string;
  /** Why a run failed, in words (the runner's RUN_REASON). */
  reason?: string;
  versions?: Record<string, string>;
  config?: Record<string, ConfigValue>;
  phases?: Array<{ name: string; exitCode?: number; dir?: string }>;
  /** Where the run streamed its metrics with --prometheus (tools/prometheus/links.ts reads it). */
  prometheus?: unknown;
}

export interface PhaseResults {
  name: string;
  dir: string;
  exitCode?: number;
  summary?: SummaryData;
  timeseries: Sample[];
  hasTimeseries: boolean;
  /** k6's own web dashboard export, when the run used --dashboard (file name relative to the results folder). */
  dashboard?: string;
}

export interface ResultsFolder {
  folder: string;
  run?: RunInfo;
  simStats?: unknown;
  brokerStats?: Record<string, unknown>;
  phases: PhaseResults[];
  /** baseline-comparison.json, written by tools/baseline compare. */
  comparison?: unknown;
  warnings: string[];
}

/** A results folder that cannot be read at all: the message says what, where and how to fix it. */
export class ResultsError extends Error {}

export const PHASE_NAMES = ['load', 'readwrite'];
export const DASHBOARD_FILE = 'dashboard.html';

function readJson(path: string, warnings: string[]): unknown {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch (error) {
    warnings.push(`${path} could not be read as JSON (${error instanceof Error ? error.message : String(error)}); it was left out`);
    return undefined;
  }
}

/** Whether a path is a folder (false when it does not exist). */
export function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function toRunInfo(raw: unknown): RunInfo | undefined {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const r = raw as Record<string, unknown>;
  const info: RunInfo = {
    profile: str(r.profile),
    phase: str(r.phase),
    target: str(r.target),
    startedAt: str(r.startedAt),
    finishedAt: str(r.finishedAt),
    exitCode: num(r.exitCode),
    status: str(r.status),
    reason: str(r.reason) || undefined,
    prometheus: r.prometheus,
  };
  if (r.versions && typeof r.versions === 'object') {
    info.versions = {};
    for (const [k, v] of Object.entries(r.versions as Record<string, unknown>)) if (v !== null && v !== undefined) info.versions[k] = String(v);
  }
  if (r.config && typeof r.config === 'object') {
    info.config = {};
    for (const [k, v] of Object.entries(r.config as Record<string, unknown>)) {
      if (v && typeof v === 'object' && 'value' in v) {
        const cv = v as { value: unknown; source?: unknown };
        info.config[k] = { value: String(cv.value ?? ''), source: str(cv.source) };
      } else {
        info.config[k] = { value: String(v ?? '') };
      }
    }
  }
  if (Array.isArray(r.phases)) {
    info.phases = [];
    for (const p of r.phases) {
      if (p && typeof p === 'object' && typeof (p as { name?: unknown }).name === 'string') {
        const q = p as Record<string, unknown>;
        info.phases.push({ name: q.name as string, exitCode: num(q.exitCode), dir: str(q.dir) });
      }
    }
  }
  return info;
}

function readPhase(folder: string, name: string, dir: string, exitCode: number | undefined, warnings: string[]): PhaseResults {
  const summary = readJson(join(dir, 'summary.json'), warnings) as SummaryData | undefined;
  if (summary && (typeof summary !== 'object' || typeof summary.metrics !== 'object' || summary.metrics === null)) {
    warnings.push(`${join(dir, 'summary.json')} has no metrics object; it is not a k6 summary and was left out`);
  }
  const timeseriesPath = join(dir, 'timeseries.ndjson');
  const hasTimeseries = existsSync(timeseriesPath);
  let timeseries: Sample[] = [];
  if (hasTimeseries) {
    try {
      timeseries = parseTimeseries(readFileSync(timeseriesPath, 'utf8'));
    } catch (error) {
      warnings.push(`${timeseriesPath} could not be read (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  const dashboardPath = join(dir, DASHBOARD_FILE);
  const phase: PhaseResults = {
    name,
    dir,
    exitCode,
    summary: summary && typeof summary.metrics === 'object' && summary.metrics !== null ? summary : undefined,
    timeseries,
    hasTimeseries,
  };
  if (existsSync(dashboardPath)) {
    const rel = dashboardPath.startsWith(`${folder}/`) ? dashboardPath.slice(folder.length + 1) : dashboardPath;
    phase.dashboard = rel;
  }
  return phase;
}

function hasPhaseFiles(dir: string): boolean {
  return existsSync(join(dir, 'summary.json')) || existsSync(join(dir, 'timeseries.ndjson'));
}

export function readResults(folderArg: string): ResultsFolder {
  const folder = resolve(folderArg);
  if (!existsSync(folder)) {
    throw new ResultsError(`results folder ${folder} does not exist; pass a folder under results/ (ls results/), e.g. npm run report -- results/latest`);
  }
  if (!isDir(folder)) throw new ResultsError(`${folder} is a file, not a results folder; pass the folder that holds run.json`);
  const warnings: string[] = [];
  const run = toRunInfo(readJson(join(folder, 'run.json'), warnings));
  const phases: PhaseResults[] = [];
  const seen = new Set<string>();
  for (const p of run?.phases ?? []) {
    let dir = p.dir ? (isAbsolute(p.dir) ? p.dir : join(folder, p.dir)) : join(folder, p.name);
    if (!isDir(dir) && isDir(join(folder, p.name))) dir = join(folder, p.name);
    seen.add(resolve(dir));
    phases.push(readPhase(folder, p.name, dir, p.exitCode, warnings));
  }
  for (const name of PHASE_NAMES) {
    const dir = join(folder, name);
    if (!seen.has(resolve(dir)) && isDir(dir) && hasPhaseFiles(dir)) {
      seen.add(resolve(dir));
      phases.push(readPhase(folder, name, dir, undefined, warnings));
    }
  }
  // A bare k6 run whose RESULTS_DIR was the folder itself.
  if (phases.length === 0 && hasPhaseFiles(folder)) phases.push(readPhase(folder, run?.phase ?? 'phase', folder, run?.exitCode, warnings));
  if (!run && phases.every((p) => !p.summary && !p.hasTimeseries)) {
    throw new ResultsError(
      `${folder} is not a results folder: it has no run.json and no <phase>/summary.json; ` +
        'pass a folder written by ./run-load-test.sh (results/<UTC>-<profile>-<phase>/)',
    );
  }
  for (const phase of phases) {
    if (!phase.summary) warnings.push(`phase ${phase.name}: no summary.json in ${phase.dir} (k6 did not finish, or the phase did not run)`);
  }
  const brokerStats = readJson(join(folder, 'broker-stats.json'), warnings);
  return {
    folder,
    run,
    simStats: readJson(join(folder, 'sim-stats.json'), warnings),
    brokerStats: brokerStats && typeof brokerStats === 'object' ? (brokerStats as Record<string, unknown>) : undefined,
    phases,
    comparison: readJson(join(folder, 'baseline-comparison.json'), warnings),
    warnings,
  };
}
