// One OAuth token for every VU of a run.
//
// k6 VUs are isolated runtimes, so a module-level cache is per VU. The run's token therefore lives in the
// token broker (tools/token-broker), a loopback process the runner starts: each VU takes the current token
// from it on first use (never through setup data, which k6's REST API serves to anyone at /v1/setup); a VU
// whose copy nears expiry, or is rejected with 401, asks the broker, which refreshes once for everyone.
// Run bare (no broker), setup() fetches one token for all VUs and each VU refreshes its own copy from the
// token endpoint: bounded by VUs x token lifetimes, documented in docs/architecture.md.
import http from 'k6/http';
import encoding from 'k6/encoding';
import { sleep } from 'k6';
import { Counter, Trend } from 'k6/metrics';
import type { SuiteConfig } from '../config.ts';
import { abort } from '../phase/abort.ts';
import { askBrokerAtMs, backoffMs, effectiveMarginMs, parseRetryAfter } from './token-timing.ts';

export const tokenRequests = new Counter('token_requests');
export const tokenRequestDuration = new Trend('token_request_duration', true);

/** What setup() passes to the VUs. Scrubbed from every summary by handleSummary. */
export interface AuthSnapshot {
  accessToken: string;
  expiresAtMs: number;
  lifetimeSeconds: number;
  generation: number;
  /** From the broker: ask for a renewed token from this time on (ms since the epoch). */
  renewAtMs?: number;
}

type AuthSettings = Pick<SuiteConfig, 'oauthTokenUrl' | 'clientId' | 'clientSecret' | 'tokenBrokerUrl' | 'tokenBrokerKey' | 'tokenRefreshMarginSeconds'>;

const AUX_TAGS = { name: 'token', api: 'token' };

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
    abort(`token broker at ${settings.tokenBrokerUrl} could not provide a token (HTTP ${res.status}): ${detail}`);
  }
  const json = res.json() as { access_token: string; expires_at_ms: number; renew_at_ms?: number; generation: number; fetched_ms: number | null };
  if (json.fetched_ms !== null) {
    tokenRequests.add(1);
    tokenRequestDuration.add(json.fetched_ms);
  }
  const lifetimeSeconds = Math.max(1, Math.round((json.expires_at_ms - Date.now()) / 1000));
  return { accessToken: json.access_token, expiresAtMs: json.expires_at_ms, lifetimeSeconds, generation: json.generation, renewAtMs: json.renew_at_ms };
}

const TOKEN_ATTEMPTS = 3;

function fromTokenEndpoint(settings: AuthSettings, generation: number): AuthSnapshot {
  if (!settings.clientId || !settings.clientSecret) {
    abort('CLIENT_ID and CLIENT_SECRET are not set and no TOKEN_BROKER_URL is given: nothing to authenticate with');
  }
  // RFC 6749 §2.3.1: escaped before Basic auth; DMS unescapes each part.
  const basic = encoding.b64encode(`${encodeURIComponent(settings.clientId)}:${encodeURIComponent(settings.clientSecret)}`);
  for (let attempt = 1; ; attempt++) {
    const res = http.post(settings.oauthTokenUrl, { grant_type: 'client_credentials' }, {
      headers: { Authorization: `Basic ${basic}` },
      tags: AUX_TAGS,
      responseCallback: http.expectedStatuses(200),
    });
    tokenRequests.add(1);
    tokenRequestDuration.add(res.timings.duration);
    if (res.status === 200) {
      const json = res.json() as { access_token: string; expires_in?: number };
      const lifetimeSeconds = Number(json.expires_in) > 0 ? Number(json.expires_in) : 1800;
      return { accessToken: json.access_token, expiresAtMs: Date.now() + lifetimeSeconds * 1000, lifetimeSeconds, generation };
    }
    if (res.status === 400 || res.status === 401 || res.status === 403) {
      // Bad credentials do not get better by retrying: stop the test with the reason.
      abort(`token endpoint ${settings.oauthTokenUrl} refused the client credentials (HTTP ${res.status})`);
    }
    if (attempt >= TOKEN_ATTEMPTS) {
      abort(`token endpoint ${settings.oauthTokenUrl} failed ${attempt} times (last HTTP ${res.status}); a 429 may be DMS's cap of active tokens per client: run through run-load-test.sh (see docs/troubleshooting.md)`);
    }
    const retryAfter = parseRetryAfter(res.headers['Retry-After'] ?? res.headers['retry-after'], Date.now());
    sleep(backoffMs(attempt, retryAfter, Math.random, { baseMs: 1000, maxMs: 10_000, maxRetryAfterMs: 60_000 }) / 1000);
  }
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

  /** The current token: from the broker when there is one, else straight from the token endpoint. */
  static obtain(settings: AuthSettings): AuthSnapshot {
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
    // The broker's renewal window may open earlier than half the margin (a slow token endpoint): ask then.
    this.askAtMs = Math.min(askBrokerAtMs(token, margin), token.renewAtMs ?? Infinity);
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
