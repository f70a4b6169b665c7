// The runner's helper for the workload phases (scripts/lib/workloads.sh):
//   capacity SUMMARY   -> prints the capacity step table and line from <phase>/summary.json;
//                         exit 0 a sustainable capacity was found, 1 none (even the first step broke the
//                         SLO, or none could be judged), 2 no capacity in the file (k6 wrote no summary)
import { readFileSync } from 'node:fs';
import { asCapacity, capacityLines } from './capacity-text.ts';

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function capacity(summaryPath: string): number {
  const summary = readJson(summaryPath) as { capacity?: unknown } | undefined;
  const result = asCapacity(summary?.capacity);
  if (!result) return 2;
  process.stdout.write(`${capacityLines(result).join('\n')}\n`);
  return result.sustainable ? 0 : 1;
}

function main(argv: string[]): number {
  const [command, ...args] = argv;
  if (command === 'capacity' && args.length === 1) return capacity(args[0]);
  process.stderr.write('usage: node --import tsx tools/workloads/main.ts capacity <summary.json>\n');
  return 2;
}

process.exitCode = main(process.argv.slice(2));
