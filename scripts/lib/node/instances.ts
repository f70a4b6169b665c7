// Helpers for a run spread over several hosts (scripts/lib/instances.sh, docs/scale-out.md). The first host
// runs the token broker; the others join with its join file and tell the broker when they finished a phase.
//   node instances.mjs join-write FILE RUN_ID INSTANCES PROFILE PHASE BROKER_URL
//                                               stdin: the configuration as NAME\0SOURCE\0VALUE\0 triples;
//                                               env BROKER_KEY -> FILE (mode 0600: it holds the broker key)
//                                               with the run, the broker and the shared settings (sharedSettings)
//   node instances.mjs join-read FILE           -> stdout: NAME\0VALUE\0 ... of a valid join file; exit 2
//                                               with the reason otherwise (stderr)
//   node instances.mjs broker-check URL         -> exit 0 when the broker answers with the key (env BROKER_KEY);
//                                               1 unreachable, 2 this host is not allowed, 3 wrong key
//   node instances.mjs report-done URL PHASE INSTANCE EXIT_CODE
//                                               -> POST URL/instances/done (key from env BROKER_KEY); exit 1 on failure
//   node instances.mjs wait-done URL PHASE COUNT SECONDS
//                                               -> polls URL/instances?phase=PHASE until COUNT instances reported;
//                                               prints a line every 30 s while waiting and "done 1:0 2:99" at
//                                               the end; exit 0 all done, 4 not within SECONDS (the missing
//                                               instances named on stderr)
// The key never reaches argv or stdout.
import { chmodSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { httpRequest, networkReason } from './http-client.ts';
import { isMainModule } from './main-module.ts';
import { isSecretName } from './results.ts';

/** One setting as the runner passes it on stdin (config_dump: NAME\0SOURCE\0VALUE\0). */
export interface ConfigRow {
  name: string;
  source: string;
  value: string;
}

/** Settings that are the host's own business: its results, stand-in, k6 outputs, broker, client setup. */
const HOST_OWN = /^(RESULTS_ROOT|SIM_.*|K6_.*|BROKER_.*|CMS_.*|CLAIM_SET_NAME|DATA_STORE_ID|GRAFANA_DASHBOARD_URL|K8S_.*)$/;

/**
 * The settings every instance of a run must share (the data set, VUs, durations, thresholds, the DMS's
 * URLs): every setting with a value, except secrets, the host's own ones, and URLs a host finds itself by
 * discovery (another host may be told another URL by the DMS). For join.env and k6-operator's runner pods.
 */
export function sharedSettings(rows: ConfigRow[]): Array<[string, string]> {
  return rows
    .filter((r) => r.value !== '' && !isSecretName(r.name) && !HOST_OWN.test(r.name))
    .filter((r) => !(/^(OAUTH_TOKEN_URL|DATA_API_URL)$/.test(r.name) && r.source.startsWith('discovery')))
    .map((r) => [r.name, r.value]);
}

/** config_dump's triples from stdin. */
export function readConfigRows(text: string): ConfigRow[] {
  const parts = text.split('\0');
  const rows: ConfigRow[] = [];
  for (let i = 0; i + 2 < parts.length; i += 3) rows.push({ name: parts[i], source: parts[i + 1], value: parts[i + 2] });
  return rows;
}

/** Version of the join file's layout: a joining host refuses another one. */
export const JOIN_FORMAT = '1';
/** What a join file must hold besides settings. */
export const JOIN_REQUIRED = ['JOIN_FORMAT', 'RUN_ID', 'INSTANCES', 'PROFILE', 'PHASE', 'TOKEN_BROKER_URL', 'TOKEN_BROKER_KEY', 'API_BASE_URL'];
const NAME = /^[A-Z][A-Z0-9_]*$/;

/** Parses a join file's text; throws an Error naming the line at fault. */
export function parseJoinFile(text: string, file: string): Map<string, string> {
  const values = new Map<string, string>();
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    const name = eq > 0 ? line.slice(0, eq) : '';
    if (!NAME.test(name)) throw new Error(`${file} line ${i + 1} is not NAME=value; the file must be the first host's join.env as written`);
    values.set(name, line.slice(eq + 1));
  });
  const missing = JOIN_REQUIRED.filter((n) => !values.get(n));
  if (missing.length > 0) throw new Error(`${file} lacks ${missing.join(', ')}; use the join.env the first host wrote into its results folder`);
  if (values.get('JOIN_FORMAT') !== JOIN_FORMAT) {
    throw new Error(`${file} is a join file of format ${values.get('JOIN_FORMAT')}, this suite reads format ${JOIN_FORMAT}: run the same version of the suite on every host`);
  }
  if (!/^\d+$/.test(values.get('INSTANCES') ?? '') || Number(values.get('INSTANCES')) < 2) throw new Error(`${file}: INSTANCES must be a whole number >= 2`);
  if (!/^https?:\/\/\S+$/.test(values.get('TOKEN_BROKER_URL') ?? '')) throw new Error(`${file}: TOKEN_BROKER_URL must be an http(s) URL`);
  return values;
}

/** The join file's text from NAME, VALUE pairs; a value with a line break is refused. */
export function joinFileText(pairs: Array<[string, string]>): string {
  const lines = ['# Join file of a run spread over several hosts (docs/scale-out.md). It holds the token broker key:',
    '# copy it only over an encrypted channel (scp), keep it private (mode 0600), delete it after the run.'];
  for (const [name, value] of pairs) {
    if (!NAME.test(name) || /[\r\n]/.test(value)) throw new Error(`join file: ${name} cannot be written (a name of capitals, a value on one line)`);
    lines.push(`${name}=${value}`);
  }
  return `${lines.join('\n')}\n`;
}

function joinWrite(file: string, runId: string, instances: string, profile: string, phase: string, brokerUrl: string): number {
  const pairs: Array<[string, string]> = [
    ['JOIN_FORMAT', JOIN_FORMAT], ['RUN_ID', runId], ['INSTANCES', instances], ['PROFILE', profile], ['PHASE', phase],
    ['TOKEN_BROKER_URL', brokerUrl], ['TOKEN_BROKER_KEY', process.env.BROKER_KEY ?? ''],
    ...sharedSettings(readConfigRows(readFileSync(0, 'utf8'))),
  ];
  const tmp = join(dirname(file), `.${basename(file)}.tmp-${process.pid}`);
  try {
    writeFileSync(tmp, joinFileText(pairs), { mode: 0o600 });
    chmodSync(tmp, 0o600); // whatever the umask
    renameSync(tmp, file);
  } finally {
    rmSync(tmp, { force: true });
  }
  return 0;
}

function joinRead(file: string): number {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    process.stderr.write(`cannot read the join file ${file}: ${(error as Error).message}\n`);
    return 2;
  }
  try {
    const values = parseJoinFile(text, file);
    if ((statSync(file).mode & 0o077) !== 0) process.stderr.write(`WARNING: ${file} can be read by other users of this machine; it holds the token broker key (chmod 600 '${file}')\n`);
    process.stdout.write([...values].map(([n, v]) => `${n}\0${v}\0`).join(''));
    return 0;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
}

function keyHeader(): Record<string, string> {
  return { 'x-broker-key': process.env.BROKER_KEY ?? '' };
}

async function brokerCheck(url: string): Promise<number> {
  try {
    const res = await httpRequest(`${url}/instances?phase=check`, { method: 'GET', headers: keyHeader(), timeoutMs: 10_000 });
    const body = await res.text();
    if (res.status === 200) return 0;
    if (res.status === 403 && body.includes('host-not-allowed')) {
      process.stderr.write(`${JSON.parse(body).detail as string}\n`);
      return 2;
    }
    process.stderr.write(`the broker answered HTTP ${res.status} (${body.slice(0, 200)})\n`);
    return 3;
  } catch (error) {
    process.stderr.write(`${url} unreachable: ${networkReason(error)}\n`);
    return 1;
  }
}

async function reportDone(url: string, phase: string, instance: string, exitCode: string): Promise<number> {
  const body = JSON.stringify({ phase, instance: Number(instance), exitCode: Number(exitCode) });
  for (let attempt = 1; attempt <= 5; attempt++) {
    try {
      const res = await httpRequest(`${url}/instances/done`, { method: 'POST', headers: { ...keyHeader(), 'content-type': 'application/json' }, body, timeoutMs: 10_000 });
      if (res.status === 200) return 0;
      process.stderr.write(`the broker answered HTTP ${res.status}: ${(await res.text()).slice(0, 200)}\n`);
      return 1;
    } catch (error) {
      if (attempt === 5) {
        process.stderr.write(`${url} unreachable: ${networkReason(error)}\n`);
        return 1;
      }
      await new Promise((r) => setTimeout(r, 1000 * attempt));
    }
  }
  return 1;
}

async function waitDone(url: string, phase: string, count: string, seconds: string): Promise<number> {
  const n = Number(count);
  const deadline = Date.now() + Number(seconds) * 1000;
  let lastLine = 0;
  let done: Record<string, number> = {};
  let lastError = '';
  for (;;) {
    try {
      const res = await httpRequest(`${url}/instances?phase=${encodeURIComponent(phase)}`, { method: 'GET', headers: keyHeader(), timeoutMs: 10_000 });
      if (res.status === 200) {
        done = ((await res.json()) as { done: Record<string, number> }).done;
        lastError = '';
      } else {
        lastError = `HTTP ${res.status}`;
      }
    } catch (error) {
      lastError = networkReason(error);
    }
    const missing = Array.from({ length: n }, (_, i) => String(i + 1)).filter((i) => !(i in done));
    if (missing.length === 0) {
      process.stdout.write(`done ${Object.entries(done).map(([i, c]) => `${i}:${c}`).join(' ')}\n`);
      return 0;
    }
    if (Date.now() > deadline) {
      process.stderr.write(`instance(s) ${missing.join(', ')} of ${n} did not report the ${phase} phase done within ${seconds} s${lastError ? ` (the broker: ${lastError})` : ''}\n`);
      return 4;
    }
    if (Date.now() - lastLine >= 30_000) {
      process.stdout.write(`waiting for instance(s) ${missing.join(', ')} of ${n} to finish the ${phase} phase${lastError ? ` (the broker: ${lastError})` : ''}\n`);
      lastLine = Date.now();
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case 'join-write': return joinWrite(args[0], args[1], args[2], args[3], args[4], args[5]);
    case 'join-read': return joinRead(args[0]);
    case 'broker-check': return brokerCheck(args[0]);
    case 'report-done': return reportDone(args[0], args[1], args[2], args[3]);
    case 'wait-done': return waitDone(args[0], args[1], args[2], args[3]);
    default:
      process.stderr.write('usage: instances.mjs join-write|join-read|broker-check|report-done|wait-done ...\n');
      return 2;
  }
}

if (isMainModule(import.meta.url)) main(process.argv.slice(2)).then((code) => (process.exitCode = code));
