// Benchmarks of the k6 side (issue 4), against the stand-in on this machine:
//  1. harness overhead: load-phase request rate vs. a minimal k6 script POSTing the same documents (the
//     load phase's own work items) with a fixed token, same VUs, run back to back; the median of the
//     paired ratios over several rounds (the stand-in and k6 share two cores, so single runs vary ~10%),
//     plus k6's own CPU time per request, which varies much less;
//  2. k6 peak RSS of the load phase per VU.
// Usage: npm run bench:k6 -- [--vus 100] [--students 40000] [--rounds 5]
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const vus = arg('vus', 100);
const students = arg('students', 40000);
const rounds = arg('rounds', 5);
const work = mkdtempSync(join(tmpdir(), 'k6-bench-'));
const k6 = process.env.K6_BIN ?? execFileSync(join(root, 'scripts/install-k6.sh'), { encoding: 'utf8' }).trim().split('\n').pop()!;

async function startSim(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'sim/main.ts'), '--port', '0'], {
    env: { ...process.env, SIM_RATE_LIMIT_PERMITS: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      const match = /listening on (\S+)/.exec(chunk.toString());
      if (match) resolve(match[1]);
    });
    child.on('exit', (code) => reject(new Error(`stand-in exited with ${code}`)));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

async function json(url: string, init: RequestInit): Promise<Record<string, unknown>> {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`${init.method} ${url}: HTTP ${res.status}`);
  return (await res.json()) as Record<string, unknown>;
}

/** An API client made through the stand-in's Configuration Service endpoints. */
async function createClient(url: string): Promise<{ key: string; secret: string }> {
  const form = 'client_id=DmsConfigurationService&client_secret=ValidClientSecret1234567890!Abcd&grant_type=client_credentials&scope=edfi_admin_api/full_access';
  const admin = await json(`${url}/connect/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
  const headers = { authorization: `Bearer ${String(admin.access_token)}`, 'content-type': 'application/json' };
  const vendor = await fetch(`${url}/v3/vendors`, { method: 'POST', headers, body: JSON.stringify({ company: 'Bench', contactName: 'Bench', contactEmailAddress: 'bench@example.com', namespacePrefixes: 'uri://ed-fi.org' }) });
  const vendorId = Number(vendor.headers.get('location')?.split('/').pop());
  const app = await json(`${url}/v3/applications`, { method: 'POST', headers, body: JSON.stringify({ vendorId, applicationName: 'Bench', claimSetName: 'EdFiSandbox', educationOrganizationIds: [777000], dataStoreIds: [1] }) });
  return { key: String(app.key), secret: String(app.secret) };
}

async function token(url: string, client: { key: string; secret: string }): Promise<string> {
  const basic = Buffer.from(`${client.key}:${client.secret}`).toString('base64');
  const body = await json(`${url}/oauth/token`, { method: 'POST', headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' });
  return String(body.access_token);
}

interface K6Run { peakRssMb: number; seconds: number; cpuSeconds: number }
interface Measured { rate: number; cpuPerRequestUs: number; peakRssMb: number; retries: number }

/** Runs k6 and samples its resident memory (VmHWM is the kernel's own peak) and CPU time (utime + stime). */
function runK6(script: string, env: Record<string, string>): Promise<K6Run> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(k6, ['run', '--quiet', script], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
    let peakKb = 0;
    let cpuTicks = 0;
    const timer = setInterval(() => {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
        const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
        cpuTicks = Number(fields[11]) + Number(fields[12]); // utime + stime, in clock ticks (100/s)
      } catch { /* exited */ }
    }, 100);
    child.on('exit', (code) => {
      clearInterval(timer);
      // A load phase that failed a threshold (an incomplete data set) would make its rate meaningless.
      if (code !== 0) reject(new Error(`k6 ${script} exited with ${code}`));
      else resolve({ peakRssMb: peakKb / 1024, seconds: (Date.now() - started) / 1000, cpuSeconds: cpuTicks / 100 });
    });
  });
}

async function main(): Promise<void> {
  execFileSync(process.execPath, [join(root, 'build.mjs')], { stdio: 'inherit' });
  await build({ entryPoints: [join(root, 'bench/k6/minimal-post.ts')], outfile: join(work, 'minimal-post.js'), bundle: true, format: 'esm', platform: 'browser', external: ['k6'], logLevel: 'warning' });
  const sim = await startSim();
  try {
    const client = await createClient(sim.url);
    const profileEnv = { SCHOOL_COUNT: '10', STUDENT_COUNT: String(students), STAFF_COUNT: '20', COURSES_PER_SCHOOL: '5', SECTIONS_PER_COURSE: '2', SECTIONS_PER_STUDENT: '0' };
    const runMinimal = async (round: number): Promise<Measured> => {
      await fetch(`${sim.url}/_sim/reset`, { method: 'POST' });
      const summaryFile = join(work, `minimal-${round}.json`);
      const run = await runK6(join(work, 'minimal-post.js'), { ...profileEnv, API_BASE_URL: sim.url, ACCESS_TOKEN: await token(sim.url, client), VUS: String(vus), SUMMARY_FILE: summaryFile });
      const { rate, count } = JSON.parse(readFileSync(summaryFile, 'utf8')) as { rate: number; count: number };
      return { rate, cpuPerRequestUs: (run.cpuSeconds * 1e6) / count, peakRssMb: run.peakRssMb, retries: 0 };
    };
    const runLoad = async (round: number): Promise<Measured> => {
      await fetch(`${sim.url}/_sim/reset`, { method: 'POST' });
      const resultsDir = join(work, `load-${round}`);
      mkdirSync(resultsDir, { recursive: true });
      const run = await runK6(join(root, 'dist/load.js'), { ...profileEnv, API_BASE_URL: sim.url, CLIENT_ID: client.key, CLIENT_SECRET: client.secret, VUS_LOAD_PHASE: String(vus), RESULTS_DIR: resultsDir, THRESHOLD_P95_MS_LOAD: '60000' });
      const { metrics } = JSON.parse(readFileSync(join(resultsDir, 'summary.json'), 'utf8')) as { metrics: Record<string, { values: Record<string, number> } | undefined> };
      const { rate, count } = metrics.http_reqs!.values;
      return { rate, cpuPerRequestUs: (run.cpuSeconds * 1e6) / count, peakRssMb: run.peakRssMb, retries: metrics.dms_retries?.values.count ?? 0 };
    };
    const ratios: number[] = [];
    const cpuRatios: number[] = [];
    let loadPeak = 0;
    for (let round = 1; round <= rounds; round++) {
      // Alternate which script goes first, so drift on the shared machine (the stand-in's heap after a
      // reset, other work) does not favour one side.
      const minimalFirst = round % 2 === 1;
      const order = minimalFirst ? [runMinimal, runLoad] : [runLoad, runMinimal];
      const results = [];
      for (const runOne of order) results.push(await runOne(round));
      const [minimal, load] = minimalFirst ? results : [results[1], results[0]];
      loadPeak = Math.max(loadPeak, load.peakRssMb);
      ratios.push(load.rate / minimal.rate);
      cpuRatios.push(minimal.cpuPerRequestUs / load.cpuPerRequestUs);
      console.log(`round ${round}${minimalFirst ? '' : ' (load first)'}: minimal ${minimal.rate.toFixed(0)} req/s (k6 ${minimal.cpuPerRequestUs.toFixed(0)} µs CPU/req), load phase ${load.rate.toFixed(0)} req/s (k6 ${load.cpuPerRequestUs.toFixed(0)} µs CPU/req, ${load.retries} retries), ratio ${(load.rate / minimal.rate).toFixed(2)}, k6 peak RSS ${load.peakRssMb.toFixed(0)} MB`);
    }
    const median = (xs: number[]) => {
      const sorted = [...xs].sort((a, b) => a - b);
      const mid = Math.floor(sorted.length / 2);
      return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    };
    console.log(`\nharness overhead: load phase / minimal request rate, median of ${rounds} paired rounds = ${median(ratios).toFixed(2)} (range ${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}; target >= 0.85)`);
    console.log(`k6 CPU per request: minimal / load phase, median = ${median(cpuRatios).toFixed(2)}`);
    console.log(`k6 memory: peak RSS ${loadPeak.toFixed(0)} MB at ${vus} VUs = ${(loadPeak / vus).toFixed(2)} MB per VU (target <= 5)`);
    console.log(`(work files in ${work}: ${readdirSync(work).length} entries)`);
  } finally {
    sim.stop();
  }
}

main().catch((error: Error) => {
  console.error(`bench:k6: ${error.message}`);
  process.exit(1);
});
