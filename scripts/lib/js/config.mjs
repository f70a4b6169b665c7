// The runner's configuration: which settings exist, their built-in defaults, validation, and resolution
// with one precedence: shell environment > .env.profiles/<profile>.env > env file (.env.load-test) > default.
// The same order dotenv-cli gives for `dotenv -e <profile> -e <env file>` (first file wins, the shell wins
// without -o), with one difference: an empty value counts as not set, so the next source applies.
//
//   node config.mjs resolve --profile-file F --dotenv F [--profile-label L] [--dotenv-label L]
//     (not --env-file: Node 20 takes that flag for itself even after the script name)
//     -> stdout: NAME \0 SOURCE \0 VALUE \0 ... for every setting (known names, SIM_*, K6_*)
//     -> stderr: warnings; on invalid values the list of problems, exit 2
//   node config.mjs describe    -> the settings table (name, default, meaning) for --help and docs
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { EnvFileEncodingError, readEnvFile } from './envfile.mjs';

const DURATION = /^(\d+h)?(\d+m)?(\d+(\.\d+)?s)?$/;

/** kind decides validation; min is the lowest whole number allowed, choices the values a 'choice' takes. Defaults match src/config.ts. */
export const SETTINGS = [
  { name: 'API_BASE_URL', kind: 'url', def: '', help: 'DMS base URL (discovery document at /); unset = run against the bundled stand-in' },
  { name: 'OAUTH_TOKEN_URL', kind: 'url', def: '', help: 'token endpoint; default: urls.oauth from the discovery document' },
  { name: 'DATA_API_URL', kind: 'url', def: '', help: 'data API base (.../data); default: urls.dataManagementApi from the discovery document' },
  { name: 'CLIENT_ID', kind: 'text', def: '', help: 'API client key (created by client setup when empty)' },
  { name: 'CLIENT_SECRET', kind: 'text', def: '', help: 'API client secret (secret)' },
  { name: 'CMS_BASE_URL', kind: 'url', def: '', help: 'Configuration Service base URL, for client setup' },
  { name: 'CMS_ADMIN_CLIENT_ID', kind: 'text', def: '', help: 'CMS system-administrator client id, for client setup' },
  { name: 'CMS_ADMIN_CLIENT_SECRET', kind: 'text', def: '', help: 'CMS system-administrator secret (secret)' },
  { name: 'CLAIM_SET_NAME', kind: 'word', def: 'EdFiSandbox', help: 'claim set of the created application' },
  { name: 'DATA_STORE_ID', kind: 'int', min: 1, def: '', help: 'CMS data store id; default: the first of GET /v3/dataStores' },
  { name: 'SCHOOL_COUNT', kind: 'int', min: 1, def: '2', help: 'schools in the data set' },
  { name: 'STUDENT_COUNT', kind: 'int', min: 1, def: '2', help: 'students in the data set' },
  { name: 'STAFF_COUNT', kind: 'int', min: 0, def: '2', help: 'staff in the data set' },
  { name: 'COURSES_PER_SCHOOL', kind: 'int', min: 1, def: '1', help: 'courses (and course offerings) per school' },
  { name: 'SECTIONS_PER_COURSE', kind: 'int', min: 1, def: '1', help: 'sections per course offering' },
  { name: 'SECTIONS_PER_STUDENT', kind: 'int', min: 0, def: '1', help: 'section enrolments per student' },
  { name: 'SCHOOL_YEAR', kind: 'int', min: 1991, max: 2100, def: '2026', help: 'school year of sessions and enrolments' },
  { name: 'VUS_LOAD_PHASE', kind: 'int', min: 1, def: '2', help: 'virtual users of the load phase' },
  { name: 'VUS_READWRITE_PHASE', kind: 'int', min: 1, def: '2', help: 'virtual users of the readwrite phase' },
  { name: 'DURATION_LOAD_PHASE', kind: 'duration', def: '10m', help: 'time limit of the load phase' },
  { name: 'DURATION_READWRITE_PHASE', kind: 'duration', def: '1m', help: 'length of the readwrite phase' },
  { name: 'READWRITE_RATE', kind: 'int', min: 0, def: '0', help: 'readwrite iterations per second (open model); 0 = each VU loops without pause' },
  { name: 'READWRITE_MIX', kind: 'mix', def: 'read=35,query=20,update=20,create=15,delete=10', help: 'readwrite operation weights' },
  { name: 'VUS_CAPACITY_PHASE', kind: 'int', min: 1, def: '20', help: 'capacity phase: VUs k6 keeps ready for the arrival rate (all pre-allocated)' },
  { name: 'CAPACITY_START_RATE', kind: 'int', min: 1, def: '10', help: 'capacity phase: iterations/s of the first step (readwrite mix, open model)' },
  { name: 'CAPACITY_STEP_RATE', kind: 'int', min: 1, def: '10', help: 'capacity phase: iterations/s added per step' },
  { name: 'CAPACITY_MAX_RATE', kind: 'int', min: 1, def: '100', help: 'capacity phase: iterations/s of the last step (at least CAPACITY_START_RATE)' },
  { name: 'CAPACITY_STEP_DURATION', kind: 'duration', def: '30s', help: 'capacity phase: how long each step is held and judged' },
  { name: 'CAPACITY_P95_GROWTH', kind: 'decimal', min: 0, max: 100, def: '0.5', help: 'capacity phase: a step breaks when its p95 is this share above the first step\'s (0.5 = 50%)' },
  { name: 'CAPACITY_P95_GROWTH_MIN_MS', kind: 'int', min: 0, def: '10', help: 'capacity phase: ...and at least this many ms above it (ms)' },
  { name: 'VUS_VOLUME_PHASE', kind: 'int', min: 1, def: '10', help: "volume phase: VUs, each looping POST, PUT (every other time) and DELETE of an enrolment (Ed-Fi's Volume: 10 users)" },
  { name: 'DURATION_VOLUME_PHASE', kind: 'duration', def: '30m', help: "volume phase: length (Ed-Fi's Volume: 30 minutes)" },
  { name: 'VUS_DEEP_PAGING_PHASE', kind: 'int', min: 1, def: '1', help: 'deep-paging phase: VUs, each walking the whole collection page by page' },
  { name: 'DEEP_PAGING_RESOURCE', kind: 'choice', choices: ['studentSectionAssociations', 'studentSchoolAssociations', 'students', 'staffSectionAssociations', 'sections', 'staffs'], def: 'studentSectionAssociations', help: 'deep-paging phase: the collection walked (the default is the largest of the data set)' },
  { name: 'DEEP_PAGING_PAGE_SIZE', kind: 'int', min: 1, max: 500, def: '500', help: "deep-paging phase: rows per page (Ed-Fi's DeepPaging: 500, DMS's maximum)" },
  { name: 'DEEP_PAGING_WALKS', kind: 'int', min: 1, def: '1', help: 'deep-paging phase: whole walks per VU (each: by offset, then by cursor where the target offers one)' },
  { name: 'DURATION_DEEP_PAGING_PHASE', kind: 'duration', def: '30m', help: 'deep-paging phase: time limit (the phase ends earlier when its walks are done)' },
  { name: 'VUS_FILTERED_READ_PHASE', kind: 'int', min: 1, def: '10', help: 'filtered-read phase: VUs, each looping GETs by query parameters' },
  { name: 'DURATION_FILTERED_READ_PHASE', kind: 'duration', def: '5m', help: 'filtered-read phase: length' },
  { name: 'FILTERED_READ_LIMIT', kind: 'int', min: 1, max: 500, def: '100', help: "filtered-read phase: rows per GET at most (Ed-Fi's FilteredRead: up to 100)" },
  { name: 'VUS_SOAK_PHASE', kind: 'int', min: 1, def: '20', help: 'soak phase: VUs k6 keeps ready for the arrival rate' },
  { name: 'SOAK_RATE', kind: 'int', min: 1, def: '', help: 'soak phase: iterations/s of the readwrite mix; default: SOAK_CAPACITY_SHARE of the capacity saved in baseline SOAK_BASELINE' },
  { name: 'SOAK_BASELINE', kind: 'word', def: '', help: 'soak phase: a baseline saved from a capacity run; its sustainable rate sets SOAK_RATE when that is not set' },
  { name: 'SOAK_CAPACITY_SHARE', kind: 'decimal', min: 0.01, max: 1, def: '0.7', help: "soak phase: the share of SOAK_BASELINE's capacity to run at (0.7 = 70%, the DMS team's soak)" },
  { name: 'DURATION_SOAK_PHASE', kind: 'duration', def: '60m', help: 'soak phase: length' },
  { name: 'SOAK_WINDOW', kind: 'duration', def: '10m', help: 'soak phase: one window = one k6 run (its memory bounded by it), one point of the drift verdict' },
  { name: 'SOAK_DRIFT_TOLERANCE', kind: 'decimal', min: 0, max: 100, def: '0.2', help: 'soak phase: p95 may grow by this share over the soak (0.2 = 20%) before it is drifting' },
  { name: 'SOAK_ERROR_DRIFT', kind: 'fraction', def: '0.005', help: 'soak phase: the failed share may grow by this much (absolute) over the soak' },
  { name: 'THRESHOLD_P95_MS_LOAD', kind: 'int', min: 1, def: '1000', help: 'load phase: p95 latency limit of data calls (ms)' },
  { name: 'THRESHOLD_P95_MS_READWRITE', kind: 'int', min: 1, def: '500', help: 'readwrite phase: p95 latency limit (ms)' },
  { name: 'THRESHOLD_ERROR_RATE', kind: 'fraction', def: '0.01', help: 'highest allowed rate of data requests failed after their retries' },
  { name: 'THRESHOLD_OPERATION_ERROR_RATE', kind: 'fraction', def: '', help: 'highest allowed rate of failed operations (any reason: status, wrong body, exception); default THRESHOLD_ERROR_RATE' },
  { name: 'THRESHOLD_ATTEMPT_ERROR_RATE', kind: 'fraction', def: '', help: 'highest allowed rate of failed attempts (http_req_failed, retries included); default: not gated' },
  { name: 'THRESHOLD_CHECKS_RATE', kind: 'fraction', def: '0.99', help: 'lowest allowed rate of passing checks' },
  { name: 'TOKEN_REFRESH_MARGIN_SECONDS', kind: 'int', min: 0, def: '60', help: 'refresh the shared token this long before expiry' },
  { name: 'RESULTS_ROOT', kind: 'text', def: '', help: 'where run folders go (default: results/ in the project)' },
  { name: 'SIM_PORT', kind: 'int', min: 0, max: 65535, def: '0', help: 'stand-in port (0 = any free port); also --sim-port' },
  { name: 'SIM_DMS_VERSION', kind: 'choice', choices: ['8.0', '8.1'], def: '8.1', help: 'stand-in: the DMS line it answers like, 8.0 or 8.1 (docs/dms-sim.md)' },
];

const OPERATIONS = ['read', 'query', 'update', 'create', 'delete'];
const KNOWN = new Set(SETTINGS.map((s) => s.name));
/** Names passed on although not in SETTINGS: stand-in options and k6's own environment options. */
const PASSTHROUGH = /^(SIM|K6)_[A-Z0-9_]+$/;

/** Returns an error text for a bad value, or null. Empty values never get here. */
export function checkValue(setting, value) {
  switch (setting.kind) {
    case 'url':
      return /^https?:\/\/[^\s/]+\S*$/.test(value) ? null : 'must be a URL starting with http:// or https://, e.g. http://localhost:8080';
    case 'int': {
      const low = setting.min ?? 0;
      const high = setting.max;
      const range = high === undefined ? `>= ${low}` : `from ${low} to ${high}`;
      if (!/^\d+$/.test(value)) return `must be a whole number ${range} (no sign, no decimals)`;
      const n = Number(value);
      if (n < low || (high !== undefined && n > high) || !Number.isSafeInteger(n)) return `must be a whole number ${range}`;
      return null;
    }
    case 'decimal': {
      const ok = /^\d*\.?\d+$/.test(value) && Number(value) >= setting.min && Number(value) <= setting.max;
      return ok ? null : `must be a number from ${setting.min} to ${setting.max}, e.g. ${setting.def}`;
    }
    case 'fraction':
      return /^\d*\.?\d+$/.test(value) && Number(value) <= 1 ? null : 'must be a number from 0 to 1, e.g. 0.01';
    case 'duration': {
      const match = DURATION.exec(value);
      const seconds = match ? (parseInt(match[1] ?? '0', 10) * 3600) + (parseInt(match[2] ?? '0', 10) * 60) + parseFloat(match[3] ?? '0') : 0;
      return match && seconds > 0 ? null : 'must be a duration such as 30s, 5m or 1h30m (units h, m, s; no spaces)';
    }
    case 'mix': {
      const parts = value.split(',').map((p) => p.trim()).filter(Boolean);
      let total = 0;
      for (const part of parts) {
        const [op, weight, extra] = part.split('=').map((s) => s.trim());
        if (!OPERATIONS.includes(op) || !/^\d+$/.test(weight ?? '') || extra !== undefined) {
          return `must be op=weight pairs separated by commas, op one of ${OPERATIONS.join(', ')}; '${part}' is not`;
        }
        total += Number(weight);
      }
      return total > 0 ? null : 'must give at least one operation a weight above 0';
    }
    case 'word':
      return /^\S+$/.test(value) ? null : 'must not contain spaces';
    case 'choice':
      return setting.choices.includes(value) ? null : `must be one of ${setting.choices.join(', ')}`;
    default:
      return null;
  }
}

/** A valid value to show in a fix suggestion: the default when there is one. */
function example(setting) {
  if (setting.def) return setting.def;
  switch (setting.kind) {
    case 'int': return String(Math.max(setting.min ?? 0, 1));
    case 'url': return 'http://localhost:8080';
    default: return 'value';
  }
}

function argValue(args, flag) {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

function loadLayer(path, label) {
  if (!path || !existsSync(path)) return { label, values: new Map(), warnings: [] };
  const { values, warnings } = readEnvFile(path);
  return { label, path, values, warnings };
}

export function resolve({ env, profileFile, profileLabel, envFile, envLabel }) {
  const profile = loadLayer(profileFile, profileLabel);
  const envLayer = loadLayer(envFile, envLabel);
  const layers = [profile, envLayer];
  const warnings = [];
  for (const layer of layers) {
    for (const w of layer.warnings) warnings.push(`${layer.label}: ${w}`);
    for (const [name, { line }] of layer.values) {
      if (!KNOWN.has(name) && !PASSTHROUGH.test(name)) {
        warnings.push(`${layer.label} line ${line}: unknown setting ${name} is ignored (a typo? see --help for the list)`);
      }
    }
  }
  const names = [...SETTINGS.map((s) => s.name)];
  const extra = new Set();
  for (const name of Object.keys(env)) if (/^SIM_[A-Z0-9_]+$/.test(name)) extra.add(name);
  for (const layer of layers) for (const name of layer.values.keys()) if (PASSTHROUGH.test(name) && !KNOWN.has(name)) extra.add(name);
  names.push(...[...extra].filter((n) => !KNOWN.has(n)).sort());

  const resolved = [];
  const problems = [];
  for (const name of names) {
    const setting = SETTINGS.find((s) => s.name === name) ?? { name, kind: 'text', def: '' };
    let value = setting.def;
    let source = 'default';
    let where = 'the built-in default';
    let fix = '';
    const shellValue = env[name];
    if (shellValue !== undefined && shellValue !== '') {
      value = shellValue;
      source = 'shell';
      where = 'your shell environment';
      fix = `export ${name}=${example(setting)}, or unset ${name}`;
    } else {
      for (const layer of layers) {
        const entry = layer.values.get(name);
        if (entry && entry.value !== '') {
          value = entry.value;
          source = layer.label;
          where = `${layer.label}, line ${entry.line}`;
          fix = `edit that line, e.g. ${name}=${example(setting)}`;
          break;
        }
      }
    }
    if (value !== '') {
      const problem = checkValue(setting, value);
      if (problem) problems.push(`${name}='${value}' ${problem}.\n      set in: ${where}\n      fix:    ${fix}`);
    }
    resolved.push([name, value === '' ? 'not set' : source, value]);
  }
  return { resolved, problems, warnings };
}

function main(argv) {
  const [command, ...args] = argv;
  if (command === 'describe') {
    for (const s of SETTINGS) process.stdout.write(`${s.name}\t${s.def}\t${s.help}\n`);
    return 0;
  }
  if (command !== 'resolve') {
    process.stderr.write('usage: config.mjs resolve|describe ...\n');
    return 2;
  }
  let result;
  try {
    result = resolve({
      env: process.env,
      profileFile: argValue(args, '--profile-file'),
      profileLabel: argValue(args, '--profile-label') ?? 'profile',
      envFile: argValue(args, '--dotenv'),
      envLabel: argValue(args, '--dotenv-label') ?? 'env file',
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

// Run as a command, not when imported (the unit tests import SETTINGS).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = main(process.argv.slice(2));
