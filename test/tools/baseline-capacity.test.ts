// Baselines of the capacity phase (tools/baseline/capacity.ts): one figure per run, judged with a stated
// tolerance and at least one step of difference, "not judged" when the baseline held too few steps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareCapacity, type CapacityNumbers } from '../../tools/baseline/capacity.ts';
import { DEFAULT_TOLERANCES, tolerancesFromEnv } from '../../tools/baseline/tolerances.ts';
import { ROOT } from './helpers/stand-in-run.ts';

const tol = DEFAULT_TOLERANCES;

function figure(rate: number, extra: Partial<CapacityNumbers> = {}): CapacityNumbers {
  return { rate, requestsPerSecond: rate * 1.7, heldSteps: rate / 10, startRate: 10, stepRate: 10, atMax: false, found: true, ...extra };
}

test('the same capacity, or one step less within the tolerance, is ok', () => {
  assert.equal(compareCapacity('capacity', figure(100), figure(100), tol).verdict, 'ok');
  const oneStep = compareCapacity('capacity', figure(100), figure(90), tol);
  assert.equal(oneStep.verdict, 'ok');
  assert.match(oneStep.note, /^sustained 90 iterations\/s, 100 in the baseline: within -15% and at least one step$/);
  assert.ok(Math.abs((oneStep.change ?? 0) + 0.1) < 1e-9);
  assert.match(oneStep.method, /no significance test/);
});

test('a drop beyond the tolerance and at least one step is a regression; none at all is one too', () => {
  const drop = compareCapacity('capacity', figure(100), figure(80), tol);
  assert.equal(drop.verdict, 'regression');
  assert.equal(drop.note, 'sustained 80 iterations/s, 100 in the baseline: 2 step(s) and 20% lower');
  const none = compareCapacity('capacity', figure(100), figure(0, { found: false, heldSteps: 0 }), tol);
  assert.equal(none.verdict, 'regression');
  assert.match(none.note, /this run's first step already broke the SLO/);
  // coarse steps: 20% is less than a step of 25 iterations/s on 100: the resolution cannot show it
  assert.equal(compareCapacity('capacity', figure(100, { stepRate: 25, heldSteps: 4 }), figure(80, { stepRate: 25 }), tol).verdict, 'ok');
});

test('not judged: a baseline that held too few steps, other steps, or no capacity in the baseline', () => {
  const coarse = compareCapacity('capacity', figure(20), figure(10), tol);
  assert.equal(coarse.verdict, 'not-judged');
  assert.match(coarse.note, /^the baseline held 2 step\(s\): one step is more than 1\/3 of its figure, too coarse to judge a 15% change; lower CAPACITY_STEP_RATE/);
  assert.equal(compareCapacity('capacity', figure(100), figure(100, { stepRate: 20 }), tol).verdict, 'not-judged');
  assert.equal(compareCapacity('capacity', figure(0, { found: false, heldSteps: 0 }), figure(50), tol).verdict, 'not-judged');
});

test('both at the maximum: ok (both capacities are at least that); more than the tolerance above: improved', () => {
  assert.match(compareCapacity('capacity', figure(100, { atMax: true }), figure(100, { atMax: true }), tol).note, /both runs held every step up to CAPACITY_MAX_RATE/);
  assert.equal(compareCapacity('capacity', figure(100), figure(120), tol).verdict, 'improved');
  assert.equal(compareCapacity('capacity', figure(100, { atMax: true }), figure(70), tol).verdict, 'regression', 'less than a lower bound is less');
});

test('tolerances from the environment, checked', () => {
  assert.equal(tolerancesFromEnv({ BASELINE_CAPACITY_TOLERANCE: '0.3', BASELINE_CAPACITY_MIN_STEPS: '5' }).capacity, 0.3);
  assert.throws(() => tolerancesFromEnv({ BASELINE_CAPACITY_TOLERANCE: '1.5' }), /BASELINE_CAPACITY_TOLERANCE='1.5' must be a number at least 0 and below 1/);
  assert.throws(() => tolerancesFromEnv({ BASELINE_CAPACITY_MIN_STEPS: '2.5' }), /BASELINE_CAPACITY_MIN_STEPS='2.5' must be a whole number/);
});

/** A copy of the recorded capacity run, its step verdicts rewritten: `held` steps held, then one broke. */
function capacityRun(held: number): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'capacity-run-')), 'run');
  cpSync(join(ROOT, 'test/tools/fixtures/capacity-sim'), dir, { recursive: true });
  const file = join(dir, 'capacity/summary.json');
  const summary = JSON.parse(readFileSync(file, 'utf8'));
  const steps = Array.from({ length: held + 1 }, (_, i) => ({ ...summary.capacity.steps[0], index: i, rate: 10 * (i + 1), requestsPerSecond: 17 * (i + 1), held: i < held, judged: true }));
  summary.capacity = { ...summary.capacity, steps, firstBroken: held, sustainable: held > 0 ? { rate: 10 * held, requestsPerSecond: 17 * held, p95Ms: 100 } : null };
  writeFileSync(file, JSON.stringify(summary));
  return dir;
}

function cli(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'tools/baseline/main.ts', ...args], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('a recorded capacity run saved as a baseline, then compared: the figure is saved, a drop of two steps regresses (exit 1)', () => {
  const env = { BASELINE_DIR: mkdtempSync(join(tmpdir(), 'baselines-')) };
  assert.equal(cli(['save', capacityRun(6), 'cap'], env).code, 0);
  const saved = JSON.parse(readFileSync(join(env.BASELINE_DIR, 'cap.json'), 'utf8'));
  assert.deepEqual(saved.phases.capacity.capacity, { rate: 60, requestsPerSecond: 102, p95Ms: 100, heldSteps: 6, startRate: 10, stepRate: 10, atMax: false, found: true });
  assert.equal(saved.fingerprint.CAPACITY_STEP_RATE, '10', 'the step plan is part of the fingerprint');

  const same = cli(['compare', capacityRun(6), 'cap'], env);
  assert.equal(same.code, 0, same.stderr);
  assert.match(same.stdout, /capacity sustainable capacity: 60 iterations\/s \(102 requests\/s\) -> 60 iterations\/s \(102 requests\/s\): ok/);

  const slower = capacityRun(4);
  const r = cli(['compare', slower, 'cap'], env);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /REGRESSION capacity sustainable capacity: 60 -> 40 iterations\/s \(allowed -15% and at least one step; one figure per run: no significance test/);
  const comparison = JSON.parse(readFileSync(join(slower, 'baseline-comparison.json'), 'utf8'));
  assert.equal(comparison.capacity[0].verdict, 'regression');
  assert.deepEqual(comparison.regressions.filter((x: { metric: string }) => x.metric === 'capacity'), [
    { phase: 'capacity', resource: '(all)', op: 'sustainable', metric: 'capacity', baseline: 60, current: 40, limit: '-15% and at least one step' },
  ]);
});

test('the recorded run itself held one step: compared with itself, its capacity is "not judged", never ok or regression', () => {
  const env = { BASELINE_DIR: mkdtempSync(join(tmpdir(), 'baselines-')) };
  const dir = join(mkdtempSync(join(tmpdir(), 'capacity-run-')), 'run');
  cpSync(join(ROOT, 'test/tools/fixtures/capacity-sim'), dir, { recursive: true });
  assert.equal(cli(['save', dir, 'cap'], env).code, 0);
  const r = cli(['compare', dir, 'cap'], env);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /capacity sustainable capacity: 10 iterations\/s .*: not judged \(the baseline held 1 step\(s\)/);
});
