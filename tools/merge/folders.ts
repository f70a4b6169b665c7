// Results folders of several k6 instances of one run -> one merged results folder. Where the parts are:
//   <run>/<phase>/instance-<i>/summary.json   --instances N on one machine (exit code in instance-<i>/exit-code)
//   <run>/<phase>/summary.json with a segment record   instance i of N on a host of its own (--instance I/N);
//                                                       its exit code is the phase's in run.json
// The merged folder gets run.json, <phase>/summary.json (merged, with the `merge` record) and a copy of each
// part under <phase>/instance-<i>/, so it can be read, reported on and merged again on its own.
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { SummaryData } from '../../src/summary/summary.ts';
import { segmentBounds, type SegmentRecord } from '../../src/phase/segment.ts';
import { writeWhole } from '../../scripts/lib/node/write-whole.ts';
import { RESULTS_SCHEMA_VERSION, runReason } from '../../scripts/lib/node/results.ts';
import { MergeError, mergeSummaries, type SummaryPart } from './merge.ts';
import { summaryJson } from '../../src/summary/summary.ts';
import { isDir } from '../report/results.ts';

/** The phases a run can have, in the order they run. */
const PHASE_ORDER = ['load', 'readwrite', 'capacity', 'soak', 'volume', 'deep-paging', 'filtered-read'];

interface RunJson {
  runId?: string;
  profile?: string;
  phase?: string;
  target?: string;
  startedAt?: string;
  finishedAt?: string;
  exitCode?: number;
  versions?: Record<string, string>;
  config?: Record<string, unknown>;
  phases?: Array<{ name: string; exitCode: number | null; dir: string }>;
  [field: string]: unknown;
}

function readJson<T>(file: string, what: string): T {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (error) {
    throw new MergeError(`${file}: ${what} cannot be read (${(error as Error).message})`);
  }
}

function exitCodeFile(dir: string): number | undefined {
  const file = join(dir, 'exit-code');
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8').trim();
  return /^\d+$/.test(text) ? Number(text) : undefined;
}

/** The instance parts of one phase in one folder (see the top of this file); [] when it has none. */
export function phaseParts(folder: string, phase: string, run: RunJson | undefined): SummaryPart[] {
  const dir = join(folder, phase);
  if (!isDir(dir)) return [];
  const instanceDirs = readdirSync(dir).filter((name) => /^instance-\d+$/.test(name) && isDir(join(dir, name)));
  if (instanceDirs.length > 0) {
    return instanceDirs.map((name) => {
      const file = join(dir, name, 'summary.json');
      if (!existsSync(file)) throw new MergeError(`${join(dir, name)} has no summary.json: that instance did not finish, so the phase cannot be merged`);
      return { source: join(basename(folder), phase, name), summary: readJson<SummaryData>(file, 'summary.json'), exitCode: exitCodeFile(join(dir, name)) };
    });
  }
  const file = join(dir, 'summary.json');
  if (!existsSync(file)) return [];
  const summary = readJson<SummaryData>(file, 'summary.json');
  if (!(summary as { segment?: unknown }).segment) return [];
  const exitCode = run?.phases?.find((p) => p.name === phase)?.exitCode ?? undefined;
  return [{ source: join(basename(folder), phase), summary, exitCode: exitCode ?? undefined }];
}

/** The problems the broker kept for a phase, saved beside the parts as <phase>/problems.json (tools/k8s apply.sh). */
function runProblems(folders: string[], phase: string): Array<Array<Record<string, unknown>>> {
  const lists: Array<Array<Record<string, unknown>>> = [];
  for (const folder of folders) {
    const file = join(folder, phase, 'problems.json');
    if (!existsSync(file)) continue;
    const value = readJson<{ problems?: unknown }>(file, 'problems.json');
    if (Array.isArray(value.problems)) lists.push(value.problems as Array<Record<string, unknown>>);
  }
  return lists;
}

export interface MergedFolder {
  folder: string;
  exitCode: number;
  /** Per phase: its exit code and the merge's notes and unjudged thresholds, for the console. */
  phases: Array<{ name: string; exitCode: number; notes: string[]; summary: SummaryData }>;
}

function segmentOf(part: SummaryPart): SegmentRecord | undefined {
  return (part.summary as { segment?: SegmentRecord }).segment;
}

/** The segment's index (1-based) among equal segments, for the copy's folder name. */
function instanceNumber(part: SummaryPart): number {
  const segment = segmentOf(part);
  const { start } = segmentBounds(segment?.executionSegment ?? '0:1');
  return Math.round(start * (segment?.instances ?? 1)) + 1;
}

/** A folder name that does not exist yet: base, base-2, base-3 ... */
function freshFolder(base: string): string {
  let candidate = base;
  for (let n = 2; existsSync(candidate); n++) candidate = `${base}-${n}`;
  return candidate;
}

/**
 * Merges the results folders of one run's instances (each host's, or one machine's) into `out` (default:
 * <parent of the first folder>/<run id>-merged). Throws MergeError when they are not one run's instances.
 */
export function mergeFolders(folders: string[], out?: string): MergedFolder {
  if (folders.length === 0) throw new MergeError('name the results folders to merge: npm run merge -- <folder> <folder> ...');
  const runs = folders.map((f) => {
    const folder = resolve(f);
    if (!isDir(folder)) throw new MergeError(`${folder} is not a folder; pass the results folders of the run's instances (each host's results/<run>/)`);
    const runFile = join(folder, 'run.json');
    return { folder, run: existsSync(runFile) ? readJson<RunJson>(runFile, 'run.json') : undefined };
  });
  const profiles = new Set(runs.map((r) => r.run?.profile));
  if (profiles.size > 1) throw new MergeError(`the folders ran different profiles (${[...profiles].join(', ')})`);
  const seen = new Set<string>();
  for (const r of runs) {
    if (seen.has(r.folder)) throw new MergeError(`${r.folder} is named twice`);
    seen.add(r.folder);
  }

  const phaseNames = PHASE_ORDER.filter((name) => runs.some((r) => isDir(join(r.folder, name))));
  const merged: MergedFolder['phases'] = [];
  const partsByPhase = new Map<string, SummaryPart[]>();
  for (const name of phaseNames) {
    const parts = runs.flatMap((r) => phaseParts(r.folder, name, r.run));
    if (parts.length === 0) continue;
    partsByPhase.set(name, parts);
  }
  if (partsByPhase.size === 0) {
    throw new MergeError(`no instance summaries in ${folders.join(', ')}: they hold no <phase>/instance-<i>/summary.json and no <phase>/summary.json of an instance (run with --instances N or --instance I/N)`);
  }
  const results = [...partsByPhase].map(([name, parts]) => ({ name, parts, ...mergeSummaries(parts, runProblems(runs.map((r) => r.folder), name)) }));

  // The first instance's host ran the broker (and the stand-in): its run.json is the base of the merged one.
  const firstPart = results[0].parts.find((p) => segmentBounds(segmentOf(p)?.executionSegment ?? '0:1').start === 0);
  const first = runs.find((r) => firstPart && firstPart.source.startsWith(`${basename(r.folder)}/`)) ?? runs[0];
  const runId = segmentOf(results[0].parts[0])?.runId ?? first.run?.runId ?? 'merged';
  const target = out ? resolve(out) : freshFolder(join(resolve(first.folder, '..'), `${runId}-merged`));
  if (existsSync(target) && readdirSync(target).length > 0) throw new MergeError(`${target} exists and is not empty; name another --out folder`);
  mkdirSync(target, { recursive: true });
  for (const { name, parts, summary, record } of results) {
    mkdirSync(join(target, name), { recursive: true });
    writeWhole(join(target, name, 'summary.json'), summaryJson(summary));
    for (const part of parts) {
      const dir = join(target, name, `instance-${instanceNumber(part)}`);
      mkdirSync(dir, { recursive: true });
      writeWhole(join(dir, 'summary.json'), summaryJson(part.summary));
      if (part.exitCode !== undefined) writeWhole(join(dir, 'exit-code'), `${part.exitCode}\n`);
    }
    merged.push({ name, exitCode: record.exitCode, notes: [...record.notes, ...record.thresholds.filter((t) => !t.judged).map((t) => `not judged: ${t.metric} ${t.expression}: ${t.note ?? ''}`)], summary });
  }
  const exitCode = merged.find((p) => p.exitCode !== 0)?.exitCode ?? 0;
  const times = (key: 'startedAt' | 'finishedAt') => runs.map((r) => r.run?.[key]).filter((t): t is string => typeof t === 'string').sort();
  const failedPhase = merged.find((p) => p.exitCode !== 0);
  const run: RunJson = {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    ...(first.run ?? {}),
    runId,
    startedAt: times('startedAt')[0] ?? first.run?.startedAt,
    finishedAt: times('finishedAt').at(-1) ?? first.run?.finishedAt,
    exitCode,
    status: exitCode === 0 ? 'PASS' : 'FAIL',
    reason: runReason(exitCode, failedPhase ? `phase ${failedPhase.name} of the merged instances: k6 exit code ${failedPhase.exitCode}` : undefined),
    phases: merged.map((p) => ({ name: p.name, exitCode: p.exitCode, dir: p.name })),
  };
  if (run.reason === undefined) delete run.reason;
  writeWhole(join(target, 'run.json'), `${JSON.stringify(run, null, 2)}\n`);
  // the first host's: it ran the broker (the run's one token) and, if any, the stand-in
  for (const file of ['broker-stats.json', 'sim-stats.json']) {
    if (existsSync(join(first.folder, file))) writeWhole(join(target, file), readFileSync(join(first.folder, file)));
  }
  writeWhole(join(target, 'exit-status'), `${exitCode}\n`);
  return { folder: target, exitCode, phases: merged };
}
