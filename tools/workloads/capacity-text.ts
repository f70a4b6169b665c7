// summary.json's `capacity` (src/workloads/capacity.ts) as console lines: the step table and the one line
// that answers "how much can it take?". Pure, unit-tested.
import { capacityLine, stepName, type CapacityResult, type StepVerdict } from '../../src/workloads/capacity.ts';
import { formatMs } from '../progress/format.ts';

/** A capacity result read back from JSON, checked enough to be printed (undefined when it is not one). */
export function asCapacity(value: unknown): CapacityResult | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const c = value as Partial<CapacityResult>;
  if (!Array.isArray(c.steps) || typeof c.stoppedBy !== 'string' || c.sustainable === undefined) return undefined;
  return c as CapacityResult;
}

function stepRow(v: StepVerdict): string {
  const status = !v.judged ? 'not judged (cut short)' : v.held ? 'held' : `BROKE: ${v.reason ?? ''}`;
  const errors = v.errorRate === undefined ? '-' : `${(v.errorRate * 100).toFixed(2)}%`;
  return `  ${stepName(v).padEnd(28)} ${v.requestsPerSecond.toFixed(1).padStart(8)} requests/s  p95 ${formatMs(v.p95Ms).padStart(8)}  failed ${errors.padStart(6)}  ${status}`;
}

/** The step table, then the capacity line and what stopped the ramp. */
export function capacityLines(c: CapacityResult): string[] {
  return ['capacity steps (each judged on its own samples):', ...c.steps.map(stepRow), capacityLine(c), `  ended by: ${c.stoppedBy}`];
}
