// The runner's helper for the workload phases (scripts/lib/workloads.sh):
//   capacity SUMMARY   -> prints the capacity step table and line from <phase>/summary.json;
//                         exit 0 a sustainable capacity was found, 1 none (even the first step broke the
//                         SLO, or none could be judged), 2 no capacity in the file (k6 wrote no summary)
//   soak-plan DURATION WINDOW
//                      -> prints the soak's windows as k6 durations ('600s 600s 120s'); exit 2 on a bad duration
//   soak-rate BASELINE_FILE SHARE
//                      -> prints the soak rate (iterations/s): SHARE of the sustainable capacity saved in the
//                         baseline, at least 1; exit 2 with the reason when the baseline has none
//   soak-merge SOAK_DIR RATE WINDOW LATENCY_TOLERANCE ERROR_TOLERANCE
//                      -> merges SOAK_DIR/window-*/summary.json into SOAK_DIR/summary.json and their
//                         timeseries into SOAK_DIR/timeseries.ndjson, prints the windows and the drift
//                         verdict; exit 0 stable or not judged, 1 drifting, 2 no window wrote a summary
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeWhole } from '../../scripts/lib/node/write-whole.ts';
import { durationSeconds } from '../../src/config.ts';
import { summaryJson, type SummaryData } from '../../src/summary/summary.ts';
import { asCapacity, capacityLines } from './capacity-text.ts';
import { DRIFT_ALPHA, MIN_WINDOWS, mergeSoak, soakLines } from './soak.ts';

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function capacity(summaryPath: string): number {
  const summary = readJson(summaryPath) as { capacity?: unknown } | undefined;
  const result = asCapacity(summary?.capacity);
  if (!result) return 2;
  process.stdout.write(`${capacityLines(result).join('\n')}\n`);
  return result.sustainable ? 0 : 1;
}

/** The soak's windows: whole windows, and the rest as a last, shorter one. */
export function soakPlan(total: number, window: number): number[] {
  const out: number[] = [];
  let left = Math.round(total);
  while (left > 0) {
    out.push(Math.min(window, left));
    left -= window;
  }
  return out;
}

function plan(duration: string, window: string): number {
  let total: number;
  let each: number;
  try {
    total = durationSeconds(duration);
    each = durationSeconds(window);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  if (each < 1) {
    process.stderr.write(`SOAK_WINDOW='${window}' is shorter than 1s\n`);
    return 2;
  }
  process.stdout.write(`${soakPlan(total, Math.round(each)).map((s) => `${s}s`).join(' ')}\n`);
  return 0;
}

function rate(baselineFile: string, share: string): number {
  const baseline = readJson(baselineFile) as { phases?: Record<string, { capacity?: { rate?: number; found?: boolean } }> } | undefined;
  const found = Object.values(baseline?.phases ?? {}).map((p) => p.capacity).find((c) => c?.found && typeof c.rate === 'number');
  if (!found) {
    process.stderr.write(`${baselineFile} holds no sustainable capacity: save one from a capacity run (--phase capacity --save-baseline NAME), or set SOAK_RATE\n`);
    return 2;
  }
  process.stdout.write(`${Math.max(1, Math.floor((found.rate as number) * Number(share)))} ${found.rate}\n`);
  return 0;
}

/** Cumulative fields of a timeseries sample, carried on from one window to the next. */
const CUMULATIVE = ['reqs', 'failed', 'retries', 'iterations', 'tokenRequests'] as const;

function merge(dir: string, rateText: string, window: string, latencyTolerance: string, errorTolerance: string): number {
  const windows = readdirSync(dir).filter((n) => /^window-\d+$/.test(n)).sort();
  const parts = windows.map((w) => readJson(join(dir, w, 'summary.json')) as SummaryData | undefined).filter((s): s is SummaryData => !!s && typeof s.metrics === 'object');
  if (parts.length === 0) return 2;
  const merged = mergeSoak(parts, {
    rate: Number(rateText),
    windowSeconds: durationSeconds(window),
    rule: { latencyTolerance: Number(latencyTolerance), errorTolerance: Number(errorTolerance), alpha: DRIFT_ALPHA, minWindows: MIN_WINDOWS },
  });
  writeWhole(join(dir, 'summary.json'), summaryJson(merged));
  // One time series for the phase: each window's samples after the ones before, their counts carried on.
  const lines: string[] = [];
  let offsetS = 0;
  const carried: Record<string, number> = {};
  windows.forEach((w, i) => {
    const file = join(dir, w, 'timeseries.ndjson');
    let last: Record<string, number> = {};
    if (existsSync(file)) {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (!line.trim()) continue;
        const sample = JSON.parse(line) as Record<string, unknown>;
        sample.elapsedS = Number(sample.elapsedS) + offsetS;
        for (const key of CUMULATIVE) if (typeof sample[key] === 'number') sample[key] = (sample[key] as number) + (carried[key] ?? 0);
        last = sample as Record<string, number>;
        lines.push(JSON.stringify(sample));
      }
    }
    for (const key of CUMULATIVE) if (typeof last[key] === 'number') carried[key] = last[key];
    offsetS += merged.soak.windows[i]?.seconds ?? 0;
  });
  if (lines.length > 0) writeWhole(join(dir, 'timeseries.ndjson'), `${lines.join('\n')}\n`);
  process.stdout.write(`${soakLines(merged.soak).join('\n')}\n`);
  return merged.soak.drift.verdict === 'drifting' ? 1 : 0;
}

function main(argv: string[]): number {
  const [command, ...args] = argv;
  if (command === 'capacity' && args.length === 1) return capacity(args[0]);
  if (command === 'soak-plan' && args.length === 2) return plan(args[0], args[1]);
  if (command === 'soak-rate' && args.length === 2) return rate(args[0], args[1]);
  if (command === 'soak-merge' && args.length === 5) return merge(args[0], args[1], args[2], args[3], args[4]);
  process.stderr.write('usage: node --import tsx tools/workloads/main.ts capacity SUMMARY | soak-plan DURATION WINDOW | soak-rate BASELINE_FILE SHARE | soak-merge SOAK_DIR RATE WINDOW LATENCY_TOLERANCE ERROR_TOLERANCE\n');
  return 2;
}

if (process.argv[1] && /tools[\\/]workloads[\\/]main\.ts$/.test(process.argv[1])) process.exitCode = main(process.argv.slice(2));
