// Live progress beside `k6 run --address HOST:PORT`: polls k6's REST API, appends one JSON line per
// sample to --out (timeseries.ndjson, read by the HTML report) and prints a progress line to stderr.
// Waits quietly until k6's API answers; exits 0 by itself when the API goes away (k6 ended) or on
// SIGTERM/SIGINT. Exit 2 on bad arguments. The file is only ever appended to, one whole line at a time.
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs, UsageError, USAGE, type ProgressOptions } from './args.ts';
import { etaSeconds, formatLine, ttyLine, type EntityPoint } from './format.ts';
import { parseApiMetrics, parseApiStatus, sampleFrom, snapshotFrom, type Snapshot } from './snapshot.ts';

const REQUEST_TIMEOUT_MS = 2000;

async function getJson(url: string): Promise<unknown> {
  const res = await fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return res.json();
}

async function poll(base: string, fallbackElapsedS: number): Promise<Snapshot> {
  const [status, metrics] = await Promise.all([getJson(`${base}/v1/status`), getJson(`${base}/v1/metrics`)]);
  return snapshotFrom(parseApiMetrics(metrics), parseApiStatus(status), fallbackElapsedS);
}

let stopping = false;
let wake: (() => void) | undefined;
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    wake = () => {
      clearTimeout(timer);
      resolve();
    };
  });
}
function stop(): void {
  stopping = true;
  wake?.();
}

async function run(opts: ProgressOptions): Promise<void> {
  const base = `http://${opts.address}`;
  const tty = process.stderr.isTTY === true && !opts.plain && process.env.TERM !== 'dumb';
  mkdirSync(dirname(opts.out), { recursive: true });
  appendFileSync(opts.out, '');

  // 1. Wait quietly for k6's API.
  const waitStarted = Date.now();
  let first: Snapshot | undefined;
  while (!stopping && !first) {
    try {
      first = await poll(base, 0);
    } catch {
      if (Date.now() - waitStarted > opts.waitS * 1000) {
        process.stderr.write(`progress: k6's API at ${base} did not answer within ${opts.waitS}s; no live progress for this phase\n`);
        return;
      }
      await sleep(100);
    }
  }
  if (!first) return;

  // 2. Sample until the API goes away.
  const startedAt = Date.now() - first.elapsedS * 1000;
  const history: EntityPoint[] = [];
  let prevSample: Snapshot | undefined;
  let prevPrint: Snapshot | undefined;
  let lastPrintAt = 0;
  let printed = false;
  let failures = 0;
  let current: Snapshot | undefined = first;
  while (!stopping) {
    if (current) {
      const now = new Date();
      const sample = sampleFrom(prevSample, current, opts.phase, now);
      appendFileSync(opts.out, `${JSON.stringify(sample)}\n`);
      prevSample = current;
      if (current.entities !== undefined) history.push({ elapsedS: current.elapsedS, entities: current.entities });
      if (now.getTime() - lastPrintAt >= opts.intervalS * 1000 - 50) {
        const lineSample = sampleFrom(prevPrint, current, opts.phase, now);
        const eta = opts.expectedEntities ? etaSeconds(history, opts.expectedEntities) : undefined;
        const line = formatLine(lineSample, { phase: opts.phase, plannedSeconds: opts.plannedSeconds, expectedEntities: opts.expectedEntities, eta });
        process.stderr.write(tty ? ttyLine(line, process.stderr.columns) : `${line}\n`);
        printed = true;
        prevPrint = current;
        lastPrintAt = now.getTime();
      }
      await sleep(opts.sampleIntervalS * 1000);
    }
    if (stopping) break;
    try {
      current = await poll(base, (Date.now() - startedAt) / 1000);
      failures = 0;
    } catch {
      current = undefined;
      // k6 has ended (or is about to): one retry shortly after, then done.
      if (++failures >= 2) break;
      await sleep(500);
    }
  }
  if (tty && printed) process.stderr.write('\n');
}

let opts: ProgressOptions;
try {
  opts = parseArgs(process.argv.slice(2), process.env);
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`progress: ${error.message}\n${USAGE}\n`);
  process.exit(2);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
run(opts).then(
  () => process.exit(0),
  (error: unknown) => {
    // Progress is a convenience: never fail the run because of it.
    process.stderr.write(`progress: stopped: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(0);
  },
);
