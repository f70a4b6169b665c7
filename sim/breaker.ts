// The `breaker` fault mode: DMS's circuit breaker around its backend, with DMS's defaults
// (src/dms/core/EdFi.DataManagementService.Core/Configuration/CircuitBreakerSettings.cs, and the
// CircuitBreaker section of the frontend's appsettings.json): once at least MinimumThroughput = 20 data
// calls in SamplingDurationSeconds = 120 have a failure ratio of FailureRatio = 0.1 or more, it opens for
// BreakDurationSeconds = 30, and every data call, reads included, is answered 503 with Retry-After: 30,
// the whole break (Middleware/CoreExceptionLoggingMiddleware.cs). The break is a setting
// (SIM_BREAKER_BREAK_SECONDS, DMS's CircuitBreaker:BreakDurationSeconds) so tests can keep it short.
// Simplification: after the break it closes with fresh counts (Polly lets one trial call decide).

export const BREAKER_DEFAULTS = { failureRatio: 0.1, minimumThroughput: 20, samplingMs: 120_000, breakSeconds: 30 } as const;

export class CircuitBreaker {
  private outcomes: { atMs: number; failed: boolean }[] = [];
  private failures = 0;
  private openUntilMs = 0;
  /** The break (s) the breaker opened for: its Retry-After while open. */
  private breakSeconds: number = BREAKER_DEFAULTS.breakSeconds;
  /** Times it opened since the start or the last clear (GET /_sim/stats). */
  private opened = 0;

  constructor(private readonly clock: () => number) {}

  /** Retry-After seconds while open (the whole break), else 0. */
  openRetryAfter(): number {
    return this.clock() < this.openUntilMs ? this.breakSeconds : 0;
  }

  /** `{ opened, open }`: how often it opened, and whether it is open now. */
  snapshot(): { opened: number; open: boolean } {
    return { opened: this.opened, open: this.openRetryAfter() > 0 };
  }

  /**
   * Records one data call that reached the backend; opens the breaker for `breakSeconds` (default DMS's
   * 30) when the ratio is reached.
   */
  record(failed: boolean, breakSeconds: number = BREAKER_DEFAULTS.breakSeconds): void {
    const now = this.clock();
    this.outcomes.push({ atMs: now, failed });
    if (failed) this.failures++;
    let drop = 0;
    while (drop < this.outcomes.length && this.outcomes[drop].atMs <= now - BREAKER_DEFAULTS.samplingMs) {
      if (this.outcomes[drop].failed) this.failures--;
      drop++;
    }
    if (drop > 0) this.outcomes.splice(0, drop);
    const n = this.outcomes.length;
    if (n >= BREAKER_DEFAULTS.minimumThroughput && this.failures / n >= BREAKER_DEFAULTS.failureRatio) {
      this.breakSeconds = breakSeconds;
      this.openUntilMs = now + breakSeconds * 1000;
      this.opened++;
      this.clear(false);
    }
  }

  /** Forgets the sampled calls; `closeToo` (/_sim/reset) also closes it and zeroes the opened count. */
  clear(closeToo = true): void {
    this.outcomes = [];
    this.failures = 0;
    if (closeToo) {
      this.openUntilMs = 0;
      this.opened = 0;
    }
  }
}
