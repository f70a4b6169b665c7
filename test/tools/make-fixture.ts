// Records test/tools/fixtures/smoke-sim: a real run of ./run-load-test.sh against the stand-in (smoke,
// with 2,500 students so the load phase lasts long enough for a curve, and a 10 s readwrite phase).
// Re-run after a change of the results folder's shape:
//   node --import tsx test/tools/make-fixture.ts
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './helpers/stand-in-run.ts';

const KEEP = ['run.json', 'exit-status', 'sim-stats.json', 'broker-stats.json', 'load', 'readwrite'];
const target = join(ROOT, 'test/tools/fixtures/smoke-sim');
const resultsRoot = mkdtempSync(join(tmpdir(), 'fixture-results-'));
const run = spawnSync('./run-load-test.sh', ['--profile', 'smoke', '--target', 'sim'], {
  cwd: ROOT,
  env: { ...process.env, RESULTS_ROOT: resultsRoot, STUDENT_COUNT: '2500', DURATION_READWRITE_PHASE: '10s', NO_COLOR: '1' },
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
