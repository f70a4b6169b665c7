// Soak phase, one window of it: the readwrite mix at a constant arrival rate (SOAK_RATE iterations/s, by
// default 70% of a saved capacity figure) with VUS_SOAK_PHASE VUs, for one window (SOAK_WINDOW; the runner
// gives each k6 run its length in SOAK_WINDOW_RUN). The runner runs one k6 per window for
// DURATION_SOAK_PHASE, so k6's memory (it keeps every Trend sample) is bounded by a window, and merges the
// windows' summaries into the phase's, with the drift verdict (tools/workloads/soak.ts). Each window has the
// readwrite gates: p95, failures after retries, failed operations, checks.
import exec from 'k6/execution';
import type { Options } from 'k6/options';
import { config, dms, setPhase, type SetupData } from '../phase/context.ts';
import { countIfLate } from '../phase/lateness.ts';
import { mixIteration, setupOverLoadedData } from '../phase/readwrite-mix.ts';
import { READWRITE_OPERATION_PAIRS, READWRITE_TAG_PAIRS } from '../phase/readwrite-ops.ts';
import { breakdownThresholds, operationThresholds, phaseThresholds, SUMMARY_TREND_STATS } from '../phase/thresholds.ts';
import { summaryOutputs, type SummaryData } from '../summary/summary.ts';

setPhase('soak');

const soak = config.workloads.soak;
if (soak.rate < 1) throw new Error('configuration: the soak phase needs SOAK_RATE (iterations/s), or SOAK_BASELINE for the runner to derive it');

export const options: Options = {
  scenarios: {
    soak: { executor: 'constant-arrival-rate', rate: soak.rate, timeUnit: '1s', duration: soak.windowDuration, preAllocatedVUs: soak.vus, maxVUs: soak.vus },
  },
  thresholds: {
    ...phaseThresholds(config, config.thresholds.p95MsReadwrite),
    ...breakdownThresholds(READWRITE_TAG_PAIRS),
    ...operationThresholds(READWRITE_OPERATION_PAIRS),
    readwrite_missing_data: ['count==0'],
    dropped_iterations: [],
    iterations_late: [],
  },
  summaryTrendStats: SUMMARY_TREND_STATS,
};

export function setup(): SetupData {
  return setupOverLoadedData('soak');
}

const msPerIteration = 1000 / soak.rate;

export default function (data: SetupData): void {
  countIfLate(exec.scenario.iterationInTest * msPerIteration, Date.now() - exec.scenario.startTime);
  mixIteration(dms(data));
}

export function handleSummary(data: SummaryData): Record<string, string> {
  return summaryOutputs(data, 'soak', config.resultsDir);
}
