// Baseline files: ${BASELINE_DIR:-baselines}/NAME.json. Replacing one keeps the old file as
// NAME.json.bak.<UTC timestamp> (like the env file's backups), so every earlier baseline is kept.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BaselineInputError, validateBaseline, type Baseline } from './baseline.ts';

export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export function baselineDir(env: Record<string, string | undefined>): string {
  return resolve(env.BASELINE_DIR && env.BASELINE_DIR.trim() !== '' ? env.BASELINE_DIR : 'baselines');
}

export function checkName(name: string | undefined): string {
  if (!name || !NAME_PATTERN.test(name) || name.endsWith('.json')) {
    throw new BaselineInputError(
      `baseline name '${name ?? ''}' is not valid: use letters, digits, '.', '_' or '-' (e.g. smoke-sim or main-2026-11), without .json`,
    );
  }
  return name;
}

export function listBaselines(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

export function baselineFile(dir: string, name: string): string {
  return join(dir, `${checkName(name)}.json`);
}

export interface SaveOutcome {
  file: string;
  /** Set when an older baseline of the same name was moved aside. */
  backup?: string;
}

function utcStamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** NAME.json.bak.<UTC timestamp>, with -2, -3 ... when a backup of that second exists. */
export function backupName(file: string, now: Date = new Date()): string {
  const stamp = utcStamp(now);
  let backup = `${file}.bak.${stamp}`;
  for (let n = 2; existsSync(backup); n++) backup = `${file}.bak.${stamp}-${n}`;
  return backup;
}

export function saveBaseline(dir: string, baseline: Baseline, now: Date = new Date()): SaveOutcome {
  mkdirSync(dir, { recursive: true });
  const file = baselineFile(dir, baseline.name);
  const outcome: SaveOutcome = { file };
  if (existsSync(file)) {
    // Copied, not moved: NAME.json exists at every moment, and the new one replaces it atomically below.
    outcome.backup = backupName(file, now);
    copyFileSync(file, outcome.backup);
  }
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(baseline, null, 2)}\n`);
  renameSync(tmp, file);
  return outcome;
}

export function loadBaseline(dir: string, name: string): { baseline: Baseline; file: string } {
  const file = baselineFile(dir, name);
  if (!existsSync(file)) {
    const available = listBaselines(dir);
    const list = available.length > 0 ? `available in ${dir}: ${available.join(', ')}` : `there are no baselines in ${dir} yet`;
    throw new BaselineInputError(
      `no baseline named '${name}' (${file} does not exist); ${list}. ` +
        'Save one from a good run with: node --import tsx tools/baseline/main.ts save <results-folder> NAME (or ./run-load-test.sh ... --save-baseline NAME)',
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new BaselineInputError(`${file} is not valid JSON (${error instanceof Error ? error.message : String(error)}); save the baseline again`);
  }
  return { baseline: validateBaseline(value, file), file };
}
