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

/**
 * The capacity phase (src/scenarios/capacity.ts): open-model steps of the readwrite mix, each held for
 * stepDuration, from startRate up to maxRate (iterations/s), and the rule that says a step broke.
 */
export interface CapacityConfig {
  /** Iterations per second of the first step. */
  startRate: number;
  /** Iterations per second added per step. */
  stepRate: number;
  /** Highest step, iterations per second (the last step is exactly this rate). */
  maxRate: number;
  /** How long each step is held (a k6 duration). */
  stepDuration: string;
  /** VUs k6 may keep busy (pre-allocated, so no VU is started mid-step). */
  vus: number;
  /** A step breaks when its p95 is more than this share above the first step's (0.5 = 50%)... */
  p95Growth: number;
  /** ...and at least this many ms above it (a 2 ms p95 growing by 1.1 ms is noise, not saturation). */
  p95GrowthMinMs: number;
}

/** The collections the deep-paging phase may walk: those of the load phase's data set. */
export const PAGED_RESOURCES = ['studentSectionAssociations', 'studentSchoolAssociations', 'students', 'staffSectionAssociations', 'sections', 'staffs'] as const;
export type PagedResource = (typeof PAGED_RESOURCES)[number];

/** The workloads shaped as Ed-Fi's Suite-3 runs them (src/scenarios/volume.ts, deep-paging.ts, filtered-read.ts). */
export interface WorkloadsConfig {
  volume: { vus: number; duration: string };
  deepPaging: { vus: number; resource: PagedResource; pageSize: number; walks: number; duration: string };
  filteredRead: { vus: number; duration: string; limit: number };
  /** The soak phase's window: its rate (0 = not set: the runner sets it) and the length of this k6 run. */
  soak: { vus: number; rate: number; windowDuration: string };
}

export interface SuiteConfig {
  apiBaseUrl: string;
  dataApiUrl: string;
  oauthTokenUrl: string;
  clientId: string;
  clientSecret: string;
  tokenBrokerUrl: string;
  tokenBrokerKey: string;
  /** k6's own REST API metrics endpoint (http://127.0.0.1:PORT/v1/metrics), set by the runner; '' when run bare. */
  liveMetricsUrl: string;
  tokenRefreshMarginSeconds: number;
  profileName: string;
  /** What k6 talks to: 'dms' or 'sim' (the bundled stand-in). */
  target: string;
  data: DataProfile;
  vusLoad: number;
  vusReadwrite: number;
  durationLoad: string;
  durationReadwrite: string;
  /** Iterations per second of the readwrite phase (open model); 0 = closed model, VUs loop without pause. */
  readwriteRate: number;
  readwriteMix: Record<Operation, number>;
  capacity: CapacityConfig;
  workloads: WorkloadsConfig;
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

/** The capacity phase's settings; the highest step must not be below the first. */
export function loadCapacityConfig(env: Env): CapacityConfig {
  const capacity: CapacityConfig = {
    startRate: number(env, 'CAPACITY_START_RATE'),
    stepRate: number(env, 'CAPACITY_STEP_RATE'),
    maxRate: number(env, 'CAPACITY_MAX_RATE'),
    stepDuration: text(env, 'CAPACITY_STEP_DURATION'),
    vus: number(env, 'VUS_CAPACITY_PHASE'),
    p95Growth: number(env, 'CAPACITY_P95_GROWTH'),
    p95GrowthMinMs: number(env, 'CAPACITY_P95_GROWTH_MIN_MS'),
  };
  if (capacity.maxRate < capacity.startRate) {
    throw new ConfigError(`CAPACITY_MAX_RATE='${capacity.maxRate}' is below CAPACITY_START_RATE (${capacity.startRate}); the steps go from the start rate up to the maximum`);
  }
  if (durationSeconds(capacity.stepDuration) < 1) {
    throw new ConfigError(`CAPACITY_STEP_DURATION='${capacity.stepDuration}' is shorter than 1s; a step must be long enough to judge`);
  }
  return capacity;
}

function pagedResource(env: Env): PagedResource {
  return text(env, 'DEEP_PAGING_RESOURCE') as PagedResource; // a 'choice' of PAGED_RESOURCES in the table
}

/** The settings of the volume, deep-paging and filtered-read phases. */
export function loadWorkloadsConfig(env: Env): WorkloadsConfig {
  // DMS's largest page is 500 rows: the table's ranges stop there.
  const pageSize = number(env, 'DEEP_PAGING_PAGE_SIZE');
  const limit = number(env, 'FILTERED_READ_LIMIT');
  return {
    volume: { vus: number(env, 'VUS_VOLUME_PHASE'), duration: text(env, 'DURATION_VOLUME_PHASE') },
    deepPaging: {
      vus: number(env, 'VUS_DEEP_PAGING_PHASE'),
      resource: pagedResource(env),
      pageSize,
      walks: number(env, 'DEEP_PAGING_WALKS'),
      duration: text(env, 'DURATION_DEEP_PAGING_PHASE'),
    },
    filteredRead: { vus: number(env, 'VUS_FILTERED_READ_PHASE'), duration: text(env, 'DURATION_FILTERED_READ_PHASE'), limit },
    soak: {
      vus: number(env, 'VUS_SOAK_PHASE'),
      rate: text(env, 'SOAK_RATE') === '' ? 0 : number(env, 'SOAK_RATE'),
      // The runner runs the soak as one k6 run per window and gives each its length (the last may be shorter).
      windowDuration: text(env, 'SOAK_WINDOW_RUN') || text(env, 'SOAK_WINDOW'),
    },
  };
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
    liveMetricsUrl: text(env, 'LIVE_METRICS_URL'),
    tokenRefreshMarginSeconds: number(env, 'TOKEN_REFRESH_MARGIN_SECONDS'),
    profileName: text(env, 'PROFILE'),
    target: text(env, 'TARGET'),
    data,
    vusLoad: number(env, 'VUS_LOAD_PHASE'),
    vusReadwrite: number(env, 'VUS_READWRITE_PHASE'),
    durationLoad: text(env, 'DURATION_LOAD_PHASE'),
    durationReadwrite: text(env, 'DURATION_READWRITE_PHASE'),
    readwriteRate: number(env, 'READWRITE_RATE'),
    readwriteMix: parseMix(text(env, 'READWRITE_MIX')),
    capacity: loadCapacityConfig(env),
    workloads: loadWorkloadsConfig(env),
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
