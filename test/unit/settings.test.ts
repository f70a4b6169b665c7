// The settings table (src/settings/table.ts) is the one declaration of every setting: each entry is
// complete, its default passes its own check, the k6 side (src/config.ts), the data profile
// (src/data/profile.ts), the stand-in (sim/options.ts) and the baseline tolerances apply its rules, every
// environment variable the suite's code reads is in it, and the generated docs do not drift from it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { PROFILE_LIMITS, PROFILE_SETTINGS, validateProfile, type DataProfile } from '../../src/data/profile.ts';
import { DOC_BEGIN, DOC_END, docTable, helpLines, withDocTable } from '../../src/settings/render.ts';
import {
  SETTINGS,
  check,
  closestSetting,
  exampleValue,
  findSetting,
  parseDuration,
  rangeText,
  type Setting,
} from '../../src/settings/table.ts';
import { resolve } from '../../scripts/lib/node/config.ts';
import { DEFAULT_OPTIONS, ENV_SETTINGS, SimConfigError, optionsFromEnv } from '../../sim/options.ts';
import { DEFAULT_TOLERANCES, TOLERANCE_ENV, ToleranceError, tolerancesFromEnv } from '../../tools/baseline/tolerances.ts';

const ROOT = join(import.meta.dirname, '../..');
const KINDS = ['url', 'int', 'decimal', 'fraction', 'duration', 'mix', 'word', 'choice', 'text', 'path'];
const READERS = ['runner', 'k6', 'stand-in', 'tools'];
const BASE = { API_BASE_URL: 'http://dms.example' };

test('every setting has each field, a unique name, and a range that fits its kind', () => {
  const names = new Set<string>();
  for (const s of SETTINGS) {
    assert.match(s.name, /^[A-Z][A-Z0-9_]*$/, 'a name in capitals');
    assert.ok(!names.has(s.name), `${s.name} is declared once`);
    names.add(s.name);
    assert.ok(KINDS.includes(s.kind), `${s.name}: kind ${s.kind}`);
    assert.ok(s.unit.trim().length > 0, `${s.name}: a unit`);
    assert.match(s.description, /^\S.*[.)]$/, `${s.name}: a description that is a sentence`);
    assert.ok(s.readers.length > 0 && s.readers.every((r) => READERS.includes(r)), `${s.name}: readers ${s.readers.join(',')}`);
    assert.equal(typeof s.secret, 'boolean', `${s.name}: secret or not`);
    assert.ok(['any', 'shell', 'runner'].includes(s.origin), `${s.name}: origin`);
    assert.notEqual(s.default, '', `${s.name}: no default is undefined, not ''`);
    if (s.kind === 'choice') assert.ok((s.choices ?? []).length > 1, `${s.name}: choices`);
    if (s.kind === 'int') assert.ok(s.min !== undefined, `${s.name}: an int has a lowest value`);
    if (s.min !== undefined && s.max !== undefined) assert.ok(s.min < s.max, `${s.name}: min below max`);
    if (s.name.startsWith('SIM_')) assert.ok(s.readers.includes('stand-in'), `${s.name}: read by the stand-in`);
  }
});

test('every default passes its own check, and so does the example a fix suggests', () => {
  for (const s of SETTINGS) {
    if (s.default !== undefined) assert.equal(check(s, s.default), null, `${s.name}=${s.default}`);
    assert.equal(check(s, exampleValue(s)), null, `${s.name} example ${exampleValue(s)}`);
  }
});

test('secret is marked where the name says credential, and nowhere else', () => {
  // The masking rule of the results (names holding SECRET, PASSWORD, CREDENTIAL, *_KEY, or TOKEN but not a
  // URL, time or number) and the table must agree, or a secret would be passed to k6 or printed.
  const secretName = (name: string) =>
    /SECRET|PASSWORD|PASSWD|CREDENTIAL|(^|_)KEY$/.test(name) || (/TOKEN/.test(name) && !/_(URL|SECONDS|MS|CAP|COUNT|LIMIT|PERMITS)$/.test(name));
  for (const s of SETTINGS) assert.equal(s.secret, secretName(s.name), s.name);
});

/** Values around each end of a numeric setting's range, and a few that are not whole numbers. */
function probes(s: Setting): string[] {
  const out = ['', 'x', '1.5', '-1', '0', '1', ' 2', '1e3', '99999999999999999999'];
  for (const bound of [s.min, s.max]) {
    if (bound !== undefined) out.push(String(bound - 1), String(bound), String(bound + 1));
  }
  return out.filter((v) => v !== '');
}

function k6Accepts(name: string, value: string): boolean {
  try {
    // CAPACITY_MAX_RATE is also checked against CAPACITY_START_RATE: probe it with the lowest start rate.
    loadConfig({ ...BASE, ...(name === 'CAPACITY_MAX_RATE' ? { CAPACITY_START_RATE: '1' } : {}), [name]: value });
    return true;
  } catch (error) {
    assert.ok(error instanceof ConfigError, `${name}='${value}': ${String(error)}`);
    assert.match(error.message, new RegExp(`^${name}='`), 'the message names the setting');
    return false;
  }
}

test('the data profile, k6 and the table accept the same values (SCHOOL_YEAR=2100, STUDENT_COUNT=10000000 are refused by all)', () => {
  const smoke: DataProfile = { schoolCount: 2, studentCount: 2, staffCount: 2, coursesPerSchool: 1, sectionsPerCourse: 1, sectionsPerStudent: 1, schoolYear: 2026 };
  for (const [field, name] of Object.entries(PROFILE_SETTINGS) as Array<[keyof DataProfile, string]>) {
    const s = findSetting(name);
    assert.ok(s, `${name} is in the table`);
    for (const value of probes(s)) {
      const table: boolean = check(s, value) === null;
      assert.equal(k6Accepts(name, value), table, `k6 and the table on ${name}='${value}'`);
      if (/^-?\d+(\.\d+)?$/.test(value)) {
        let profile = true;
        try {
          validateProfile({ ...smoke, [field]: Number(value) });
        } catch (error) {
          assert.match((error as Error).message, new RegExp(`${field} \\(${name}\\)`), 'the message names the field and the setting');
          profile = false;
        }
        assert.equal(profile, table, `the data profile and the table on ${field}=${value}`);
      }
    }
  }
  assert.equal(k6Accepts('SCHOOL_YEAR', '2100'), false);
  assert.equal(k6Accepts('STUDENT_COUNT', '10000000'), false);
  assert.throws(() => validateProfile({ ...smoke, schoolYear: 2100 }), /SCHOOL_YEAR/);
  assert.equal(PROFILE_LIMITS.studentCount, findSetting('STUDENT_COUNT')?.max);
});

test('k6 applies the table to every setting it reads, with the same rule and a message naming the setting', () => {
  const k6Settings = SETTINGS.filter((s) => s.readers.includes('k6') && !s.name.startsWith('K6_') && s.name !== 'API_BASE_URL');
  assert.ok(k6Settings.length > 20, 'k6 reads most settings');
  for (const s of k6Settings) {
    const values = [...probes(s), '30s', '0s', '1h30m', '5 minutes', 'http://h', 'localhost:1', 'read=1', 'reed=1', 'a b', '0.5', '2', '1.'];
    for (const value of values) {
      assert.equal(k6Accepts(s.name, value), check(s, value) === null, `${s.name}='${value}'`);
    }
  }
});

/** Whether the runner's resolver accepts NAME=value from the shell (its problems name the setting first). */
function runnerAccepts(name: string, value: string): boolean {
  const { problems } = resolve({ env: { [name]: value }, profileLabel: 'profile', envLabel: 'env file' });
  assert.ok(problems.every((p) => p.startsWith(`${name}=`) && p.includes('set in: your shell environment')), problems.join('\n'));
  return problems.length === 0;
}

test('the runner refuses exactly what the table refuses, for every setting a person gives (SCHOOL_YEAR=2100 too)', () => {
  for (const s of SETTINGS.filter((setting) => setting.origin !== 'runner')) {
    const values = [...probes(s), '30s', '0s', '5 minutes', 'http://h', 'localhost:1', 'read=1', 'reed=1', 'a b', '0.5', '1.', '8.0', 'on'];
    for (const value of values) assert.equal(runnerAccepts(s.name, value), check(s, value) === null, `${s.name}='${value}'`);
  }
  assert.equal(runnerAccepts('SCHOOL_YEAR', '2100'), false);
  assert.equal(runnerAccepts('STUDENT_COUNT', '10000000'), false);
  const { resolved } = resolve({ env: {}, profileLabel: 'profile', envLabel: 'env file' });
  for (const s of SETTINGS.filter((setting) => setting.origin !== 'runner')) {
    const row = resolved.find(([name]) => name === s.name);
    assert.deepEqual(row, [s.name, s.default === undefined ? 'not set' : 'default', s.default ?? ''], `${s.name}: the runner's default is the table's`);
  }
});

test('with nothing set, k6 runs on the table defaults', () => {
  const fromTable: Record<string, string> = { ...BASE };
  for (const s of SETTINGS) if (s.readers.includes('k6') && s.default !== undefined) fromTable[s.name] = s.default;
  assert.deepEqual(loadConfig(fromTable), loadConfig(BASE));
  const config = loadConfig(BASE);
  assert.equal(config.vusLoad, Number(findSetting('VUS_LOAD_PHASE')?.default));
  assert.equal(config.durationLoad, findSetting('DURATION_LOAD_PHASE')?.default);
  assert.equal(config.data.schoolYear, Number(findSetting('SCHOOL_YEAR')?.default));
});

test('k6 refuses the values k6 itself would reject: zero durations, zero VUs, rates above 1', () => {
  for (const [name, value] of [['DURATION_READWRITE_PHASE', '0s'], ['DURATION_LOAD_PHASE', '3000000h'], ['VUS_LOAD_PHASE', '0'], ['THRESHOLD_CHECKS_RATE', '1.01'], ['DURATION_READWRITE_PHASE', '0.0000000001s']]) {
    assert.equal(k6Accepts(name, value), false, `${name}=${value}`);
  }
  assert.equal(parseDuration('4.5s'), 4.5);
  assert.equal(parseDuration('1h30m'), 5400);
});

test('the stand-in takes its options, defaults and checks from the table', () => {
  const simSettings = SETTINGS.filter((s) => s.name.startsWith('SIM_'));
  assert.deepEqual(ENV_SETTINGS.map((e) => e.env).sort(), simSettings.map((s) => s.name).sort(), 'every SIM_* setting is an option');
  for (const entry of ENV_SETTINGS) {
    const s = findSetting(entry.env) as Setting;
    assert.equal(String(DEFAULT_OPTIONS[entry.key]), s.default, `${entry.env} default`);
    for (const value of [...probes(s), '8.0', '9', 'on', 'claim-sets', 'v8.0', '0.5', '1.5']) {
      let simAccepts = true;
      try {
        optionsFromEnv({ [entry.env]: value });
      } catch (error) {
        assert.ok(error instanceof SimConfigError);
        simAccepts = false;
      }
      assert.equal(simAccepts, check(s, value) === null, `stand-in and table on ${entry.env}='${value}'`);
    }
  }
});

test('the baseline tolerances take their defaults and checks from the table', () => {
  for (const [key, name] of Object.entries(TOLERANCE_ENV) as Array<[keyof typeof DEFAULT_TOLERANCES, string]>) {
    const s = findSetting(name) as Setting;
    assert.equal(String(DEFAULT_TOLERANCES[key]), s.default, name);
    for (const value of [...probes(s), '0.5', '0.05', 'twenty']) {
      let accepted = true;
      try {
        tolerancesFromEnv({ [name]: value });
      } catch (error) {
        assert.ok(error instanceof ToleranceError);
        assert.match((error as Error).message, new RegExp(`^${name}='`));
        accepted = false;
      }
      assert.equal(accepted, check(s, value) === null, `${name}='${value}'`);
    }
  }
});

test('ranges read as people write them', () => {
  const range = (name: string) => rangeText(findSetting(name) as Setting);
  assert.equal(range('SCHOOL_YEAR'), '1991 to 2099');
  assert.equal(range('VUS_LOAD_PHASE'), '>= 1');
  assert.equal(range('BASELINE_ALPHA'), 'above 0 and below 0.5');
  assert.equal(range('SIM_DMS_VERSION'), 'one of 8.0, 8.1');
  assert.equal(range('API_BASE_URL'), '');
  assert.equal(check(findSetting('SCHOOL_YEAR') as Setting, '2100'), 'must be a whole number from 1991 to 2099');
  assert.equal(check(findSetting('VUS_LOAD_PHASE') as Setting, '0'), 'must be a whole number >= 1');
});

test('a misspelt name is matched to the setting it most likely meant', () => {
  assert.equal(closestSetting('API_BASE_ULR'), 'API_BASE_URL');
  assert.equal(closestSetting('SIM_ERORR_RATE'), 'SIM_ERROR_RATE');
  assert.equal(closestSetting('STUDENTS_COUNT'), 'STUDENT_COUNT');
  assert.equal(closestSetting('SIM_EXTRA_TOKEN'), undefined, 'a name of its own is not a typo');
  assert.equal(closestSetting('API_BASE_URL'), undefined, 'a known name is not a typo');
  assert.equal(closestSetting('RUN_IDS'), undefined, 'settings the runner sets are not suggested');
});

test('--help lists every setting a person gives, with its unit and range, and a default only where there is one', () => {
  const text = helpLines().join('\n');
  const blocks = text.split(/\n(?=  \S)/);
  for (const s of SETTINGS) {
    const block = blocks.find((b) => b.startsWith(`  ${s.name} `));
    if (s.origin === 'runner') {
      assert.equal(block, undefined, `${s.name} is set by the runner, not listed`);
      continue;
    }
    assert.ok(block, `${s.name} listed`);
    const flat = block.replace(/\s+/g, ' ');
    assert.equal(flat.includes('default:'), s.default !== undefined, `${s.name}: default shown iff there is one`);
    if (s.default !== undefined) assert.ok(flat.includes(`default: ${s.default}`), `${s.name} default`);
    assert.ok(flat.includes(s.unit) || s.kind === 'url', `${s.name} unit`);
    if (rangeText(s) !== '') assert.ok(flat.includes(rangeText(s)), `${s.name} range`);
  }
  for (const line of helpLines()) assert.ok(line.length <= 110, `fits 110 columns: ${line}`);
});

test('the settings table of docs/load-test-guide.md is the one the table renders (npm run settings:doc)', () => {
  const guide = readFileSync(join(ROOT, 'docs/load-test-guide.md'), 'utf8');
  const begin = guide.indexOf(DOC_BEGIN);
  const end = guide.indexOf(DOC_END);
  assert.ok(begin >= 0 && end > begin, 'the markers are in the guide');
  assert.equal(guide.slice(begin + DOC_BEGIN.length, end).trim(), docTable(), 'out of date: run npm run settings:doc');
  assert.equal(withDocTable(guide, docTable()), guide);
  for (const s of SETTINGS) assert.ok(docTable().includes(`| \`${s.name}\` |`), `${s.name} documented`);
});

// Names the suite's code reads from the environment that are not settings: the general environment, the
// runner's own shell variables, and hand-overs from the runner to one helper (run.json, token broker,
// client setup) or from a benchmark to its k6 script.
const NOT_SETTINGS = new Set([
  'HOME', 'TERM', 'TMPDIR', 'XDG_CACHE_HOME', 'GOFLAGS', 'CI', 'EDITOR', 'PATH',
  'K6', 'ORIG_STDOUT', 'ORIG_STDERR', 'RUN_TMP', 'SUITE_VERSION', 'K6_STOP_STATUS',
  'RUN_ID', 'RUN_PROFILE', 'RUN_PHASE', 'RUN_PHASES', 'RUN_TARGET', 'RUN_STARTED_AT', 'RUN_FINISHED_AT', 'RUN_EXIT_CODE',
  'RUN_REASON', 'RUN_K6_VERSION', 'RUN_NPM_VERSION', 'RUN_SUITE_VERSION', 'RUN_PROMETHEUS_URL',
  'BROKER_TOKEN_URL', 'BROKER_KEY', 'BROKER_HOST', 'BROKER_INITIAL_RETRIES',
  'EDUCATION_ORGANIZATION_IDS', 'NAMESPACE_PREFIXES', 'APPLICATION_NAME',
  'ACCESS_TOKEN', 'VUS', 'SUMMARY_FILE',
  'JOIN_RUN_ID', 'OPT_PROMETHEUS', 'DMS_LOAD_TEST_ROOT', // join.env's run id, the runner's --prometheus, the k8s pods' project folder
]);

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name === 'node_modules' || name.startsWith('.')) continue;
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(ts|mts|mjs|js|sh)$/.test(name) && !name.endsWith('.d.mts')) out.push(path);
  }
  return out;
}

test('every environment variable the suite reads is in the settings table (or is a hand-over between its parts)', () => {
  const files = [join(ROOT, 'run-load-test.sh'), ...['scripts', 'src', 'sim', 'tools', 'bench'].flatMap((d) => sourceFiles(join(ROOT, d)))];
  const read = new Map<string, string>();
  const patterns = [
    /(?:process\.env|__ENV|\benv)\.([A-Z][A-Z0-9_]+)/g,
    /(?:process\.env|__ENV|\benv)\[['"]([A-Z][A-Z0-9_]+)['"]\]/g,
    /\b(?:text|number|optionalNumber|required|wholeNumber|defaultOf|setting)\((?:env, )?'([A-Z][A-Z0-9_]+)'/g,
    /\$\{([A-Z][A-Z0-9_]+):?-/g, // bash: a variable read with a fallback, i.e. possibly from the environment
  ];
  for (const file of files) {
    const source = readFileSync(file, 'utf8');
    for (const pattern of patterns) for (const m of source.matchAll(pattern)) if (!read.has(m[1])) read.set(m[1], file.slice(ROOT.length + 1));
  }
  assert.ok(read.size > 30, `found the reads (${read.size})`);
  const missing = [...read].filter(([name]) => !findSetting(name) && !NOT_SETTINGS.has(name));
  assert.deepEqual(missing, [], 'read but not declared in src/settings/table.ts');
});
