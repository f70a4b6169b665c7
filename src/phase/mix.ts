// Weighted choice of the readwrite operation. Pure: unit-tested under Node.
import { OPERATIONS, type Operation } from '../config.ts';

/** Picks the operation whose cumulative weight range holds `roll` (0 <= roll < 1). */
export function pickOperation(mix: Record<Operation, number>, roll: number): Operation {
  const total = OPERATIONS.reduce((sum, op) => sum + mix[op], 0);
  let point = roll * total;
  for (const op of OPERATIONS) {
    if (point < mix[op]) return op;
    point -= mix[op];
  }
  return OPERATIONS.filter((op) => mix[op] > 0).pop() as Operation;
}

/** A short, stable tag of a run id (for unique keys of documents a run creates). */
export function runTag(runId: string): string {
  let h = 2166136261;
  for (let i = 0; i < runId.length; i++) h = Math.imul(h ^ runId.charCodeAt(i), 16777619) >>> 0;
  return h.toString(36).toUpperCase().padStart(7, '0').slice(0, 7);
}
