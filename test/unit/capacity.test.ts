// The capacity phase's plan and step judgement (src/workloads/capacity.ts): steps, k6 stages, the step of a
// moment, and the verdict of each step on its own samples.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config.ts';
import {
  apiMetricValues,
  capacityLine,
  capacityStages,
  capacitySteps,
  completeStepsAt,
  judgeCapacity,
  stepIndexAt,
  stepMeasure,
  stepMetricNames,
  type CapacityRule,
  type StepMeasure,
} from '../../src/workloads/capacity.ts';

const rule: CapacityRule = { p95LimitMs: 500, p95Growth: 0.5, p95GrowthMinMs: 10, errorRate: 0.01, operationErrorRate: 0.01 };
const steps = capacitySteps({ startRate: 10, stepRate: 10, maxRate: 40 }, 10);

/** A healthy step at `rate` iterations/s over 10 s: 2 requests per iteration, every planned iteration ran. */
function healthy(rate: number, p95Ms: number): StepMeasure {
  return { requests: rate * 20, p95Ms, errorRate: 0, operations: rate * 10, operationErrorRate: 0, iterations: rate * 10 };
}

const all = { completeSteps: 4, droppedTotal: 0 };

test('steps go from the start rate by the step rate, and the last one is the maximum itself', () => {
  assert.deepEqual(steps.map((s) => [s.rate, s.startS, s.seconds]), [[10, 0, 10], [20, 10, 10], [30, 20, 10], [40, 30, 10]]);
  assert.deepEqual(capacitySteps({ startRate: 10, stepRate: 15, maxRate: 50 }, 5).map((s) => s.rate), [10, 25, 40, 50]);
  assert.deepEqual(capacitySteps({ startRate: 7, stepRate: 5, maxRate: 7 }, 5).map((s) => s.rate), [7]);
});

test('k6 stages: each step jumps to its rate (a 0 s stage) and holds it', () => {
  assert.deepEqual(capacityStages(steps.slice(0, 3)), [
    { target: 10, duration: '10s' },
    { target: 20, duration: '0s' },
    { target: 20, duration: '10s' },
    { target: 30, duration: '0s' },
    { target: 30, duration: '10s' },
  ]);
});

test('a moment belongs to the step whose time it falls in; before and after the ramp, the first and last', () => {
  assert.equal(stepIndexAt(steps, 0), 0);
  assert.equal(stepIndexAt(steps, 9_999), 0);
  assert.equal(stepIndexAt(steps, 10_000), 1);
  assert.equal(stepIndexAt(steps, 39_999), 3);
  assert.equal(stepIndexAt(steps, 55_000), 3);
  assert.equal(stepIndexAt(steps, -5), 0);
  assert.equal(completeStepsAt(steps, 20_500, 1), 1, 'the second step ended 0.5 s ago: its last answers may be missing');
  assert.equal(completeStepsAt(steps, 21_000, 1), 2);
});

test('every step held: the capacity is the last step, and the run says the maximum was reached', () => {
  const result = judgeCapacity(steps, [healthy(10, 20), healthy(20, 21), healthy(30, 25), healthy(40, 28)], rule, all);
  assert.equal(result.firstBroken, undefined);
  assert.deepEqual(result.steps.map((s) => s.held), [true, true, true, true]);
  assert.deepEqual(result.sustainable, { rate: 40, requestsPerSecond: 80, operationsPerSecond: 40, p95Ms: 28 });
  assert.match(result.stoppedBy, /every step held up to CAPACITY_MAX_RATE \(40 iterations\/s\)/);
  assert.equal(capacityLine(result), 'sustainable capacity: 80 requests/s (40 operations/s, 40 iterations/s), p95 28 ms');
});

test('p95 above the limit breaks a step; the capacity is the step below it', () => {
  const result = judgeCapacity(steps, [healthy(10, 20), healthy(20, 200), healthy(30, 600), healthy(40, 900)], rule, all);
  assert.equal(result.firstBroken, 1, 'step 2 grew from 20 to 200 ms: far more than 50%');
  const growth = judgeCapacity(steps, [healthy(10, 200), healthy(20, 250), healthy(30, 501), healthy(40, 900)], rule, all);
  assert.equal(growth.firstBroken, 2);
  assert.equal(growth.steps[2].reason, 'p95 501 ms above the 500 ms limit');
  assert.equal(growth.sustainable?.rate, 20);
  assert.match(growth.stoppedBy, /^step 3 \(30 iterations\/s\) broke the SLO: p95 501 ms above the 500 ms limit$/);
});

test('p95 growth: more than 50% above the first step breaks, but only when it is also at least the floor in ms', () => {
  const grew = judgeCapacity(steps, [healthy(10, 20), healthy(20, 29), healthy(30, 31), healthy(40, 40)], rule, all);
  assert.equal(grew.firstBroken, 2, '31 ms is 55% and 11 ms above 20 ms');
  assert.equal(grew.steps[2].reason, "p95 31 ms is 55% above the first step's 20 ms (more than 50%)");
  const noise = judgeCapacity(steps, [healthy(10, 2), healthy(20, 4), healthy(30, 9), healthy(40, 11.9)], rule, all);
  assert.equal(noise.firstBroken, undefined, 'a 2 ms p95 that becomes 11.9 ms grew by 9.9 ms: under the 10 ms floor');
  const floor = judgeCapacity(steps, [healthy(10, 2), healthy(20, 4), healthy(30, 9), healthy(40, 12)], rule, all);
  assert.equal(floor.firstBroken, 3);
});

test('failures after retries or failed operations above the budget break a step', () => {
  const failing = judgeCapacity(steps, [healthy(10, 20), { ...healthy(20, 20), errorRate: 0.02 }, healthy(30, 20), healthy(40, 20)], rule, all);
  assert.equal(failing.firstBroken, 1);
  assert.equal(failing.steps[1].reason, '2.00% of data requests failed after retries (budget 1.00%)');
  const ops = judgeCapacity(steps, [healthy(10, 20), healthy(20, 20), { ...healthy(30, 20), operationErrorRate: 0.05 }, healthy(40, 20)], rule, all);
  assert.equal(ops.firstBroken, 2);
  assert.equal(ops.steps[2].reason, '5.00% of operations failed (budget 1.00%)');
  assert.equal(judgeCapacity(steps, [healthy(10, 20), { ...healthy(20, 20), errorRate: 0.01 }, healthy(30, 20), healthy(40, 20)], rule, all).firstBroken, undefined, 'at the budget is within it');
});

test('iterations that could not start break a step, but only when k6 dropped any at all', () => {
  const short = { ...healthy(30, 20), iterations: 250 }; // 300 planned
  const dropped = judgeCapacity(steps, [healthy(10, 20), healthy(20, 20), short, healthy(40, 20)], rule, { completeSteps: 4, droppedTotal: 50 });
  assert.equal(dropped.firstBroken, 2);
  assert.match(dropped.steps[2].reason ?? '', /^about 50 of 300 planned iterations could not start/);
  assert.equal(dropped.steps[2].droppedEstimate, 50);
  const boundary = judgeCapacity(steps, [healthy(10, 20), healthy(20, 20), short, healthy(40, 20)], rule, { completeSteps: 4, droppedTotal: 0 });
  assert.equal(boundary.firstBroken, undefined, 'no dropped_iterations: the missing ones started in the next step (the tag follows the clock)');
  const fewMissing = judgeCapacity(steps, [healthy(10, 20), healthy(20, 20), { ...short, iterations: 298 }, healthy(40, 20)], rule, { completeSteps: 4, droppedTotal: 2 });
  assert.equal(fewMissing.firstBroken, undefined, '2 of 300 is within the 1% budget');
  const edge = judgeCapacity(steps, [healthy(10, 20), { ...healthy(20, 20), iterations: 198 }, healthy(30, 20), healthy(40, 20)], rule, { completeSteps: 4, droppedTotal: 1 });
  assert.equal(edge.firstBroken, undefined, '2 missing are the step boundary\'s rounding');
  const live = judgeCapacity(steps, [healthy(10, 20), healthy(20, 20), short, healthy(40, 20)], rule, { completeSteps: 4, droppedTotal: 50, inFlight: 60 });
  assert.equal(live.firstBroken, undefined, 'the live judgement allows for iterations still running');
});

test('a step with too few requests to know its p95 is not said to hold', () => {
  const result = judgeCapacity(steps, [{ requests: 12, p95Ms: 3, errorRate: 0, iterations: 10 }], rule, { completeSteps: 1, droppedTotal: 0 });
  assert.equal(result.sustainable, null);
  assert.match(result.steps[0].reason ?? '', /^only 12 data requests: too few to judge its p95 \(at least 20; raise CAPACITY_STEP_DURATION or CAPACITY_START_RATE\)$/);
});

test('even the first step broke: no sustainable capacity, and the line says why', () => {
  const result = judgeCapacity(steps, [healthy(10, 700), healthy(20, 20)], rule, { completeSteps: 1, droppedTotal: 0 });
  assert.equal(result.sustainable, null);
  assert.equal(result.firstBroken, 0);
  assert.equal(capacityLine(result), 'no sustainable capacity: step 1 (10 iterations/s) broke the SLO: p95 700 ms above the 500 ms limit');
  assert.equal(result.steps[1].judged, false, 'the step the test was stopped in is shown, not judged');
});

test('a step cut short by the end of the test is shown and not judged; the steps before it count', () => {
  const result = judgeCapacity(steps, [healthy(10, 20), healthy(20, 20), { requests: 5, p95Ms: 999, iterations: 2 }], rule, { completeSteps: 2, droppedTotal: 0 });
  assert.deepEqual(result.steps.map((s) => [s.judged, s.held]), [[true, true], [true, true], [false, false]]);
  assert.equal(result.sustainable?.rate, 20);
  assert.equal(result.stoppedBy, 'the test ended during step 3 (30 iterations/s), before it could be judged');
  assert.equal(result.steps.length, 3, 'steps that never started are left out');
});

test('a step measure from k6 summary values and from the REST API sample', () => {
  const names = stepMetricNames(2);
  assert.deepEqual(names, {
    duration: 'http_req_duration{api:data,step:2}',
    requests: 'http_reqs{api:data,step:2}',
    requestFailed: 'dms_request_failed{api:data,step:2}',
    operationFailed: 'dms_operation_failed{step:2}',
    iterations: 'iterations{step:2}',
  });
  const summary: Record<string, Record<string, number>> = {
    [names.duration]: { 'p(95)': 12.5, count: 100 },
    [names.requests]: { count: 100, rate: 1 },
    [names.requestFailed]: { rate: 0.02, passes: 2, fails: 98 },
    [names.operationFailed]: { rate: 0.1, passes: 5, fails: 45 },
    [names.iterations]: { count: 50, rate: 1 },
  };
  assert.deepEqual(stepMeasure(2, (n) => summary[n]), { requests: 100, p95Ms: 12.5, errorRate: 0.02, operations: 50, operationErrorRate: 0.1, iterations: 50 });
  const api = apiMetricValues({
    data: [
      { type: 'metrics', id: names.requests, attributes: { type: 'counter', sample: { count: 40, rate: 2 } } },
      { type: 'metrics', id: names.duration, attributes: { type: 'trend', sample: { 'p(95)': 8, avg: 3 } } },
      { type: 'metrics', id: names.operationFailed, attributes: { type: 'rate', sample: { rate: 0 } } },
      { id: 7 },
    ],
  });
  assert.deepEqual(stepMeasure(2, (n) => api.get(n)), { requests: 40, p95Ms: 8, errorRate: undefined, operations: undefined, operationErrorRate: 0, iterations: 0 });
  assert.equal(stepMeasure(3, (n) => api.get(n)), undefined, 'no data request in the step yet');
  assert.equal(apiMetricValues('not json').size, 0);
});

test('capacity settings: defaults, and a maximum below the start is refused with both names', () => {
  const config = loadConfig({ API_BASE_URL: 'http://dms' }).capacity;
  assert.deepEqual(config, { startRate: 10, stepRate: 10, maxRate: 100, stepDuration: '30s', vus: 20, p95Growth: 0.5, p95GrowthMinMs: 10 });
  assert.throws(() => loadConfig({ API_BASE_URL: 'http://dms', CAPACITY_START_RATE: '50', CAPACITY_MAX_RATE: '40' }), /CAPACITY_MAX_RATE='40' is below CAPACITY_START_RATE \(50\)/);
  assert.throws(() => loadConfig({ API_BASE_URL: 'http://dms', CAPACITY_STEP_DURATION: '0.5s' }), /CAPACITY_STEP_DURATION='0.5s' is shorter than 1s/);
  assert.throws(() => loadConfig({ API_BASE_URL: 'http://dms', CAPACITY_P95_GROWTH: '-1' }), /CAPACITY_P95_GROWTH='-1' must be a number from 0 to 100/);
});
