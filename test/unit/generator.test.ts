// The generator watches itself (tools/generator): /proc parsing, CPU windows with bounded memory, the
// generator-bound verdict, and the field written into summary.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allowedCpus, cgroupCores, coresOf, cpuListCount, cpuTicks, load1, rssMb } from '../../tools/generator/proc.ts';
import { generatorLine, judgeGenerator, WindowedCpu, type GeneratorSamples } from '../../tools/generator/verdict.ts';
import { withField } from '../../tools/generator/summary-field.ts';
import { capacitySteps, plannedStartMs } from '../../src/workloads/capacity.ts';

test('/proc: CPU ticks after a command name with spaces and parentheses, memory, load, allowed CPUs, cgroup limit', () => {
  // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
  const stat = '4242 (k6 (run) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 1234 567 0 0 20 0 12 0 999 123456 789';
  assert.equal(cpuTicks(stat), 1801);
  assert.equal(cpuTicks('garbage'), undefined);
  assert.equal(rssMb('Name:\tk6\nVmRSS:\t  204800 kB\n'), 200);
  assert.equal(load1('3.52 2.10 1.00 4/512 999\n'), 3.52);
  assert.equal(cpuListCount('0-3,6,8-9'), 7);
  assert.equal(allowedCpus('Cpus_allowed:\t3\nCpus_allowed_list:\t0-1\n'), 2);
  assert.equal(cgroupCores('max 100000\n'), undefined);
  assert.equal(cgroupCores('150000 100000\n'), 1.5);
  assert.equal(coresOf(4, 1.5, 8), 1.5);
  assert.equal(coresOf(undefined, undefined, 8), 8);
});

test('CPU windows: % of the cores over 5 s windows; past the cap neighbours merge, so memory stays bounded', () => {
  const cpu = new WindowedCpu(2, 100, 4);
  // 1.8 cores busy for 10 s (180 ticks a second), then 0.5 cores for 30 s
  let ticks = 0;
  for (let t = 0; t <= 40; t++) {
    cpu.add({ t, ticks, rssMb: 100 + t, load1: t === 3 ? 5 : 1 });
    ticks += t < 10 ? 180 : 50;
  }
  const r = cpu.result();
  assert.equal(r.seconds, 40);
  assert.ok(r.windows.length <= 4, `${r.windows.length} windows`);
  assert.equal(Math.round(r.windows[0].cpuPercent), 90, 'the busy 10 s stay visible after merging');
  assert.equal(r.windows[0].seconds, 10);
  assert.equal(Math.round(r.meanCpuPercent ?? 0), 41, 'the whole-run mean is exact: (1800 + 1500) ticks / 40 s / 2 cores');
  assert.equal(r.maxLoad1, 5);
  assert.equal(r.maxRssMb, 140);
});

const samples = (cpuPercent: number): GeneratorSamples => ({ cores: 2, clockTicks: 100, seconds: 60, meanCpuPercent: cpuPercent - 10, maxLoad1: 2.5, maxRssMb: 180.4, windows: [{ t: 0, seconds: 5, cpuPercent: 20 }, { t: 5, seconds: 5, cpuPercent }] });
const counts = { droppedIterations: 0, lateIterations: 0, vusSetting: 'VUS_CAPACITY_PHASE' };

test('generator-bound: k6 above 80% of its cores for a window', () => {
  const v = judgeGenerator(samples(91), counts);
  assert.equal(v.bound, true);
  assert.equal(v.k6CpuPercent, 91);
  assert.equal(v.cores, 2);
  assert.match(v.reasons[0], /^k6 used 91% of its 2 cores for 5 s \(more than 80%: k6's guidance is to keep 20% idle\)/);
  assert.match(generatorLine(v), /^generator-bound: k6 used 91%/);
  assert.equal(judgeGenerator(samples(80), counts).bound, false, '80% is the limit itself');
});

test('generator-bound: dropped iterations, or late ones (judged only when none were dropped)', () => {
  const dropped = judgeGenerator(samples(30), { ...counts, droppedIterations: 12, lateIterations: 40, vus: 4 });
  assert.equal(dropped.bound, true);
  assert.deepEqual(dropped.reasons, ['k6 dropped 12 iterations: no VU was free to start them (all 4 VUs busy, because the target answered slowly or k6 lacked CPU; raise VUS_CAPACITY_PHASE)']);
  assert.deepEqual(dropped.notes, ['late iterations are not judged after dropped ones: the planned moment of each is then unknown']);
  const late = judgeGenerator(samples(30), { ...counts, lateIterations: 3 });
  assert.deepEqual(late.reasons, ["3 iterations started more than 250 ms after their planned moment: k6 could not keep the arrival rate's schedule"]);
});

test('not generator-bound: the line says what was seen; without samples it says CPU was not sampled', () => {
  const v = judgeGenerator(samples(45), counts);
  assert.equal(v.bound, false);
  assert.equal(generatorLine(v), 'generator: k6 CPU at most 45% of 2 cores (mean 35%), machine load up to 2.50, k6 memory up to 180 MB, no dropped or late iterations: not generator-bound');
  const none = judgeGenerator({ cores: 8, clockTicks: 0, windows: [], seconds: 0, unavailable: 'no /proc file system (not Linux)' }, counts);
  assert.equal(none.bound, false);
  assert.equal(none.cores, undefined);
  assert.deepEqual(none.notes, ["k6's CPU was not sampled: no /proc file system (not Linux)"]);
  assert.match(generatorLine(none), /^generator: k6's CPU not sampled, no dropped or late iterations/);
  assert.match(judgeGenerator(undefined, counts).notes[0], /the phase ended before the sampler's first reading/);
});

test('the generator field is appended to summary.json, the rest of the file as it was; written again, it is replaced', () => {
  const text = '{\n  "metrics": {},\n  "histograms": {\n    "(all) (all)": {"counts":[1,2]}\n  }\n}';
  const once = withField(text, 'generator', { bound: false });
  assert.equal(once, '{\n  "metrics": {},\n  "histograms": {\n    "(all) (all)": {"counts":[1,2]}\n  },\n  "generator": {"bound":false}\n}\n');
  assert.deepEqual(JSON.parse(withField(once, 'generator', { bound: true })).generator, { bound: true });
  assert.equal(withField(once, 'generator', { bound: true }).match(/"generator"/g)?.length, 1);
  assert.equal(withField('{}', 'generator', 1), '{\n  "generator": 1\n}\n');
});

test('planned start of an iteration in the capacity ramp: as k6 schedules it, step by step', () => {
  const steps = capacitySteps({ startRate: 10, stepRate: 10, maxRate: 30 }, 2);
  assert.equal(plannedStartMs(steps, 0), 100, 'the first iteration of a constant stage at 1/rate');
  assert.equal(plannedStartMs(steps, 19), 2000, 'the 20th ends the first step');
  assert.equal(plannedStartMs(steps, 20), 2050, 'then 20/s from 2 s');
  assert.equal(plannedStartMs(steps, 59), 4000);
  assert.ok(Math.abs(plannedStartMs(steps, 60) - (4000 + 1000 / 30)) < 1e-6);
  assert.equal(plannedStartMs(steps, 119), 6000);
  assert.ok(Math.abs(plannedStartMs(steps, 129) - (6000 + (10 * 1000) / 30)) < 1e-6, 'after the ramp, the last pace continues');
});
