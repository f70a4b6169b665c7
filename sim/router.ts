// Dispatch: /_sim (test control), CMS paths, then DMS paths behind the rate limiter.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { createCtx, send, sendProblem, type Ctx } from './http-io.ts';
import { problems } from './problem.ts';
import type { SimState } from './state.ts';
import type { ResourceIndex } from './resource-index.ts';
import { handleSimApi } from './sim-api.ts';
import { handleCms, isCmsPath } from './cms.ts';
import { handleData, parseDataPath } from './data-api.ts';
import { applyDataFaults } from './faults.ts';
import { handleOAuthToken } from './oauth.ts';
import { handleDiscovery, isDiscoveryPath } from './discovery.ts';

export function createRequestHandler(state: SimState, resources: ResourceIndex): (req: IncomingMessage, res: ServerResponse) => void {
  const storedDescriptors = (): string[] => Object.keys(state.store.counts()).filter((e) => e.endsWith('Descriptors'));

  async function route(ctx: Ctx): Promise<void> {
    if (ctx.path === '/_sim' || ctx.path.startsWith('/_sim/')) return handleSimApi(ctx, state);
    ctx.counter = state.counter;
    if (isCmsPath(ctx.path)) return handleCms(ctx, state);

    const isData = ctx.path === '/data' || ctx.path.startsWith('/data/');
    const target = isData ? parseDataPath(ctx.path, resources) : undefined;
    if (target) ctx.route = target.route;
    const lowerPath = ctx.path.toLowerCase();
    if (lowerPath === '/oauth/token') ctx.route = '/oauth/token';

    // DMS's limiter covers every DMS endpoint, the token endpoint included.
    const limit = state.limiter.take(ctx.req.headers.host ?? '');
    if (!limit.ok) {
      // DMS 8.0.0 and earlier had no OnRejected handler: an empty 429 without Retry-After.
      if (state.settings.rateLimitStyle === 'v8.0') return send(ctx, 429, {}, '');
      return sendProblem(ctx, problems.tooManyRequests(limit.retryAfterSeconds));
    }

    if (target) {
      const breakerOn = state.settings.breaker === 'on';
      const openFor = breakerOn ? state.breaker.openRetryAfter() : 0;
      if (openFor > 0) return sendProblem(ctx, problems.serviceUnavailable(openFor));
      const faulted = await applyDataFaults(ctx, state.settings, state.nonJson, state.outage);
      if (!faulted) await handleData(ctx, state, resources, target);
      // An injected error is a backend failure; a dropped connection never reached the backend.
      if (breakerOn && ctx.res.headersSent) state.breaker.record(ctx.res.statusCode >= 500, state.settings.breakerBreakSeconds);
      return;
    }
    if (lowerPath === '/oauth/token' && ctx.method === 'POST') return handleOAuthToken(ctx, state);
    if (isDiscoveryPath(ctx.path)) return handleDiscovery(ctx, storedDescriptors, state.settings.dmsVersion);
    return sendProblem(ctx, problems.routeNotFound());
  }

  return (req, res) => {
    const ctx = createCtx(req, res);
    route(ctx).catch((err: unknown) => {
      // A bug in the stand-in must show up as a 500, not a hung request.
      process.stderr.write(`dms-sim: internal error on ${ctx.method} ${ctx.path}: ${(err as Error)?.stack ?? String(err)}\n`);
      sendProblem(ctx, problems.systemError());
    });
  };
}
