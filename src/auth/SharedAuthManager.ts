// One OAuth token for every VU of a run.
//
// k6 VUs are isolated runtimes, so a module-level cache is per VU. The run's token therefore lives in the
// token broker (tools/token-broker), a loopback process the runner starts: setup() takes the first token
// from it and hands it to every VU in setup data; a VU whose copy nears expiry, or is rejected with 401,
// asks the broker, which refreshes once for everyone. Run bare (no broker), each VU refreshes its own copy
// from the token endpoint: bounded by VUs x token lifetimes, documented in docs/architecture.md.
import http from 'k6/http';
import encoding from 'k6/encoding';
import exec from 'k6/execution';
import { Counter, Trend } from 'k6/metrics';
import type { SuiteConfig } from '../config.ts';
import { askBrokerAtMs, effectiveMarginMs } from './token-timing.ts';

export const tokenRequests = new Counter('token_requests');
export const tokenRequestDuration = new Trend('token_request_duration', true);

/** What setup() passes to the VUs. Scrubbed from every summary by handleSummary. */
export interface AuthSnapshot {
  accessToken: string;
  expiresAtMs: number;
  lifetimeSeconds: number;
  generation: number;
}

type AuthSettings = Pick<SuiteConfig, 'oauthTokenUrl' | 'clientId' | 'clientSecret' | 'tokenBrokerUrl' | 'tokenBrokerKey' | 'tokenRefreshMarginSeconds'>;

const AUX_TAGS = { name: 'token', api: 'token' };

function stop(message: string): never {
  exec.test.abort(message);
  throw new Error(message); // not reached: abort ends the iteration
}

function fromBroker(settings: AuthSettings, path: string, body?: string): AuthSnapshot {
  const params = {
    headers: { 'X-Broker-Key': settings.tokenBrokerKey, 'Content-Type': 'application/json' },
    tags: { name: 'token-broker', api: 'broker' },
    responseCallback: http.expectedStatuses(200),
  };
  const url = `${settings.tokenBrokerUrl}${path}`;
  const res = body === undefined ? http.get(url, params) : http.post(url, body, params);
  if (res.status !== 200) {
    const detail = typeof res.body === 'string' ? res.body : '';
    stop(`token broker at ${settings.tokenBrokerUrl} could not provide a token (HTTP ${res.status}): ${detail}`);
  }
  const json = res.json() as { access_token: string; expires_at_ms: number; generation: number; fetched_ms: number | null };
  if (json.fetched_ms !== null) {
    tokenRequests.add(1);
    tokenRequestDuration.add(json.fetched_ms);
  }
  const lifetimeSeconds = Math.max(1, Math.round((json.expires_at_ms - Date.now()) / 1000));
  return { accessToken: json.access_token, expiresAtMs: json.expires_at_ms, lifetimeSeconds, generation: json.generation };
}

function fromTokenEndpoint(settings: AuthSettings, generation: number): AuthSnapshot {
  if (!settings.clientId || !settings.clientSecret) {
    stop('CLIENT_ID and CLIENT_SECRET are not set and no TOKEN_BROKER_URL is given: nothing to authenticate with');
  }
  const basic = encoding.b64encode(`${settings.clientId}:${settings.clientSecret}`);
  const res = http.post(settings.oauthTokenUrl, { grant_type: 'client_credentials' }, {
    headers: { Authorization: `Basic ${basic}` },
    tags: AUX_TAGS,
    responseCallback: http.expectedStatuses(200),
  });
  tokenRequests.add(1);
  tokenRequestDuration.add(res.timings.duration);
  if (res.status !== 200) {
    // Bad credentials do not get better by retrying: stop the test with the reason.
    stop(`token endpoint ${settings.oauthTokenUrl} refused the client credentials (HTTP ${res.status})`);
  }
  const json = res.json() as { access_token: string; expires_in?: number };
  const lifetimeSeconds = Number(json.expires_in) > 0 ? Number(json.expires_in) : 1800;
  return { accessToken: json.access_token, expiresAtMs: Date.now() + lifetimeSeconds * 1000, lifetimeSeconds, generation };
}

export class SharedAuthManager {
  private token!: AuthSnapshot;
  /** When this VU next asks the broker: half the refresh margin before expiry (see token-timing.ts). */
  private askAtMs = 0;
  /** Request headers for the current token, built once per token: the hot path allocates nothing. */
  private plainHeaders: Record<string, string> = {};
  private jsonHeaders: Record<string, string> = {};

  constructor(private readonly settings: AuthSettings, initial: AuthSnapshot) {
    this.use(initial);
  }

  /** In setup(): the run's first token, from the broker when there is one. */
  static obtainForSetup(settings: AuthSettings): AuthSnapshot {
    return settings.tokenBrokerUrl ? fromBroker(settings, '/token') : fromTokenEndpoint(settings, 1);
  }

  /** Headers carrying the current token, renewed first when it nears expiry. */
  headers(withJsonBody: boolean): Record<string, string> {
    const now = Date.now();
    if (now >= this.askAtMs) {
      const before = this.token.generation;
      this.renew(false);
      // The broker handed back the same token (its refresh failed): ask again in a second, not at once.
      if (this.token.generation === before) this.askAtMs = now + 1000;
    }
    return withJsonBody ? this.jsonHeaders : this.plainHeaders;
  }

  private use(token: AuthSnapshot): void {
    this.token = token;
    const margin = effectiveMarginMs(this.settings.tokenRefreshMarginSeconds, token.lifetimeSeconds);
    this.askAtMs = askBrokerAtMs(token, margin);
    const authorization = `Bearer ${token.accessToken}`;
    this.plainHeaders = { Authorization: authorization };
    this.jsonHeaders = { Authorization: authorization, 'Content-Type': 'application/json' };
  }

  get generation(): number {
    return this.token.generation;
  }

  /** A data call answered 401 with the token of `generation`: get a fresh one (once per burst, via the broker). */
  tokenRejected(generation: number): void {
    if (generation === this.token.generation) this.renew(true);
  }

  private renew(rejected: boolean): void {
    if (!this.settings.tokenBrokerUrl) {
      this.use(fromTokenEndpoint(this.settings, this.token.generation + 1));
    } else if (rejected) {
      this.use(fromBroker(this.settings, '/token/refresh', JSON.stringify({ generation: this.token.generation })));
    } else {
      this.use(fromBroker(this.settings, '/token'));
    }
  }
}
