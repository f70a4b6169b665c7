// /_sim/*: stats, reset and faults for tests. Never rate limited, faulted or counted.

import type { Ctx } from './http-io.ts';
import { readBody, send, sendJson } from './http-io.ts';
import type { SimState } from './state.ts';
import { resetState } from './state.ts';
import { currentFaults, parseFaultPatch } from './faults.ts';
import type { FaultSettings } from './options.ts';

export interface SimStats {
  tokens: { issuedByClient: Record<string, number>; activeByClient: Record<string, number>; active: number; rejectedByCap: number };
  requests: { total: number; byMethodRouteStatus: Record<string, number> };
  documents: Record<string, number>;
  /** The breaker fault: how often it opened since the start or the last reset, and whether it is open now. */
  breaker: { opened: number; open: boolean };
}

export function statsOf(state: SimState): SimStats {
  return { tokens: state.tokens.snapshot(), requests: state.counter.snapshot(), documents: state.store.counts(), breaker: state.breaker.snapshot() };
}

/** Merges a validated patch; a rate-limit change starts fresh windows. */
export function applyFaults(state: SimState, patch: Partial<FaultSettings>): FaultSettings {
  Object.assign(state.settings, patch);
  if ('rateLimitPermits' in patch || 'rateLimitWindowSeconds' in patch) state.limiter.clear();
  if ('nonJsonRate' in patch) state.nonJson.clear();
  if ('outageAfterCalls' in patch || 'outageCalls' in patch) state.outage.clear();
  return currentFaults(state.settings);
}

export async function handleSimApi(ctx: Ctx, state: SimState): Promise<void> {
  const route = `${ctx.method} ${ctx.path.replace(/\/+$/, '')}`;
  switch (route) {
    case 'GET /_sim/stats':
      return sendJson(ctx, 200, statsOf(state));
    case 'POST /_sim/reset':
      resetState(state);
      return send(ctx, 204, {});
    case 'GET /_sim/faults':
      return sendJson(ctx, 200, currentFaults(state.settings));
    case 'POST /_sim/faults': {
      const body = await readBody(ctx.req);
      let value: unknown;
      try {
        value = body.ok ? JSON.parse(body.text) : undefined;
      } catch {
        value = undefined;
      }
      const parsed = parseFaultPatch(value);
      if (!parsed.ok) return sendJson(ctx, 400, { error: 'invalid-faults', detail: parsed.detail });
      return sendJson(ctx, 200, applyFaults(state, parsed.patch));
    }
    case 'POST /_sim/faults/revoke-tokens':
      return sendJson(ctx, 200, { revoked: state.tokens.revokeAll() });
    default:
      return sendJson(ctx, 404, {
        error: 'not-found',
        detail: 'Known: GET /_sim/stats, POST /_sim/reset, GET|POST /_sim/faults, POST /_sim/faults/revoke-tokens.',
      });
  }
}
