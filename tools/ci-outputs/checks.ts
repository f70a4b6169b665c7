// The runner's check lines (PASS/FAIL/SKIP), as scripts/lib/log.sh records them in the results folder's
// runner-checks.tsv: one line per check, `step \t status \t check \t text`, where step is the `== ...` heading
// the check was printed under. Pure parsing plus one reader; unit-tested.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const CHECKS_FILE = 'runner-checks.tsv';

export type CheckStatus = 'PASS' | 'FAIL' | 'SKIP';

/**
 * Which part of the run a check belongs to: 'pre-flight' (everything before k6 starts: the baseline check,
 * k6, node/npm, dependencies, bundle, stand-in, DMS reachable, client setup, credentials, data access),
 * 'phase' (a phase's k6 exit code) or 'baseline' (the comparison after the phases).
 */
export type CheckGroup = 'pre-flight' | 'phase' | 'baseline';

export interface CheckRecord {
  step: string;
  status: CheckStatus;
  name: string;
  text: string;
  group: CheckGroup;
}

function groupOf(step: string): CheckGroup {
  if (/^phase /.test(step)) return 'phase';
  if (/^comparison with baseline/.test(step)) return 'baseline';
  return 'pre-flight';
}

/** Parses runner-checks.tsv; lines that are not four tab-separated fields with a known status are skipped. */
export function parseChecks(text: string): CheckRecord[] {
  const out: CheckRecord[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split('\t');
    if (fields.length !== 4) continue;
    const [step, status, name, detail] = fields;
    if (status !== 'PASS' && status !== 'FAIL' && status !== 'SKIP') continue;
    out.push({ step, status, name, text: detail, group: groupOf(step) });
  }
  return out;
}

/** The checks of a results folder; none when the file is missing (results of an older suite, a bare k6 run). */
export function readChecks(folder: string): CheckRecord[] {
  const file = join(folder, CHECKS_FILE);
  return existsSync(file) ? parseChecks(readFileSync(file, 'utf8')) : [];
}
