// Baselines of the capacity phase: its one figure per run (the sustainable capacity) saved with the step
// plan, and compared with a stated tolerance. One figure per run gives no sample to test: there is no
// significance test, and a figure measured in steps is only as fine as a step, so a change is judged only
// when the baseline held enough steps for one step to be a small part of it. Pure, unit-tested.
import { asCapacity } from '../workloads/capacity-text.ts';
import type { SummaryData } from '../report/model.ts';

/** The saved figure: the sustainable step and the plan it was found with. */
export interface CapacityNumbers {
  /** Planned iterations/s of the sustainable step; 0 when no step held. */
  rate: number;
  requestsPerSecond: number;
  operationsPerSecond?: number;
  p95Ms?: number;
  /** Steps that held, from the first (the figure's resolution is one step in this many). */
  heldSteps: number;
  startRate: number;
  stepRate: number;
  /** Every step held: the capacity is at least the figure (CAPACITY_MAX_RATE), not the figure itself. */
  atMax: boolean;
  /** The sustainable step had none below the first: nothing held. */
  found: boolean;
}

/** The capacity numbers of a phase's summary (summary.json `capacity`), or undefined for another phase. */
export function capacityNumbers(summary: SummaryData | undefined): CapacityNumbers | undefined {
  const c = asCapacity((summary as { capacity?: unknown } | undefined)?.capacity);
  if (!c) return undefined;
  const steps = c.steps;
  const held = steps.findIndex((s) => !s.held);
  const heldSteps = held < 0 ? steps.length : held;
  const s = c.sustainable;
  return {
    rate: s?.rate ?? 0,
    requestsPerSecond: s?.requestsPerSecond ?? 0,
    operationsPerSecond: s?.operationsPerSecond,
    p95Ms: s?.p95Ms,
    heldSteps,
    startRate: steps[0]?.rate ?? 0,
    stepRate: steps.length > 1 ? steps[1].rate - steps[0].rate : 0,
    atMax: c.firstBroken === undefined && steps.every((x) => x.judged),
    found: s !== null,
  };
}

export interface CapacityTolerance {
  /** Relative drop of the sustainable rate allowed (0.15 = 15%). */
  capacity: number;
  /** The baseline must have held at least this many steps for a change to be judged. */
  capacityMinSteps: number;
}

export type CapacityVerdict = 'ok' | 'regression' | 'improved' | 'not-judged';

export interface CapacityComparison {
  phase: string;
  baseline: CapacityNumbers;
  current: CapacityNumbers;
  /** current / baseline - 1 of the sustainable rate (iterations/s); undefined when not comparable. */
  change?: number;
  verdict: CapacityVerdict;
  /** The limit, in words: '-15% and at least one step'. */
  limit: string;
  /** Why, in words (always set). */
  note: string;
  /** How it was judged: a tolerance on one figure per run, no significance test. */
  method: string;
}

export const CAPACITY_METHOD = 'one figure per run: no significance test is possible; a drop of the sustainable rate larger than the tolerance and at least one step is a regression';

const pct = (x: number) => `${Math.round(x * 100)}%`;

/** Judges the current run's capacity against the baseline's. */
export function compareCapacity(phase: string, baseline: CapacityNumbers, current: CapacityNumbers, tol: CapacityTolerance): CapacityComparison {
  const limit = `-${pct(tol.capacity)} and at least one step`;
  const out = (verdict: CapacityVerdict, note: string, change?: number): CapacityComparison => ({ phase, baseline, current, change, verdict, limit, note, method: CAPACITY_METHOD });
  if (!baseline.found) return out('not-judged', 'the baseline found no sustainable capacity (its first step broke): nothing to compare with');
  if (baseline.startRate !== current.startRate || baseline.stepRate !== current.stepRate) {
    return out('not-judged', `the steps differ (baseline ${baseline.startRate} by ${baseline.stepRate} iterations/s, this run ${current.startRate} by ${current.stepRate}): the figures are not on one scale`);
  }
  const change = baseline.rate > 0 ? current.rate / baseline.rate - 1 : undefined;
  if (!current.found) return out('regression', `the baseline sustained ${baseline.rate} iterations/s; this run's first step already broke the SLO`, -1);
  if (baseline.heldSteps < tol.capacityMinSteps) {
    return out('not-judged', `the baseline held ${baseline.heldSteps} step(s): one step is more than 1/${tol.capacityMinSteps} of its figure, too coarse to judge a ${pct(tol.capacity)} change; lower CAPACITY_STEP_RATE (at least ${tol.capacityMinSteps} steps must hold)`, change);
  }
  const drop = baseline.rate - current.rate;
  if (drop >= baseline.stepRate && current.rate < baseline.rate * (1 - tol.capacity)) {
    return out('regression', `sustained ${current.rate} iterations/s, ${baseline.rate} in the baseline: ${Math.round(drop / baseline.stepRate)} step(s) and ${pct(-(change ?? 0))} lower`, change);
  }
  if (current.atMax && baseline.atMax) return out('ok', 'both runs held every step up to CAPACITY_MAX_RATE: both capacities are at least that', change);
  if (-drop >= baseline.stepRate && current.rate > baseline.rate * (1 + tol.capacity)) return out('improved', `sustained ${current.rate} iterations/s, ${baseline.rate} in the baseline`, change);
  return out('ok', `sustained ${current.rate} iterations/s, ${baseline.rate} in the baseline: within ${limit}`, change);
}
