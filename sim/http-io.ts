// Per-request context and the only functions that write responses, so every answer is counted.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { JSON_CONTENT, PROBLEM_CONTENT, problemBody, type Problem } from './problem.ts';
import type { RequestCounter } from './stats.ts';

export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  /** Path without the optional /api path base and without the query string. */
  path: string;
  /** Raw query string without '?', '' when absent. */
  query: string;
  /** '/api' when the client used the path base, else ''. */
  pathBase: string;
  /** Route for the stats key; handlers replace ids with {id}. */
  route: string;
  /** null for /_sim/* requests, which are never counted. */
  counter: RequestCounter | null;
}

export const MAX_BODY_BYTES = 10 * 1024 * 1024;

const SECURITY_HEADERS = { 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' };

export function createCtx(req: IncomingMessage, res: ServerResponse): Ctx {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  let path = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? '' : url.slice(q + 1);
  let pathBase = '';
  // UsePathBase("/api"): strips the prefix only when present, so both forms work.
  if (path === '/api' || path.startsWith('/api/')) {
    pathBase = '/api';
    path = path.slice(4) || '/';
  }
  return { req, res, method: req.method ?? 'GET', path, query, pathBase, route: path, counter: null };
}

/** '{scheme}://{host}{pathBase}' as DMS's RootUrl() builds it from the request. */
export function rootUrl(ctx: Ctx): string {
  const host = ctx.req.headers.host ?? `${ctx.req.socket.localAddress}:${ctx.req.socket.localPort}`;
  return `http://${host}${ctx.pathBase}`;
}

export function correlationId(ctx: Ctx): string {
  const header = ctx.req.headers['correlationid'];
  return typeof header === 'string' && header !== '' ? header : randomUUID();
}

export function send(ctx: Ctx, status: number, headers: Record<string, string>, body?: string): void {
  ctx.counter?.record(ctx.method, ctx.route, status);
  if (ctx.res.headersSent || ctx.res.destroyed) return;
  // writeHead() fixes the header block, so Node cannot add Content-Length itself (it would chunk).
  const all: Record<string, string> = { ...SECURITY_HEADERS, ...headers };
  if (status !== 204 && status !== 304) all['Content-Length'] = String(body === undefined ? 0 : Buffer.byteLength(body));
  ctx.res.writeHead(status, all);
  ctx.res.end(body);
}

export function sendJson(ctx: Ctx, status: number, value: unknown, headers: Record<string, string> = {}): void {
  send(ctx, status, { 'Content-Type': JSON_CONTENT, ...headers }, JSON.stringify(value));
}

export function sendProblem(ctx: Ctx, p: Problem, contentType?: string): void {
  const type = contentType ?? (p.problemContentType ? PROBLEM_CONTENT : JSON_CONTENT);
  send(ctx, p.status, { 'Content-Type': type, ...p.headers }, problemBody(p, correlationId(ctx)));
}

export function dropConnection(ctx: Ctx): void {
  ctx.counter?.record(ctx.method, ctx.route, 'dropped');
  ctx.req.socket.destroy();
}

export type BodyResult = { ok: true; text: string } | { ok: false; tooLarge: true };

/** Reads the request body up to MAX_BODY_BYTES; larger bodies stop being read (the caller answers 413). */
export function readBody(req: IncomingMessage): Promise<BodyResult> {
  const declared = Number(req.headers['content-length']);
  if (declared > MAX_BODY_BYTES) return Promise.resolve({ ok: false, tooLarge: true });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        done = true;
        req.pause();
        resolve({ ok: false, tooLarge: true });
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      const buf = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
      resolve({ ok: true, text: buf.toString('utf8') });
    });
    req.on('error', (err) => {
      if (!done) reject(err);
      done = true;
    });
  });
}

/** Kestrel answers an oversized body with 413 and an empty body; the connection is closed. */
export function sendTooLarge(ctx: Ctx): void {
  send(ctx, 413, { Connection: 'close' });
}
