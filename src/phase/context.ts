// What every phase needs inside k6: the validated config, and per VU one DMS client on the shared token.
import { abort, reportAbortsWith } from './abort.ts';
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
  return { auth: config.tokenBrokerUrl ? null : SharedAuthManager.obtain(config) };
}

export { abort };
