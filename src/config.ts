// __ENV -> one typed, validated config object. Pure: no k6 imports, so it is unit-tested under Node.
// Defaults, ranges and checks come from the settings table (src/settings/table.ts), the same rules the
// runner applies before anything starts: k6 run by hand gets the same messages.
import type { DataProfile } from './data/profile.ts';
import {
  OPERATIONS,
  check,
  parseDuration,
  parseMix as parseMixWeights,
  problemOf,
  setting,
  type Operation,
} from './settings/table.ts';

export { OPERATIONS, type Operation };

export interface Thresholds {
  p95MsLoad: number;
  p95MsReadwrite: number;
  /** Highest share of logical data requests that failed after their retries (dms_request_failed). */
  errorRate: number;
  /** Highest share of failed operations, for any reason (dms_operation_failed); default: errorRate. */
  operationErrorRate: number;
  /** Highest share of failed attempts (http_req_failed); undefined = not gated, only shown. */
  attemptErrorRate: number | undefined;
  checksRate: number;
}

export interface SuiteConfig {
  apiBaseUrl: string;
  dataApiUrl: string;
  oauthTokenUrl: string;
  clientId: string;
  clientSecret: string;
  tokenBrokerUrl: string;
  tokenBrokerKey: string;
  tokenRefreshMarginSeconds: number;
  profileName: string;
  data: DataProfile;
  vusLoad: number;
  vusReadwrite: number;
  durationLoad: string;
  durationReadwrite: string;
  /** Iterations per second of the readwrite phase (open model); 0 = closed model, VUs loop without pause. */
  readwriteRate: number;
  readwriteMix: Record<Operation, number>;
  thresholds: Thresholds;
  resultsDir: string;
  runId: string;
  /** How many k6 instances (execution segments) run this phase together (INSTANCES, set by the runner); 1 = one k6. */
  instances: number;
  /** SUMMARY_TO_STDOUT=1: handleSummary also prints summary.json between markers (k6-operator's runner pods keep no files). */
  summaryToStdout: boolean;
}

export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {}

/**
 * The value of a setting (src/settings/table.ts) from the environment, checked with the table's rule, or its
 * built-in default when unset or empty; `fallback` when it has neither. Throws ConfigError naming the setting.
 */
function text(env: Env, name: string, fallback = ''): string {
  const entry = setting(name);
  const value = env[name];
  if (value === undefined || value === '') return entry.default ?? fallback;
  const problem = problemOf(entry, value);
  if (problem !== null) throw new ConfigError(problem);
  return entry.kind === 'text' ? value.trim() : value;
}

function number(env: Env, name: string): number {
  return Number(text(env, name));
}

/** A setting with no default: undefined when unset. */
function optionalNumber(env: Env, name: string): number | undefined {
  const value = text(env, name);
  return value === '' ? undefined : Number(value);
}

/** Parses 'read=35,query=20,...' into weights; unknown operations, non-numbers or all zero are errors. */
export function parseMix(value: string): Record<Operation, number> {
  const problem = check(setting('READWRITE_MIX'), value);
  const mix = parseMixWeights(value);
  if (problem !== null || mix === undefined) throw new ConfigError(`READWRITE_MIX='${value}' ${problem ?? 'is invalid'}`);
  return mix;
}

/** Seconds of a k6 duration string such as '1h30m' or '45s'. */
export function durationSeconds(value: string): number {
  const seconds = parseDuration(value);
  if (seconds === undefined) throw new ConfigError(`'${value}' is not a duration`);
  return seconds;
}

export function loadConfig(env: Env): SuiteConfig {
  const apiBaseUrl = text(env, 'API_BASE_URL').replace(/\/+$/, '');
  if (apiBaseUrl === '') {
    throw new ConfigError('API_BASE_URL is not set: k6 needs the DMS base URL, e.g. http://localhost:8080 (the runner sets it)');
  }
  const data: DataProfile = {
    schoolCount: number(env, 'SCHOOL_COUNT'),
    studentCount: number(env, 'STUDENT_COUNT'),
    staffCount: number(env, 'STAFF_COUNT'),
    coursesPerSchool: number(env, 'COURSES_PER_SCHOOL'),
    sectionsPerCourse: number(env, 'SECTIONS_PER_COURSE'),
    sectionsPerStudent: number(env, 'SECTIONS_PER_STUDENT'),
    schoolYear: number(env, 'SCHOOL_YEAR'),
  };
  const errorRate = number(env, 'THRESHOLD_ERROR_RATE');
  return {
    apiBaseUrl,
    dataApiUrl: text(env, 'DATA_API_URL', `${apiBaseUrl}/data`).replace(/\/+$/, ''),
    oauthTokenUrl: text(env, 'OAUTH_TOKEN_URL', `${apiBaseUrl}/oauth/token`),
    clientId: text(env, 'CLIENT_ID'),
    clientSecret: text(env, 'CLIENT_SECRET'),
    tokenBrokerUrl: text(env, 'TOKEN_BROKER_URL').replace(/\/+$/, ''),
    tokenBrokerKey: text(env, 'TOKEN_BROKER_KEY'),
    tokenRefreshMarginSeconds: number(env, 'TOKEN_REFRESH_MARGIN_SECONDS'),
    profileName: text(env, 'PROFILE'),
    data,
    vusLoad: number(env, 'VUS_LOAD_PHASE'),
    vusReadwrite: number(env, 'VUS_READWRITE_PHASE'),
    durationLoad: text(env, 'DURATION_LOAD_PHASE'),
    durationReadwrite: text(env, 'DURATION_READWRITE_PHASE'),
    readwriteRate: number(env, 'READWRITE_RATE'),
    readwriteMix: parseMix(text(env, 'READWRITE_MIX')),
    thresholds: {
      p95MsLoad: number(env, 'THRESHOLD_P95_MS_LOAD'),
      p95MsReadwrite: number(env, 'THRESHOLD_P95_MS_READWRITE'),
      errorRate,
      operationErrorRate: optionalNumber(env, 'THRESHOLD_OPERATION_ERROR_RATE') ?? errorRate,
      attemptErrorRate: optionalNumber(env, 'THRESHOLD_ATTEMPT_ERROR_RATE'),
      checksRate: number(env, 'THRESHOLD_CHECKS_RATE'),
    },
    resultsDir: text(env, 'RESULTS_DIR'),
    runId: text(env, 'RUN_ID'),
    instances: number(env, 'INSTANCES'),
    summaryToStdout: text(env, 'SUMMARY_TO_STDOUT') === '1',
  };
}
