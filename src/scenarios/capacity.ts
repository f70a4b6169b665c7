// Capacity phase: the readwrite mix as an open model (k6 ramping-arrival-rate) in steps of
// CAPACITY_STEP_RATE iterations/s from CAPACITY_START_RATE to CAPACITY_MAX_RATE, each held for
// CAPACITY_STEP_DURATION. Every sample carries its step (the VU tag `step`), so each step is judged on its
// own samples (src/workloads/capacity.ts). About once a second one iteration reads k6's REST API and judges
// the steps that have ended; the first that broke the SLO stops the test (exec.test.abort, a reason that
// starts with 'capacity:'). handleSummary judges again on every sample and writes summary.json's
// `capacity`: the steps, the sustainable capacity and what stopped the ramp.
import exec from 'k6/execution';
import http from 'k6/http';
import type { Options } from 'k6/options';
import { durationSeconds } from '../config.ts';
import { abort, config, dms, setPhase, type SetupData } from '../phase/context.ts';
import { countIfLate } from '../phase/lateness.ts';
import { mixIteration, setupOverLoadedData } from '../phase/readwrite-mix.ts';
import { READWRITE_OPERATION_PAIRS, READWRITE_TAG_PAIRS } from '../phase/readwrite-ops.ts';
import { breakdownThresholds, informational, operationThresholds, phaseThresholds, SUMMARY_TREND_STATS, type ThresholdMap } from '../phase/thresholds.ts';
import { summaryOutputs, type SummaryData } from '../summary/summary.ts';
import {
  apiMetricValues,
  capacityLine,
  capacityRule,
  capacityStages,
  capacitySteps,
  completeStepsAt,
  judgeCapacity,
  plannedStartMs,
  JUDGE_GRACE_S,
  stepIndexAt,
  stepMeasure,
  stepMetricNames,
  type CapacityResult,
  type MetricValues,
} from '../workloads/capacity.ts';

setPhase('capacity');

const settings = config.capacity;
const steps = capacitySteps(settings, durationSeconds(settings.stepDuration));
const rule = capacityRule(settings, config.thresholds);

function stepThresholds(): ThresholdMap {
  const map: ThresholdMap = {};
  for (const step of steps) for (const name of Object.values(stepMetricNames(step.index))) map[name] = [];
  return map;
}

export const options: Options = {
  scenarios: {
    capacity: {
      executor: 'ramping-arrival-rate',
      startRate: steps[0].rate,
      timeUnit: '1s',
      stages: capacityStages(steps),
      // All pre-allocated: a VU started mid-step costs k6 time and drops the iteration that asked for it.
      preAllocatedVUs: settings.vus,
      maxVUs: settings.vus,
    },
  },
  // No pass/fail gates on the whole phase: it ends where a step breaks, so its totals always include a
  // broken step. The verdict is the capacity; these sub-metrics feed the report and the step judgement.
  thresholds: {
    ...informational(phaseThresholds(config, config.thresholds.p95MsReadwrite)),
    ...breakdownThresholds(READWRITE_TAG_PAIRS),
    ...operationThresholds(READWRITE_OPERATION_PAIRS),
    ...stepThresholds(),
    readwrite_missing_data: [],
    dropped_iterations: [],
    iterations_late: [],
  },
  summaryTrendStats: SUMMARY_TREND_STATS,
};

export function setup(): SetupData {
  return setupOverLoadedData('capacity');
}

let taggedStep = -1;

/** The live judgement: the steps that have ended, from k6's REST API; the first broken one stops the test. */
function judgeSoFar(elapsedMs: number): void {
  const completeSteps = completeStepsAt(steps, elapsedMs, JUDGE_GRACE_S);
  if (completeSteps === 0) return;
  const res = http.get(config.liveMetricsUrl, { tags: { api: 'k6' }, timeout: '2s' });
  if (res.status !== 200 || typeof res.body !== 'string') return; // judged again in a second
  let values: Map<string, MetricValues>;
  try {
    values = apiMetricValues(JSON.parse(res.body));
  } catch {
    return;
  }
  const measures = steps.map((s) => stepMeasure(s.index, (name) => values.get(name)));
  const result = judgeCapacity(steps, measures, rule, {
    completeSteps,
    droppedTotal: values.get('dropped_iterations')?.count ?? 0,
    inFlight: settings.vus,
  });
  if (result.firstBroken !== undefined) abort(`capacity: ${result.stoppedBy}; ${capacityLine(result)}`);
}

export default function (data: SetupData): void {
  const elapsedMs = Date.now() - exec.scenario.startTime;
  countIfLate(plannedStartMs(steps, exec.scenario.iterationInTest), elapsedMs);
  const step = stepIndexAt(steps, elapsedMs);
  if (step !== taggedStep) {
    exec.vu.metrics.tags.step = String(step);
    taggedStep = step;
  }
  // One iteration in every `rate` judges: about once a second, whatever the step.
  if (config.liveMetricsUrl && exec.scenario.iterationInTest % steps[step].rate === 0) judgeSoFar(elapsedMs);
  mixIteration(dms(data));
}

/** The final judgement, on every sample: the steps that ran to their end are judged, a cut-short one shown. */
function capacityFromSummary(data: SummaryData): CapacityResult {
  const values = (name: string) => data.metrics[name]?.values;
  const measures = steps.map((s) => stepMeasure(s.index, values));
  let lastStarted = -1;
  measures.forEach((m, i) => {
    if (m) lastStarted = i;
  });
  const last = steps[steps.length - 1];
  const ranToEnd = (data.state?.testRunDurationMs ?? 0) / 1000 >= last.startS + last.seconds;
  const completeSteps = lastStarted === steps.length - 1 && ranToEnd ? steps.length : Math.max(0, lastStarted);
  return judgeCapacity(steps, measures, rule, { completeSteps, droppedTotal: values('dropped_iterations')?.count ?? 0 });
}

export function handleSummary(data: SummaryData): Record<string, string> {
  return summaryOutputs({ ...data, capacity: capacityFromSummary(data) }, 'capacity', config.resultsDir);
}
