// One phase run as several k6 instances: k6 splits a scenario with execution segments
// (`--execution-segment 1/3:2/3 --execution-segment-sequence 0,1/3,2/3,1`); each instance runs its share of
// the VUs and iterations, and exec.scenario.iterationInTest stays unique across all of them (k6's striped
// index), so the load phase's work items, picked by that number, are written once in all.
// The runner (or k6-operator's TestRun) also sets INSTANCES=N for every instance: k6 tells a script its
// segment only after init (exec.test.options), but the thresholds are fixed at init. Pure: unit-tested
// under Node; the k6 side is in src/phase/context.ts.

/** What this k6 process is: one of `instances` parts of the phase, or the whole of it. */
export interface InstancePart {
  instances: number;
  /** k6's execution segment ('0:1/2'), null when k6 runs the whole test. */
  segment: string | null;
  sequence: string | null;
  /** The part whose segment starts at 0: it alone writes what setup() writes once per run. */
  first: boolean;
}

/** A wrong combination of INSTANCES and k6's segment options: the message says what to set. */
export class SegmentError extends Error {}

/** '1/3', '0.25', '25%', '0' -> a number from 0 to 1; NaN when it is none of those forms. */
export function segmentValue(text: string): number {
  const t = text.trim();
  let value = Number.NaN;
  if (/^\d+\/\d+$/.test(t)) {
    const [a, b] = t.split('/').map(Number);
    value = b > 0 ? a / b : Number.NaN;
  } else if (/^\d+(\.\d+)?%$/.test(t)) {
    value = Number(t.slice(0, -1)) / 100;
  } else if (/^\d+(\.\d+)?$/.test(t)) {
    value = Number(t);
  }
  return value >= 0 && value <= 1 ? value : Number.NaN;
}

/** Start and end (0..1) of a segment as k6 writes it: 'from:to', or 'to' alone (from 0). */
export function segmentBounds(segment: string): { start: number; end: number } {
  const parts = segment.split(':');
  const [from, to] = parts.length === 2 ? parts : ['0', parts[0]];
  const start = segmentValue(from);
  const end = segmentValue(to);
  if (parts.length > 2 || Number.isNaN(start) || Number.isNaN(end) || end <= start) {
    throw new SegmentError(`k6's execution segment '${segment}' is not a segment such as 0:1/2 or 1/3:2/3`);
  }
  return { start, end };
}

/**
 * This instance's part, from INSTANCES (`instances`) and k6's options (exec.test.options.executionSegment
 * and executionSegmentSequence: strings, or undefined/null/'' when not given). Throws SegmentError when
 * they disagree: several instances without a segment would each write the whole data set, and a segment
 * without INSTANCES would judge the whole data set's thresholds on a part of it.
 */
export function instancePart(instances: number, segment: unknown, sequence: unknown): InstancePart {
  const seg = typeof segment === 'string' && segment.trim() !== '' ? segment.trim() : null;
  const seq = typeof sequence === 'string' && sequence.trim() !== '' ? sequence.trim() : null;
  if (!Number.isInteger(instances) || instances < 1) throw new SegmentError(`INSTANCES=${String(instances)} must be a whole number >= 1`);
  if (seg === null) {
    if (instances > 1) {
      throw new SegmentError(
        `INSTANCES=${instances} but k6 runs no execution segment: every instance would write the whole data set. ` +
          `Give each k6 its part: --execution-segment I/${instances}:(I+1)/${instances} --execution-segment-sequence 0,1/${instances},...,1 ` +
          '(./run-load-test.sh --instances N does this), or unset INSTANCES',
      );
    }
    return { instances, segment: null, sequence: null, first: true };
  }
  const { start, end } = segmentBounds(seg);
  if (instances === 1 && !(start === 0 && end === 1)) {
    throw new SegmentError(
      `k6 runs execution segment ${seg}, a part of the test, but INSTANCES is not set: set INSTANCES to the number of ` +
        'instances (segments), so the thresholds that need the whole run (the data set complete) are left to the merge',
    );
  }
  return { instances, segment: seg, sequence: seq, first: start === 0 };
}

/** A threshold as k6's options take it: an expression, or an object with one. */
export type ThresholdSpec = string | { threshold: string; abortOnFail?: boolean; delayAbortEval?: string };

/** Threshold expressions per metric, as summary.json's `segment.thresholds` keeps them for the merge. */
export type ThresholdExpressions = Record<string, string[]>;

/** The expressions of a thresholds map (objects reduced to their expression). */
export function thresholdExpressions(map: Record<string, ThresholdSpec[]>): ThresholdExpressions {
  const out: ThresholdExpressions = {};
  for (const [metric, list] of Object.entries(map)) out[metric] = list.map((t) => (typeof t === 'string' ? t : t.threshold));
  return out;
}

/**
 * summary.json's `segment` field: which run and which part of it this summary is, when it started and ended (ISO
 * times, from k6's run duration and the clock at handleSummary), and the thresholds the whole run is
 * judged by (tools/merge judges them on the merged figures).
 */
export interface SegmentRecord {
  /** The run every instance belongs to (RUN_ID: the first host's run id on every host). */
  runId: string;
  instances: number;
  executionSegment: string | null;
  executionSegmentSequence: string | null;
  startedAt: string;
  finishedAt: string;
  thresholds: ThresholdExpressions;
}

export function segmentRecord(runId: string, part: InstancePart, runDurationMs: number, nowMs: number, thresholds: ThresholdExpressions): SegmentRecord {
  return {
    runId,
    instances: part.instances,
    executionSegment: part.segment,
    executionSegmentSequence: part.sequence,
    startedAt: new Date(nowMs - Math.max(0, runDurationMs)).toISOString(),
    finishedAt: new Date(nowMs).toISOString(),
    thresholds,
  };
}

