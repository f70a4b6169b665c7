// Pure timing decisions for the shared token and for retries. No k6 imports: unit-tested with a fake clock.

export interface TokenState {
  expiresAtMs: number;
}

/**
 * The margin actually used: the configured one, but never more than a quarter of the token's lifetime,
 * so a short-lived token (20 s in tests) is still used for most of its life.
 */
export function effectiveMarginMs(configuredMarginSeconds: number, lifetimeSeconds: number): number {
  return Math.min(configuredMarginSeconds, lifetimeSeconds / 4) * 1000;
}

/** The broker refreshes once the token has less than the margin left. */
export function brokerShouldRefresh(token: TokenState | undefined, nowMs: number, marginMs: number): boolean {
  return token === undefined || nowMs >= token.expiresAtMs - marginMs;
}

/**
 * A VU asks the broker for a newer token when its copy has less than half the margin left. Half, so the
 * broker (which refreshes at the full margin) has always refreshed by then: N VUs asking cause one refresh.
 */
export function vuShouldAskBroker(token: TokenState, nowMs: number, marginMs: number): boolean {
  return nowMs >= askBrokerAtMs(token, marginMs);
}

/** The moment vuShouldAskBroker turns true, so a VU compares one number per request. */
export function askBrokerAtMs(token: TokenState, marginMs: number): number {
  return token.expiresAtMs - marginMs / 2;
}

/** Upper bound of tokens a run may request: ceil(run / (lifetime - margin)) + 1, whatever the VU count. */
export function maxTokensForRun(runSeconds: number, lifetimeSeconds: number, marginSeconds: number): number {
  const usable = lifetimeSeconds - Math.min(marginSeconds, lifetimeSeconds / 4);
  return Math.ceil(runSeconds / usable) + 1;
}

export interface BackoffPolicy {
  baseMs: number;
  /** Cap of our own exponential backoff. */
  maxMs: number;
  /** Cap of a server's Retry-After (a circuit breaker says 30 s): never retry before the server said. */
  maxRetryAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 200, maxMs: 10_000, maxRetryAfterMs: 60_000 };

/**
 * Delay before retry number `attempt` (1-based). A server's Retry-After wins (plus up to 20% jitter so VUs
 * do not return in lockstep), up to maxRetryAfterMs; otherwise exponential backoff with full jitter,
 * bounded by maxMs.
 */
export function backoffMs(
  attempt: number,
  retryAfterSeconds: number | undefined,
  random: () => number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
): number {
  if (retryAfterSeconds !== undefined && retryAfterSeconds >= 0) {
    const base = Math.min(retryAfterSeconds * 1000, policy.maxRetryAfterMs);
    return base + base * 0.2 * random();
  }
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
  return Math.max(1, Math.round(ceiling * random()));
}

/** Retry-After as seconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - nowMs) / 1000);
}
