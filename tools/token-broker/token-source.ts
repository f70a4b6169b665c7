// Holds the one token of a run. Fetches lazily, refreshes before expiry, and never runs two fetches at once,
// so a crowd of VUs asking together causes a single request to the token endpoint.
import { backoffMs, brokerShouldRefresh, effectiveMarginMs, parseRetryAfter } from '../../src/auth/token-timing.ts';

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
  fetchImpl?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

/** The token endpoint refused the credentials: retrying cannot help. */
export class CredentialsRejected extends Error {}
/** The token endpoint could not be reached or failed. */
export class TokenEndpointFailed extends Error {}
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
  readonly stats = { tokensFetched: 0, fetchFailures: 0, lastError: null as string | null, fetchDurationsMs: [] as number[] };

  constructor(private readonly options: TokenSourceOptions) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** The current token, refreshed first when it is near expiry. */
  async get(): Promise<Token> {
    if (this.credentialsRejected) throw this.credentialsRejected;
    const now = this.now();
    if (this.current && !brokerShouldRefresh(this.current, now, this.marginMs())) return this.current;
    // The last refresh failed: keep serving the valid token until the backoff ends, one fetch per backoff.
    if (this.current && now < this.retryAtMs && this.current.expiresAtMs > now) return this.current;
    return this.refresh();
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
    let response: Response;
    try {
      response = await (this.options.fetchImpl ?? fetch)(tokenUrl, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${formEncode(clientId)}:${formEncode(clientSecret)}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials',
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      throw new TokenEndpointFailed(`token endpoint ${tokenUrl} unreachable: ${(error as Error).message}`);
    }
    const elapsed = this.now() - started;
    const body = await response.text();
    if (response.status === 401 || response.status === 400 || response.status === 403) {
      throw new CredentialsRejected(
        `token endpoint ${tokenUrl} refused the client credentials (HTTP ${response.status}): ${summarise(body)}`,
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
