// ./run-load-test.sh --emit-k8s DIR calls this (scripts/lib/instances.sh):
//   node --import tsx tools/k8s/main.ts emit DIR --run-id ID --profile P --phase PHASE --phases load,readwrite
//        --instances N --k6-image IMAGE --node-image IMAGE --suite-version V
//   stdin: the configuration as NAME\0SOURCE\0VALUE\0 triples (config_dump; secrets only ever here)
// Writes the manifests, run.template.json and apply.sh (tools/k8s/manifests.ts) into DIR, the Secret with mode
// 0600, and prints the files written. Exit 0 written, 2 bad input (DIR not empty, a setting missing).
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readConfigRows, sharedSettings } from '../../scripts/lib/node/instances.ts';
import { RESULTS_SCHEMA_VERSION, shown } from '../../scripts/lib/node/results.ts';
import { k8sFiles, type K8sRun } from './manifests.ts';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

class EmitError extends Error {}

/** The token broker as one ES module for Node (no tsx, no node_modules in its pod). */
async function brokerBundle(): Promise<string> {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [join(ROOT, 'tools/token-broker/main.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    write: false,
    logLevel: 'warning',
  });
  return result.outputFiles[0].text;
}

async function emit(dir: string, argv: string[]): Promise<number> {
  const { values: o } = parseArgs({
    args: argv,
    options: {
      'run-id': { type: 'string' }, profile: { type: 'string' }, phase: { type: 'string' }, phases: { type: 'string' },
      instances: { type: 'string' }, 'k6-image': { type: 'string' }, 'node-image': { type: 'string' }, 'suite-version': { type: 'string' },
    },
  });
  for (const name of ['run-id', 'profile', 'phase', 'phases', 'instances', 'k6-image', 'node-image'] as const) {
    if (!o[name]) throw new EmitError(`--${name} is needed`);
  }
  const rows = readConfigRows(readFileSync(0, 'utf8'));
  const value = (name: string) => rows.find((r) => r.name === name)?.value ?? '';
  if (!value('CLIENT_ID') || !value('CLIENT_SECRET')) {
    throw new EmitError('--emit-k8s needs CLIENT_ID and CLIENT_SECRET (an API client of this DMS): the broker in the cluster gets them from the Secret');
  }
  const apiBase = value('API_BASE_URL').replace(/\/+$/, '');
  const phases = (o.phases as string).split(',');
  const scenarios: Record<string, string> = {};
  for (const phase of phases) {
    const file = join(ROOT, 'dist', `${phase}.js`);
    if (!existsSync(file)) throw new EmitError(`${file} is missing: build the scenarios first (node build.mjs)`);
    scenarios[phase] = readFileSync(file, 'utf8');
  }
  const config: Record<string, { value: string; source: string }> = {};
  for (const r of rows) config[r.name] = { value: shown(r.name, r.value), source: r.source };
  const run: K8sRun = {
    runId: o['run-id'] as string,
    profile: o.profile as string,
    phase: o.phase as string,
    phases,
    instances: Number(o.instances),
    settings: sharedSettings(rows),
    tokenUrl: value('OAUTH_TOKEN_URL') || `${apiBase}/oauth/token`,
    refreshMarginSeconds: value('TOKEN_REFRESH_MARGIN_SECONDS') || '60',
    clientId: value('CLIENT_ID'),
    clientSecret: value('CLIENT_SECRET'),
    brokerKey: randomBytes(16).toString('hex'),
    k6Image: o['k6-image'] as string,
    nodeImage: o['node-image'] as string,
    scenarios,
    brokerScript: await brokerBundle(),
    runJson: {
      schemaVersion: RESULTS_SCHEMA_VERSION,
      runId: o['run-id'],
      profile: o.profile,
      phase: o.phase,
      target: 'dms',
      exitCode: 0,
      status: 'PASS',
      versions: { k6: (o['k6-image'] as string).split(':').pop() ?? 'unknown', node: 'the image ' + (o['node-image'] as string), npm: 'unknown', suite: o['suite-version'] || 'unknown' },
      config,
      phases: [],
    },
    projectRoot: ROOT,
  };
  const out = resolve(dir);
  if (existsSync(out) && readdirSync(out).length > 0) throw new EmitError(`${out} exists and is not empty: name a new folder for the manifests`);
  mkdirSync(out, { recursive: true });
  for (const file of k8sFiles(run)) {
    const path = join(out, file.file);
    writeFileSync(path, file.text, { mode: file.secret ? 0o600 : file.executable ? 0o755 : 0o644 });
    chmodSync(path, file.secret ? 0o600 : file.executable ? 0o755 : 0o644);
    process.stdout.write(`${path}\n`);
  }
  if (!value('OAUTH_TOKEN_URL')) process.stderr.write(`note: the broker asks ${run.tokenUrl} for tokens (API_BASE_URL/oauth/token); set OAUTH_TOKEN_URL when the DMS's discovery names another\n`);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, dir, ...rest] = argv;
  if (command !== 'emit' || !dir) {
    process.stderr.write('usage: tools/k8s/main.ts emit DIR --run-id ID --profile P --phase PHASE --phases a,b --instances N --k6-image I --node-image I (config triples on stdin)\n');
    return 2;
  }
  try {
    return await emit(dir, rest);
  } catch (error) {
    if (error instanceof EmitError) {
      process.stderr.write(`emit-k8s: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

if (process.argv[1] && /tools[\\/]k8s[\\/]main\.ts$/.test(process.argv[1])) main(process.argv.slice(2)).then((code) => (process.exitCode = code));
