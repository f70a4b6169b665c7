// Tolerances of a baseline comparison, from the environment. Pure, unit-tested.
import { defaultOf, problemOf, setting } from '../../src/settings/table.ts';

export interface Tolerances {
  /** Relative growth allowed for each percentile (0.20 = may grow by 20%). */
  p50: number;
  p95: number;
  p99: number;
  /** Relative drop of requests/s allowed. */
  throughput: number;
  /** Absolute growth of the failed-request share allowed (0.01 = one percentage point). */
  errorRate: number;
  /** A latency change smaller than this many milliseconds is never a regression (1.0 -> 1.5 ms is noise). */
  minDeltaMs: number;
  /** Rows with fewer requests than this (in either run) are shown but not judged: too few samples to tell. */
  minCount: number;
  /** Requests/s of a phase shorter than this (in either run) is not judged: start-up dominates it. */
  minSeconds: number;
  /**
   * Significance level of the comparison's one-sided tests, after Holm's adjustment over all of them: a
   * change beyond the tolerance is a regression only when p < alpha (0.01 = 99% confidence).
   */
  alpha: number;
  /** Capacity phase: relative drop of the sustainable rate allowed (one figure per run: no test). */
  capacity: number;
  /** Capacity phase: the baseline must have held this many steps for a change to be judged. */
  capacityMinSteps: number;
}

// The defaults and ranges are the settings table's (src/settings/table.ts). p50 and p95 at 10%: the
// significance test, the 5 ms floor and the rule that the median must move keep like runs from failing, so
// the tolerance can be tight enough to catch a 20% slowdown reliably (npm run bench:baseline;
// docs/reports-and-baselines.md).
export const TOLERANCE_ENV: Record<keyof Tolerances, string> = {
  p50: 'BASELINE_P50_TOLERANCE',
  p95: 'BASELINE_P95_TOLERANCE',
  p99: 'BASELINE_P99_TOLERANCE',
  throughput: 'BASELINE_THROUGHPUT_TOLERANCE',
  errorRate: 'BASELINE_ERROR_RATE_TOLERANCE',
  minDeltaMs: 'BASELINE_MIN_DELTA_MS',
  minCount: 'BASELINE_MIN_COUNT',
  minSeconds: 'BASELINE_MIN_SECONDS',
  alpha: 'BASELINE_ALPHA',
  capacity: 'BASELINE_CAPACITY_TOLERANCE',
  capacityMinSteps: 'BASELINE_CAPACITY_MIN_STEPS',
};

const KEYS = Object.keys(TOLERANCE_ENV) as Array<keyof Tolerances>;

export const DEFAULT_TOLERANCES: Tolerances = Object.fromEntries(
  KEYS.map((key) => [key, Number(defaultOf(TOLERANCE_ENV[key]))]),
) as unknown as Tolerances;

export class ToleranceError extends Error {}

/** The tolerances from BASELINE_* variables, each checked with its setting's rule; unset or empty: the default. */
export function tolerancesFromEnv(env: Record<string, string | undefined>): Tolerances {
  const out: Tolerances = { ...DEFAULT_TOLERANCES };
  for (const key of KEYS) {
    const name = TOLERANCE_ENV[key];
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const problem = problemOf(setting(name), raw);
    if (problem !== null) throw new ToleranceError(`${problem} (default ${DEFAULT_TOLERANCES[key]})`);
    out[key] = Number(raw);
  }
  return out;
}
