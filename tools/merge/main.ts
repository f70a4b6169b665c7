// Merging the results of several k6 instances of one run (docs/scale-out.md).
//
//   npm run merge -- [--out DIR] <results-folder>...
//     the folders of one run's instances (each host's results/<run>/, or k6-operator's collected runners)
//     -> one results folder (default: <run id>-merged beside the first) with run.json, each phase's merged
//     summary.json, report.html, junit.xml and summary.md; exits with the run's exit code (0 PASS, 99
//     thresholds failed on the merged figures, an instance's own k6 code), 2 when the folders are not one
//     run's instances.
//
//   node --import tsx tools/merge/main.ts phase <phase-folder> <instance exit code>...
//     the runner, after --instances N: merges <phase-folder>/instance-<i>/summary.json into
//     <phase-folder>/summary.json; prints "exit <code>" (the phase's one exit code) first, then notes.
//     Exit 0 merged, 3 an instance wrote no summary.json (the "exit" line is still printed), 2 bad input.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeWhole } from '../../scripts/lib/node/write-whole.ts';
import { summaryJson, textSummary, type SummaryData } from '../../src/summary/summary.ts';
import { writeReport } from '../report/main.ts';
import { writeCiOutputs } from '../ci-outputs/main.ts';
import { combinedExitCode, MergeError, mergeSummaries } from './merge.ts';
import { mergeFolders } from './folders.ts';

const USAGE = 'usage: npm run merge -- [--out DIR] <results-folder> <results-folder> ...';

function notJudged(summary: SummaryData): string[] {
  const record = summary.merge as { thresholds?: Array<{ judged: boolean; metric: string; expression: string; note?: string }> } | undefined;
  return (record?.thresholds ?? []).filter((t) => !t.judged).map((t) => `not judged: ${t.metric} ${t.expression}: ${t.note ?? ''}`);
}

/** The runner's merge of one phase's local instances; returns the process exit code. */
function mergePhase(dir: string, codes: string[]): number {
  const exitCodes = codes.map((c) => (/^\d+$/.test(c) ? Number(c) : undefined));
  const missing = exitCodes.map((_, i) => join(dir, `instance-${i + 1}`, 'summary.json')).filter((f) => !existsSync(f));
  if (missing.length > 0) {
    // the phase failed in any case; its code is an instance's own, or 99 when only summaries are missing
    process.stdout.write(`exit ${combinedExitCode(exitCodes, false)}\n`);
    process.stdout.write(`note: no merged summary: ${missing.join(', ')} ${missing.length === 1 ? 'was' : 'were'} not written (the instance did not finish)\n`);
    return 3;
  }
  const parts = exitCodes.map((exitCode, i) => {
    const source = join(dir, `instance-${i + 1}`);
    return { source: `instance-${i + 1}`, summary: JSON.parse(readFileSync(join(source, 'summary.json'), 'utf8')) as SummaryData, exitCode };
  });
  const { summary, record } = mergeSummaries(parts);
  writeWhole(join(dir, 'summary.json'), summaryJson(summary));
  process.stdout.write(`exit ${record.exitCode}\n`);
  for (const line of [...record.notes.map((n) => `note: ${n}`), ...notJudged(summary)]) process.stdout.write(`${line}\n`);
  return 0;
}

function mergeCommand(argv: string[]): number {
  const { values, positionals } = parseArgs({ args: argv, options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length === 0) {
    process.stderr.write(`merge: name the results folders of the run's instances\n${USAGE}\n`);
    return 2;
  }
  const result = mergeFolders(positionals, values.out);
  for (const phase of result.phases) {
    process.stdout.write(textSummary(phase.summary, `${phase.name} (merged)`));
    for (const note of phase.notes) process.stdout.write(`note: ${note}\n`);
  }
  try {
    writeReport(result.folder);
    writeCiOutputs(result.folder);
  } catch (error) {
    process.stderr.write(`merge: the report could not be written: ${(error as Error).message}\n`);
  }
  process.stdout.write(`${result.exitCode === 0 ? 'PASS' : 'FAIL'}  merged ${positionals.length} folder(s) (exit code ${result.exitCode}): results in ${result.folder}\n`);
  return result.exitCode;
}

function main(argv: string[]): number {
  try {
    if (argv[0] === 'phase') {
      if (argv.length < 3) {
        process.stderr.write('usage: main.ts phase <phase-folder> <instance exit code>...\n');
        return 2;
      }
      return mergePhase(argv[1], argv.slice(2));
    }
    return mergeCommand(argv);
  } catch (error) {
    if (error instanceof MergeError) {
      process.stderr.write(`merge: ${error.message}\n`);
      return 2;
    }
    if ((error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      process.stderr.write(`merge: ${(error as Error).message}\n${USAGE}\n`);
      return 2;
    }
    throw error;
  }
}

if (process.argv[1] && /tools[\\/]merge[\\/]main\.ts$/.test(process.argv[1])) process.exitCode = main(process.argv.slice(2));

