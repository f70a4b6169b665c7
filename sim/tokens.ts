// Issued bearer tokens, with the identity provider's per-client cap on active (unexpired,
// unrevoked) tokens: the grant after the cap gets 429 too-many-tokens.

import { randomBytes } from 'node:crypto';

export type TokenKind = 'admin' | 'client';

export interface TokenInfo {
  clientId: string;
  kind: TokenKind;
  scope: string;
  dataStoreIds: number[];
  expiresAtMs: number;
}

export type IssueResult = { ok: true; token: string; expiresIn: number } | { ok: false; capReached: true };

export class TokenStore {
  private tokens = new Map<string, TokenInfo>();
  /** Expiry times of each client's live tokens, oldest first (lifetime is fixed, so issue order = expiry order). */
  private expiriesByClient = new Map<string, number[]>();
  private issuedByClient = new Map<string, number>();
  private rejectedByCap = 0;

  constructor(
    private readonly settings: { tokenLifetimeSeconds: number },
    private readonly clock: () => number,
  ) {}

  /** `cap`: active tokens allowed for this client (0 = no cap); the caller decides who is capped. */
  issue(clientId: string, kind: TokenKind, scope: string, dataStoreIds: number[], cap: number): IssueResult {
    const now = this.clock();
    const expiries = this.liveExpiries(clientId, now);
    if (cap > 0 && expiries.length >= cap) {
      this.rejectedByCap++;
      return { ok: false, capReached: true };
    }
    const lifetime = this.settings.tokenLifetimeSeconds;
    const expiresAtMs = now + lifetime * 1000;
    const token = makeToken(clientId, scope, now, expiresAtMs);
    this.tokens.set(token, { clientId, kind, scope, dataStoreIds, expiresAtMs });
    expiries.push(expiresAtMs);
    this.expiriesByClient.set(clientId, expiries);
    this.issuedByClient.set(clientId, (this.issuedByClient.get(clientId) ?? 0) + 1);
    if (this.tokens.size > 10_000) this.sweep(now);
    return { ok: true, token, expiresIn: lifetime };
  }

  /** The token's info when it is known, unexpired and not revoked. */
  lookup(token: string): TokenInfo | undefined {
    const info = this.tokens.get(token);
    if (!info) return undefined;
    if (info.expiresAtMs <= this.clock()) {
      this.tokens.delete(token);
      return undefined;
    }
    return info;
  }

  revokeAll(): number {
    const revoked = this.activeCount();
    this.tokens.clear();
    this.expiriesByClient.clear();
    return revoked;
  }

  clear(): void {
    this.revokeAll();
    this.issuedByClient.clear();
    this.rejectedByCap = 0;
  }

  snapshot(): { issuedByClient: Record<string, number>; activeByClient: Record<string, number>; active: number; rejectedByCap: number } {
    const now = this.clock();
    const activeByClient: Record<string, number> = {};
    let active = 0;
    for (const clientId of this.expiriesByClient.keys()) {
      const n = this.liveExpiries(clientId, now).length;
      activeByClient[clientId] = n;
      active += n;
    }
    return { issuedByClient: Object.fromEntries(this.issuedByClient), activeByClient, active, rejectedByCap: this.rejectedByCap };
  }

  private activeCount(): number {
    return this.snapshot().active;
  }

  private liveExpiries(clientId: string, now: number): number[] {
    const expiries = this.expiriesByClient.get(clientId) ?? [];
    let expired = 0;
    while (expired < expiries.length && expiries[expired] <= now) expired++;
    if (expired > 0) expiries.splice(0, expired);
    return expiries;
  }

  private sweep(now: number): void {
    for (const [token, info] of this.tokens) if (info.expiresAtMs <= now) this.tokens.delete(token);
  }
}

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const TOKEN_HEADER = b64({ alg: 'none', typ: 'JWT' });

/** JWT-shaped so tools that decode tokens work; the stand-in itself only looks the string up. */
function makeToken(clientId: string, scope: string, nowMs: number, expiresAtMs: number): string {
  const jti = randomBytes(16).toString('hex');
  const payload = b64({ jti, sub: clientId, client_id: clientId, scope, iat: Math.floor(nowMs / 1000), exp: Math.floor(expiresAtMs / 1000), iss: 'dms-sim' });
  return `${TOKEN_HEADER}.${payload}.${randomBytes(16).toString('base64url')}`;
}
