// What every phase needs inside k6: the validated config, and per VU one DMS client on the shared token.
import exec from 'k6/execution';
import { abort, reportAbortsWith } from './abort.ts';
import { instancePart, SegmentError, segmentRecord, type InstancePart, type SegmentRecord, type ThresholdExpressions } from './segment.ts';
import { ConfigError, loadConfig, type SuiteConfig } from '../config.ts';
import { SharedAuthManager, type AuthSnapshot } from '../auth/SharedAuthManager.ts';
import { DmsClient } from '../dms/client.ts';
import { ProblemReporter } from '../dms/problem-report.ts';
import { abortProblem } from '../dms/problems.ts';

/** With a token broker, `auth` is null: VUs take the token from the broker, not from setup data. */
export interface SetupData {
  auth: AuthSnapshot | null;
}

function readConfig(): SuiteConfig {
  try {
    return loadConfig(__ENV);
  } catch (error) {
    if (error instanceof ConfigError) throw new Error(`configuration: ${error.message}`);
    throw error;
  }
}

/** Read once per VU at init; a bad value fails the test before it starts, with the variable named. */
export const config: SuiteConfig = readConfig();

let client: DmsClient | undefined;
let phaseName = 'unknown';

/** The phase this script runs ('load', 'readwrite'): problems are reported under it. Call at init. */
export function setPhase(name: string): void {
  phaseName = name;
}

/** This VU's client, created on first use from the token setup() obtained. */
export function dms(data: SetupData): DmsClient {
  if (!client) {
    const auth = new SharedAuthManager(config, data.auth ?? SharedAuthManager.obtain(config));
    const problems = new ProblemReporter(config.tokenBrokerUrl, config.tokenBrokerKey);
    client = new DmsClient(config.dataApiUrl, auth, phaseName, problems);
    reportAbortsWith((message) => problems.report(abortProblem(phaseName, message)));
  }
  return client;
}

/**
 * setup(): run bare, the one token every VU starts with; with a broker, nothing: setup data is served by
 * k6's REST API (/v1/setup), so the token must not be in it. VUs ask the broker instead.
 */
export function setupAuth(): SetupData {
  if (config.instances > 1 && !config.tokenBrokerUrl) {
    // Run bare, each instance's setup() would fetch a token of its own: N tokens where the suite promises one.
    abort(`INSTANCES=${config.instances} needs the token broker (TOKEN_BROKER_URL, TOKEN_BROKER_KEY), so that every instance shares one token; run through ./run-load-test.sh --instances N`);
  }
  return { auth: config.tokenBrokerUrl ? null : SharedAuthManager.obtain(config) };
}

/**
 * This instance's part of the phase (src/phase/segment.ts). Call from setup() on: k6 tells a script its
 * execution segment only after init. Aborts the test when INSTANCES and k6's segment options disagree.
 */
export function instanceOfRun(): InstancePart {
  try {
    return instancePart(config.instances, exec.test.options.executionSegment, exec.test.options.executionSegmentSequence);
  } catch (error) {
    if (error instanceof SegmentError) abort(error.message);
    throw error;
  }
}

/**
 * summary.json's `segment` record for an instance of several (undefined for a whole run): its part, its
 * start and end, and `wholeRun`, the thresholds the merged figures are judged by. Never throws: a summary
 * is written whatever happened.
 */
export function segmentOfSummary(runDurationMs: number, wholeRun: ThresholdExpressions): SegmentRecord | undefined {
  if (config.instances <= 1) return undefined;
  let segment: unknown = null;
  let sequence: unknown = null;
  try {
    segment = exec.test.options.executionSegment;
    sequence = exec.test.options.executionSegmentSequence;
  } catch {
    // the record then says the segment is unknown
  }
  const part: InstancePart = {
    instances: config.instances,
    segment: typeof segment === 'string' && segment !== '' ? segment : null,
    sequence: typeof sequence === 'string' && sequence !== '' ? sequence : null,
    first: false,
  };
  return segmentRecord(config.runId, part, runDurationMs, Date.now(), wholeRun);
}

export { abort };
