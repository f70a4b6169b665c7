// The runner's configuration: resolution and validation of the settings of src/settings/table.ts (their
// names, defaults and checks are declared there, once), with one precedence:
// shell environment > .env.profiles/<profile>.env > env file (.env.load-test) > default.
// The same order dotenv-cli gives for `dotenv -e <profile> -e <env file>` (first file wins, the shell wins
// without -o), with one difference: an empty value counts as not set, so the next source applies.
//
//   node config.mjs resolve --profile-file F --dotenv F [--profile-label L] [--dotenv-label L]
//     (not --env-file: Node 20 takes that flag for itself even after the script name)
//     -> stdout: NAME \0 SOURCE \0 VALUE \0 ... for every setting (known names, SIM_*, K6_*)
//     -> stderr: warnings; on invalid values the list of problems, exit 2
//   node config.mjs help        -> the settings list of --help (src/settings/render.ts)
//   node config.mjs names       -> the names of the settings read from the shell and the files, one a line
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { helpLines } from '../../../src/settings/render.ts';
import { SETTINGS, check, closestSetting, exampleValue, findSetting, type Setting } from '../../../src/settings/table.ts';
import { EnvFileEncodingError, readEnvFile, type EnvEntry } from './envfile.ts';
import { isMainModule } from './main-module.ts';

/** The settings a person gives (the table's, less those the runner sets for k6), in the table's order. */
const GIVEN = SETTINGS.filter((setting) => setting.origin !== 'runner');
/** Names passed on although not in the table: stand-in options and k6's own environment options. */
const PASSTHROUGH = /^(SIM|K6)_[A-Z0-9_]+$/;

/** " (did you mean X?)" when a name looks like a misspelt setting, else ''. */
function didYouMean(name: string, names?: readonly string[]): string {
  const closest = closestSetting(name, names);
  return closest ? ` (did you mean ${closest}?)` : '';
}

/** The known settings of a pass-through family (SIM_ or K6_), the only ones a pass-through name may be a typo of. */
function family(name: string): string[] {
  const prefix = name.slice(0, name.indexOf('_') + 1);
  return GIVEN.filter((setting) => setting.name.startsWith(prefix)).map((setting) => setting.name);
}

/** Why a name found in a file is not used, or undefined when it is (a setting, or a name passed on). */
function ignoredInFile(name: string): string | undefined {
  const setting = findSetting(name);
  if (setting?.origin === 'shell') return `${name} is read from the shell only, before any file is read: export it instead`;
  if (setting?.origin === 'runner') return `${name} is set by the runner for k6, not read from the files`;
  if (setting || PASSTHROUGH.test(name)) return undefined;
  return `unknown setting ${name} is ignored${didYouMean(name) || ' (a typo? see --help for the list)'}`;
}

/** The settings of one file (profile or env file), with the label messages use for it. */
interface Layer {
  label: string;
  path?: string;
  values: Map<string, EnvEntry>;
  warnings: string[];
}

export interface ResolveInput {
  env: Record<string, string | undefined>;
  profileFile?: string;
  profileLabel: string;
  envFile?: string;
  envLabel: string;
}

/** Every setting as [name, source ('not set', 'default', 'shell' or a file's label), value]. */
export interface Resolved {
  resolved: [string, string, string][];
  problems: string[];
  warnings: string[];
}

function loadLayer(path: string | undefined, label: string): Layer {
  if (!path || !existsSync(path)) return { label, values: new Map(), warnings: [] };
  const { values, warnings } = readEnvFile(path);
  return { label, path, values, warnings };
}

export function resolve({ env, profileFile, profileLabel, envFile, envLabel }: ResolveInput): Resolved {
  const profile = loadLayer(profileFile, profileLabel);
  const envLayer = loadLayer(envFile, envLabel);
  const layers = [profile, envLayer];
  const warnings: string[] = [];
  for (const layer of layers) {
    for (const w of layer.warnings) warnings.push(`${layer.label}: ${w}`);
    for (const [name, { line }] of layer.values) {
      const why = ignoredInFile(name);
      if (why) warnings.push(`${layer.label} line ${line}: ${why}`);
    }
  }
  // SIM_* and K6_* names the table does not have are passed on (other stand-in and k6 options); one that
  // looks like a misspelt setting of the table gets a warning.
  const extra = new Map<string, string>();
  for (const name of Object.keys(env)) if (/^SIM_[A-Z0-9_]+$/.test(name) && !findSetting(name)) extra.set(name, 'the shell');
  for (const layer of layers) {
    for (const [name, { line }] of layer.values) {
      if (PASSTHROUGH.test(name) && !findSetting(name) && !extra.has(name)) extra.set(name, `${layer.label} line ${line}`);
    }
  }
  for (const [name, where] of extra) {
    const hint = didYouMean(name, family(name));
    if (hint) warnings.push(`${where}: ${name} is not a setting of the suite, passed on as it is${hint}`);
  }

  const resolved: [string, string, string][] = [];
  const problems: string[] = [];
  const unknown: Setting = { name: '', kind: 'text', unit: 'text', secret: false, description: '', readers: ['runner'], origin: 'any' };
  for (const name of [...GIVEN.map((s) => s.name), ...[...extra.keys()].sort()]) {
    const setting = findSetting(name) ?? { ...unknown, name };
    let value = setting.default ?? '';
    let source = 'default';
    let where = 'the built-in default';
    let fix = '';
    const shellValue = env[name];
    if (shellValue !== undefined && shellValue !== '') {
      value = shellValue;
      source = 'shell';
      where = 'your shell environment';
      fix = `export ${name}=${exampleValue(setting)}, or unset ${name}`;
    } else if (setting.origin !== 'shell') {
      for (const layer of layers) {
        const entry = layer.values.get(name);
        if (entry && entry.value !== '') {
          value = entry.value;
          source = layer.label;
          where = `${layer.label}, line ${entry.line}`;
          fix = `edit that line, e.g. ${name}=${exampleValue(setting)}`;
          break;
        }
      }
    }
    if (value !== '') {
      const problem = check(setting, value);
      const shown = setting.secret ? '(secret)' : `'${value}'`;
      if (problem) problems.push(`${name}=${shown} ${problem}.\n      set in: ${where}\n      fix:    ${fix}`);
    }
    resolved.push([name, value === '' ? 'not set' : source, value]);
  }
  return { resolved, problems, warnings };
}

function main(argv: string[]): number {
  const [command, ...args] = argv;
  if (command === 'help') {
    process.stdout.write(`${helpLines().join('\n')}\n`);
    return 0;
  }
  if (command === 'names') {
    for (const s of GIVEN) if (s.origin === 'any') process.stdout.write(`${s.name}\n`);
    return 0;
  }
  if (command !== 'resolve') {
    process.stderr.write('usage: config.mjs resolve|help|names ...\n');
    return 2;
  }
  const { values: opts } = parseArgs({
    args,
    options: { 'profile-file': { type: 'string' }, 'profile-label': { type: 'string' }, dotenv: { type: 'string' }, 'dotenv-label': { type: 'string' } },
  });
  let result: Resolved;
  try {
    result = resolve({
      env: process.env,
      profileFile: opts['profile-file'],
      profileLabel: opts['profile-label'] ?? 'profile',
      envFile: opts.dotenv,
      envLabel: opts['dotenv-label'] ?? 'env file',
    });
  } catch (error) {
    if (!(error instanceof EnvFileEncodingError)) throw error;
    process.stderr.write(`ERROR: ${error.message}\n`);
    return 2;
  }
  const { resolved, problems, warnings } = result;
  for (const w of warnings) process.stderr.write(`WARNING: ${w}\n`);
  if (problems.length > 0) {
    process.stderr.write('ERROR: invalid configuration:\n');
    for (const p of problems) process.stderr.write(`  - ${p}\n`);
    process.stderr.write('Fix the value where it comes from, then run again. Precedence: shell > profile > env file > default.\n');
    return 2;
  }
  process.stdout.write(resolved.map((triple) => triple.join('\0')).join('\0') + '\0');
  return 0;
}

// Run as a command, not when imported (the unit tests import resolve).
if (isMainModule(import.meta.url)) process.exitCode = main(process.argv.slice(2));
