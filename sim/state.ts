// Everything the handlers share. One instance per started stand-in.

import type { SimOptions } from './options.ts';
import { TokenStore } from './tokens.ts';
import { ClientRegistry } from './clients.ts';
import { DocumentStore } from './store.ts';
import { RequestCounter } from './stats.ts';
import { RateLimiter } from './rate-limit.ts';
import { CircuitBreaker } from './breaker.ts';
import { EvenShare } from './faults.ts';

export interface SimState {
  /** Resolved options; the fault and rate-limit fields change at runtime through /_sim/faults. */
  settings: SimOptions;
  tokens: TokenStore;
  clients: ClientRegistry;
  store: DocumentStore;
  counter: RequestCounter;
  limiter: RateLimiter;
  breaker: CircuitBreaker;
  /** Which data GETs the nonJsonRate fault answers with a login page. */
  nonJson: EvenShare;
}

export function createState(settings: SimOptions): SimState {
  return {
    settings,
    tokens: new TokenStore(settings, settings.clock),
    clients: new ClientRegistry(settings),
    store: new DocumentStore(settings.clock),
    counter: new RequestCounter(),
    limiter: new RateLimiter(settings, settings.clock),
    breaker: new CircuitBreaker(settings.clock),
    nonJson: new EvenShare(),
  };
}

/** /_sim/reset: documents, tokens and counters go; vendors, applications and faults stay. */
export function resetState(state: SimState): void {
  state.store.clear();
  state.tokens.clear();
  state.counter.clear();
  state.limiter.clear();
  state.breaker.clear();
  state.nonJson.clear();
}
