// What every phase needs inside k6: the validated config, and per VU one DMS client on the shared token.
import exec from 'k6/execution';
import { ConfigError, loadConfig, type SuiteConfig } from '../config.ts';
import { SharedAuthManager, type AuthSnapshot } from '../auth/SharedAuthManager.ts';
import { DmsClient } from '../dms/client.ts';

export interface SetupData {
  auth: AuthSnapshot;
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

/** This VU's client, created on first use from the token setup() obtained. */
export function dms(data: SetupData): DmsClient {
  if (!client) client = new DmsClient(config.dataApiUrl, new SharedAuthManager(config, data.auth));
  return client;
}

/** setup(): the run's token (from the broker when the runner started one). */
export function setupAuth(): SetupData {
  return { auth: SharedAuthManager.obtainForSetup(config) };
}

export function abort(message: string): never {
  exec.test.abort(message);
  throw new Error(message);
}
