// Records test/tools/fixtures/smoke-sim: a real smoke run (load + a short readwrite) against the stand-in,
// made with k6 directly. Re-run after a change of the summary shape:
//   node --import tsx test/tools/make-fixture.ts
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildBundles, createClient, k6Binary, k6Version, ROOT, runPhase, simStats, SMOKE_PROFILE, startStandIn, writeRunJson } from './helpers/stand-in-run.ts';

const k6 = k6Binary();
if (!k6) throw new Error('k6 not found: run scripts/install-k6.sh or set K6_BIN');
const folder = join(ROOT, 'test/tools/fixtures/smoke-sim');
rmSync(folder, { recursive: true, force: true });
buildBundles();
const sim = await startStandIn();
try {
  const client = await createClient(sim.url);
  // Smoke, with more students so the load phase lasts long enough for a curve, and a 10 s readwrite phase.
  const overrides = { STUDENT_COUNT: '2500', DURATION_READWRITE_PHASE: '10s', RUN_ID: 'fixture' };
  const env = { ...SMOKE_PROFILE, ...overrides };
  const startedAt = new Date();
  const load = await runPhase({ k6, phase: 'load', url: sim.url, client, resultsDir: join(folder, 'load'), env, plannedSeconds: 300, progressInterval: 1 });
  if (load.exitCode !== 0) throw new Error(`load failed: ${load.stdout}${load.stderr}`);
  const readwrite = await runPhase({ k6, phase: 'readwrite', url: sim.url, client, resultsDir: join(folder, 'readwrite'), env, plannedSeconds: 10, progressInterval: 2 });
  const finishedAt = new Date();
  writeFileSync(join(folder, 'sim-stats.json'), `${JSON.stringify(await simStats(sim.url), null, 2)}\n`);
  writeRunJson(folder, {
    profile: 'smoke',
    phase: 'full',
    startedAt,
    finishedAt,
    phases: [
      { name: 'load', exitCode: load.exitCode },
      { name: 'readwrite', exitCode: readwrite.exitCode },
    ],
    env,
    overrides,
    k6: k6Version(k6),
    url: sim.url,
    clientId: client.key,
  });
  for (const [name, run] of Object.entries({ load, readwrite })) {
    process.stdout.write(`${name}: k6 exit ${run.exitCode}, progress exit ${run.progressExitCode}\n${run.progress}\n`);
    if (run.exitCode !== 0) process.stdout.write(`${run.stdout}\n${run.stderr}\n`);
  }
  // No secret may reach a committed fixture.
  for (const file of ['run.json', 'load/summary.json', 'readwrite/summary.json', 'sim-stats.json']) {
    if (readFileSync(join(folder, file), 'utf8').includes(client.secret)) throw new Error(`${file} contains the client secret`);
  }
} finally {
  await sim.stop();
}
