// Command line of the progress poller. Pure: returns options or throws UsageError with the reason.
import { durationSeconds, loadConfig } from '../../src/config.ts';
import { expectedTotal } from '../../src/data/index.ts';

export interface ProgressOptions {
  /** host:port of k6's REST API (the value given to `k6 run --address`). */
  address: string;
  phase: string;
  plannedSeconds?: number;
  expectedEntities?: number;
  out: string;
  /** Seconds between progress lines. */
  intervalS: number;
  /** Seconds between timeseries lines (finer for short runs so a 10 s smoke run still gets a curve). */
  sampleIntervalS: number;
  /** Give up (exit 0, nothing recorded) when k6's API has not answered after this many seconds. */
  waitS: number;
  /** Never redraw in place, even on a terminal. */
  plain: boolean;
}

export class UsageError extends Error {}

export const USAGE = `usage: node --import tsx tools/progress/main.ts --address HOST:PORT --phase load|readwrite --out FILE
         [--planned-seconds N] [--expected-entities N] [--interval S] [--sample-interval S] [--wait-seconds S] [--plain]`;

function positive(name: string, raw: string | undefined, allowZero = false): number {
  const value = Number(raw);
  if (raw === undefined || raw.trim() === '' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new UsageError(`${name} needs a ${allowZero ? 'non-negative' : 'positive'} number, got '${raw ?? ''}'`);
  }
  return value;
}

/**
 * The profile's entity total from the same environment k6 gets (SCHOOL_COUNT, STUDENT_COUNT, ...), with
 * the suite's own defaults; undefined when the environment does not describe a valid profile.
 */
export function expectedEntitiesFromEnv(env: Record<string, string | undefined>): number | undefined {
  try {
    const config = loadConfig({ ...env, API_BASE_URL: env.API_BASE_URL || 'http://unused.invalid' });
    return expectedTotal(config.data);
  } catch {
    return undefined;
  }
}

/**
 * The readwrite phase's planned length in seconds, from DURATION_READWRITE_PHASE in the same environment k6
 * gets (parsed by src/config.ts, the suite's one duration parser); undefined for other phases or when the
 * environment does not describe a valid configuration. The load phase has a time limit, not a plan.
 */
export function plannedSecondsFromEnv(env: Record<string, string | undefined>, phase: string): number | undefined {
  if (phase !== 'readwrite') return undefined;
  try {
    const config = loadConfig({ ...env, API_BASE_URL: env.API_BASE_URL || 'http://unused.invalid' });
    return durationSeconds(config.durationReadwrite);
  } catch {
    return undefined;
  }
}

export function parseArgs(argv: string[], env: Record<string, string | undefined> = {}): ProgressOptions {
  const values: Record<string, string> = {};
  let plain = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--plain') {
      plain = true;
      continue;
    }
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) throw new UsageError(`unexpected argument '${arg}'`);
    const [, name, inline] = match;
    if (!['address', 'phase', 'planned-seconds', 'expected-entities', 'out', 'interval', 'sample-interval', 'wait-seconds'].includes(name)) {
      throw new UsageError(`unknown option --${name}`);
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    values[name] = value;
  }
  for (const required of ['address', 'phase', 'out']) {
    if (!values[required]) throw new UsageError(`--${required} is required`);
  }
  if (!/^[\w.-]+:\d+$|^\[[0-9a-fA-F:]+\]:\d+$/.test(values.address)) {
    throw new UsageError(`--address must be HOST:PORT as given to k6 run --address, got '${values.address}'`);
  }
  if (!/^[a-z][a-z0-9-]*$/.test(values.phase)) throw new UsageError(`--phase must be a phase name such as load or readwrite, got '${values.phase}'`);
  const plannedSeconds =
    values['planned-seconds'] !== undefined ? positive('--planned-seconds', values['planned-seconds'], true) : plannedSecondsFromEnv(env, values.phase);
  let expectedEntities: number | undefined;
  if (values['expected-entities'] !== undefined) {
    expectedEntities = positive('--expected-entities', values['expected-entities'], true);
    if (!Number.isInteger(expectedEntities)) throw new UsageError(`--expected-entities needs a whole number, got '${values['expected-entities']}'`);
  } else if (values.phase === 'load') {
    expectedEntities = expectedEntitiesFromEnv(env);
  }
  const intervalS = values.interval !== undefined ? positive('--interval', values.interval) : 5;
  // Default: about 150 points over the planned time, at least one per second, at most one per print.
  const derived = plannedSeconds ? Math.min(intervalS, Math.max(1, Math.round(plannedSeconds / 150))) : Math.min(intervalS, 1);
  const sampleIntervalS = values['sample-interval'] !== undefined ? positive('--sample-interval', values['sample-interval']) : derived;
  return {
    address: values.address,
    phase: values.phase,
    plannedSeconds,
    expectedEntities,
    out: values.out,
    intervalS,
    sampleIntervalS: Math.min(sampleIntervalS, intervalS),
    waitS: values['wait-seconds'] !== undefined ? positive('--wait-seconds', values['wait-seconds']) : 300,
    plain,
  };
}
