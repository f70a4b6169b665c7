// Records the report fixtures from real runs of ./run-load-test.sh against the stand-in:
//   (no argument) test/tools/fixtures/smoke-sim: smoke, with 2,500 students so the load phase lasts long
//                 enough for a curve, and a 10 s readwrite phase;
//   capacity      test/tools/fixtures/capacity-sim: a capacity run (steps of 10 iterations/s, 4 s each,
//                 4 VUs, 80 ms added per request, so some steps hold and one breaks on dropped iterations);
//   workloads     test/tools/fixtures/workloads-sim: three runs (volume 12 s; deep-paging over 50 section
//                 enrolments in pages of 5, so every tenth of the collection has a page; filtered-read
//                 12 s), their phases put into one results folder (run.json lists load and the three).
// Re-run after a change of the results folder's shape:
//   node --import tsx test/tools/make-fixture.ts [capacity | workloads]
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './helpers/stand-in-run.ts';

const kind = process.argv[2] ?? 'smoke';
const KEEP = ['run.json', 'exit-status', 'sim-stats.json', 'broker-stats.json', 'load', 'readwrite', 'capacity'];
const target = join(ROOT, `test/tools/fixtures/${kind === 'smoke' ? 'smoke-sim' : `${kind}-sim`}`);
const resultsRoot = mkdtempSync(join(tmpdir(), 'fixture-results-'));

/** One run of the runner on the stand-in; returns its results folder. */
function runner(args: string[], settings: Record<string, string>): string {
  const run = spawnSync('./run-load-test.sh', ['--profile', 'smoke', '--target', 'sim', ...args], {
    cwd: ROOT,
    env: { ...process.env, RESULTS_ROOT: resultsRoot, ...settings, NO_COLOR: '1' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  process.stdout.write(run.stdout.split('\n').slice(-8).join('\n'));
  if (run.status !== 0) throw new Error(`run-load-test.sh exited ${run.status}:\n${run.stderr}`);
  return realpathSync(join(resultsRoot, 'latest'));
}

rmSync(target, { recursive: true, force: true });
if (kind === 'workloads') {
  const phases = [
    ['volume', { DURATION_VOLUME_PHASE: '12s' }],
    ['deep-paging', { STUDENT_COUNT: '50', DEEP_PAGING_PAGE_SIZE: '5' }],
    ['filtered-read', { DURATION_FILTERED_READ_PHASE: '12s' }],
  ] as const;
  const folders = phases.map(([phase, settings]) => runner(['--phase', phase], settings));
  for (const name of ['run.json', 'exit-status', 'load']) cpSync(join(folders[0], name), join(target, name), { recursive: true });
  phases.forEach(([phase], i) => cpSync(join(folders[i], phase), join(target, phase), { recursive: true }));
  const runJson = JSON.parse(readFileSync(join(target, 'run.json'), 'utf8')) as { phase: string; phases: unknown[] };
  runJson.phase = 'volume, deep-paging, filtered-read (three runs in one folder)';
  runJson.phases = [{ name: 'load', exitCode: 0, dir: 'load' }, ...phases.map(([phase]) => ({ name: phase, exitCode: 0, dir: phase }))];
  writeFileSync(join(target, 'run.json'), `${JSON.stringify(runJson, null, 2)}\n`);
} else {
  const settings: Record<string, string> = kind === 'capacity'
    ? { CAPACITY_START_RATE: '10', CAPACITY_STEP_RATE: '10', CAPACITY_MAX_RATE: '60', CAPACITY_STEP_DURATION: '4s', VUS_CAPACITY_PHASE: '4', SIM_LATENCY_MS: '80' }
    : { STUDENT_COUNT: '2500', DURATION_READWRITE_PHASE: '10s' };
  const folder = runner(kind === 'capacity' ? ['--phase', 'capacity'] : [], settings);
  for (const name of KEEP) if (existsSync(join(folder, name))) cpSync(join(folder, name), join(target, name), { recursive: true });
}
// No secret may reach a committed fixture: the runner masks them; check the masks are all that is left.
const runJson = JSON.parse(readFileSync(join(target, 'run.json'), 'utf8')) as { config: Record<string, { value: string }> };
for (const [name, { value }] of Object.entries(runJson.config)) {
  if (/SECRET|KEY$/.test(name) && value !== '' && !/^\*+$/.test(value)) throw new Error(`run.json: ${name} is not masked`);
}
process.stdout.write(`\nfixture: ${target} (${readdirSync(target).join(', ')})\n`);
rmSync(resultsRoot, { recursive: true, force: true });
