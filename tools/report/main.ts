// npm run report -- <results-folder>: writes <results-folder>/report.html, one self-contained page.
// --answer also prints the answer first (verdict, reasons, slowest pairs, failures after retries, retries,
// what capped throughput, baseline) as text lines: the runner's last console lines (scripts/lib/results.sh).
// Exit codes: 0 written, 2 bad input (missing or unreadable results folder), 1 anything unexpected.
import { writeWhole } from '../../scripts/lib/node/write-whole.ts';
import { join } from 'node:path';
import { chartJsSource } from './chartjs.ts';
import { renderReport } from './render.ts';
import { readResults, ResultsError } from './results.ts';
import { answerLines } from './answer.ts';
import { buildView } from './view.ts';

const USAGE = 'usage: npm run report -- <results-folder> [--answer]   (node --import tsx tools/report/main.ts <results-folder> [--answer])';

/** Writes report.html into the folder; returns its path and the answer-first lines. */
export function writeReportWithAnswer(folder: string, now = new Date()): { file: string; answer: string[] } {
  const results = readResults(folder);
  const view = buildView(results);
  const html = renderReport(view, chartJsSource(), now);
  const out = join(results.folder, 'report.html');
  writeWhole(out, html);
  return { file: out, answer: answerLines(view.findings) };
}

export function writeReport(folder: string, now = new Date()): string {
  return writeReportWithAnswer(folder, now).file;
}

function main(argv: string[]): number {
  const answer = argv.includes('--answer');
  const args = argv.filter((a) => a !== '--answer');
  if (args.length !== 1 || args[0].startsWith('-')) {
    process.stderr.write(`report: ${args.length === 0 ? 'a results folder is needed' : `unexpected arguments: ${args.join(' ')}`}\n${USAGE}\n`);
    return args[0] === '-h' || args[0] === '--help' ? 0 : 2;
  }
  try {
    const { file: out, answer: lines } = writeReportWithAnswer(args[0]);
    if (answer) process.stdout.write(`${lines.join('\n')}\n`);
    process.stdout.write(`report: ${out}\n`);
    return 0;
  } catch (error) {
    if (error instanceof ResultsError) {
      process.stderr.write(`report: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`report: could not write the report: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    return 1;
  }
}

if (process.argv[1] && /tools[\\/]report[\\/]main\.ts$/.test(process.argv[1])) process.exitCode = main(process.argv.slice(2));
