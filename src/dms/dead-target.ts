// Tells a target that stopped answering from one that stumbles: k6 VUs share no memory, so each VU watches
// its own requests, and since every VU meets the same dead target, the first to reach the budget stops the
// test for all. Pure: unit-tested under Node with a fake clock.

/**
 * A target that gave nothing but connection failures (refused, reset, timed out: k6 status 0) for this long,
 * over at least DEAD_TARGET_MIN_FAILURES requests in a row of one VU, is taken for dead: the phase ends
 * with that diagnosis instead of spending minutes of retries (a DMS restart that takes longer than this is
 * an outage the run should report, not hide).
 */
export const DEAD_TARGET_SECONDS = 20;
export const DEAD_TARGET_MIN_FAILURES = 5;

export class DeadTargetWatch {
  /** When the current run of connection failures began (ms since the epoch); 0 while the target answers. */
  failingSinceMs = 0;
  private failures = 0;

  /** The target answered (any HTTP status): the run of failures is over. */
  answered(): void {
    this.failingSinceMs = 0;
    this.failures = 0;
  }

  /** A connection failure at `nowMs`; true when the target is now taken for dead. */
  failed(nowMs: number): boolean {
    if (this.failingSinceMs === 0) this.failingSinceMs = nowMs;
    this.failures++;
    return this.failures >= DEAD_TARGET_MIN_FAILURES && nowMs - this.failingSinceMs >= DEAD_TARGET_SECONDS * 1000;
  }

  /**
   * A request gave up on connection failures (its retries ran out): when they were the last
   * DEAD_TARGET_MIN_FAILURES or more answers in a row, the target is dead whatever the time budget says.
   * Retries with jitter can run out before DEAD_TARGET_SECONDS; the diagnosis must not depend on that draw.
   */
  gaveUp(): boolean {
    return this.failures >= DEAD_TARGET_MIN_FAILURES;
  }

  /** Connection failures in a row so far. */
  get count(): number {
    return this.failures;
  }
}

/** The abort message: which target, what the connection said, since when (UTC, HH:MM:SS), how often. */
export function deadTargetMessage(url: string, error: string, sinceMs: number, failures: number, nowMs = Date.now()): string {
  const since = new Date(sinceMs).toISOString().slice(11, 19);
  const seconds = Math.round((nowMs - sinceMs) / 1000);
  return (
    `DMS at ${url} stopped answering (${error || 'no connection'} since ${since} UTC: ${failures} connection failures in a row over ${seconds} s); ` +
    'the phase ends here and later phases are skipped. Check that the DMS (and its database) is running, then run again'
  );
}
