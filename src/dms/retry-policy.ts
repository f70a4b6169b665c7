// Which responses a DMS call retries, and how. Pure: unit-tested under Node.

export type RetryDecision =
  | { kind: 'done' }
  | { kind: 'renew-token' }
  | { kind: 'wait-and-retry'; reason: 'rate-limited' | 'unavailable' | 'network' | 'dependency' | 'server-error' };

export interface AttemptState {
  attempt: number; // 1-based number of the attempt just made
  renewedToken: boolean;
}

/** Bounded: at most this many attempts per logical request, whatever goes wrong. */
export const MAX_ATTEMPTS = 4;
/** Waiting for a prerequisite another VU is still writing gets a longer, still bounded, budget. */
export const MAX_DEPENDENCY_ATTEMPTS = 10;

/**
 * 401: renew the token once and retry once. 429/503: wait (Retry-After) and retry. Status 0 (connection
 * dropped): retry, as every call the suite makes is idempotent (POST is an upsert in DMS).
 * While loading (`loading`): a 409 unresolved-reference means a prerequisite written by another VU may still
 * be in flight, and a 500 is retried too (DMS answers 500 after exhausting its own deadlock retries), so a
 * transient failure does not leave a hole in the data set. Both still count as failed requests.
 */
export function decideRetry(status: number, state: AttemptState, loading: boolean, problemType = ''): RetryDecision {
  if (status === 401) return state.renewedToken ? { kind: 'done' } : { kind: 'renew-token' };
  if (status === 409 && loading && problemType.endsWith('unresolved-reference')) {
    return state.attempt >= MAX_DEPENDENCY_ATTEMPTS ? { kind: 'done' } : { kind: 'wait-and-retry', reason: 'dependency' };
  }
  if (state.attempt >= MAX_ATTEMPTS) return { kind: 'done' };
  if (status === 429) return { kind: 'wait-and-retry', reason: 'rate-limited' };
  if (status === 503) return { kind: 'wait-and-retry', reason: 'unavailable' };
  if (status === 0) return { kind: 'wait-and-retry', reason: 'network' };
  if (status === 500 && loading) return { kind: 'wait-and-retry', reason: 'server-error' };
  return { kind: 'done' };
}
