// Injected faults for the suite's reliability tests. They apply to /data requests only, before
// anything is read or stored, so a failed request never changes data.

import type { Ctx } from './http-io.ts';
import { dropConnection, send, sendProblem } from './http-io.ts';
import { problems } from './problem.ts';
import { DEFAULT_OPTIONS, FAULT_KEYS, parseSetting, type FaultKey, type FaultSettings, type SimOptions } from './options.ts';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Picks a share of events spread evenly: with rate r, event n (1-based) is picked when floor(n * r) grows,
 * so 1/3 picks the 3rd, 6th, 9th... A random draw would make a test's first request fail now and then.
 */
export class EvenShare {
  private seen = 0;

  take(rate: number): boolean {
    if (rate <= 0) return false;
    this.seen++;
    return Math.floor(this.seen * rate) > Math.floor((this.seen - 1) * rate);
  }

  clear(): void {
    this.seen = 0;
  }
}

/**
 * The outage fault: counts the data calls that reach the backend and picks those from call
 * `after + 1` to `after + calls`, so an outage has a known start and end whatever the timing.
 */
export class Outage {
  private seen = 0;

  take(after: number, calls: number): boolean {
    if (calls <= 0) return false;
    this.seen++;
    return this.seen > after && this.seen <= after + calls;
  }

  clear(): void {
    this.seen = 0;
  }
}

/**
 * What a single sign-on gateway in front of DMS answers once its session has lapsed: its login page, with
 * status 200. A client that takes every 200 for data reads this as success.
 */
export const LOGIN_PAGE =
  '<!DOCTYPE html><html><head><title>Sign in</title></head><body><h1>Sign in to continue</h1>' +
  '<form method="post" action="/login"><input name="username"><input name="password" type="password">' +
  '<button>Sign in</button></form></body></html>';

/**
 * True when the fault answered (or dropped) the request. `nonJson` spreads the login pages over the GETs;
 * `outage` counts the calls for the outage fault (a 500, as DMS answers when its database is unreachable).
 */
export async function applyDataFaults(ctx: Ctx, s: SimOptions, nonJson: EvenShare, outage: Outage): Promise<boolean> {
  const delay = s.latencyMs + (s.latencyJitterMs > 0 ? Math.random() * s.latencyJitterMs : 0);
  if (delay > 0) await sleep(delay);
  if (s.dropRate > 0 && Math.random() < s.dropRate) {
    dropConnection(ctx);
    return true;
  }
  if (outage.take(s.outageAfterCalls, s.outageCalls)) {
    sendProblem(ctx, problems.systemError());
    return true;
  }
  if (s.errorRate > 0 && Math.random() < s.errorRate) {
    sendProblem(ctx, Math.random() < 0.5 ? problems.systemError() : problems.serviceUnavailable());
    return true;
  }
  if (ctx.method === 'GET' && nonJson.take(s.nonJsonRate)) {
    send(ctx, 200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }, LOGIN_PAGE);
    return true;
  }
  return false;
}

export function currentFaults(s: SimOptions): FaultSettings {
  return Object.fromEntries(FAULT_KEYS.map((k) => [k, s[k]])) as unknown as FaultSettings;
}

/** Validates a partial fault object; nothing is applied unless every field is valid. */
export function parseFaultPatch(value: unknown): { ok: true; patch: Partial<FaultSettings> } | { ok: false; detail: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, detail: `The body must be a JSON object with any of: ${FAULT_KEYS.join(', ')}.` };
  }
  const patch: Record<string, number | string> = {};
  for (const [key, raw] of Object.entries(value)) {
    if (!(FAULT_KEYS as readonly string[]).includes(key)) {
      return { ok: false, detail: `Unknown fault '${key}'. Known: ${FAULT_KEYS.join(', ')}.` };
    }
    const expected = typeof DEFAULT_OPTIONS[key as FaultKey];
    if (typeof raw !== expected) return { ok: false, detail: `${key} must be a ${expected}, got ${JSON.stringify(raw)}.` };
    try {
      patch[key] = parseSetting(key as keyof SimOptions, String(raw), key, '');
    } catch (err) {
      return { ok: false, detail: (err as Error).message.trim() };
    }
  }
  return { ok: true, patch };
}
