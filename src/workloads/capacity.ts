// The capacity phase's plan and verdict, without k6: the steps of the open-model ramp, the step a moment
// belongs to, and the judgement of each step on its own samples. Used inside k6 (the live judgement that
// stops the test at the first broken step, from k6's REST API, and handleSummary's final one from the
// summary) and under Node (unit tests, the runner's console line). Pure: no k6 imports.
//
// A step breaks the SLO when, on its own samples:
//   - its p95 (data requests) is above the limit (THRESHOLD_P95_MS_READWRITE), or more than p95Growth above
//     the first step's p95 and at least p95GrowthMinMs above it (the DMS team's capacity definition: the step
//     where p95 grows by half; the floor in ms keeps a 2 ms p95 that wobbles by 1 ms from counting);
//   - the share of data requests failed after their retries is above THRESHOLD_ERROR_RATE, or the share of
//     failed operations above THRESHOLD_OPERATION_ERROR_RATE;
//   - more than THRESHOLD_ERROR_RATE of its planned iterations could not start (k6's dropped_iterations: no
//     VU was free, because the target answers slowly or k6 itself cannot keep up);
//   - it has fewer than MIN_STEP_REQUESTS data requests: too few to know its p95.
// The sustainable capacity is the highest step such that it and every step below it held.
import type { CapacityConfig } from '../config.ts';

/** One step of the ramp: from startS (seconds after the scenario started) for seconds, at rate iterations/s. */
export interface CapacityStep {
  index: number;
  rate: number;
  startS: number;
  seconds: number;
}

/** Fewer data requests than this in a step and its p95 is not known well enough to say it held. */
export const MIN_STEP_REQUESTS = 20;
/** Missing iterations up to this many are a step boundary's rounding, not dropped iterations. */
export const MIN_MISSING = 2;
/** The live judgement waits this long after a step's end for its last answers to be counted. */
export const JUDGE_GRACE_S = 1;

/** The steps: startRate, startRate + stepRate, ..., and maxRate itself as the last one. */
export function capacitySteps(c: Pick<CapacityConfig, 'startRate' | 'stepRate' | 'maxRate'>, stepSeconds: number): CapacityStep[] {
  const rates: number[] = [];
  for (let rate = c.startRate; rate < c.maxRate; rate += c.stepRate) rates.push(rate);
  rates.push(c.maxRate);
  return rates.map((rate, index) => ({ index, rate, startS: index * stepSeconds, seconds: stepSeconds }));
}

/**
 * k6 ramping-arrival-rate stages for the steps: each step jumps to its rate (a 0 s stage: k6 moves the
 * rate at once) and holds it. startRate of the scenario is the first step's rate.
 */
export function capacityStages(steps: readonly CapacityStep[]): Array<{ target: number; duration: string }> {
  const stages: Array<{ target: number; duration: string }> = [];
  for (const step of steps) {
    if (step.index > 0) stages.push({ target: step.rate, duration: '0s' });
    stages.push({ target: step.rate, duration: `${step.seconds}s` });
  }
  return stages;
}

/** The step a moment belongs to (ms since the scenario started); the last step after the end. */
export function stepIndexAt(steps: readonly CapacityStep[], elapsedMs: number): number {
  if (steps.length === 0) return 0;
  const index = Math.floor(elapsedMs / 1000 / steps[0].seconds);
  return Math.min(Math.max(index, 0), steps.length - 1);
}

/** The per-step sub-metrics, by the `step` tag each VU sets before its iteration. */
export function stepMetricNames(index: number): { duration: string; requests: string; requestFailed: string; operationFailed: string; iterations: string } {
  const step = `step:${index}`;
  return {
    duration: `http_req_duration{api:data,${step}}`,
    requests: `http_reqs{api:data,${step}}`,
    requestFailed: `dms_request_failed{api:data,${step}}`,
    operationFailed: `dms_operation_failed{${step}}`,
    iterations: `iterations{${step}}`,
  };
}

/** What one step measured. Rates are shares from 0 to 1; undefined when the step has no such samples. */
export interface StepMeasure {
  /** Data requests (attempts, retried ones included), from http_reqs{api:data,step}. */
  requests: number;
  p95Ms?: number;
  /** Share of logical data requests failed after their retries. */
  errorRate?: number;
  operations?: number;
  operationErrorRate?: number;
  /** Iterations that ran in the step (started there, counted when they ended). */
  iterations: number;
}

/** Values of one metric: k6's summary `values`, or the REST API's `sample`. */
export type MetricValues = Record<string, number>;

/**
 * A step's measure from metric values keyed by metric name, as k6's end-of-test summary (`values`) or its
 * REST API (`sample`) gives them; undefined when the step has no data request yet.
 */
export function stepMeasure(index: number, values: (name: string) => MetricValues | undefined): StepMeasure | undefined {
  const names = stepMetricNames(index);
  const requests = values(names.requests)?.count ?? 0;
  if (requests === 0) return undefined;
  const requestFailed = values(names.requestFailed);
  const operationFailed = values(names.operationFailed);
  const operations = operationFailed && operationFailed.passes !== undefined ? operationFailed.passes + (operationFailed.fails ?? 0) : undefined;
  return {
    requests,
    p95Ms: values(names.duration)?.['p(95)'],
    errorRate: requestFailed?.rate,
    operations,
    operationErrorRate: operationFailed?.rate,
    iterations: values(names.iterations)?.count ?? 0,
  };
}

/** The SLO a step is judged against. */
export interface CapacityRule {
  p95LimitMs: number;
  p95Growth: number;
  p95GrowthMinMs: number;
  /** Highest share of data requests failed after retries, and of planned iterations not started. */
  errorRate: number;
  operationErrorRate: number;
}

export interface StepVerdict {
  index: number;
  /** Planned iterations per second. */
  rate: number;
  startS: number;
  seconds: number;
  requests: number;
  requestsPerSecond: number;
  operations?: number;
  operationsPerSecond?: number;
  p95Ms?: number;
  errorRate?: number;
  operationErrorRate?: number;
  iterations: number;
  planned: number;
  /** Planned iterations that did not run (estimated: k6 counts dropped_iterations for the whole scenario only). */
  droppedEstimate: number;
  /** False when the step was cut short (the test ended during it): it is shown, not judged. */
  judged: boolean;
  held: boolean;
  /** Why the step broke (or why it is not judged). */
  reason?: string;
}

export interface CapacityFigure {
  rate: number;
  requestsPerSecond: number;
  operationsPerSecond?: number;
  p95Ms?: number;
}

/** summary.json's `capacity`. */
export interface CapacityResult {
  steps: StepVerdict[];
  sustainable: CapacityFigure | null;
  stoppedBy: string;
  /** Index of the first step that broke, if one did. */
  firstBroken?: number;
  rule: CapacityRule;
}

export interface JudgeOptions {
  /** Steps that ran to their end (the others are cut short and not judged). */
  completeSteps: number;
  /** dropped_iterations of the whole scenario: without any, no step is said to have dropped iterations. */
  droppedTotal: number;
  /** Iterations that may still be running when the live judgement looks (not yet counted): at most the VUs. */
  inFlight?: number;
}

const ms = (v: number) => `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`;
const pct = (v: number) => `${(v * 100).toFixed(v < 0.1 ? 2 : 1)}%`;

/** Why a step broke, or [] when it held. `first` is the first step's p95 (the reference for growth). */
export function stepFailures(step: CapacityStep, m: StepMeasure | undefined, rule: CapacityRule, firstP95: number | undefined, options: JudgeOptions): string[] {
  const reasons: string[] = [];
  const requests = m?.requests ?? 0;
  const planned = Math.round(step.rate * step.seconds);
  const missing = Math.max(0, planned - (m?.iterations ?? 0) - (options.inFlight ?? 0));
  // At least 2: an iteration scheduled at a step's last moment may run, and be tagged, in the next step.
  if (options.droppedTotal > 0 && missing > Math.max(MIN_MISSING, rule.errorRate * planned)) {
    reasons.push(`about ${missing} of ${planned} planned iterations could not start (dropped_iterations: no free VU, because the target answered slowly or k6 could not keep up)`);
  }
  if (requests < MIN_STEP_REQUESTS) {
    reasons.push(`only ${requests} data requests: too few to judge its p95 (at least ${MIN_STEP_REQUESTS}; raise CAPACITY_STEP_DURATION or CAPACITY_START_RATE)`);
    return reasons;
  }
  const p95 = m?.p95Ms;
  if (p95 !== undefined && p95 > rule.p95LimitMs) reasons.push(`p95 ${ms(p95)} above the ${ms(rule.p95LimitMs)} limit`);
  else if (p95 !== undefined && firstP95 !== undefined && step.index > 0 && p95 > firstP95 * (1 + rule.p95Growth) && p95 - firstP95 >= rule.p95GrowthMinMs) {
    reasons.push(`p95 ${ms(p95)} is ${Math.round((p95 / firstP95 - 1) * 100)}% above the first step's ${ms(firstP95)} (more than ${Math.round(rule.p95Growth * 100)}%)`);
  }
  if (m?.errorRate !== undefined && m.errorRate > rule.errorRate) reasons.push(`${pct(m.errorRate)} of data requests failed after retries (budget ${pct(rule.errorRate)})`);
  if (m?.operationErrorRate !== undefined && m.operationErrorRate > rule.operationErrorRate) {
    reasons.push(`${pct(m.operationErrorRate)} of operations failed (budget ${pct(rule.operationErrorRate)})`);
  }
  return reasons;
}

function figure(v: StepVerdict): CapacityFigure {
  return { rate: v.rate, requestsPerSecond: v.requestsPerSecond, operationsPerSecond: v.operationsPerSecond, p95Ms: v.p95Ms };
}

/** The name of a step as people read it: 'step 3 (30 iterations/s)'. */
export function stepName(step: { index: number; rate: number }): string {
  return `step ${step.index + 1} (${step.rate} iterations/s)`;
}

/** Judges every step that ran to its end; the sustainable capacity is the last of the unbroken run from step 1. */
export function judgeCapacity(steps: readonly CapacityStep[], measures: ReadonlyArray<StepMeasure | undefined>, rule: CapacityRule, options: JudgeOptions): CapacityResult {
  const firstP95 = measures[0]?.p95Ms;
  const verdicts: StepVerdict[] = [];
  let firstBroken: number | undefined;
  let firstCut: number | undefined;
  for (const step of steps) {
    const m = measures[step.index];
    const judged = step.index < options.completeSteps;
    if (!judged && m === undefined) continue; // never started
    const planned = Math.round(step.rate * step.seconds);
    const reasons = judged ? stepFailures(step, m, rule, firstP95, options) : [];
    const held = judged && reasons.length === 0;
    if (judged && !held && firstBroken === undefined) firstBroken = step.index;
    if (!judged && firstCut === undefined) firstCut = step.index;
    verdicts.push({
      index: step.index,
      rate: step.rate,
      startS: step.startS,
      seconds: step.seconds,
      requests: m?.requests ?? 0,
      requestsPerSecond: (m?.requests ?? 0) / step.seconds,
      operations: m?.operations,
      operationsPerSecond: m?.operations === undefined ? undefined : m.operations / step.seconds,
      p95Ms: m?.p95Ms,
      errorRate: m?.errorRate,
      operationErrorRate: m?.operationErrorRate,
      iterations: m?.iterations ?? 0,
      planned,
      droppedEstimate: options.droppedTotal > 0 ? Math.max(0, planned - (m?.iterations ?? 0)) : 0,
      judged,
      held,
      reason: judged ? (reasons.length > 0 ? reasons.join('; ') : undefined) : 'cut short: the test ended during this step, so it is not judged',
    });
  }
  const unbroken = firstBroken ?? Math.min(options.completeSteps, steps.length);
  const sustained = verdicts.filter((v) => v.held && v.index < unbroken);
  const sustainable = sustained.length > 0 ? figure(sustained[sustained.length - 1]) : null;
  let stoppedBy: string;
  if (firstBroken !== undefined) {
    const broken = verdicts.find((v) => v.index === firstBroken) as StepVerdict;
    stoppedBy = `${stepName(broken)} broke the SLO: ${broken.reason}`;
  } else if (options.completeSteps >= steps.length) {
    stoppedBy = `every step held up to CAPACITY_MAX_RATE (${steps[steps.length - 1].rate} iterations/s): the capacity is at least this; raise CAPACITY_MAX_RATE to find the limit`;
  } else if (firstCut !== undefined) {
    stoppedBy = `the test ended during ${stepName(steps[firstCut])}, before it could be judged`;
  } else {
    stoppedBy = 'the test ended before the first step could be judged';
  }
  return { steps: verdicts, sustainable, stoppedBy, firstBroken, rule };
}

/** Steps that had run to their end `elapsedMs` after the scenario started, `graceS` later for their last answers. */
export function completeStepsAt(steps: readonly CapacityStep[], elapsedMs: number, graceS = 0): number {
  return steps.filter((s) => (s.startS + s.seconds + graceS) * 1000 <= elapsedMs).length;
}

/** The rule from the suite's configuration. */
export function capacityRule(c: Pick<CapacityConfig, 'p95Growth' | 'p95GrowthMinMs'>, t: { p95MsReadwrite: number; errorRate: number; operationErrorRate: number }): CapacityRule {
  return { p95LimitMs: t.p95MsReadwrite, p95Growth: c.p95Growth, p95GrowthMinMs: c.p95GrowthMinMs, errorRate: t.errorRate, operationErrorRate: t.operationErrorRate };
}

/** 'sustainable capacity: 412 requests/s (160 operations/s at 160 iterations/s), p95 38 ms' or the reason there is none. */
export function capacityLine(result: Pick<CapacityResult, 'sustainable' | 'stoppedBy'>): string {
  const s = result.sustainable;
  if (!s) return `no sustainable capacity: ${result.stoppedBy}`;
  const ops = s.operationsPerSecond === undefined ? '' : `${Math.round(s.operationsPerSecond)} operations/s, `;
  const p95 = s.p95Ms === undefined ? '' : `, p95 ${ms(s.p95Ms)}`;
  return `sustainable capacity: ${Math.round(s.requestsPerSecond)} requests/s (${ops}${s.rate} iterations/s)${p95}`;
}

/**
 * k6's REST API answer to GET /v1/metrics (`{"data":[{"id":"name{tags}","attributes":{"sample":{...}}}]}`)
 * as metric values by name; an answer of another shape gives an empty map (the live judgement then waits).
 */
export function apiMetricValues(body: unknown): Map<string, MetricValues> {
  const out = new Map<string, MetricValues>();
  const data = typeof body === 'object' && body !== null ? (body as { data?: unknown }).data : undefined;
  if (!Array.isArray(data)) return out;
  for (const item of data as Array<{ id?: unknown; attributes?: { sample?: unknown } }>) {
    const sample = item?.attributes?.sample;
    if (typeof item?.id === 'string' && typeof sample === 'object' && sample !== null) out.set(item.id, sample as MetricValues);
  }
  return out;
}

/**
 * When k6 plans to start iteration `n` (0-based, in start order) of the ramp, in ms after the scenario
 * started: k6's ramping-arrival-rate starts the i-th iteration (i = n + 1) of a constant stage at
 * (i - done before the stage) / rate after the stage's start (lib/executor/ramping_arrival_rate.go, cal).
 * After the last step, the last step's pace continues (only its grace period is left).
 */
export function plannedStartMs(steps: readonly CapacityStep[], n: number): number {
  let before = 0;
  const i = n + 1;
  for (const step of steps) {
    const inStep = step.rate * step.seconds;
    if (i <= before + inStep || step === steps[steps.length - 1]) return (step.startS + (i - before) / step.rate) * 1000;
    before += inStep;
  }
  return 0;
}
