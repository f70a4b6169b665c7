// Readwrite phase: for DURATION_READWRITE_PHASE, VUS_READWRITE_PHASE VUs run a configurable mix
// (READWRITE_MIX) of reads by id, paged queries with totalCount, updates, creates with enrolments and
// deletes of what this phase created, over the data set the load phase built.
import exec from 'k6/execution';
import type { Options } from 'k6/options';
import { config, dms, segmentOfSummary, setPhase, type SetupData } from '../phase/context.ts';
import { thresholdExpressions } from '../phase/segment.ts';
import { countIfLate } from '../phase/lateness.ts';
import { mixIteration, setupOverLoadedData } from '../phase/readwrite-mix.ts';
import { READWRITE_OPERATION_PAIRS, READWRITE_TAG_PAIRS } from '../phase/readwrite-ops.ts';
import { breakdownThresholds, operationThresholds, phaseThresholds, SUMMARY_TREND_STATS } from '../phase/thresholds.ts';
import { summaryOutputs, type SummaryData } from '../summary/summary.ts';

setPhase('readwrite');

// Closed model by default (VUs loop, the stress a bulk SIS sync puts on DMS); with READWRITE_RATE an open
// model: a fixed arrival rate that does not slow down when DMS does, so latency is not hidden.
const scenario = config.readwriteRate > 0
  ? {
    executor: 'constant-arrival-rate' as const,
    rate: config.readwriteRate,
    timeUnit: '1s',
    duration: config.durationReadwrite,
    preAllocatedVUs: config.vusReadwrite,
    maxVUs: config.vusReadwrite,
  }
  : { executor: 'constant-vus' as const, vus: config.vusReadwrite, duration: config.durationReadwrite };

// The same for one instance and for several: each gate holds for a part as for the sums (tools/merge).
const thresholds = {
  ...phaseThresholds(config, config.thresholds.p95MsReadwrite),
  ...breakdownThresholds(READWRITE_TAG_PAIRS),
  ...operationThresholds(READWRITE_OPERATION_PAIRS),
  readwrite_missing_data: ['count==0'],
  dropped_iterations: [], // open model: iterations k6 could not start for lack of a free VU
  iterations_late: [], // open model: iterations k6 started more than 250 ms after their planned moment
};

export const options: Options = {
  scenarios: { readwrite: scenario },
  thresholds,
  summaryTrendStats: SUMMARY_TREND_STATS,
};

export function setup(): SetupData {
  return setupOverLoadedData('readwrite');
}

// constant-arrival-rate starts iteration n at n / rate s (lib/executor/constant_arrival_rate.go).
const msPerIteration = config.readwriteRate > 0 ? 1000 / config.readwriteRate : 0;

export default function (data: SetupData): void {
  if (msPerIteration > 0) countIfLate(exec.scenario.iterationInTest * msPerIteration, Date.now() - exec.scenario.startTime);
  mixIteration(dms(data));
}

export function handleSummary(data: SummaryData): Record<string, string> {
  const segment = segmentOfSummary(data.state?.testRunDurationMs ?? 0, thresholdExpressions(thresholds));
  return summaryOutputs(data, 'readwrite', config.resultsDir, { segment, toStdout: config.summaryToStdout });
}
