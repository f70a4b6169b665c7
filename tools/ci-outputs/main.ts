// node --import tsx tools/ci-outputs/main.ts <results-folder>: writes junit.xml and summary.md into the folder
// (also `npm run ci-outputs -- <results-folder>`, e.g. again after a baseline comparison made in CI).
// The runner calls it at the end of every run that has a results folder, whatever its outcome
// (scripts/lib/results.sh), and prints the Prometheus link when the run streamed its metrics.
// Exit codes: 0 written, 2 the folder is missing or is not a results folder, 1 anything else
// (7 when the disk is full: scripts/lib/node/write-whole.ts).
import { join } from 'node:path';
import { writeWhole } from '../../scripts/lib/node/write-whole.ts';
import { readResults, ResultsError } from '../report/results.ts';
import { buildView } from '../report/view.ts';
import { readChecks } from './checks.ts';
import { buildJunit, renderJunit } from './junit.ts';
import { renderSummaryMarkdown } from './markdown.ts';

const USAGE = 'usage: npm run ci-outputs -- <results-folder>   (node --import tsx tools/ci-outputs/main.ts <results-folder>)';

export interface CiOutputs {
  junit: string;
  markdown: string;
  /** The Prometheus (or Grafana) link of the run's time range, when it streamed its metrics. */
  metricsLink?: string;
}

/** Writes junit.xml and summary.md into a results folder; returns their paths. Throws ResultsError for a bad folder. */
export function writeCiOutputs(folder: string): CiOutputs {
  const results = readResults(folder);
  const checks = readChecks(results.folder);
  const view = buildView(results);
  const links = view.metrics;
  const junit = join(results.folder, 'junit.xml');
  const markdown = join(results.folder, 'summary.md');
  writeWhole(junit, renderJunit(buildJunit(results, checks)));
  writeWhole(markdown, renderSummaryMarkdown({ view, phases: results.phases, checks }));
  return { junit, markdown, metricsLink: links?.grafana ?? links?.prometheus };
}

function main(argv: string[]): number {
  if (argv.length !== 1 || argv[0].startsWith('-')) {
    process.stderr.write(`ci-outputs: ${argv.length === 0 ? 'a results folder is needed' : `unexpected arguments: ${argv.join(' ')}`}\n${USAGE}\n`);
    return argv[0] === '-h' || argv[0] === '--help' ? 0 : 2;
  }
  try {
    const out = writeCiOutputs(argv[0]);
    process.stdout.write(`junit: ${out.junit}\nsummary: ${out.markdown}\n`);
    if (out.metricsLink) process.stdout.write(`metrics: ${out.metricsLink}\n`);
    return 0;
  } catch (error) {
    if (error instanceof ResultsError) {
      process.stderr.write(`ci-outputs: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`ci-outputs: could not write junit.xml and summary.md: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    return 1;
  }
}

if (process.argv[1] && /tools[\\/]ci-outputs[\\/]main\.ts$/.test(process.argv[1])) process.exitCode = main(process.argv.slice(2));
