// Merges the summary.json of several k6 instances of one phase (execution segments: --instances N on one
// machine, or instance i of N on several hosts, or k6-operator's runner pods) into one summary.json, as if
// one k6 had run the whole phase. Pure: no file system; unit-tested.
//
// What is exact and what is not:
// - counts (counters, rate samples, trend counts, checks) are sums; rates of counters are the summed count
//   over the merged run time (the earliest start to the latest end of the instances); a Rate's rate is its
//   summed passes over its summed samples; trends' min, max and avg (weighted by count) are exact;
// - percentiles (med, p(90), p(95), p(99)) of the data requests' http_req_duration come from their merged
//   per-operation latency histograms (src/summary/latency-histogram.ts: buckets 12.2% wide), kept between
//   the instances' own exact ones (a percentile of the whole lies between them); other trends' percentiles
//   are left out unless one instance holds all the samples;
// - gauges (vus, vus_max) are summed over the instances;
// - thresholds are the whole run's (each instance's summary.json carries them in segment.thresholds),
//   judged on these merged figures (thresholds.ts); one exit code for the run (combinedExitCode).
import type { MetricSummary, SummaryData } from '../../src/summary/summary.ts';
import { BUCKET_COUNT, compactHistogram, denseCounts, histogramKey, upperBound, type Histogram } from '../../src/summary/latency-histogram.ts';
import { segmentBounds, type SegmentRecord } from '../../src/phase/segment.ts';
import { binnedQuantile } from '../baseline/stats.ts';
import { judgeThreshold, type ThresholdVerdict } from './thresholds.ts';

/** One instance's summary and where it came from. */
export interface SummaryPart {
  /** For messages and the record: 'load/instance-2', or a results folder. */
  source: string;
  summary: SummaryData;
  /** The instance's k6 exit code, when known. */
  exitCode?: number;
}

/** summary.json's `merge` field: what was merged and how the whole run was judged. */
export interface MergeRecord {
  instances: number;
  parts: Array<{ source: string; executionSegment: string | null; exitCode: number | null; startedAt: string | null; finishedAt: string | null }>;
  /** The whole run's thresholds on the merged figures. */
  thresholds: ThresholdVerdict[];
  /** The run's one exit code for this phase (combinedExitCode). */
  exitCode: number;
  /** What the merge could not do exactly, in words. */
  notes: string[];
}

/** Parts that cannot make one run: the message says which and how to fix it. */
export class MergeError extends Error {}

const EPSILON = 1e-9;

function segmentOf(part: SummaryPart): SegmentRecord | undefined {
  const segment = (part.summary as { segment?: SegmentRecord }).segment;
  return segment && typeof segment === 'object' ? segment : undefined;
}

/**
 * Checks that the parts are the instances of one run, each once, together the whole of it: every part
 * an instance (a segment record), the same number of instances and sequence, segments that tile 0..1.
 * Throws MergeError naming the parts at fault.
 */
export function checkParts(parts: SummaryPart[]): void {
  if (parts.length < 2) throw new MergeError(`merging needs the summaries of at least two instances; got ${parts.length}`);
  const whole = parts.filter((p) => !segmentOf(p)).map((p) => p.source);
  if (whole.length > 0) {
    throw new MergeError(`${whole.join(', ')}: not an instance of several (no segment record in summary.json); merge the instances of one run, started with --instances N or --instance I/N`);
  }
  const runIds = new Set(parts.map((p) => segmentOf(p)?.runId));
  if (runIds.size > 1) {
    throw new MergeError(`the parts belong to different runs (run ids ${[...runIds].join(', ')}): every instance of one run gets the first host's run id (--join); merge one run's instances`);
  }
  const counts = new Set(parts.map((p) => segmentOf(p)?.instances));
  if (counts.size > 1) throw new MergeError(`the parts come from runs of different sizes (${[...counts].join(', ')} instances): merge the instances of one run`);
  const n = [...counts][0] as number;
  const ranges = parts.map((p) => {
    const seg = segmentOf(p)?.executionSegment;
    if (!seg) throw new MergeError(`${p.source}: its execution segment is unknown; it cannot be placed in the run`);
    return { source: p.source, seg, ...segmentBounds(seg) };
  }).sort((a, b) => a.start - b.start);
  let reached = 0;
  const missing: string[] = [];
  for (const r of ranges) {
    if (r.start < reached - EPSILON) {
      const twice = ranges.find((o) => o !== r && o.start <= r.start + EPSILON && o.end > r.start + EPSILON);
      throw new MergeError(`${r.source} (segment ${r.seg}) overlaps ${twice ? `${twice.source} (segment ${twice.seg})` : 'another part'}: an instance is there twice; merge each instance once`);
    }
    if (r.start > reached + EPSILON) missing.push(`${reached}..${r.start}`);
    reached = r.end;
  }
  if (reached < 1 - EPSILON) missing.push(`${reached}..1`);
  if (missing.length > 0 || parts.length !== n) {
    throw new MergeError(
      `the parts do not make the whole run: ${parts.length} of ${n} instances${missing.length > 0 ? `, segments ${missing.map((m) => m.replace(/(\d\.\d{3})\d+/g, '$1')).join(', ')} missing` : ''}; ` +
        'collect every instance\'s results folder (each host writes its own) and merge them all',
    );
  }
}

/**
 * The run's exit code for the phase: an instance's own failure (k6's 104, 107, 108, 255 ...) comes first,
 * the first of them in part order, with a signal's 105 only when nothing else failed (an instance that
 * aborted stops the others with a signal); then 99 when the merged thresholds fail; else 0. An
 * instance's 99 (its part's thresholds) is superseded by the merged judgement. Unknown codes are ignored.
 */
export function combinedExitCode(codes: Array<number | undefined>, thresholdsOk: boolean): number {
  const failures = codes.filter((c): c is number => c !== undefined && c !== 0 && c !== 99);
  const cause = failures.find((c) => c !== 105) ?? failures[0];
  if (cause !== undefined) return cause;
  return thresholdsOk ? 0 : 99;
}

const EDGES: Array<number | null> = Array.from({ length: BUCKET_COUNT }, (_, i) => upperBound(i));
const PERCENTILE_STATS: Array<[string, number]> = [['med', 0.5], ['p(90)', 0.9], ['p(95)', 0.95], ['p(99)', 0.99]];

function sum(values: Array<number | undefined>): number {
  return values.reduce<number>((a, b) => a + (b ?? 0), 0);
}

/** The q-quantile of dense counts in ms, kept inside the exact min and max of the merged trend. */
function quantile(dense: number[], q: number, min: number | undefined, max: number | undefined): number | undefined {
  const value = binnedQuantile(dense, EDGES, q, 0);
  if (value === undefined) return undefined;
  return Math.min(Math.max(value, min ?? value), max ?? value);
}

/** The lowest and highest of a stat among the instances with samples; undefined when one of them lacks it. */
function partRange(list: MetricSummary[], stat: string): [number, number] | undefined {
  const values = list.filter((m) => (m.values.count ?? 0) > 0).map((m) => m.values[stat]);
  if (values.length === 0 || values.some((v) => typeof v !== 'number' || !Number.isFinite(v))) return undefined;
  return [Math.min(...values), Math.max(...values)];
}

function mergeMetric(list: MetricSummary[], seconds: number, dense: number[] | undefined): MetricSummary {
  const first = list[0];
  const values: Record<string, number> = {};
  const all = (stat: string) => list.map((m) => m.values[stat]);
  switch (first.type) {
    case 'counter': {
      values.count = sum(all('count'));
      values.rate = seconds > 0 ? values.count / seconds : sum(all('rate'));
      break;
    }
    case 'rate': {
      values.passes = sum(all('passes'));
      values.fails = sum(all('fails'));
      const n = values.passes + values.fails;
      values.rate = n > 0 ? values.passes / n : 0;
      break;
    }
    case 'gauge': {
      for (const stat of ['value', 'min', 'max']) if (list.some((m) => m.values[stat] !== undefined)) values[stat] = sum(all(stat));
      break;
    }
    case 'trend': {
      const counts = all('count');
      const count = sum(counts);
      values.count = count;
      const sampled = list.filter((m) => (m.values.count ?? 0) > 0);
      if (sampled.length > 0) {
        values.min = Math.min(...sampled.map((m) => m.values.min ?? Number.POSITIVE_INFINITY));
        values.max = Math.max(...sampled.map((m) => m.values.max ?? Number.NEGATIVE_INFINITY));
        values.avg = sum(sampled.map((m) => (m.values.avg ?? 0) * (m.values.count ?? 0))) / count;
        // a percentile of the whole lies between the instances' own (thresholds.ts): the histogram's estimate is
        // kept inside that range, and one instance with samples gives the exact value
        for (const [stat, q] of PERCENTILE_STATS) {
          const range = partRange(list, stat);
          const estimate = dense ? quantile(dense, q, values.min, values.max) : undefined;
          if (range && range[0] === range[1]) values[stat] = range[0];
          else if (estimate !== undefined) values[stat] = range ? Math.min(Math.max(estimate, range[0]), range[1]) : estimate;
        }
      } else {
        for (const stat of ['min', 'max', 'avg', 'med', 'p(90)', 'p(95)', 'p(99)']) values[stat] = 0; // k6's zeros for no samples
      }
      break;
    }
  }
  const merged: MetricSummary = { type: first.type, values };
  if (first.contains) merged.contains = first.contains;
  return merged;
}

interface Check { name: string; path: string; id: string; passes: number; fails: number }
interface Group { name: string; path: string; id: string; groups: Group[]; checks: Check[] }

function mergeGroups(groups: Group[]): Group {
  const first = groups[0];
  const checks = new Map<string, Check>();
  const children = new Map<string, Group[]>();
  for (const g of groups) {
    for (const c of g.checks ?? []) {
      const known = checks.get(c.id);
      if (known) {
        known.passes += c.passes;
        known.fails += c.fails;
      } else {
        checks.set(c.id, { ...c });
      }
    }
    for (const child of g.groups ?? []) children.set(child.id, [...(children.get(child.id) ?? []), child]);
  }
  return { ...first, groups: [...children.values()].map(mergeGroups), checks: [...checks.values()] };
}

type Problem = Record<string, unknown> & { count?: number };

/** The broker is the run's: every instance's summary lists the same problems; each is kept once, its highest count. */
function mergeProblems(lists: Problem[][]): Problem[] {
  const byKey = new Map<string, Problem>();
  for (const list of lists) {
    for (const p of list) {
      const key = JSON.stringify([p.phase, p.resource, p.op, p.status, p.kind, p.problemType]);
      const known = byKey.get(key);
      if (!known) byKey.set(key, { ...p });
      else known.count = Math.max(known.count ?? 0, p.count ?? 0);
    }
  }
  return [...byKey.values()];
}

/** Merged run time (s): the earliest start to the latest end when every part says when it ran, else the longest part. */
function runSeconds(parts: SummaryPart[], notes: string[]): number {
  const spans = parts.map((p) => segmentOf(p)).map((s) => (s ? [Date.parse(s.startedAt), Date.parse(s.finishedAt)] : [Number.NaN, Number.NaN]));
  if (spans.every(([a, b]) => Number.isFinite(a) && Number.isFinite(b))) {
    return (Math.max(...spans.map((s) => s[1])) - Math.min(...spans.map((s) => s[0]))) / 1000;
  }
  notes.push('the run time is the longest instance\'s (not every part says when it ran): rates assume the instances ran together');
  return Math.max(...parts.map((p) => p.summary.state?.testRunDurationMs ?? 0)) / 1000;
}

/** The whole run's thresholds: each part's segment.thresholds, which must agree. */
function wholeRunThresholds(parts: SummaryPart[]): Record<string, string[]> {
  const lists = parts.map((p) => segmentOf(p)?.thresholds ?? {});
  const first = JSON.stringify(lists[0]);
  const other = parts.find((_, i) => JSON.stringify(lists[i]) !== first);
  if (other) throw new MergeError(`${other.source} was judged by other thresholds than ${parts[0].source}: the instances ran with different settings; run every instance with the same configuration`);
  return lists[0];
}

const KNOWN_FIELDS = new Set(['root_group', 'options', 'state', 'metrics', 'histograms', 'problems', 'logs', 'segment', 'merge', 'setup_data']);

/**
 * Merges the parts (checkParts first) into one summary with a `merge` record. `runProblems`: problem lists
 * the broker kept for the phase besides the parts' own (k6-operator's runners save none themselves).
 * Throws MergeError for parts that are not the instances of one run.
 */
export function mergeSummaries(given: SummaryPart[], runProblems: Array<Array<Record<string, unknown>>> = []): { summary: SummaryData; record: MergeRecord } {
  checkParts(given);
  // in segment order: instance 1 first, whatever order the folders were named in
  const parts = [...given].sort((a, b) => segmentBounds(segmentOf(a)?.executionSegment as string).start - segmentBounds(segmentOf(b)?.executionSegment as string).start);
  const notes: string[] = [];
  const seconds = runSeconds(parts, notes);
  const thresholds = wholeRunThresholds(parts);

  const histograms: Record<string, number[]> = {};
  for (const part of parts) {
    for (const [key, h] of Object.entries(part.summary.histograms ?? {})) {
      let dense: number[];
      try {
        dense = denseCounts(h);
      } catch (error) {
        throw new MergeError(`${part.source}: histogram '${key}' cannot be read (${(error as Error).message}); were the instances run by different versions of the suite?`);
      }
      const total = histograms[key] ?? new Array<number>(BUCKET_COUNT).fill(0);
      dense.forEach((c, i) => (total[i] += c));
      histograms[key] = total;
    }
  }

  const names = [...new Set(parts.flatMap((p) => Object.keys(p.summary.metrics)))];
  const metrics: Record<string, MetricSummary> = {};
  let droppedPercentiles = 0;
  for (const name of names) {
    const list = parts.map((p) => p.summary.metrics[name]).filter((m): m is MetricSummary => m !== undefined);
    const key = histogramKey(name);
    const dense = key === undefined ? undefined : histograms[key];
    metrics[name] = mergeMetric(list, seconds, dense);
    if (list[0].type === 'trend' && !dense && list.some((m) => (m.values.count ?? 0) > 0 && m.values['p(95)'] !== undefined)) droppedPercentiles++;
  }
  if (droppedPercentiles > 0) {
    notes.push(`percentiles of ${droppedPercentiles} trend(s) without latency histograms (iteration_duration, token and broker calls, ...) are left out: they cannot be merged; min, max, avg and count are exact`);
  }
  if (names.some((n) => metrics[n].type === 'gauge')) notes.push('gauges (vus, vus_max) are the sums over the instances');

  const verdicts: ThresholdVerdict[] = [];
  for (const [metric, expressions] of Object.entries(thresholds)) {
    const key = histogramKey(metric);
    const dense = key === undefined ? undefined : histograms[key];
    const merged = metrics[metric];
    const list = parts.map((p) => p.summary.metrics[metric]).filter((m): m is MetricSummary => m !== undefined);
    const figures = {
      percentile: dense ? (q: number) => quantile(dense, q, merged?.values.min, merged?.values.max) : undefined,
      partRange: (stat: string) => partRange(list, stat),
    };
    const results: Record<string, { ok: boolean }> = {};
    for (const expression of expressions) {
      const verdict = judgeThreshold(metric, expression, merged, figures);
      verdicts.push(verdict);
      results[expression] = { ok: verdict.ok };
    }
    if (merged && expressions.length > 0) merged.thresholds = results;
  }
  const thresholdsOk = verdicts.every((v) => v.ok);
  const exitCode = combinedExitCode(parts.map((p) => p.exitCode), thresholdsOk);

  const first = parts[0].summary;
  const merged: SummaryData = {
    root_group: mergeGroups(parts.map((p) => p.summary.root_group as Group).filter(Boolean)),
    options: first.options,
    state: { ...(first.state ?? {}), testRunDurationMs: seconds * 1000 },
    metrics,
  };
  const compact: Record<string, Histogram> = {};
  for (const key of Object.keys(histograms).sort()) {
    const h = compactHistogram(histograms[key]);
    if (h) compact[key] = h;
  }
  merged.histograms = compact;
  const problems = [...parts.map((p) => p.summary.problems), ...runProblems].filter((l): l is Problem[] => Array.isArray(l));
  if (problems.length > 0) merged.problems = mergeProblems(problems);
  const logs = parts.map((p) => p.summary.logs as Record<string, number> | undefined).filter((l): l is Record<string, number> => !!l && typeof l === 'object');
  if (logs.length > 0) {
    const total: Record<string, number> = {};
    for (const l of logs) for (const [kind, n] of Object.entries(l)) total[kind] = (total[kind] ?? 0) + n;
    merged.logs = total;
  }
  for (const field of new Set(parts.flatMap((p) => Object.keys(p.summary)))) {
    if (KNOWN_FIELDS.has(field)) continue;
    const values = parts.map((p) => JSON.stringify(p.summary[field]));
    if (values.every((v) => v === values[0])) merged[field] = first[field];
    else notes.push(`summary.json field '${field}' differs between the instances and is left out (the merge cannot add it up)`);
  }
  const record: MergeRecord = {
    instances: parts.length,
    parts: parts.map((p) => {
      const s = segmentOf(p);
      return { source: p.source, executionSegment: s?.executionSegment ?? null, exitCode: p.exitCode ?? null, startedAt: s?.startedAt ?? null, finishedAt: s?.finishedAt ?? null };
    }),
    thresholds: verdicts,
    exitCode,
    notes,
  };
  merged.merge = record;
  return { summary: merged, record };
}
