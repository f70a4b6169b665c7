// npm run report -- <results-folder>: writes <results-folder>/report.html, one self-contained page.
// Exit codes: 0 written, 2 bad input (missing or unreadable results folder), 1 anything unexpected.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chartJsSource } from './chartjs.ts';
import { renderReport } from './render.ts';
import { readResults, ResultsError } from './results.ts';
import { buildView } from './view.ts';

const USAGE = 'usage: npm run report -- <results-folder>   (node --import tsx tools/report/main.ts <results-folder>)';

export function writeReport(folder: string, now = new Date()): string {
  const results = readResults(folder);
  const html = renderReport(buildView(results), chartJsSource(), now);
  const out = join(results.folder, 'report.html');
  writeFileSync(out, html);
  return out;
}

function main(argv: string[]): number {
  if (argv.length !== 1 || argv[0].startsWith('-')) {
    process.stderr.write(`report: ${argv.length === 0 ? 'a results folder is needed' : `unexpected arguments: ${argv.join(' ')}`}\n${USAGE}\n`);
    return argv[0] === '-h' || argv[0] === '--help' ? 0 : 2;
  }
  try {
    const out = writeReport(argv[0]);
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
