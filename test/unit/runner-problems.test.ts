// The runner's step after each phase: the broker's problems into <phase>/summary.json (scripts/lib/node/problems.ts,
// run as the runner runs it: bundled into dist/runner/problems.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { problemLines, withProblems } from '../../scripts/lib/node/problems.ts';

const root = new URL('../..', import.meta.url).pathname;
execFileSync(process.execPath, ['build.mjs', '--runner', '--if-stale'], { cwd: root });
const helper = join(root, 'dist/runner/problems.mjs');

const conflict = { phase: 'load', resource: 'schools', op: 'create', status: 409, kind: 'status', problemType: 'urn:ed-fi:api:identity-conflict', contentType: 'application/problem+json', count: 2 };
const loginPage = { phase: 'readwrite', resource: 'students', op: 'read', status: 200, kind: 'wrong-body', problemType: '', contentType: 'text/html', count: 7 };

test('withProblems sets the top-level problems field and keeps the rest', () => {
  const merged = withProblems({ metrics: { a: 1 }, problems: ['old'] }, [conflict]);
  assert.deepEqual(merged, { metrics: { a: 1 }, problems: [conflict] });
  assert.throws(() => withProblems([], []), /not a JSON object/);
  assert.throws(() => withProblems({}, undefined), /problems list/);
  assert.deepEqual(problemLines([conflict, loginPage, { ...conflict, kind: 'exception', count: 1 }]), [
    'schools create: 409 urn:ed-fi:api:identity-conflict x 2',
    'students read: 200 text/html x 7',
    'schools create: exception x 1',
  ]);
});

test('merge: GET /problems?phase=P with the broker key, written by rename; 3 when k6 left no summary', async () => {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.url} ${req.headers['x-broker-key']}`);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ problems: [conflict] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const dir = mkdtempSync(join(tmpdir(), 'problems-'));
  const summary = join(dir, 'summary.json');
  writeFileSync(summary, JSON.stringify({ metrics: { m: { values: { count: 1 } } } }));
  const run = promisify(execFile);
  const env = { ...process.env, BROKER_KEY: 'secret-key-0001' };
  try {
    const { stdout } = await run(process.execPath, [helper, 'merge', `http://127.0.0.1:${port}`, 'load', summary], { env });
    assert.equal(stdout, 'schools create: 409 urn:ed-fi:api:identity-conflict x 2\n');
    assert.deepEqual(seen, ['/problems?phase=load secret-key-0001']);
    const saved = JSON.parse(readFileSync(summary, 'utf8')) as Record<string, unknown>;
    assert.deepEqual(saved.problems, [conflict]);
    assert.deepEqual(saved.metrics, { m: { values: { count: 1 } } });
    assert.deepEqual(readdirSync(dir), ['summary.json'], 'no temporary file left behind');
    await assert.rejects(run(process.execPath, [helper, 'merge', `http://127.0.0.1:${port}`, 'load', join(dir, 'none.json')], { env }), (e: { code: number }) => e.code === 3);
  } finally {
    server.close();
  }
  // an unreachable broker: exit 1, the summary untouched
  const before = readFileSync(summary, 'utf8');
  await assert.rejects(run(process.execPath, [helper, 'merge', `http://127.0.0.1:${port}`, 'load', summary], { env }), (e: { code: number; stderr: string }) => e.code === 1 && /problems\?phase=load/.test(e.stderr));
  assert.equal(readFileSync(summary, 'utf8'), before);
});
