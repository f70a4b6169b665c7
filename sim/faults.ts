// Injected faults for the suite's reliability tests. They apply to /data requests only, before
// anything is read or stored, so a failed request never changes data.

import type { Ctx } from './http-io.ts';
import { dropConnection, sendProblem } from './http-io.ts';
import { problems } from './problem.ts';
import { DEFAULT_OPTIONS, FAULT_KEYS, parseSetting, type FaultKey, type FaultSettings, type SimOptions } from './options.ts';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** True when the fault answered (or dropped) the request. */
export async function applyDataFaults(ctx: Ctx, s: SimOptions): Promise<boolean> {
  const delay = s.latencyMs + (s.latencyJitterMs > 0 ? Math.random() * s.latencyJitterMs : 0);
  if (delay > 0) await sleep(delay);
  if (s.dropRate > 0 && Math.random() < s.dropRate) {
    dropConnection(ctx);
    return true;
  }
  if (s.errorRate > 0 && Math.random() < s.errorRate) {
    sendProblem(ctx, Math.random() < 0.5 ? problems.systemError() : problems.serviceUnavailable());
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
