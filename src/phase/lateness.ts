// Iterations of an arrival-rate scenario that started late: k6 plans each one's moment, but a generator short
// of CPU starts them after it, and k6 counts nothing of that. An iteration that starts more than LATE_MS after
// its planned moment adds 1 to `iterations_late` (nothing is added on time: no cost per iteration). The
// runner reads it for the generator-bound verdict (tools/generator/verdict.ts).
import { Counter } from 'k6/metrics';

export const lateIterations = new Counter('iterations_late');
/** Later than this (ms) is late; the same value as tools/generator/verdict.ts LATE_MS. */
export const LATE_MS = 250;

/** Counts the iteration when it started more than LATE_MS after its planned moment (ms since the scenario began). */
export function countIfLate(plannedMs: number, elapsedMs: number): void {
  if (elapsedMs - plannedMs > LATE_MS) lateIterations.add(1);
}
