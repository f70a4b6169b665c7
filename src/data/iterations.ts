// How the load phase's work items (plan.ts) map onto k6 iterations. Schools, courses and staff go one to
// an iteration, so prerequisites are written as early and as spread out as possible; students, the bulk of
// every profile, go several to an iteration. k6 spends CPU on each iteration (its own metrics, the call
// into JavaScript) and the phase adds its entity counts once per iteration, so batching students cut
// k6's CPU per request by about 10% (bench:k6). Which VU writes an entity changes; which entities are
// written, and their order within a kind, do not.
import type { DataProfile } from './profile.ts';
import { workItemCount } from './plan.ts';

/** At most this many students per iteration. */
export const MAX_STUDENTS_PER_ITERATION = 8;
/** Batches shrink so that every VU still gets this many student iterations: the tail stays balanced. */
const MIN_STUDENT_ITERATIONS_PER_VU = 4;

export interface IterationPlan {
  /** Work items before the first student: one iteration each. */
  leadItems: number;
  totalItems: number;
  studentsPerIteration: number;
  /** The scenario's number of iterations. */
  count: number;
}

export function iterationPlan(p: DataProfile, vus: number): IterationPlan {
  const totalItems = workItemCount(p);
  const leadItems = totalItems - p.studentCount;
  const fair = Math.floor(p.studentCount / (Math.max(1, vus) * MIN_STUDENT_ITERATIONS_PER_VU));
  const studentsPerIteration = Math.max(1, Math.min(MAX_STUDENTS_PER_ITERATION, fair));
  return { leadItems, totalItems, studentsPerIteration, count: leadItems + Math.ceil(p.studentCount / studentsPerIteration) };
}

/** The work items of iteration `i`: indexes first (inclusive) to end (exclusive). */
export function itemsOfIteration(plan: IterationPlan, i: number): { first: number; end: number } {
  if (!Number.isInteger(i) || i < 0 || i >= plan.count) throw new Error(`iteration ${String(i)} out of range 0..${plan.count - 1}`);
  if (i < plan.leadItems) return { first: i, end: i + 1 };
  const first = plan.leadItems + (i - plan.leadItems) * plan.studentsPerIteration;
  return { first, end: Math.min(first + plan.studentsPerIteration, plan.totalItems) };
}
