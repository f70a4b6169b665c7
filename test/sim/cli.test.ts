import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { clientToken, createApplication } from './helpers.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LISTENING = /^dms-sim listening on (http:\/\/127\.0\.0\.1:(\d+))\n$/;

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Environment without any SIM_* variable of the caller, plus the given ones. */
function envWith(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SIM_')));
  return { ...env, ...extra };
}

function spawnCli(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'sim/main.ts', ...args], { cwd: ROOT, env: envWith(env) });
}

/** Runs the CLI to completion (for inputs that must make it exit). */
function runCli(args: string[], env: Record<string, string> = {}): Promise<Exit> {
  return new Promise((resolve) => {
    const child = spawnCli(args, env);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts the CLI and resolves once it printed its one line. */
function startCli(args: string[], env: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string; stdout: () => string; stderr: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(args, env);
    let stdout = '';
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    child.stdout!.on('data', (d) => {
      stdout += d;
      const m = LISTENING.exec(stdout);
      if (m) resolve({ child, url: m[1], stdout: () => stdout, stderr: () => stderr });
    });
    child.on('close', (code) => reject(new Error(`exited ${code} before listening: ${stderr}`)));
  });
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.on('close', (code) => resolve(code)));
}

function assertBadInput(r: Exit, ...mentions: RegExp[]): void {
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stdout, '');
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one message line: ${r.stderr}`);
  assert.match(lines[0], /^dms-sim: /);
  for (const m of mentions) assert.match(lines[0], m);
}

describe('sim/main.ts (npm run dms-sim)', () => {
  it('prints exactly one line when ready, serves, and exits 0 on SIGTERM', async () => {
    const sim = await startCli(['--port', '0', '--host', '127.0.0.1']);
    const r = await fetch(`${sim.url}/health`);
    assert.equal(r.status, 200);
    sim.child.kill('SIGTERM');
    assert.equal(await exitOf(sim.child), 0);
    assert.match(sim.stdout(), LISTENING);
    assert.equal(sim.stderr(), '');
  });

  it('exits 0 on SIGINT; --port=0 form works', async () => {
    const sim = await startCli(['--port=0']);
    sim.child.kill('SIGINT');
    assert.equal(await exitOf(sim.child), 0);
  });

  it('SIM_* variables configure it; flags win over them', async () => {
    const sim = await startCli(['--port', '0', '--host', '127.0.0.1'], { SIM_PORT: '1', SIM_HOST: '0.0.0.0', SIM_TOKEN_LIFETIME_SECONDS: '60', SIM_RATE_LIMIT_PERMITS: '0' });
    try {
      const app = await createApplication(sim.url);
      assert.equal((await clientToken(sim.url, app.key, app.secret)).json().expires_in, 60);
    } finally {
      sim.child.kill('SIGTERM');
      await exitOf(sim.child);
    }
  });

  it('SIM_DMS_VERSION picks the DMS line; --dms-version wins over it', async () => {
    const fromEnv = await startCli(['--port', '0'], { SIM_DMS_VERSION: '8.0' });
    const fromFlag = await startCli(['--port', '0', '--dms-version=8.1'], { SIM_DMS_VERSION: '8.0' });
    try {
      assert.equal(((await (await fetch(`${fromEnv.url}/`)).json()) as { version: string }).version, '8.0.0');
      assert.equal(((await (await fetch(`${fromFlag.url}/`)).json()) as { version: string }).version, '8.1.0');
    } finally {
      for (const sim of [fromEnv, fromFlag]) {
        sim.child.kill('SIGTERM');
        await exitOf(sim.child);
      }
    }
  });

  it('warns about, but ignores, unknown SIM_* variables', async () => {
    const sim = await startCli(['--port', '0'], { SIM_EROR_RATE: '0.1' });
    sim.child.kill('SIGTERM');
    await exitOf(sim.child);
    assert.match(sim.stderr(), /warning: ignoring unknown environment variable SIM_EROR_RATE/);
  });

  it('--help prints usage with every SIM_* variable and exits 0', async () => {
    const r = await runCli(['--help']);
    assert.equal(r.code, 0);
    for (const name of ['--port', '--host', '--dms-version', 'SIM_DMS_VERSION', 'SIM_TOKEN_CAP', 'SIM_ERROR_RATE', 'SIM_RATE_LIMIT_PERMITS', 'SIM_ADMIN_CLIENT_SECRET']) assert.ok(r.stdout.includes(name), name);
  });

  it('an unknown flag: exit 2 with one clear message', async () => {
    assertBadInput(await runCli(['--prot', '8080']), /unknown argument "--prot"/, /--port N/);
  });

  it('a flag without a value or with a bad value: exit 2', async () => {
    assertBadInput(await runCli(['--port']), /--port needs a value/);
    assertBadInput(await runCli(['--port', '70000']), /--port="70000" is invalid/, /0 to 65535/);
    assertBadInput(await runCli(['--dms-version']), /--dms-version needs a value, e.g. --dms-version 8.1/);
    assertBadInput(await runCli(['--dms-version', '7']), /--dms-version="7" is invalid/, /one of 8\.0, 8\.1/);
  });

  it('a bad SIM_* value: exit 2 naming the variable, the value and the fix', async () => {
    assertBadInput(await runCli(['--port', '0'], { SIM_ERROR_RATE: '2' }), /SIM_ERROR_RATE="2" is invalid/, /number from 0 to 1/, /Fix or unset SIM_ERROR_RATE/);
    assertBadInput(await runCli(['--port', '0'], { SIM_TOKEN_CAP: 'abc' }), /SIM_TOKEN_CAP="abc" is invalid/, /whole number/);
    assertBadInput(await runCli(['--port', '0'], { SIM_DMS_VERSION: '8' }), /SIM_DMS_VERSION="8" is invalid/, /one of 8\.0, 8\.1/);
  });

  it('a port in use: exit 2 saying so', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      assertBadInput(await runCli(['--port', String(port)]), new RegExp(`127\\.0\\.0\\.1:${port}`), /already in use/, /--port/);
    } finally {
      blocker.close();
    }
  });
});
