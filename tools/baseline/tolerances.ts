// Tolerances of a baseline comparison, from the environment. Pure, unit-tested.

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

// p50 and p95 at 10%: the significance test, the 5 ms floor and the rule that the median must move keep
// like runs from failing, so the tolerance can be tight enough to catch a 20% slowdown reliably
// (npm run bench:baseline; docs/reports-and-baselines.md).
export const DEFAULT_TOLERANCES: Tolerances = {
  p50: 0.1,
  p95: 0.1,
  p99: 0.3,
  throughput: 0.2,
  errorRate: 0.01,
  minDeltaMs: 5,
  minCount: 20,
  minSeconds: 10,
  alpha: 0.01,
  // A step is 1/N of a figure that held N steps: with 3 or more, 15% is more than half a step.
  capacity: 0.15,
  capacityMinSteps: 3,
};

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

export class ToleranceError extends Error {}

export function tolerancesFromEnv(env: Record<string, string | undefined>): Tolerances {
  const out: Tolerances = { ...DEFAULT_TOLERANCES };
  for (const key of Object.keys(TOLERANCE_ENV) as Array<keyof Tolerances>) {
    const name = TOLERANCE_ENV[key];
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') continue;
    const value = Number(raw);
    if (!/^\s*\d*\.?\d+\s*$/.test(raw) || !Number.isFinite(value)) {
      throw new ToleranceError(`${name}='${raw}' must be a non-negative number (default ${DEFAULT_TOLERANCES[key]})`);
    }
    if ((key === 'throughput' || key === 'capacity') && value >= 1) {
      const what = key === 'capacity' ? 'the sustainable capacity' : 'requests/s';
      throw new ToleranceError(`${name}='${raw}' must be below 1 (it is the share ${what} may drop by; 0.2 = 20%)`);
    }
    if ((key === 'minCount' || key === 'capacityMinSteps') && !Number.isInteger(value)) throw new ToleranceError(`${name}='${raw}' must be a whole number`);
    if (key === 'alpha' && (value <= 0 || value >= 0.5)) {
      throw new ToleranceError(`${name}='${raw}' must be above 0 and below 0.5 (the significance level; 0.01 = 99% confidence)`);
    }
    out[key] = value;
  }
  return out;
}
