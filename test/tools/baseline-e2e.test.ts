// End to end, with real k6 and the stand-in (no bash runner needed): a smoke run is saved as a baseline;
// a second run of the same setup compares clean; a run with 50 ms of added latency exits 1 and names the
// regressed operations. Also checks the live progress output captured from those runs and the report.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Comparison } from '../../tools/baseline/baseline.ts';
import { parseTimeseries } from '../../tools/progress/snapshot.ts';
import { writeReport } from '../../tools/report/main.ts';
import {
  buildBundles,
  createClient,
  k6Binary,
  k6Version,
  ROOT,
  runPhase,
  simStats,
  SMOKE_PROFILE,
  startStandIn,
  writeRunJson,
  type PhaseRun,
  type StandIn,
} from './helpers/stand-in-run.ts';

const k6 = k6Binary();
const skip = k6 ? false : 'k6 not found: run scripts/install-k6.sh or set K6_BIN';
const READWRITE_SECONDS = 6;
// The stand-in answers in about a millisecond, so on a shared 2-core machine scheduler noise is the
// biggest change between two identical runs; 20 ms is far below the 50 ms the slow run adds.
const TOLERANCE_ENV = { BASELINE_MIN_DELTA_MS: '20' };

let sim: StandIn | undefined;
let client: { key: string; secret: string };
const baselineDir = mkdtempSync(join(tmpdir(), 'baselines-e2e-'));
const runs: Record<string, { folder: string; load: PhaseRun; readwrite: PhaseRun }> = {};

async function smokeRun(name: string): Promise<{ folder: string; load: PhaseRun; readwrite: PhaseRun }> {
  assert.ok(k6 && sim);
  const folder = join(mkdtempSync(join(tmpdir(), `e2e-${name}-`)), 'run');
  const env = { ...SMOKE_PROFILE, DURATION_READWRITE_PHASE: `${READWRITE_SECONDS}s`, RUN_ID: name };
  const startedAt = new Date();
  const load = await runPhase({ k6, phase: 'load', url: sim.url, client, resultsDir: join(folder, 'load'), env, plannedSeconds: 300, progressInterval: 1 });
  const readwrite = await runPhase({ k6, phase: 'readwrite', url: sim.url, client, resultsDir: join(folder, 'readwrite'), env, plannedSeconds: READWRITE_SECONDS, progressInterval: 1 });
  writeFileSync(join(folder, 'sim-stats.json'), JSON.stringify(await simStats(sim.url)));
  writeRunJson(folder, {
    profile: 'smoke',
    phase: 'full',
    startedAt,
    finishedAt: new Date(),
    phases: [
      { name: 'load', exitCode: load.exitCode },
      { name: 'readwrite', exitCode: readwrite.exitCode },
    ],
    env,
    k6: k6Version(k6),
    url: sim.url,
    clientId: client.key,
  });
  return { folder, load, readwrite };
}

function baseline(args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'tools/baseline/main.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, BASELINE_DIR: baselineDir, ...TOLERANCE_ENV },
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

before(async () => {
  if (skip) return;
  buildBundles();
  // The limiter would pause a fast readwrite phase for a window: off, so both runs measure the same thing.
  sim = await startStandIn({ SIM_RATE_LIMIT_PERMITS: '0' });
  client = await createClient(sim.url);
});

after(async () => {
  await sim?.stop();
});

test('a smoke run against the stand-in is saved as a baseline', { skip, timeout: 120_000 }, async () => {
  runs.a = await smokeRun('a');
  assert.equal(runs.a.load.exitCode, 0, runs.a.load.stdout + runs.a.load.stderr);
  assert.equal(runs.a.readwrite.exitCode, 0, runs.a.readwrite.stdout + runs.a.readwrite.stderr);
  const r = baseline(['save', runs.a.folder, 'smoke-sim']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(existsSync(join(baselineDir, 'smoke-sim.json')));
});

test('the progress poller ran beside k6: plain lines on stderr and a timeseries per phase', { skip, timeout: 10_000 }, () => {
  const { readwrite, load, folder } = runs.a;
  assert.equal(readwrite.progressExitCode, 0);
  assert.equal(load.progressExitCode, 0);
  const lines = readwrite.progress.trim().split('\n');
  assert.ok(lines.length >= 3, `progress lines:\n${readwrite.progress}`);
  for (const line of lines) {
    assert.match(line, new RegExp(`^readwrite \\d+s / ${READWRITE_SECONDS}s  (\\((setup|teardown|ended)\\)  )?VUs \\d/2  [\\d.]+ req/s  p95 (-|[\\d.]+ ms)  errors \\d+\\.\\d\\d%$`));
  }
  assert.doesNotMatch(readwrite.progress, /\x1b\[/);
  const samples = parseTimeseries(readFileSync(join(folder, 'readwrite/timeseries.ndjson'), 'utf8'));
  assert.ok(samples.length >= READWRITE_SECONDS - 1, `samples: ${samples.length}`);
  assert.ok(samples.some((s) => s.reqRate > 0));
  assert.ok(existsSync(join(folder, 'load/timeseries.ndjson')));
});

test('a second run of the same setup compares clean (exit 0)', { skip, timeout: 120_000 }, async () => {
  runs.b = await smokeRun('b');
  assert.equal(runs.b.readwrite.exitCode, 0);
  const r = baseline(['compare', runs.b.folder, 'smoke-sim']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /baseline 'smoke-sim': no regression/);
});

test('the same setup with 50 ms of added latency exits 1 and names the regressed operations', { skip, timeout: 120_000 }, async () => {
  assert.ok(sim);
  const res = await fetch(`${sim.url}/_sim/faults`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ latencyMs: 50 }) });
  assert.equal(res.status, 200);
  try {
    runs.c = await smokeRun('c');
  } finally {
    await fetch(`${sim.url}/_sim/faults`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ latencyMs: 0 }) });
  }
  const r = baseline(['compare', runs.c.folder, 'smoke-sim']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /REGRESSION readwrite all data requests p50: /);
  assert.match(r.stdout, /REGRESSION readwrite students (read|query|create|update|delete|verify-deleted) p50: /);
  // the smoke load's resources each have too few requests to judge alone (the stand-in already has the
  // descriptors from run a, so this load only looks them up, a type at a time); the phase as a whole regresses
  assert.match(r.stdout, /REGRESSION load all data requests p50: /);
  assert.match(r.stdout, /load +descriptors +verify .* too few requests to judge/);
  const comparison = JSON.parse(readFileSync(join(runs.c.folder, 'baseline-comparison.json'), 'utf8')) as Comparison;
  assert.equal(comparison.verdict, 'regression');
  assert.ok(comparison.regressions.every((x) => x.current > x.baseline || x.metric === 'throughput'));
  // The report of that run shows the comparison.
  const html = readFileSync(writeReport(runs.c.folder), 'utf8');
  assert.match(html, /Compared with baseline <strong>smoke-sim<\/strong>/);
  assert.match(html, /REGRESSION/);
});
