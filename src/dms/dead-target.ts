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
}

/** The abort message: which target, what the connection said, since when (UTC, HH:MM:SS). */
export function deadTargetMessage(url: string, error: string, sinceMs: number): string {
  const since = new Date(sinceMs).toISOString().slice(11, 19);
  return (
    `DMS at ${url} stopped answering (${error || 'no connection'} since ${since} UTC, ${DEAD_TARGET_SECONDS} s and more of nothing but connection failures); ` +
    'the phase ends here and later phases are skipped. Check that the DMS (and its database) is running, then run again'
  );
}
