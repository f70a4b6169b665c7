// Everything the handlers share. One instance per started stand-in.

import type { SimOptions } from './options.ts';
import { TokenStore } from './tokens.ts';
import { ClientRegistry } from './clients.ts';
import { DocumentStore } from './store.ts';
import { RequestCounter } from './stats.ts';
import { RateLimiter } from './rate-limit.ts';
import { CircuitBreaker } from './breaker.ts';
import { EvenShare, Outage } from './faults.ts';
import { ResourceIndex } from './resource-index.ts';
import { seedSchoolYears } from './seed.ts';

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
  /** Which data calls the outage fault answers with a 500. */
  outage: Outage;
  /** The compiled resource table; the store's tables are keyed by its resources. */
  resources: ResourceIndex;
}

export function createState(settings: SimOptions): SimState {
  const state: SimState = {
    settings,
    tokens: new TokenStore(settings, settings.clock),
    clients: new ClientRegistry(settings),
    store: new DocumentStore(settings.clock),
    counter: new RequestCounter(),
    limiter: new RateLimiter(settings, settings.clock),
    breaker: new CircuitBreaker(settings.clock),
    nonJson: new EvenShare(),
    outage: new Outage(),
    resources: new ResourceIndex(),
  };
  seedDeployment(state);
  return state;
}

/** /_sim/reset: documents, tokens and counters go (then the deployment's documents come back); vendors, applications and faults stay. */
export function resetState(state: SimState): void {
  state.store.clear();
  state.tokens.clear();
  state.counter.clear();
  state.limiter.clear();
  state.breaker.clear();
  state.nonJson.clear();
  state.outage.clear();
  seedDeployment(state);
}

/**
 * With claim sets on, the stand-in starts like a deployed DMS, whose school years come from its
 * deployment (sim/seed.ts). Without them it starts empty, like the DMS its contract tests model: any
 * client may then create the school years it needs, and document counts stay the client's own.
 */
function seedDeployment(state: SimState): void {
  if (state.settings.authorization === 'claim-sets') seedSchoolYears(state.store, state.resources, state.settings.clock());
}
