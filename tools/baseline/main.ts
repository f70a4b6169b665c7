// Baselines of load-test runs.
//   save    <results-folder> NAME [--force]  -> ${BASELINE_DIR:-baselines}/NAME.json (old one kept as NAME.json.bak.<UTC>)
//   compare <results-folder> NAME            -> table on stdout, <results-folder>/baseline-comparison.json
//   check   NAME [--profile P] [--phases a,b] -> can a run of that profile and phases be compared with NAME?
//   list                                     -> the saved baselines
// Exit codes: 0 fine / no regression, 1 regression (named), 2 bad input or the comparison cannot be made
// (unknown, unreadable or corrupt baseline, unreadable folder, another profile, nothing in common).
import { writeWhole } from '../../scripts/lib/node/write-whole.ts';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readResults, ResultsError } from '../report/results.ts';
import { BaselineInputError, BaselineMismatchError, compare, makeBaseline } from './baseline.ts';
import { comparisonTable, fingerprintWarning, regressionLines, summaryLine } from './format.ts';
import { baselineDir, checkName, listBaselines, loadBaseline, saveBaseline } from './store.ts';
import { ToleranceError, tolerancesFromEnv } from './tolerances.ts';

const USAGE = `usage: node --import tsx tools/baseline/main.ts save <results-folder> NAME [--force]
       node --import tsx tools/baseline/main.ts compare <results-folder> NAME
       node --import tsx tools/baseline/main.ts check NAME [--profile PROFILE] [--phases load,readwrite]
       node --import tsx tools/baseline/main.ts list
Baselines live in \${BASELINE_DIR:-baselines}. Tolerances: BASELINE_P50_TOLERANCE, BASELINE_P95_TOLERANCE,
BASELINE_P99_TOLERANCE, BASELINE_THROUGHPUT_TOLERANCE, BASELINE_ERROR_RATE_TOLERANCE, BASELINE_MIN_DELTA_MS,
BASELINE_MIN_COUNT, BASELINE_MIN_SECONDS, BASELINE_ALPHA, BASELINE_CAPACITY_TOLERANCE, BASELINE_CAPACITY_MIN_STEPS
(see docs/reports-and-baselines.md).`;

class UsageError extends Error {}

/** The command's options and positional arguments (node:util parseArgs); unknown options are usage errors. */
function parse(args: string[], options: Record<string, { type: 'string' | 'boolean' }>): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function save(args: string[], env: NodeJS.ProcessEnv): number {
  const { values, positionals } = parse(args, { force: { type: 'boolean' } });
  const force = values.force === true;
  const [folder, name, ...rest] = positionals;
  if (!folder || !name || rest.length > 0) throw new UsageError('save needs <results-folder> NAME');
  checkName(name);
  const results = readResults(folder);
  if (results.run?.status === 'FAIL' && !force) {
    throw new BaselineInputError(
      `${results.folder} is a FAIL run (exit code ${results.run.exitCode ?? '?'}); a baseline should be a good run. ` +
        'Fix the run, or pass --force to save it anyway',
    );
  }
  const baseline = makeBaseline(results, name, new Date());
  const dir = baselineDir(env);
  const outcome = saveBaseline(dir, baseline);
  if (outcome.backup) {
    process.stdout.write(`baseline '${name}' already existed: replaced it; the previous one is kept as ${outcome.backup}\n`);
  }
  const phases = Object.entries(baseline.phases).map(([p, n]) => `${p} (${n.rows.length - 1} resource/operation rows)`);
  process.stdout.write(`saved baseline '${name}' to ${outcome.file}: ${phases.join(', ')}\n`);
  return 0;
}

function compareCommand(args: string[], env: NodeJS.ProcessEnv): number {
  const [folder, name, ...rest] = parse(args, {}).positionals;
  if (!folder || !name || rest.length > 0) throw new UsageError('compare needs <results-folder> NAME');
  checkName(name);
  const tolerances = tolerancesFromEnv(env);
  const { baseline, file } = loadBaseline(baselineDir(env), name);
  const results = readResults(folder);
  const comparison = compare(baseline, file, results, tolerances, new Date());
  const out = join(results.folder, 'baseline-comparison.json');
  writeWhole(out, `${JSON.stringify(comparison, null, 2)}\n`);
  const warning = fingerprintWarning(comparison);
  if (warning) process.stderr.write(`${warning}\n`);
  process.stdout.write(`Comparison with baseline '${name}' (${file}, saved ${baseline.savedAt})\n`);
  process.stdout.write(`${comparisonTable(comparison)}\n`);
  for (const note of comparison.phaseNotes) process.stdout.write(`note: ${note}\n`);
  for (const line of regressionLines(comparison)) process.stdout.write(`${line}\n`);
  process.stdout.write(`${summaryLine(comparison)}\n`);
  process.stdout.write(`written: ${out}\n`);
  if (warning) process.stderr.write(`${warning}\n`);
  return comparison.verdict === 'regression' ? 1 : 0;
}

/**
 * Before a run: can a run of this profile and these phases be compared with the baseline at all? Exit 0, or
 * 2 with the reason (missing, unreadable or corrupt file, another profile, no phase in common), so a long
 * run does not start only to find its gate cannot work.
 */
function check(args: string[], env: NodeJS.ProcessEnv): number {
  const { values, positionals } = parse(args, { profile: { type: 'string' }, phases: { type: 'string' } });
  const [name, ...rest] = positionals;
  if (!name || rest.length > 0) throw new UsageError('check needs NAME');
  checkName(name);
  tolerancesFromEnv(env);
  const { baseline, file } = loadBaseline(baselineDir(env), name);
  const profile = typeof values.profile === 'string' ? values.profile : undefined;
  if (profile && baseline.fingerprint.profile && baseline.fingerprint.profile !== profile) {
    throw new BaselineMismatchError(
      `baseline '${name}' (${file}) was saved from a ${baseline.fingerprint.profile} run, this is a ${profile} run: ` +
        `a different data set and load cannot be compared. Use a baseline of profile ${profile} (save one with --save-baseline)`,
    );
  }
  const phases = typeof values.phases === 'string' ? values.phases.split(',').filter((p) => p !== '') : [];
  const saved = Object.keys(baseline.phases);
  if (phases.length > 0 && !phases.some((p) => saved.includes(p))) {
    throw new BaselineMismatchError(
      `baseline '${name}' (${file}) has the phase(s) ${saved.join(', ')}, this run has ${phases.join(', ')}: no phase in common. ` +
        `Run a phase the baseline has (--phase ${saved.length === 2 ? 'full' : saved[0]}), or save a baseline of this phase`,
    );
  }
  process.stdout.write(`baseline '${name}' (${file}): ${saved.join(', ')}; format ${baseline.format}\n`);
  return 0;
}

function main(argv: string[], env: NodeJS.ProcessEnv): number {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case 'save':
        return save(args, env);
      case 'compare':
        return compareCommand(args, env);
      case 'check':
        return check(args, env);
      case 'list': {
        const dir = baselineDir(env);
        const names = listBaselines(dir);
        process.stdout.write(names.length > 0 ? `${names.join('\n')}\n` : `no baselines in ${dir}\n`);
        return 0;
      }
      case '-h':
      case '--help':
        process.stdout.write(`${USAGE}\n`);
        return 0;
      default:
        throw new UsageError(command ? `unknown command '${command}'` : 'a command is needed');
    }
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`baseline: ${error.message}\n${USAGE}\n`);
      return 2;
    }
    if (error instanceof BaselineInputError || error instanceof BaselineMismatchError || error instanceof ResultsError || error instanceof ToleranceError) {
      process.stderr.write(`baseline: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

process.exitCode = main(process.argv.slice(2), process.env);
