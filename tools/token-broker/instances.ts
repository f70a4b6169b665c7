// The instances of a run that spans several hosts (docs/scale-out.md) say here when they finished a phase, so
// that the first host keeps the broker (the run's one token) until every instance is done, and a full run
// starts its readwrite phase on every host only after the load phase ended on all of them. Nothing else is
// coordinated: each host runs its own k6 instance.

/** A POST /instances/done body: instance i (1-based) of the phase ended with k6's exit code. */
export interface InstanceDone {
  phase: string;
  instance: number;
  exitCode: number;
}

export type DoneParse = { ok: true; done: InstanceDone } | { ok: false; detail: string };

export function parseInstanceDone(body: string): DoneParse {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { ok: false, detail: 'the body is not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, detail: 'the body must be a JSON object' };
  const v = value as Record<string, unknown>;
  if (typeof v.phase !== 'string' || !/^[a-z][a-z-]{0,40}$/.test(v.phase)) return { ok: false, detail: 'phase must be a phase name such as load' };
  if (!Number.isInteger(v.instance) || (v.instance as number) < 1 || (v.instance as number) > 1000) return { ok: false, detail: 'instance must be a whole number from 1 to 1000' };
  if (!Number.isInteger(v.exitCode) || (v.exitCode as number) < 0 || (v.exitCode as number) > 255) return { ok: false, detail: 'exitCode must be a whole number from 0 to 255' };
  return { ok: true, done: { phase: v.phase, instance: v.instance as number, exitCode: v.exitCode as number } };
}

/** Which instances reported each phase done, with their k6 exit codes. */
export class InstanceBoard {
  private readonly byPhase = new Map<string, Map<number, number>>();

  /** Records a report; a repeated one replaces the earlier (a runner that retried its report). */
  report(done: InstanceDone): void {
    const phase = this.byPhase.get(done.phase) ?? new Map<number, number>();
    phase.set(done.instance, done.exitCode);
    this.byPhase.set(done.phase, phase);
  }

  /** { "1": 0, "2": 99 }: the instances that finished the phase and their exit codes. */
  ofPhase(phase: string): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [instance, code] of [...(this.byPhase.get(phase) ?? new Map<number, number>())].sort((a, b) => a[0] - b[0])) out[String(instance)] = code;
    return out;
  }
}
