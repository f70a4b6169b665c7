// POST /oauth/token as the DMS proxy does it: credentials only in 'Authorization: Basic', only
// grant_type=client_credentials, every answer served as application/json.

import type { Ctx } from './http-io.ts';
import { readBody, send, sendProblem, sendTooLarge, correlationId } from './http-io.ts';
import { JSON_CONTENT, problemBody, problems, type Problem } from './problem.ts';
import type { SimState } from './state.ts';
import { sleep } from './faults.ts';
import type { Authentication } from './clients.ts';

/** 'Basic base64(key:secret)' -> parts, each URI-unescaped as the identity provider does. */
export function parseBasicAuth(header: string | undefined): { clientId: string; secret: string } | undefined {
  if (!header || !/^basic\s+/i.test(header)) return undefined;
  const decoded = Buffer.from(header.replace(/^basic\s+/i, '').trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  try {
    return { clientId: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
  } catch {
    return { clientId: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
  }
}

/** Reads grant_type from a form or JSON body, as TokenEndpointModule accepts both. */
function grantType(text: string, contentType: string | undefined): string | undefined {
  if (contentType?.toLowerCase().includes('json')) {
    try {
      const value = (JSON.parse(text) as { grant_type?: unknown }).grant_type;
      return typeof value === 'string' ? value : undefined;
    } catch {
      return undefined;
    }
  }
  return new URLSearchParams(text).get('grant_type') ?? undefined;
}

export async function handleOAuthToken(ctx: Ctx, state: SimState): Promise<void> {
  ctx.route = '/oauth/token';
  const body = await readBody(ctx.req);
  if (!body.ok) return sendTooLarge(ctx);
  if (state.settings.tokenLatencyMs > 0) await sleep(state.settings.tokenLatencyMs);

  const basic = ctx.req.headers.authorization;
  if (!basic || !basic.toLowerCase().includes('basic')) {
    return sendProblem(ctx, { ...problems.badRequest([]), detail: 'Malformed Authorization header' }, JSON_CONTENT);
  }
  if (grantType(body.text, ctx.req.headers['content-type']) !== 'client_credentials') {
    return sendProblem(ctx, { ...problems.badRequest([]), detail: 'Unsupported grant type' }, JSON_CONTENT);
  }
  const credentials = parseBasicAuth(basic);
  const auth: Authentication = credentials
    ? state.clients.authenticate(credentials.clientId, credentials.secret)
    : { ok: false, reason: 'invalid_client' };
  if (!auth.ok) {
    // The CMS body has no 'error' member, so the proxy puts the raw body into 'detail'.
    const cid = correlationId(ctx);
    const upstream = problemBody(problems.badClientCredentials(auth.reason), cid);
    const p: Problem = { status: 401, type: 'urn:ed-fi:api:unauthorized', title: 'Unauthorized', detail: upstream };
    return send(ctx, 401, { 'Content-Type': JSON_CONTENT }, problemBody(p, cid));
  }
  issueTokenResponse(ctx, state, auth, '');
}

/** Shared by /oauth/token and /connect/token: issue under the cap, or 429 too-many-tokens (problem+json, no Retry-After). */
export function issueTokenResponse(ctx: Ctx, state: SimState, auth: Extract<Authentication, { ok: true }>, adminScope: string): void {
  // DMS 8.0 has no token cap; 8.1 caps Ed-Fi API clients only, the CMS admin client is exempt (changelog 8.1.0).
  const cap = state.settings.dmsVersion === '8.1' && auth.kind === 'client' ? state.settings.tokenCap : 0;
  const result =
    auth.kind === 'client'
      ? state.tokens.issue(auth.clientId, 'client', auth.app.claimSetName, auth.app.dataStoreIds, cap)
      : state.tokens.issue(auth.clientId, 'admin', adminScope, [], cap);
  if (!result.ok) return sendProblem(ctx, problems.tooManyTokens(cap));
  send(
    ctx,
    200,
    { 'Content-Type': JSON_CONTENT, 'Cache-Control': 'no-store' },
    JSON.stringify({ access_token: result.token, expires_in: result.expiresIn, token_type: 'Bearer' }),
  );
}
