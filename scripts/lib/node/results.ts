// Results-folder helpers for the runner. Configuration arrives on stdin as NAME\0SOURCE\0VALUE\0 triples
// (a pipe from bash's printf builtin, so real values never appear in a process list or a file) and is
// masked here, by one rule, before it is shown or saved.
//   config-table                 -> prints the effective configuration, masked, with sources
//   config-env FILE              -> writes config.env (masked, with sources)
//   run-json FILE                -> writes run.json; run metadata from RUN_* environment variables
//   failed-thresholds SUMMARY    -> prints "metric  expression" for each threshold with ok == false
//   regressions COMPARISON       -> prints the regressions of baseline-comparison.json in one line:
//                                   "readwrite students read p95 2 -> 40 ms; ... and N more" (nothing
//                                   when the file is missing or has none)
//   secret-names NAME...         -> prints the names that hold secrets, one per line (the runner keeps
//                                   them out of k6's and the progress poller's environment)
//   abort-reason SUMMARY         -> prints the reason the scenario gave for stopping the test (the first
//                                   problem of kind 'abort' in summary.json), on one line; nothing if none
//   killed-run-json FILE         -> the run's runner was killed before recording it (the watchdog): writes
//                                   or updates run.json as FAIL, exit code 137, with what is known
//   scrub DIR [NAME...]          -> in every text file under DIR, masks the values of the secret settings
//                                   (triples on stdin), of the named environment variables (BROKER_KEY),
//                                   and anything that looks like a credential (Bearer/Basic, *_token
//                                   fields); strips colour codes from console.log
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { writeWhole } from './write-whole.ts';
import { basename, dirname, join } from 'node:path';
import { isMainModule } from './main-module.ts';

export const MASK = '********';

/** Version of run.json's layout and of docs/schemas/run.schema.json and summary.schema.json that describe it. */
export const RESULTS_SCHEMA_VERSION = 1;

export { EXIT_DISK_FULL, writeWhole } from './write-whole.ts';
/** A name with one of these endings holds a URL, a time or a number, never a secret (SIM_TOKEN_CAP). */
const NOT_SECRET_SUFFIX = /_(URL|SECONDS|MS|CAP|COUNT|LIMIT|PERMITS)$/;

/** Secret: *SECRET*, *PASSWORD*, *CREDENTIAL*, *_KEY (BROKER_KEY), and *TOKEN* unless a URL/time/number. */
export function isSecretName(name: string): boolean {
  if (/SECRET|PASSWORD|PASSWD|CREDENTIAL|(^|_)KEY$/i.test(name)) return true;
  return /TOKEN/i.test(name) && !NOT_SECRET_SUFFIX.test(name);
}

/**
 * Masks what looks like a credential, whoever wrote it (k6 with --http-debug, a proxy's error page, a
 * stack trace): `Bearer <token>`, `Basic <base64 of user:password>`, and access/refresh/id token fields.
 */
export function maskCredentials(text: string): string {
  return text
    .replace(/\b(bearer\s+)[A-Za-z0-9._~+/-]{16,}=*/gi, `$1${MASK}`)
    .replace(/\b(basic\s+)([A-Za-z0-9+/]{8,}={0,2})(?![A-Za-z0-9+/=])/gi, (all: string, prefix: string, b64: string) =>
      Buffer.from(b64, 'base64').toString('latin1').includes(':') ? `${prefix}${MASK}` : all)
    .replace(/(["']?\b(?:access|refresh|id)_token["']?\s*[:=]\s*["']?)[A-Za-z0-9._~+/-]{8,}=*/gi, `$1${MASK}`);
}

/** The value as shown and saved: a secret's value masked, an empty value empty. */
export function shown(name: string, value: string): string {
  if (value === '') return '';
  return isSecretName(name) ? MASK : value;
}

/** One setting as the runner passes it on stdin (NAME\0SOURCE\0VALUE\0). */
export interface ConfigRow {
  name: string;
  source: string;
  value: string;
}

/** A phase as run.json lists it: its k6 exit code (null: not run or unknown) and its folder. */
interface PhaseRecord {
  name: string;
  exitCode: number | null;
  dir: string;
}

function readTriples(): ConfigRow[] {
  const parts = readFileSync(0, 'utf8').split('\0');
  const rows: ConfigRow[] = [];
  for (let i = 0; i + 2 < parts.length; i += 3) rows.push({ name: parts[i], source: parts[i + 1], value: parts[i + 2] });
  return rows;
}

/**
 * A row the console table leaves out (config.env keeps every row): a setting nobody set, or a stand-in, k6
 * or baseline option left at its default. Those groups hold some 40 knobs; a run shows the ones in use.
 */
export function quietRow({ name, source }: ConfigRow): boolean {
  return source === 'not set' || (source === 'default' && /^(SIM|K6|BASELINE)_/.test(name));
}

function configTable(): number {
  const all = readTriples();
  const rows = all.filter((r) => !quietRow(r));
  const width = Math.max(...rows.map((r) => r.name.length));
  const valueWidth = Math.min(48, Math.max(...rows.map((r) => shown(r.name, r.value).length), 5));
  for (const { name, source, value } of rows) {
    const v = value === '' ? '-' : shown(name, value);
    process.stdout.write(`  ${name.padEnd(width)}  ${v.padEnd(valueWidth)}  ${source}\n`);
  }
  const hidden = all.length - rows.length;
  if (hidden > 0) process.stdout.write(`  (${hidden} more not set, or stand-in, k6 and baseline options at their defaults: config.env lists every setting)\n`);
  return 0;
}

function configEnv(file: string): number {
  const lines = ['# Effective configuration of this run: secrets masked, source of each value in the comment.',
    '# Precedence: shell > .env.profiles/<profile>.env > env file > default.'];
  for (const { name, source, value } of readTriples()) {
    lines.push(`${name}='${shown(name, value).replace(/'/g, "'\\''")}'  # ${source}`);
  }
  writeWhole(file, `${lines.join('\n')}\n`);
  return 0;
}

/** What a run's exit code means, for a failed run whose runner gave no reason of its own. */
export const EXIT_MEANINGS: Record<number, string> = {
  1: 'internal error of the runner',
  2: 'usage or configuration error',
  3: 'pre-flight failed',
  4: 'client setup failed',
  5: 'regression against the baseline',
  6: 'the baseline comparison could not be made',
  7: 'no space left on the device: the record of the run is incomplete',
  99: 'k6: thresholds failed',
  104: 'k6: invalid configuration',
  105: 'k6: stopped by a signal',
  107: 'k6: script error',
  108: 'k6: the scenario aborted the test',
  129: 'hangup (SIGHUP)',
  130: 'interrupted (SIGINT)',
  137: 'the runner was killed (SIGKILL, out of memory)',
  143: 'terminated (SIGTERM)',
};

/** run.json's reason: the runner's, else the exit code's meaning; none for a PASS. */
export function runReason(exitCode: number, given: string | undefined): string | undefined {
  if (exitCode === 0) return undefined;
  if (given) return given;
  return `exit code ${exitCode}${EXIT_MEANINGS[exitCode] ? `: ${EXIT_MEANINGS[exitCode]}` : ''}`;
}

/** The phases of RUN_PHASES (name:exitCode:dir, comma-separated; an empty code: not run). */
function phasesFromEnv(): PhaseRecord[] {
  return (process.env.RUN_PHASES ?? '').split(',').filter(Boolean).map((entry) => {
    const [name = '', exitCode = '', dir = ''] = entry.split(':');
    return { name, exitCode: exitCode === '' ? null : Number(exitCode), dir };
  });
}

function runJson(file: string): number {
  const env = process.env;
  const config: Record<string, { value: string; source: string }> = {};
  for (const { name, source, value } of readTriples()) config[name] = { value: shown(name, value), source };
  const phases = phasesFromEnv();
  const exitCode = Number(env.RUN_EXIT_CODE ?? '1');
  const run: Record<string, unknown> = {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    runId: env.RUN_ID,
    profile: env.RUN_PROFILE,
    phase: env.RUN_PHASE,
    target: env.RUN_TARGET,
    startedAt: env.RUN_STARTED_AT,
    finishedAt: env.RUN_FINISHED_AT,
    exitCode,
    status: exitCode === 0 ? 'PASS' : 'FAIL',
    reason: runReason(exitCode, env.RUN_REASON),
    versions: {
      k6: env.RUN_K6_VERSION || 'unknown',
      node: process.version,
      npm: env.RUN_NPM_VERSION || 'unknown',
      suite: env.RUN_SUITE_VERSION || 'unknown',
    },
    config,
    phases,
  };
  if (env.RUN_PROMETHEUS_URL) {
    // --prometheus: where the phases streamed their metrics, with the labels on every series (phase: its name).
    run.prometheus = {
      remoteWriteUrl: env.RUN_PROMETHEUS_URL.replace(/^(\w+:\/\/[^:/@\s]+):[^@/\s]*@/, `$1:${MASK}@`),
      labels: { testid: env.RUN_ID, profile: env.RUN_PROFILE, target: env.RUN_TARGET },
    };
  }
  writeWhole(file, `${JSON.stringify(run, null, 2)}\n`);
  return 0;
}

/**
 * For the watchdog: the runner was killed (SIGKILL, out of memory) before it recorded the run. Keeps what
 * an earlier run.json says (the runner writes one before a baseline comparison), else starts from the
 * folder; lists each phase folder that has a summary.json.
 */
function killedRunJson(file: string): number {
  let run: Record<string, unknown> = {};
  if (existsSync(file)) {
    try {
      run = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      run = {};
    }
  }
  const dir = dirname(file);
  // The phases the runner recorded before it was killed (RUN_PHASES, name:code:dir), then any other phase
  // folder with a summary (the one under way when it was killed: its code is unknown).
  const phases = phasesFromEnv();
  for (const name of readdirSync(dir)) {
    if (existsSync(join(dir, name, 'summary.json')) && !phases.some((p) => p.name === name)) phases.push({ name, exitCode: null, dir: name });
  }
  const killed = {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    ...run,
    runId: run.runId ?? basename(dir),
    finishedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    exitCode: 137,
    status: 'FAIL',
    reason: 'the runner was killed (SIGKILL, out of memory, or a crash) before it could record the run; its watchdog stopped k6, the stand-in and the token broker',
    phases,
  };
  writeWhole(file, `${JSON.stringify(killed, null, 2)}\n`);
  return 0;
}

function abortReason(summaryFile: string): number {
  try {
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
    const abort = (Array.isArray(summary.problems) ? summary.problems : []).find((p: { kind?: unknown } | null) => p && p.kind === 'abort');
    const text = typeof abort?.message === 'string' ? abort.message.replace(/\s+/g, ' ').trim() : '';
    if (text) process.stdout.write(text.length > 400 ? `${text.slice(0, 400)}…` : text);
  } catch {
    // no summary, or not JSON: the caller keeps its general words
  }
  return 0;
}

function failedThresholds(summaryFile: string): number {
  let summary: { metrics?: Record<string, { thresholds?: Record<string, { ok?: boolean }> }> };
  try {
    summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
  } catch (error) {
    process.stderr.write(`cannot read ${summaryFile}: ${(error as Error).message}\n`);
    return 1;
  }
  for (const [metric, data] of Object.entries(summary.metrics ?? {})) {
    for (const [expression, result] of Object.entries(data.thresholds ?? {})) {
      if (result && result.ok === false) process.stdout.write(`${metric}  ${expression}\n`);
    }
  }
  return 0;
}

const UNITS: Record<string, string> = { p50: ' ms', p95: ' ms', p99: ' ms', throughput: ' req/s', capacity: ' iterations/s' };

/** One line naming the first three regressions of a baseline comparison, then "and N more". */
/** One regression row of baseline-comparison.json, as far as the line reads it. */
interface RegressionRow {
  phase: string;
  resource: string;
  op: string;
  metric: string;
  baseline?: number;
  current?: number;
}

export function regressionsLine(comparison: { regressions?: RegressionRow[] } | null | undefined, max = 3): string {
  const list: RegressionRow[] = Array.isArray(comparison?.regressions) ? comparison.regressions : [];
  const round = (v: unknown): string => (typeof v === 'number' ? String(Math.round(v * 100) / 100) : '?');
  const named = list.slice(0, max).map((r) => {
    const unit = UNITS[r.metric] ?? '';
    const what = r.metric === 'errorRate' ? 'error rate' : r.metric;
    return `${r.phase} ${r.resource} ${r.op} ${what} ${round(r.baseline)} -> ${round(r.current)}${unit}`;
  });
  return `${named.join('; ')}${list.length > max ? ` and ${list.length - max} more` : ''}`;
}

function regressions(file: string): number {
  try {
    process.stdout.write(regressionsLine(JSON.parse(readFileSync(file, 'utf8'))));
  } catch {
    // no comparison file: the caller says "regression" without the list
  }
  return 0;
}

function* files(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory()) yield* files(path);
    else if (st.isFile() && st.size < 256 * 1024 * 1024) yield path;
  }
}

function secretNames(...names: string[]): number {
  for (const name of names) if (isSecretName(name)) process.stdout.write(`${name}\n`);
  return 0;
}

function scrub(dir: string, ...names: string[]): number {
  const fromConfig = process.stdin.isTTY ? [] : readTriples().filter((r) => isSecretName(r.name)).map((r) => r.value);
  const secrets = [...fromConfig, ...names.map((n) => process.env[n])]
    .filter((v): v is string => typeof v === 'string' && v.length >= 4)
    .sort((a, b) => b.length - a.length); // a secret that contains another is masked whole
  for (const path of files(dir)) {
    const bytes = readFileSync(path);
    if (bytes.subarray(0, 8000).includes(0)) continue; // not a text file
    const original = bytes.toString('utf8');
    let text = original;
    for (const secret of secrets) text = text.split(secret).join(MASK);
    text = maskCredentials(text);
    if (path.endsWith('console.log')) text = text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
    if (text !== original) writeWhole(path, text);
  }
  return 0;
}

function main(argv: string[]): number {
  const [command, ...args] = argv;
  if (command === undefined || !Object.hasOwn(commands, command)) {
    process.stderr.write(`usage: results.mjs ${Object.keys(commands).join('|')} ...\n`);
    return 2;
  }
  return commands[command](...args);
}

/** Each command takes its arguments as strings and returns the exit code. */
const commands: Record<string, (...args: string[]) => number> = {
  'config-table': configTable,
  'config-env': (file) => configEnv(file),
  'run-json': (file) => runJson(file),
  'killed-run-json': (file) => killedRunJson(file),
  'failed-thresholds': (file) => failedThresholds(file),
  'abort-reason': (file) => abortReason(file),
  regressions: (file) => regressions(file),
  'secret-names': secretNames,
  scrub,
};
// Run as a command, not when imported.
if (isMainModule(import.meta.url)) process.exitCode = main(process.argv.slice(2));
