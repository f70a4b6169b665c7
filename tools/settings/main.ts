// The settings table (src/settings/table.ts) for people.
//   doc [--check]  -> writes the table into docs/load-test-guide.md between its markers (`npm run settings:doc`);
//                     --check writes nothing and exits 1 when the document differs from the table
//   help           -> the settings list of the runner's --help, one line per setting
// Exit codes: 0 done / up to date, 1 the document is out of date (--check), 2 bad usage or missing markers.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { docTable, helpLines, withDocTable } from '../../src/settings/render.ts';

const USAGE = 'usage: node --import tsx tools/settings/main.ts doc [--check] | help';

/** docs/load-test-guide.md of this checkout. */
const GUIDE = join(fileURLToPath(new URL('../..', import.meta.url)), 'docs', 'load-test-guide.md');

function main(argv: string[]): number {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { check: { type: 'boolean' } }, allowPositionals: true, strict: true });
  } catch (error) {
    process.stderr.write(`settings: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const [command, ...rest] = parsed.positionals;
  if (command === 'help' && rest.length === 0) {
    process.stdout.write(`${helpLines().join('\n')}\n`);
    return 0;
  }
  if (command !== 'doc' || rest.length > 0) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const current = readFileSync(GUIDE, 'utf8');
  let wanted: string;
  try {
    wanted = withDocTable(current, docTable());
  } catch (error) {
    process.stderr.write(`settings: ${GUIDE}: ${(error as Error).message}\n`);
    return 2;
  }
  if (parsed.values.check) {
    if (wanted === current) return 0;
    process.stderr.write(`settings: the settings table in ${GUIDE} differs from src/settings/table.ts; run: npm run settings:doc\n`);
    return 1;
  }
  if (wanted !== current) writeFileSync(GUIDE, wanted);
  process.stdout.write(wanted === current ? `${GUIDE}: up to date\n` : `${GUIDE}: settings table written\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
