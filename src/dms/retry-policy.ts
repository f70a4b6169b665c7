// Which responses a DMS call retries, and how. Pure: unit-tested under Node.

export type RetryReason = 'rate-limited' | 'unavailable' | 'breaker' | 'network' | 'dependency' | 'server-error';

export type RetryDecision =
  | { kind: 'done' }
  | { kind: 'renew-token' }
  /** `wait` is the 1-based number of this wait for this reason: it sets the backoff's exponent. */
  | { kind: 'wait-and-retry'; reason: RetryReason; wait: number };

export interface AttemptState {
  renewedToken: boolean;
  /** Waits already made for each reason during this logical request. */
  waits: Partial<Record<RetryReason, number>>;
}

/**
 * Each reason has its own budget of waits, so one kind of trouble does not use up the patience for another:
 * a document that waited out its prerequisite and then meets a rate limiter still waits out the limiter.
 * Bounded all the same: at most the sum of the budgets, plus one token renewal.
 */
export const MAX_WAITS = 3;
/** The load phase must create every document, so it waits longer (still bounded) before giving up. */
export const MAX_LOADING_WAITS = 9;
/**
 * Dependency waits start short (see backoffBaseMs) and so need more of them to be as patient: about 50 s
 * at most, enough for a prerequisite that is itself waiting out a 429.
 */
export const MAX_DEPENDENCY_WAITS = 13;

/**
 * 401: renew the token once and retry once. 429/503: wait (Retry-After) and retry. Status 0 (connection
 * dropped): retry, as every call the suite makes is idempotent (POST is an upsert in DMS).
 * While loading (`loading`): a 409 unresolved-reference means a prerequisite written by another VU may still
 * be in flight, and a 500 is retried too (DMS answers 500 after exhausting its own deadlock retries), so a
 * transient failure does not leave a hole in the data set.
 */
export function decideRetry(status: number, state: AttemptState, loading: boolean, problemType = '', retryAfterSeconds?: number): RetryDecision {
  if (status === 401) return state.renewedToken ? { kind: 'done' } : { kind: 'renew-token' };
  // An open circuit breaker (DMS: 503 with Retry-After: 30 for its break) is waited out once, on a budget of
  // its own: the break is a stall of the whole DMS, not this request's failure. A 503 that follows the
  // wait is an ordinary 'unavailable' one.
  if (status === 503 && isBreakerWait(retryAfterSeconds) && (state.waits.breaker ?? 0) === 0) {
    return { kind: 'wait-and-retry', reason: 'breaker', wait: 1 };
  }
  const reason = retryReason(status, loading, problemType);
  if (reason === undefined) return { kind: 'done' };
  const budget = reason === 'dependency' ? MAX_DEPENDENCY_WAITS : loading ? MAX_LOADING_WAITS : MAX_WAITS;
  const wait = (state.waits[reason] ?? 0) + 1;
  return wait > budget ? { kind: 'done' } : { kind: 'wait-and-retry', reason, wait };
}

/**
 * A 503 whose Retry-After is this long (s) or longer is a circuit breaker's break, not a passing overload:
 * DMS's breaker sends its whole break (30 s by default, CircuitBreaker BreakDuration in appsettings).
 */
export const BREAKER_RETRY_AFTER_SECONDS = 5;

export function isBreakerWait(retryAfterSeconds: number | undefined): boolean {
  return retryAfterSeconds !== undefined && retryAfterSeconds >= BREAKER_RETRY_AFTER_SECONDS;
}

/** Notes a wait about to be made, so the next decision sees it (and a budget runs out). */
export function recordWait(state: AttemptState, decision: { reason: RetryReason; wait: number }): void {
  state.waits[decision.reason] = decision.wait;
}

function retryReason(status: number, loading: boolean, problemType: string): RetryReason | undefined {
  if (status === 429) return 'rate-limited';
  if (status === 503) return 'unavailable';
  if (status === 0) return 'network';
  if (!loading) return undefined;
  if (status === 409 && problemType.endsWith('unresolved-reference')) return 'dependency';
  if (status === 500) return 'server-error';
  return undefined;
}

/**
 * Without Retry-After, a server that is rate limiting or unavailable gets waits on the scale of its window
 * (DMS up to 8.0 answers 429 with no Retry-After and a 10 s window). A missing prerequisite is a write
 * another VU has in flight, so that wait starts at about one write's latency and doubles: a long first
 * wait idled most VUs at every kind boundary of the work list. Other failures start at 200 ms.
 */
export function backoffBaseMs(reason: RetryReason): number {
  if (reason === 'rate-limited' || reason === 'unavailable' || reason === 'breaker') return 1000;
  return reason === 'dependency' ? 20 : 200;
}
