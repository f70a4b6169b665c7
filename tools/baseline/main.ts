// Baselines of load-test runs.
//   save    <results-folder> NAME [--force]  -> ${BASELINE_DIR:-baselines}/NAME.json (old one kept as NAME.json.bak.<UTC>)
//   compare <results-folder> NAME            -> table on stdout, <results-folder>/baseline-comparison.json
//   list                                     -> the saved baselines
// Exit codes: 0 fine / no regression, 1 regression (named), 2 bad input (unknown baseline, unreadable folder, ...).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readResults, ResultsError } from '../report/results.ts';
import { BaselineInputError, compare, makeBaseline } from './baseline.ts';
import { comparisonTable, fingerprintWarning, regressionLines, summaryLine } from './format.ts';
import { baselineDir, checkName, listBaselines, loadBaseline, saveBaseline } from './store.ts';
import { ToleranceError, tolerancesFromEnv } from './tolerances.ts';

const USAGE = `usage: node --import tsx tools/baseline/main.ts save <results-folder> NAME [--force]
       node --import tsx tools/baseline/main.ts compare <results-folder> NAME
       node --import tsx tools/baseline/main.ts list
Baselines live in \${BASELINE_DIR:-baselines}. Tolerances: BASELINE_P50_TOLERANCE, BASELINE_P95_TOLERANCE,
BASELINE_P99_TOLERANCE, BASELINE_THROUGHPUT_TOLERANCE, BASELINE_ERROR_RATE_TOLERANCE, BASELINE_MIN_DELTA_MS,
BASELINE_MIN_COUNT (see docs/reports-and-baselines.md).`;

class UsageError extends Error {}

function save(args: string[], env: NodeJS.ProcessEnv): number {
  const force = args.includes('--force');
  const [folder, name, ...rest] = args.filter((a) => a !== '--force');
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
  const [folder, name, ...rest] = args;
  if (!folder || !name || rest.length > 0) throw new UsageError('compare needs <results-folder> NAME');
  checkName(name);
  const tolerances = tolerancesFromEnv(env);
  const { baseline, file } = loadBaseline(baselineDir(env), name);
  const results = readResults(folder);
  const comparison = compare(baseline, file, results, tolerances, new Date());
  if (!comparison.rows.some((r) => r.status === 'compared' || r.status === 'too-few-samples')) {
    const notes = comparison.phaseNotes.length > 0 ? comparison.phaseNotes.join('; ') : 'no rows in common';
    throw new BaselineInputError(`nothing to compare between ${results.folder} and baseline '${name}': ${notes}`);
  }
  const out = join(results.folder, 'baseline-comparison.json');
  writeFileSync(out, `${JSON.stringify(comparison, null, 2)}\n`);
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

function main(argv: string[], env: NodeJS.ProcessEnv): number {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case 'save':
        return save(args, env);
      case 'compare':
        return compareCommand(args, env);
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
    if (error instanceof BaselineInputError || error instanceof ResultsError || error instanceof ToleranceError) {
      process.stderr.write(`baseline: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

process.exitCode = main(process.argv.slice(2), process.env);
