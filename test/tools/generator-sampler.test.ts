// The sampler of tools/generator against a real process: it reads /proc/<pid> once a second, knows the
// cores the process may use (here pinned to one with taskset), and ends by itself when the process ends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GeneratorSamples } from '../../tools/generator/verdict.ts';
import { ROOT } from './helpers/stand-in-run.ts';

const linux = existsSync('/proc/self/stat');
const taskset = spawnSync('taskset', ['--version']).status === 0;

test('a busy process pinned to one CPU: sampled as one core, its CPU and memory seen; the sampler ends with it', { skip: !linux || !taskset ? 'needs Linux /proc and taskset' : false, timeout: 60_000 }, async () => {
  const busy = spawn('taskset', ['-c', '0', process.execPath, '-e', 'const end = Date.now() + 7000; while (Date.now() < end) {}'], { stdio: 'ignore' });
  const out = join(mkdtempSync(join(tmpdir(), 'sampler-')), 'samples.json');
  const sampler = spawn(process.execPath, ['--import', 'tsx', 'tools/generator/main.ts', 'sample', '--pid', String(busy.pid), '--out', out], { cwd: ROOT, stdio: 'ignore' });
  const code = await new Promise<number | null>((resolve) => sampler.on('exit', resolve));
  assert.equal(code, 0);
  const samples = JSON.parse(readFileSync(out, 'utf8')) as GeneratorSamples;
  assert.equal(samples.unavailable, undefined);
  assert.equal(samples.cores, 1, 'taskset -c 0: one CPU allowed');
  assert.ok(samples.windows.length >= 1, `windows: ${JSON.stringify(samples.windows)}`);
  assert.ok((samples.meanCpuPercent ?? 0) > 5, `a busy loop uses its core: ${samples.meanCpuPercent}%`);
  assert.ok((samples.maxRssMb ?? 0) > 5, `memory: ${samples.maxRssMb} MB`);
  assert.ok(samples.seconds >= 4, `sampled ${samples.seconds} s`);
});

test('a process that has already ended: the file says why nothing was sampled; the verdict still goes into the summary and its line beside', () => {
  const done = spawnSync(process.execPath, ['-e', '0']);
  assert.equal(done.status, 0);
  const dir = mkdtempSync(join(tmpdir(), 'sampler-'));
  const out = join(dir, 'samples.json');
  const summary = join(dir, 'summary.json');
  writeFileSync(summary, '{\n  "metrics": {\n    "dropped_iterations": {"type": "counter", "values": {"count": 4}},\n    "vus_max": {"type": "gauge", "values": {"max": 2}}\n  }\n}\n');
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'tools/generator/main.ts', 'sample', '--pid', String(done.pid), '--out', out, '--summary', summary, '--phase', 'filtered-read'], { cwd: ROOT });
  assert.equal(r.status, 0, String(r.stderr));
  assert.match(JSON.parse(readFileSync(out, 'utf8')).unavailable, /had already ended|not Linux/);
  const generator = JSON.parse(readFileSync(summary, 'utf8')).generator;
  assert.equal(generator.bound, true);
  assert.equal(readFileSync(join(dir, 'generator-verdict.txt'), 'utf8'), 'generator-bound: k6 dropped 4 iterations: no VU was free to start them (all 2 VUs busy, because the target answered slowly or k6 lacked CPU; raise VUS_FILTERED_READ_PHASE)\n');
});
