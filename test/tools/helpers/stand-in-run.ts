// Drives a real k6 phase against the stand-in without the bash runner: start sim/main.ts as a child,
// create an API client through its CMS endpoints, run `k6 run --address ... dist/<phase>.js` with the
// progress poller beside it, and write a run.json like the runner's. Used by baseline-e2e.test.ts and by
// make-fixture.ts (which records test/tools/fixtures/smoke-sim).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

export function k6Binary(): string | undefined {
  const candidates = [process.env.K6_BIN, process.env.K6, '/root/.cache/dms-load-test/k6/v2.2.0/k6', join(process.env.HOME ?? '', '.cache/dms-load-test/k6/v2.2.0/k6')];
  for (const c of candidates) if (c && existsSync(c)) return c;
  const which = spawnSync('sh', ['-c', 'command -v k6'], { encoding: 'utf8' });
  return which.status === 0 ? which.stdout.trim() : undefined;
}

export function k6Version(k6: string): string {
  const out = spawnSync(k6, ['version', '--json'], { encoding: 'utf8' });
  try {
    return String((JSON.parse(out.stdout) as { version?: string }).version ?? 'unknown');
  } catch {
    return 'unknown';
  }
}

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => ok(port));
    });
  });
}

export interface StandIn {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function startStandIn(env: Record<string, string> = {}): Promise<StandIn> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'sim/main.ts', '--port', '0', '--host', '127.0.0.1'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`stand-in did not start within 30 s: ${stderr}`)), 30_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /dms-sim listening on (http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        ok(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`stand-in exited with ${code}: ${stderr}`));
    });
  });
  return {
    url,
    child,
    stop: () =>
      new Promise<void>((ok) => {
        if (child.exitCode !== null) return ok();
        child.once('exit', () => ok());
        child.kill('SIGTERM');
      }),
  };
}

async function call(url: string, init: RequestInit): Promise<{ status: number; body: unknown; location: string | null }> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON
  }
  return { status: res.status, body, location: res.headers.get('location') };
}

/** Vendor + application through the stand-in's CMS endpoints, with the DMS development admin client. */
export async function createClient(url: string): Promise<{ key: string; secret: string }> {
  const form = new URLSearchParams({
    client_id: 'DmsConfigurationService',
    client_secret: 'ValidClientSecret1234567890!Abcd',
    grant_type: 'client_credentials',
    scope: 'edfi_admin_api/full_access',
  });
  const token = await call(`${url}/connect/token`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: form.toString() });
  const access = (token.body as { access_token?: string })?.access_token;
  if (!access) throw new Error(`admin token: HTTP ${token.status} ${JSON.stringify(token.body)}`);
  const headers = { Authorization: `Bearer ${access}`, 'Content-Type': 'application/json' };
  const vendor = await call(`${url}/v3/vendors`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ company: `Load Test ${Date.now()}`, contactName: 'Load Test', contactEmailAddress: 'load@example.com', namespacePrefixes: 'uri://ed-fi.org' }),
  });
  const vendorId = Number((vendor.location ?? '').split('/').pop() ?? (vendor.body as { id?: number })?.id);
  if (!vendorId) throw new Error(`vendor: HTTP ${vendor.status} ${JSON.stringify(vendor.body)}`);
  const app = await call(`${url}/v3/applications`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ vendorId, applicationName: `Load Test ${Date.now()}`, claimSetName: 'E2E-NoFurtherAuthRequiredClaimSet', educationOrganizationIds: [255901], dataStoreIds: [1] }),
  });
  const creds = app.body as { key?: string; secret?: string };
  if (!creds?.key || !creds.secret) throw new Error(`application: HTTP ${app.status} ${JSON.stringify(app.body)}`);
  return { key: creds.key, secret: creds.secret };
}

/** The smoke profile as the runner reads it (.env.profiles/smoke.env), plus PROFILE. */
export function profileEnv(name: string): Record<string, string> {
  const env: Record<string, string> = { PROFILE: name };
  for (const line of readFileSync(join(ROOT, '.env.profiles', `${name}.env`), 'utf8').split('\n')) {
    const match = /^\s*([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (match) env[match[1]] = match[2].trim().replace(/^(['"])(.*)\1$/, '$2');
  }
  return env;
}

export const SMOKE_PROFILE: Record<string, string> = profileEnv('smoke');

export interface PhaseRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  progress: string;
  progressExitCode: number | null;
}

/** One phase: k6 with its REST API on a free port, and tools/progress/main.ts polling it. */
export async function runPhase(options: {
  k6: string;
  phase: 'load' | 'readwrite';
  url: string;
  client: { key: string; secret: string };
  resultsDir: string;
  env: Record<string, string>;
  plannedSeconds: number;
  progressInterval?: number;
}): Promise<PhaseRun> {
  mkdirSync(options.resultsDir, { recursive: true });
  const port = await freePort();
  const env = {
    ...process.env,
    ...options.env,
    API_BASE_URL: options.url,
    CLIENT_ID: options.client.key,
    CLIENT_SECRET: options.client.secret,
    RESULTS_DIR: options.resultsDir,
    NO_COLOR: '1',
  };
  const progress = spawn(
    process.execPath,
    [
      '--import', 'tsx', 'tools/progress/main.ts',
      '--address', `127.0.0.1:${port}`,
      '--phase', options.phase,
      '--planned-seconds', String(options.plannedSeconds),
      '--out', join(options.resultsDir, 'timeseries.ndjson'),
      '--interval', String(options.progressInterval ?? 2),
    ],
    { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let progressOut = '';
  progress.stderr?.on('data', (d: Buffer) => (progressOut += d.toString()));
  const progressDone = new Promise<number | null>((ok) => progress.once('exit', (code) => ok(code)));
  const k6 = spawn(options.k6, ['run', '--quiet', '--address', `127.0.0.1:${port}`, `dist/${options.phase}.js`], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  k6.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  k6.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exitCode = await new Promise<number | null>((ok) => k6.once('exit', (code) => ok(code)));
  const timer = setTimeout(() => progress.kill('SIGTERM'), 10_000);
  const progressExitCode = await progressDone;
  clearTimeout(timer);
  return { exitCode, stdout, stderr, progress: progressOut, progressExitCode };
}

export function buildBundles(): void {
  const out = spawnSync(process.execPath, ['build.mjs'], { cwd: ROOT, encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`node build.mjs failed: ${out.stderr}`);
}

/** A run.json shaped like the runner's (secrets masked). */
export function writeRunJson(folder: string, run: {
  profile: string;
  phase: string;
  startedAt: Date;
  finishedAt: Date;
  phases: Array<{ name: string; exitCode: number | null }>;
  env: Record<string, string>;
  /** Settings that came from the shell rather than the profile. */
  overrides?: Record<string, string>;
  k6: string;
  url: string;
  clientId: string;
}): void {
  const exitCode = run.phases.find((p) => p.exitCode !== 0)?.exitCode ?? 0;
  const config: Record<string, { value: string; source: string }> = {};
  for (const [k, v] of Object.entries(run.env)) config[k] = { value: v, source: `profile ${run.profile}` };
  for (const [k, v] of Object.entries(run.overrides ?? {})) config[k] = { value: v, source: 'shell' };
  config.API_BASE_URL = { value: run.url, source: 'stand-in' };
  config.CLIENT_ID = { value: run.clientId, source: 'client setup' };
  config.CLIENT_SECRET = { value: '****', source: 'client setup' };
  writeFileSync(
    join(folder, 'run.json'),
    `${JSON.stringify(
      {
        profile: run.profile,
        phase: run.phase,
        target: 'sim',
        startedAt: run.startedAt.toISOString(),
        finishedAt: run.finishedAt.toISOString(),
        exitCode: exitCode ?? 1,
        status: exitCode === 0 ? 'PASS' : 'FAIL',
        versions: { k6: run.k6, node: process.version, npm: 'n/a', suite: 'test' },
        config,
        phases: run.phases.map((p) => ({ name: p.name, exitCode: p.exitCode, dir: p.name })),
      },
      null,
      2,
    )}\n`,
  );
}

export async function simStats(url: string): Promise<unknown> {
  const res = await fetch(`${url}/_sim/stats`);
  return res.json();
}
