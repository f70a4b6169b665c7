// The soak phase after its windows: each window was one k6 run of SOAK_WINDOW (so k6's memory, which keeps
// every Trend sample, is bounded by a window, not by the soak's length). Here the windows' summaries become
// the phase's summary.json (counters and rates added, trends' counts, means and extremes combined, the
// latency percentiles read from the merged latency histograms, thresholds held only if held in every
// window), and the drift verdict: is latency or the error rate trending upward from window to window?
// Pure, unit-tested.
import { ALL_KEY, BUCKET_COUNT, compactHistogram, denseCounts, upperBound, type Histogram } from '../../src/summary/latency-histogram.ts';
import type { MetricSummary, SummaryData } from '../../src/summary/summary.ts';
import type { GeneratorVerdict } from '../generator/verdict.ts';
import { binnedQuantile } from '../baseline/stats.ts';

// ---- statistics of a trend over a few windows ---------------------------------------------------------

/** Theil-Sen slope: the median of the slopes between every pair of points (x = window index). */
export function theilSenSlope(ys: readonly number[]): number {
  const slopes: number[] = [];
  for (let i = 0; i < ys.length; i++) for (let j = i + 1; j < ys.length; j++) slopes.push((ys[j] - ys[i]) / (j - i));
  return median(slopes);
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Mann-Kendall's S: pairs going up minus pairs going down. */
export function mannKendallS(ys: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < ys.length; i++) for (let j = i + 1; j < ys.length; j++) s += Math.sign(ys[j] - ys[i]);
  return s;
}

/** Up to this many windows the p-value is exact (every order of n values: 8! = 40,320); beyond, normal. */
export const EXACT_UP_TO = 8;

/**
 * One-sided p-value of Mann-Kendall's test for an upward trend: the chance that n values in random order
 * (no trend) give an S at least this large. Exact for n <= EXACT_UP_TO (distinct values), else the normal
 * approximation with continuity correction (variance n(n-1)(2n+5)/18, ties ignored).
 */
export function mannKendallP(ys: readonly number[]): number {
  const n = ys.length;
  const s = mannKendallS(ys);
  if (n < 2) return 1;
  if (n <= EXACT_UP_TO) {
    // The distribution of S over the n! orders, by the number of inversions (a Mahonian distribution):
    // S = pairs - 2 * inversions.
    let counts = [1];
    for (let k = 2; k <= n; k++) {
      const next = new Array<number>(counts.length + k - 1).fill(0);
      for (let i = 0; i < counts.length; i++) for (let add = 0; add < k; add++) next[i + add] += counts[i];
      counts = next;
    }
    const pairs = (n * (n - 1)) / 2;
    const total = counts.reduce((a, b) => a + b, 0);
    let atLeast = 0;
    counts.forEach((c, inversions) => {
      if (pairs - 2 * inversions >= s) atLeast += c;
    });
    return atLeast / total;
  }
  const variance = (n * (n - 1) * (2 * n + 5)) / 18;
  const z = s > 0 ? (s - 1) / Math.sqrt(variance) : s < 0 ? (s + 1) / Math.sqrt(variance) : 0;
  return 1 - normalCdf(z);
}

function normalCdf(z: number): number {
  // Abramowitz-Stegun 7.1.26 on erf: within 1.5e-7.
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - (((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t) * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

// ---- the drift verdict --------------------------------------------------------------------------------

export interface SoakWindow {
  index: number;
  /** Seconds from the soak's start to the window's start (the windows' own run times added). */
  startS: number;
  seconds: number;
  requests: number;
  requestsPerSecond: number;
  p50Ms?: number;
  p95Ms?: number;
  errorRate?: number;
  droppedIterations: number;
  /** Judged for drift: it ran at least half a window (a short last window is shown, not judged). */
  judged: boolean;
}

export interface DriftRule {
  /** p95 may grow by this share over the soak (Theil-Sen) before it is drifting. */
  latencyTolerance: number;
  /** The failed share may grow by this much (absolute) over the soak. */
  errorTolerance: number;
  /** One-sided significance of Mann-Kendall's test. */
  alpha: number;
  /** Fewer judged windows than this: not judged. */
  minWindows: number;
}

export const DRIFT_ALPHA = 0.05;
export const MIN_WINDOWS = 4;

export interface TrendVerdict {
  /** The change over the soak, from the Theil-Sen line: ms for latency, share for the error rate. */
  change: number;
  /** latency: change / the line's first value. */
  relativeChange?: number;
  mannKendallS: number;
  pValue: number;
  drifting: boolean;
}

export interface Drift {
  verdict: 'stable' | 'drifting' | 'not-judged';
  reasons: string[];
  windows: number;
  latency?: TrendVerdict;
  errors?: TrendVerdict;
  /** How it was judged, in words. */
  test: string;
  rule: DriftRule;
}

export const DRIFT_TEST =
  "per window: p95 of data requests and the share failed after retries; a trend is upward when Mann-Kendall's one-sided test says so " +
  '(exact for 8 windows or fewer) and it is larger than the tolerance over the soak (Theil-Sen line)';

const pctText = (x: number) => `${Math.round(x * 100)}%`;

export function judgeDrift(windows: readonly SoakWindow[], rule: DriftRule): Drift {
  const judged = windows.filter((w) => w.judged);
  const base = { windows: judged.length, test: DRIFT_TEST, rule };
  if (judged.length < rule.minWindows) {
    return { ...base, verdict: 'not-judged', reasons: [`${judged.length} whole window(s): at least ${rule.minWindows} are needed to see a trend (lengthen DURATION_SOAK_PHASE or shorten SOAK_WINDOW)`] };
  }
  const reasons: string[] = [];
  let latency: TrendVerdict | undefined;
  const p95 = judged.map((w) => w.p95Ms);
  if (p95.every((v): v is number => v !== undefined)) {
    const slope = theilSenSlope(p95);
    const start = median(p95.map((y, i) => y - slope * i));
    const change = slope * (p95.length - 1);
    const relativeChange = start > 0 ? change / start : undefined;
    const pValue = mannKendallP(p95);
    const drifting = relativeChange !== undefined && relativeChange > rule.latencyTolerance && pValue < rule.alpha;
    latency = { change, relativeChange, mannKendallS: mannKendallS(p95), pValue, drifting };
    if (drifting) reasons.push(`p95 grew ${pctText(relativeChange as number)} over the soak (${start.toFixed(1)} -> ${(start + change).toFixed(1)} ms on the Theil-Sen line; more than ${pctText(rule.latencyTolerance)}; Mann-Kendall p ${pValue.toPrecision(2)} < ${rule.alpha})`);
  }
  let errors: TrendVerdict | undefined;
  const rates = judged.map((w) => w.errorRate ?? 0);
  {
    const slope = theilSenSlope(rates);
    const change = slope * (rates.length - 1);
    const pValue = mannKendallP(rates);
    const drifting = change > rule.errorTolerance && pValue < rule.alpha;
    errors = { change, mannKendallS: mannKendallS(rates), pValue, drifting };
    if (drifting) reasons.push(`the share failed after retries grew by ${(change * 100).toFixed(2)} points over the soak (more than ${(rule.errorTolerance * 100).toFixed(2)}; Mann-Kendall p ${pValue.toPrecision(2)} < ${rule.alpha})`);
  }
  const drifting = reasons.length > 0;
  if (!drifting) {
    const p95Text = latency?.relativeChange === undefined ? '-' : `${latency.relativeChange >= 0 ? '+' : ''}${pctText(latency.relativeChange)} (Mann-Kendall p ${latency.pValue.toPrecision(2)})`;
    reasons.push(`no upward trend beyond the tolerance over ${judged.length} windows (p95 ${p95Text}, failed share ${errors.change >= 0 ? '+' : ''}${(errors.change * 100).toFixed(2)} points)`);
  }
  return { ...base, verdict: drifting ? 'drifting' : 'stable', reasons, latency, errors };
}

// ---- the phase's summary from its windows' ---------------------------------------------------------------

function mergeHistograms(list: ReadonlyArray<Histogram | undefined>): Histogram | undefined {
  const dense = new Array<number>(BUCKET_COUNT).fill(0);
  let any = false;
  for (const h of list) {
    if (!h) continue;
    denseCounts(h).forEach((c, i) => (dense[i] += c));
    any = true;
  }
  return any ? compactHistogram(dense) : undefined;
}

const EDGES = Array.from({ length: BUCKET_COUNT }, (_, i) => upperBound(i));

/** The histogram key of a http_req_duration (sub-)metric: '(all) (all)' or '<resource> <op>'. */
function histogramKey(metric: string): string | undefined {
  if (metric === 'http_req_duration{api:data}') return ALL_KEY;
  const m = /^http_req_duration\{resource:([^,}]+),op:([^,}]+)\}$/.exec(metric);
  return m ? `${m[1]} ${m[2]}` : undefined;
}

function mergeMetric(name: string, parts: MetricSummary[], seconds: number, histogram: Histogram | undefined): MetricSummary {
  const type = parts[0].type;
  const sum = (key: string) => parts.reduce((a, p) => a + (p.values[key] ?? 0), 0);
  const values: Record<string, number> = {};
  if (type === 'counter') {
    values.count = sum('count');
    values.rate = seconds > 0 ? values.count / seconds : 0;
  } else if (type === 'rate') {
    values.passes = sum('passes');
    values.fails = sum('fails');
    values.rate = values.passes + values.fails > 0 ? values.passes / (values.passes + values.fails) : 0;
  } else if (type === 'gauge') {
    const last = parts[parts.length - 1].values;
    values.value = last.value ?? 0;
    values.min = Math.min(...parts.map((p) => p.values.min ?? p.values.value ?? Infinity));
    values.max = Math.max(...parts.map((p) => p.values.max ?? p.values.value ?? -Infinity));
  } else {
    const counted = parts.filter((p) => (p.values.count ?? 0) > 0);
    const count = counted.reduce((a, p) => a + (p.values.count ?? 0), 0);
    if (count > 0) {
      values.count = count;
      values.avg = counted.reduce((a, p) => a + (p.values.avg ?? 0) * (p.values.count ?? 0), 0) / count;
      values.min = Math.min(...counted.map((p) => p.values.min ?? Infinity));
      values.max = Math.max(...counted.map((p) => p.values.max ?? -Infinity));
    }
    // Percentiles of the whole soak only where the merged latency histogram gives them (within a bucket,
    // 12%); other trends keep count, mean and extremes.
    if (histogram) {
      const dense = denseCounts(histogram);
      for (const [stat, q] of [['med', 0.5], ['p(90)', 0.9], ['p(95)', 0.95], ['p(99)', 0.99]] as const) {
        const v = binnedQuantile(dense, EDGES, q);
        if (v !== undefined) values[stat] = v;
      }
    }
  }
  const thresholds: Record<string, { ok: boolean }> = {};
  for (const p of parts) for (const [expr, r] of Object.entries(p.thresholds ?? {})) thresholds[expr] = { ok: (thresholds[expr]?.ok ?? true) && r.ok };
  const out: MetricSummary = { type, values };
  if (parts[0].contains) out.contains = parts[0].contains;
  if (Object.keys(thresholds).length > 0) out.thresholds = thresholds;
  return out;
}

function mergeGenerator(list: Array<GeneratorVerdict | undefined>): GeneratorVerdict | undefined {
  const present = list.map((g, i) => ({ g, i })).filter((x): x is { g: GeneratorVerdict; i: number } => x.g !== undefined);
  if (present.length === 0) return undefined;
  const max = (pick: (g: GeneratorVerdict) => number | undefined) => {
    const vs = present.map((x) => pick(x.g)).filter((v): v is number => v !== undefined);
    return vs.length > 0 ? Math.max(...vs) : undefined;
  };
  return {
    bound: present.some((x) => x.g.bound),
    reasons: present.flatMap((x) => x.g.reasons.map((r) => `window ${x.i + 1}: ${r}`)),
    k6CpuPercent: max((g) => g.k6CpuPercent),
    k6CpuMeanPercent: max((g) => g.k6CpuMeanPercent),
    windowSeconds: present.find((x) => x.g.k6CpuPercent === max((g) => g.k6CpuPercent))?.g.windowSeconds,
    cores: present[0].g.cores,
    droppedIterations: present.reduce((a, x) => a + x.g.droppedIterations, 0),
    lateIterations: present.reduce((a, x) => a + x.g.lateIterations, 0),
    maxLoad1: max((g) => g.maxLoad1),
    maxRssMb: max((g) => g.maxRssMb),
    notes: [...new Set(present.flatMap((x) => x.g.notes))],
  };
}

/** A window's row from its summary. */
export function windowOf(index: number, startS: number, data: SummaryData, windowSeconds: number): SoakWindow {
  const seconds = (data.state?.testRunDurationMs ?? 0) / 1000;
  const requests = data.metrics['http_reqs{api:data}']?.values.count ?? 0;
  const duration = data.metrics['http_req_duration{api:data}']?.values;
  return {
    index,
    startS,
    seconds,
    requests,
    requestsPerSecond: seconds > 0 ? requests / seconds : 0,
    p50Ms: duration?.count ? duration.med : undefined,
    p95Ms: duration?.count ? duration['p(95)'] : undefined,
    errorRate: data.metrics['dms_request_failed{api:data}']?.values.rate,
    droppedIterations: data.metrics.dropped_iterations?.values.count ?? 0,
    judged: seconds >= windowSeconds / 2 && requests > 0,
  };
}

/** summary.json's `soak`. */
export interface SoakResult {
  rate: number;
  windowSeconds: number;
  windows: SoakWindow[];
  drift: Drift;
}

/** The soak phase's summary from its windows' (in order), with `soak` (windows and drift) and `generator`. */
export function mergeSoak(parts: readonly SummaryData[], options: { rate: number; windowSeconds: number; rule: DriftRule }): SummaryData & { soak: SoakResult } {
  let startS = 0;
  const windows = parts.map((data, i) => {
    const w = windowOf(i, startS, data, options.windowSeconds);
    startS += w.seconds;
    return w;
  });
  const seconds = startS;
  const histograms: Record<string, Histogram> = {};
  for (const key of new Set(parts.flatMap((p) => Object.keys(p.histograms ?? {})))) {
    const h = mergeHistograms(parts.map((p) => p.histograms?.[key]));
    if (h) histograms[key] = h;
  }
  const metrics: Record<string, MetricSummary> = {};
  for (const name of new Set(parts.flatMap((p) => Object.keys(p.metrics)))) {
    const key = histogramKey(name);
    metrics[name] = mergeMetric(name, parts.map((p) => p.metrics[name]).filter((m): m is MetricSummary => m !== undefined), seconds, key ? histograms[key] : undefined);
  }
  const last = parts[parts.length - 1] ?? { metrics: {} };
  const merged: SummaryData & { soak: SoakResult } = {
    metrics,
    state: { ...(last.state ?? {}), testRunDurationMs: seconds * 1000 },
    histograms,
    soak: { rate: options.rate, windowSeconds: options.windowSeconds, windows, drift: judgeDrift(windows, options.rule) },
  };
  // The token broker keeps the problems of the whole phase: the last window's list has them all.
  if ((last as { problems?: unknown }).problems) (merged as Record<string, unknown>).problems = (last as { problems?: unknown }).problems;
  const generator = mergeGenerator(parts.map((p) => (p as { generator?: GeneratorVerdict }).generator));
  if (generator) (merged as Record<string, unknown>).generator = generator;
  return merged;
}

/** A soak result read back from JSON, checked enough to be shown (undefined when it is not one). */
export function asSoak(value: unknown): SoakResult | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const s = value as Partial<SoakResult>;
  return Array.isArray(s.windows) && s.drift && typeof s.drift.verdict === 'string' ? (s as SoakResult) : undefined;
}

/** The answer's line: the drift verdict and its first reason. */
export function soakLine(s: SoakResult): string {
  return `soak at ${s.rate} iterations/s, ${s.windows.length} windows: ${s.drift.verdict}: ${s.drift.reasons.join('; ')}`;
}

/** The console lines: one per window, then the drift verdict. */
export function soakLines(s: SoakResult): string[] {
  const rows = s.windows.map((w) => {
    const err = w.errorRate === undefined ? '-' : `${(w.errorRate * 100).toFixed(2)}%`;
    const p95 = w.p95Ms === undefined ? '-' : `${w.p95Ms.toFixed(1)} ms`;
    return `  window ${String(w.index + 1).padStart(2)} (${Math.round(w.startS)}-${Math.round(w.startS + w.seconds)} s)  ${w.requestsPerSecond.toFixed(1).padStart(8)} requests/s  p95 ${p95.padStart(9)}  failed ${err.padStart(6)}${w.judged ? '' : '  (short: not judged)'}`;
  });
  return ['soak windows:', ...rows, `drift: ${s.drift.verdict}: ${s.drift.reasons.join('; ')}`];
}
