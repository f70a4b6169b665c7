// Holds the one token of a run. Fetches lazily, renews ahead of expiry in the background when first asked
// inside the renewal window (callers keep getting the still-valid token meanwhile, so a slow token endpoint
// never stalls the VUs), and never runs two fetches at once, so a crowd of VUs asking together causes a
// single request to the token endpoint.
import { backoffMs, brokerShouldRefresh, effectiveMarginMs, parseRetryAfter } from '../../src/auth/token-timing.ts';
import { httpRequest, networkReason, type HttpAnswer } from '../../scripts/lib/node/http-client.ts';

export interface Token {
  accessToken: string;
  expiresAtMs: number;
  issuedAtMs: number;
  generation: number;
}

export interface TokenSourceOptions {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  marginSeconds: number;
  /** Extra tries for a 401 on the very first request (a client created seconds ago may not be usable yet). */
  initialRetries?: number;
  now?: () => number;
  /** The token request; default: node:http(s) (scripts/lib/node/http-client.ts), as fetch refuses some ports. */
  fetchImpl?: (url: string, init: { method: string; headers: Record<string, string>; body: string; timeoutMs: number }) => Promise<HttpAnswer | Response>;
  sleep?: (ms: number) => Promise<void>;
}

/** A token with less than this left is no longer handed out while a renewal runs: callers wait for the new one. */
const MIN_USABLE_MS = 1000;

/** The token endpoint refused the credentials: retrying cannot help. */
export class CredentialsRejected extends Error {}
/** The token endpoint could not be reached or failed. */
export class TokenEndpointFailed extends Error {}
/** DMS's cap of active tokens per client is reached (8.1: 429 too-many-tokens): final, like a refusal. */
export class TokenCapReached extends CredentialsRejected {}
/** DMS keeps rejecting tokens it has just issued: minting more would only reach the token cap. */
export class TokensRejected extends CredentialsRejected {}

const MAX_ATTEMPTS = 3;
/** A token rejected younger than this counts as "rejected fresh"; this many in a row end the run. */
const FRESH_MS = 30_000;
const MAX_FRESH_REJECTIONS = 3;

export class TokenSource {
  private current: Token | undefined;
  private inflight: Promise<Token> | undefined;
  private lifetimeSeconds = 0;
  private unreportedFetchMs: number | null = null;
  private credentialsRejected: CredentialsRejected | undefined;
  /** After a failed refresh while the token is still valid: no new fetch before this time. */
  private retryAtMs = 0;
  private consecutiveFailures = 0;
  private freshRejections = 0;
  readonly stats = {
    tokensFetched: 0,
    fetchFailures: 0,
    lastError: null as string | null,
    fetchDurationsMs: [] as number[],
    /** How long before expiry the broker renews (ms): the margin, or more when the endpoint is slow. */
    renewAheadMs: 0,
    /** Asks that had to wait for a token request although a token had been issued before (a stall). */
    stalledAsks: 0,
    /** Set when a token request took longer than half the margin: the broker then renews earlier. */
    slowEndpointWarning: null as string | null,
  };

  constructor(private readonly options: TokenSourceOptions) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /**
   * The current token. Inside the renewal window a still-valid token is returned at once while the renewal
   * runs in the background; only a caller with no usable token (none yet, or less than a second left) waits.
   */
  async get(): Promise<Token> {
    if (this.credentialsRejected) throw this.credentialsRejected;
    const now = this.now();
    const current = this.current;
    if (current && !brokerShouldRefresh(current, now, this.renewAheadMs())) return current;
    if (current && current.expiresAtMs - now >= MIN_USABLE_MS) {
      // The last renewal failed: keep serving the valid token until its backoff ends, one fetch per backoff.
      if (now >= this.retryAtMs) this.renewInBackground();
      return current;
    }
    if (current) this.stats.stalledAsks++;
    return this.refresh();
  }

  /** Resolves when no fetch is under way (tests, and a clean shutdown). */
  async idle(): Promise<void> {
    await this.inflight?.catch(() => undefined);
  }

  /** A caller saw a 401 with generation n: refresh only if n is still current (one refresh per burst). */
  async refreshIfCurrent(generation: number): Promise<Token> {
    if (this.credentialsRejected) throw this.credentialsRejected;
    if (this.current && this.current.generation !== generation) return this.current;
    if (this.inflight) return this.inflight; // the rest of a burst joins the refresh already under way
    if (this.current && this.now() - this.current.issuedAtMs < FRESH_MS) {
      if (++this.freshRejections >= MAX_FRESH_REJECTIONS) {
        this.credentialsRejected = new TokensRejected(
          `DMS rejected ${this.freshRejections} tokens in a row within seconds of issuing them: check that OAUTH_TOKEN_URL belongs to this DMS (issuer/audience) and the clocks agree`,
        );
        throw this.credentialsRejected;
      }
    } else {
      this.freshRejections = 0;
    }
    return this.refresh(true);
  }

  /** Latency of a fetch no caller has been told about yet; reported exactly once. */
  takeUnreportedFetchMs(): number | null {
    const value = this.unreportedFetchMs;
    this.unreportedFetchMs = null;
    return value;
  }

  private marginMs(): number {
    return effectiveMarginMs(this.options.marginSeconds, this.lifetimeSeconds);
  }

  /**
   * How long before expiry to renew (ms): the margin, or twice the slowest recent token request when that is
   * longer (a slow endpoint must still deliver before the old token expires), at most half the lifetime.
   */
  private renewAheadMs(): number {
    const recent = this.stats.fetchDurationsMs.slice(-3);
    const slowest = recent.length > 0 ? Math.max(...recent) : 0;
    return Math.min(Math.max(this.marginMs(), 2 * slowest), (this.lifetimeSeconds * 1000) / 2);
  }

  /** Starts a renewal nobody waits for; its failure is recorded in stats and retried after a backoff. */
  private renewInBackground(): void {
    if (this.inflight || this.credentialsRejected) return;
    this.refresh().catch(() => undefined);
  }

  /**
   * When callers should ask for a renewed token (ms since the epoch): the renewal window's start. The VUs
   * ask then (SharedAuthManager), and the first ask starts the renewal: no timer mints tokens nobody uses.
   */
  renewAtMs(token: Token): number {
    return token.expiresAtMs - this.renewAheadMs();
  }

  private refresh(force = false): Promise<Token> {
    if (this.credentialsRejected) return Promise.reject(this.credentialsRejected);
    if (!this.inflight) {
      this.inflight = this.fetchWithRetries(force).finally(() => {
        this.inflight = undefined;
      });
    }
    return this.inflight;
  }

  private async fetchWithRetries(force: boolean): Promise<Token> {
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    let unauthorizedLeft = this.stats.tokensFetched === 0 ? this.options.initialRetries ?? 0 : 0;
    for (let attempt = 1; ; attempt++) {
      try {
        const token = await this.fetchOnce();
        this.consecutiveFailures = 0;
        return token;
      } catch (error) {
        this.stats.fetchFailures++;
        this.consecutiveFailures++;
        this.stats.lastError = (error as Error).message;
        if (error instanceof CredentialsRejected && unauthorizedLeft-- > 0) {
          await sleep(500);
          continue;
        }
        if (error instanceof CredentialsRejected) {
          this.credentialsRejected = error;
          throw error;
        }
        const retryAfter = error instanceof RetryableStatus ? error.retryAfterSeconds : undefined;
        // A token that is still valid is better than none while the endpoint recovers; ask it again later.
        if (!force && this.current && this.current.expiresAtMs > this.now()) {
          this.retryAtMs = this.now() + backoffMs(this.consecutiveFailures, retryAfter, Math.random);
          return this.current;
        }
        if (attempt >= MAX_ATTEMPTS) throw error;
        await sleep(backoffMs(attempt, retryAfter, Math.random));
      }
    }
  }

  private async fetchOnce(): Promise<Token> {
    const { tokenUrl, clientId, clientSecret } = this.options;
    const started = this.now();
    let response: HttpAnswer | Response;
    try {
      response = await (this.options.fetchImpl ?? httpRequest)(tokenUrl, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${formEncode(clientId)}:${formEncode(clientSecret)}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials',
        timeoutMs: 30_000,
      });
    } catch (error) {
      throw new TokenEndpointFailed(`token endpoint ${tokenUrl} unreachable: ${networkReason(error)}`);
    }
    const elapsed = this.now() - started;
    const body = await response.text();
    if (response.status === 401 || response.status === 400 || response.status === 403) {
      throw new CredentialsRejected(
        `token endpoint ${tokenUrl} refused the client credentials (HTTP ${response.status}): ${summarise(body)}`,
      );
    }
    // DMS 8.1 caps active tokens per client (15) and answers 429 too-many-tokens with no Retry-After: a slot
    // frees only when a token of this client expires (30 min), so retrying cannot help.
    if (response.status === 429 && /too-many-tokens/.test(body)) {
      throw new TokenCapReached(
        `token endpoint ${tokenUrl} answered 429 too-many-tokens: DMS's cap of active tokens for this client is reached, so other runs or tools hold tokens of it; ` +
          `they free up as they expire (30 min in DMS). Wait, stop the other users of this client, or use another client: ${summarise(body)}`,
      );
    }
    if (response.status === 429 || response.status >= 500) {
      throw new RetryableStatus(
        `token endpoint ${tokenUrl} answered HTTP ${response.status}: ${summarise(body)}`,
        parseRetryAfter(response.headers.get('retry-after') ?? undefined, this.now()),
      );
    }
    const parsed = parseTokenBody(body);
    if (response.status !== 200 || !parsed) {
      throw new TokenEndpointFailed(`token endpoint ${tokenUrl} answered HTTP ${response.status} without a token`);
    }
    this.lifetimeSeconds = parsed.expiresIn;
    this.current = {
      accessToken: parsed.accessToken,
      expiresAtMs: this.now() + parsed.expiresIn * 1000,
      issuedAtMs: this.now(),
      generation: (this.current?.generation ?? 0) + 1,
    };
    this.stats.tokensFetched++;
    this.stats.fetchDurationsMs.push(elapsed);
    this.unreportedFetchMs = elapsed;
    if (2 * elapsed > this.marginMs()) {
      this.stats.slowEndpointWarning =
        `the token endpoint took ${(elapsed / 1000).toFixed(1)} s, more than half the renewal margin of ${(this.marginMs() / 1000).toFixed(1)} s; ` +
        `the broker renews ${(this.renewAheadMs() / 1000).toFixed(1)} s ahead of expiry instead (raise TOKEN_REFRESH_MARGIN_SECONDS, or make the token endpoint faster)`;
    }
    this.stats.renewAheadMs = this.renewAheadMs();
    return this.current;
  }
}

class RetryableStatus extends TokenEndpointFailed {
  constructor(message: string, readonly retryAfterSeconds: number | undefined) {
    super(message);
  }
}

/** RFC 6749 §2.3.1: id and secret are escaped before Basic auth; DMS unescapes each (Uri.UnescapeDataString). */
function formEncode(value: string): string {
  return encodeURIComponent(value);
}

function parseTokenBody(body: string): { accessToken: string; expiresIn: number } | undefined {
  try {
    const json = JSON.parse(body) as { access_token?: unknown; expires_in?: unknown };
    if (typeof json.access_token !== 'string' || json.access_token === '') return undefined;
    const expiresIn = Number(json.expires_in);
    return { accessToken: json.access_token, expiresIn: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 1800 };
  } catch {
    return undefined;
  }
}

/** The first part of an error body, on one line: enough to diagnose, never a whole page. */
function summarise(body: string): string {
  const oneLine = body.replace(/\s+/g, ' ').trim();
  return oneLine.length > 300 ? `${oneLine.slice(0, 300)}…` : oneLine || '(empty body)';
}
