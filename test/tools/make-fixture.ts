// Records test/tools/fixtures/smoke-sim: a real run of ./run-load-test.sh against the stand-in (smoke,
// with 2,500 students so the load phase lasts long enough for a curve, and a 10 s readwrite phase); with
// the argument `capacity`, test/tools/fixtures/capacity-sim: a capacity run (steps of 10 iterations/s, 4 s
// each, 4 VUs, 80 ms added per request, so some steps hold and one breaks on dropped iterations).
// Re-run after a change of the results folder's shape:
//   node --import tsx test/tools/make-fixture.ts [capacity]
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './helpers/stand-in-run.ts';

const capacity = process.argv[2] === 'capacity';
const KEEP = ['run.json', 'exit-status', 'sim-stats.json', 'broker-stats.json', 'load', 'readwrite', 'capacity'];
const target = join(ROOT, `test/tools/fixtures/${capacity ? 'capacity-sim' : 'smoke-sim'}`);
const resultsRoot = mkdtempSync(join(tmpdir(), 'fixture-results-'));
const settings = capacity
  ? { CAPACITY_START_RATE: '10', CAPACITY_STEP_RATE: '10', CAPACITY_MAX_RATE: '60', CAPACITY_STEP_DURATION: '4s', VUS_CAPACITY_PHASE: '4', SIM_LATENCY_MS: '80' }
  : { STUDENT_COUNT: '2500', DURATION_READWRITE_PHASE: '10s' };
const run = spawnSync('./run-load-test.sh', ['--profile', 'smoke', '--target', 'sim', ...(capacity ? ['--phase', 'capacity'] : [])], {
  cwd: ROOT,
  env: { ...process.env, RESULTS_ROOT: resultsRoot, ...settings, NO_COLOR: '1' },
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'pipe'],
});
process.stdout.write(run.stdout.split('\n').slice(-8).join('\n'));
if (run.status !== 0) throw new Error(`run-load-test.sh exited ${run.status}:\n${run.stderr}`);
const folder = realpathSync(join(resultsRoot, 'latest'));
rmSync(target, { recursive: true, force: true });
for (const name of KEEP) if (existsSync(join(folder, name))) cpSync(join(folder, name), join(target, name), { recursive: true });
// No secret may reach a committed fixture: the runner masks them; check the masks are all that is left.
const runJson = JSON.parse(readFileSync(join(target, 'run.json'), 'utf8')) as { config: Record<string, { value: string }> };
for (const [name, { value }] of Object.entries(runJson.config)) {
  if (/SECRET|KEY$/.test(name) && value !== '' && !/^\*+$/.test(value)) throw new Error(`run.json: ${name} is not masked`);
}
process.stdout.write(`\nfixture: ${target} (${readdirSync(target).join(', ')})\n`);
rmSync(resultsRoot, { recursive: true, force: true });
