// Is the load generator the bottleneck? k6's CPU, sampled while a phase runs, summed into windows (bounded:
// a soak of hours keeps at most MAX_WINDOWS of them), and the verdict the runner writes into summary.json
// as `generator`: a phase is **generator-bound** when k6 used more than CPU_BOUND_PERCENT of the cores it
// has for a whole window (k6's own guidance: keep 20% idle), when k6 dropped iterations (no VU was free
// to start them), or when iterations started late (the arrival rate's schedule slipped). Pure, unit-tested.

export const CPU_BOUND_PERCENT = 80;
export const WINDOW_SECONDS = 5;
/** Windows kept; beyond it neighbours are merged (the window doubles), so memory does not grow with the run. */
export const MAX_WINDOWS = 720;
/** An iteration that starts later than this after its planned moment is late (src/phase/lateness.ts). */
export const LATE_MS = 250;

/** One reading: seconds (any monotonic origin), k6's CPU ticks so far, its memory, the machine's load. */
export interface Reading {
  t: number;
  ticks: number;
  rssMb?: number;
  load1?: number;
}

export interface Window {
  /** Seconds from the first reading to the window's start. */
  t: number;
  seconds: number;
  /** k6's CPU over the window, in % of the cores it has (100 = all of them). */
  cpuPercent: number;
  load1?: number;
  rssMb?: number;
}

/** What the sampler writes (<phase>/generator-samples.json). */
export interface GeneratorSamples {
  cores: number;
  clockTicks: number;
  windows: Window[];
  /** Whole-run figures, kept exactly whatever the windows were merged into. */
  seconds: number;
  meanCpuPercent?: number;
  maxLoad1?: number;
  maxRssMb?: number;
  /** Why k6 could not be sampled (no /proc: not Linux), when it could not. */
  unavailable?: string;
}

const max = (a: number | undefined, b: number | undefined) => (a === undefined ? b : b === undefined ? a : Math.max(a, b));

/** Folds readings into windows of WINDOW_SECONDS (merged pairwise beyond MAX_WINDOWS). */
export class WindowedCpu {
  private windows: Window[] = [];
  private windowSeconds = WINDOW_SECONDS;
  private first?: Reading;
  private last?: Reading;
  private open?: { start: Reading; load1?: number; rssMb?: number };
  private maxLoad1?: number;
  private maxRssMb?: number;

  constructor(
    private readonly cores: number,
    private readonly clockTicks: number,
    private readonly maxWindows = MAX_WINDOWS,
  ) {}

  add(r: Reading): void {
    this.first ??= r;
    this.last = r;
    this.maxLoad1 = max(this.maxLoad1, r.load1);
    this.maxRssMb = max(this.maxRssMb, r.rssMb);
    if (!this.open) {
      this.open = { start: r, load1: r.load1, rssMb: r.rssMb };
      return;
    }
    this.open.load1 = max(this.open.load1, r.load1);
    this.open.rssMb = max(this.open.rssMb, r.rssMb);
    if (r.t - this.open.start.t >= this.windowSeconds) this.close(r);
  }

  private percent(ticks: number, seconds: number): number {
    return seconds > 0 ? (ticks / this.clockTicks / seconds / this.cores) * 100 : 0;
  }

  private close(end: Reading): void {
    const open = this.open as NonNullable<typeof this.open>;
    const seconds = end.t - open.start.t;
    this.windows.push({ t: open.start.t - (this.first as Reading).t, seconds, cpuPercent: this.percent(end.ticks - open.start.ticks, seconds), load1: open.load1, rssMb: open.rssMb });
    this.open = { start: end, load1: end.load1, rssMb: end.rssMb };
    if (this.windows.length > this.maxWindows) this.mergePairs();
  }

  private mergePairs(): void {
    const merged: Window[] = [];
    for (let i = 0; i < this.windows.length; i += 2) {
      const a = this.windows[i];
      const b = this.windows[i + 1];
      if (!b) {
        merged.push(a);
        continue;
      }
      const seconds = a.seconds + b.seconds;
      merged.push({ t: a.t, seconds, cpuPercent: (a.cpuPercent * a.seconds + b.cpuPercent * b.seconds) / seconds, load1: max(a.load1, b.load1), rssMb: max(a.rssMb, b.rssMb) });
    }
    this.windows = merged;
    this.windowSeconds *= 2;
  }

  result(): GeneratorSamples {
    const seconds = this.first && this.last ? this.last.t - this.first.t : 0;
    const ticks = this.first && this.last ? this.last.ticks - this.first.ticks : 0;
    return {
      cores: this.cores,
      clockTicks: this.clockTicks,
      windows: [...this.windows],
      seconds,
      meanCpuPercent: seconds > 0 ? this.percent(ticks, seconds) : undefined,
      maxLoad1: this.maxLoad1,
      maxRssMb: this.maxRssMb,
    };
  }
}

/** summary.json's `generator` (CONTRACTS.md): bound, reasons, k6CpuPercent, cores, droppedIterations, and more. */
export interface GeneratorVerdict {
  bound: boolean;
  reasons: string[];
  /** k6's CPU in its busiest window, % of its cores (undefined when it could not be sampled). */
  k6CpuPercent?: number;
  k6CpuMeanPercent?: number;
  /** Seconds of the busiest window. */
  windowSeconds?: number;
  cores?: number;
  droppedIterations: number;
  lateIterations: number;
  maxLoad1?: number;
  maxRssMb?: number;
  /** What could not be judged, in words. */
  notes: string[];
}

export interface PhaseCounts {
  droppedIterations: number;
  lateIterations: number;
  /** The setting that sizes the phase's VU pool (VUS_CAPACITY_PHASE). */
  vusSetting: string;
  /** The most VUs k6 had (vus_max), when known. */
  vus?: number;
}

const round1 = (v: number) => Math.round(v * 10) / 10;

export function judgeGenerator(samples: GeneratorSamples | undefined, counts: PhaseCounts): GeneratorVerdict {
  const reasons: string[] = [];
  const notes: string[] = [];
  const busiest = samples?.windows.reduce<Window | undefined>((a, w) => (!a || w.cpuPercent > a.cpuPercent ? w : a), undefined);
  if (!samples) notes.push("k6's CPU was not sampled: the phase ended before the sampler's first reading (it starts within a few seconds)");
  else if (samples.unavailable) notes.push(`k6's CPU was not sampled: ${samples.unavailable}`);
  else if (!busiest) notes.push(`k6's CPU was sampled for ${round1(samples.seconds)} s: too short for a ${WINDOW_SECONDS} s window`);
  if (busiest && samples && busiest.cpuPercent > CPU_BOUND_PERCENT) {
    reasons.push(
      `k6 used ${Math.round(busiest.cpuPercent)}% of its ${round1(samples.cores)} cores for ${round1(busiest.seconds)} s (more than ${CPU_BOUND_PERCENT}%: k6's guidance is to keep 20% idle); ` +
        'its own pace, not the target, may have set the figures: run k6 on a machine of its own, or lower the load',
    );
  }
  if (counts.droppedIterations > 0) {
    const all = counts.vus === undefined ? 'every VU' : `all ${counts.vus} VUs`;
    reasons.push(`k6 dropped ${counts.droppedIterations} iterations: no VU was free to start them (${all} busy, because the target answered slowly or k6 lacked CPU; raise ${counts.vusSetting})`);
  }
  if (counts.lateIterations > 0 && counts.droppedIterations === 0) {
    reasons.push(`${counts.lateIterations} iterations started more than ${LATE_MS} ms after their planned moment: k6 could not keep the arrival rate's schedule`);
  } else if (counts.lateIterations > 0) {
    notes.push('late iterations are not judged after dropped ones: the planned moment of each is then unknown');
  }
  return {
    bound: reasons.length > 0,
    reasons,
    k6CpuPercent: busiest ? round1(busiest.cpuPercent) : undefined,
    k6CpuMeanPercent: samples?.meanCpuPercent === undefined ? undefined : round1(samples.meanCpuPercent),
    windowSeconds: busiest ? round1(busiest.seconds) : undefined,
    cores: samples && !samples.unavailable ? samples.cores : undefined,
    droppedIterations: counts.droppedIterations,
    lateIterations: counts.lateIterations,
    maxLoad1: samples?.maxLoad1,
    maxRssMb: samples?.maxRssMb === undefined ? undefined : Math.round(samples.maxRssMb),
    notes,
  };
}

/** The console line: 'generator-bound: ...' or what was seen. */
export function generatorLine(v: GeneratorVerdict): string {
  if (v.bound) return `generator-bound: ${v.reasons.join('; ')}`;
  const cpu = v.k6CpuPercent === undefined ? "k6's CPU not sampled" : `k6 CPU at most ${Math.round(v.k6CpuPercent)}% of ${v.cores} cores (mean ${Math.round(v.k6CpuMeanPercent ?? 0)}%)`;
  const load = v.maxLoad1 === undefined ? '' : `, machine load up to ${v.maxLoad1.toFixed(2)}`;
  const memory = v.maxRssMb === undefined ? '' : `, k6 memory up to ${v.maxRssMb} MB`;
  return `generator: ${cpu}${load}${memory}, no dropped or late iterations: not generator-bound`;
}
