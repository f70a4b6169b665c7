// __ENV -> one typed, validated config object. Pure: no k6 imports, so it is unit-tested under Node.
import type { DataProfile } from './data/profile.ts';

export type Operation = 'read' | 'query' | 'update' | 'create' | 'delete';
export const OPERATIONS: readonly Operation[] = ['read', 'query', 'update', 'create', 'delete'];

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
}

export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {}

const DURATION = /^(\d+h)?(\d+m)?(\d+(\.\d+)?s)?$/;

function text(env: Env, name: string, fallback: string): string {
  const value = env[name];
  return value === undefined || value === '' ? fallback : value.trim();
}

function integer(env: Env, name: string, fallback: number, min: number): number {
  const raw = text(env, name, String(fallback));
  if (!/^\d+$/.test(raw) || Number(raw) < min) {
    throw new ConfigError(`${name}='${raw}' must be a whole number >= ${min}`);
  }
  return Number(raw);
}

function fraction(env: Env, name: string, fallback: number): number {
  const raw = text(env, name, String(fallback));
  const value = Number(raw);
  if (!/^\d*\.?\d+$/.test(raw) || value > 1) {
    throw new ConfigError(`${name}='${raw}' must be a number between 0 and 1`);
  }
  return value;
}

/** A decimal number from min to max, e.g. '0.5'. */
function decimal(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env, name, String(fallback));
  const value = Number(raw);
  if (!/^\d*\.?\d+$/.test(raw) || value < min || value > max) {
    throw new ConfigError(`${name}='${raw}' must be a number from ${min} to ${max}`);
  }
  return value;
}

function duration(env: Env, name: string, fallback: string): string {
  const raw = text(env, name, fallback);
  if (raw === '' || !DURATION.test(raw)) {
    throw new ConfigError(`${name}='${raw}' is not a duration; use forms like 30s, 5m, 1h30m`);
  }
  return raw;
}

/** Parses 'read=35,query=20,...' into weights; unknown operations or non-numbers are errors. */
export function parseMix(raw: string): Record<Operation, number> {
  const mix: Record<Operation, number> = { read: 0, query: 0, update: 0, create: 0, delete: 0 };
  for (const part of raw.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [name, weight] = part.split('=').map((s) => s.trim());
    if (!(OPERATIONS as readonly string[]).includes(name) || !/^\d+$/.test(weight ?? '')) {
      throw new ConfigError(
        `READWRITE_MIX part '${part}' is invalid; use op=weight with op one of ${OPERATIONS.join(', ')}`,
      );
    }
    mix[name as Operation] = Number(weight);
  }
  if (OPERATIONS.every((op) => mix[op] === 0)) {
    throw new ConfigError('READWRITE_MIX gives every operation weight 0');
  }
  return mix;
}

/** Seconds of a k6 duration string such as '1h30m' or '45s'. */
export function durationSeconds(value: string): number {
  const match = DURATION.exec(value);
  if (!match) throw new ConfigError(`'${value}' is not a duration`);
  const [, h, m, s] = match;
  return (h ? parseInt(h, 10) * 3600 : 0) + (m ? parseInt(m, 10) * 60 : 0) + (s ? parseFloat(s) : 0);
}

/** The capacity phase's settings; the highest step must not be below the first. */
export function loadCapacityConfig(env: Env): CapacityConfig {
  const capacity: CapacityConfig = {
    startRate: integer(env, 'CAPACITY_START_RATE', 10, 1),
    stepRate: integer(env, 'CAPACITY_STEP_RATE', 10, 1),
    maxRate: integer(env, 'CAPACITY_MAX_RATE', 100, 1),
    stepDuration: duration(env, 'CAPACITY_STEP_DURATION', '30s'),
    vus: integer(env, 'VUS_CAPACITY_PHASE', 20, 1),
    p95Growth: decimal(env, 'CAPACITY_P95_GROWTH', 0.5, 0, 100),
    p95GrowthMinMs: integer(env, 'CAPACITY_P95_GROWTH_MIN_MS', 10, 0),
  };
  if (capacity.maxRate < capacity.startRate) {
    throw new ConfigError(`CAPACITY_MAX_RATE=${capacity.maxRate} is below CAPACITY_START_RATE=${capacity.startRate}; the steps go from the start rate up to the maximum`);
  }
  if (durationSeconds(capacity.stepDuration) < 1) {
    throw new ConfigError(`CAPACITY_STEP_DURATION='${capacity.stepDuration}' is shorter than 1s; a step must be long enough to judge`);
  }
  return capacity;
}

function pagedResource(env: Env): PagedResource {
  const raw = text(env, 'DEEP_PAGING_RESOURCE', 'studentSectionAssociations');
  if (!(PAGED_RESOURCES as readonly string[]).includes(raw)) throw new ConfigError(`DEEP_PAGING_RESOURCE='${raw}' must be one of ${PAGED_RESOURCES.join(', ')}`);
  return raw as PagedResource;
}

/** The settings of the volume, deep-paging and filtered-read phases. */
export function loadWorkloadsConfig(env: Env): WorkloadsConfig {
  const pageSize = integer(env, 'DEEP_PAGING_PAGE_SIZE', 500, 1);
  const limit = integer(env, 'FILTERED_READ_LIMIT', 100, 1);
  if (pageSize > 500) throw new ConfigError(`DEEP_PAGING_PAGE_SIZE=${pageSize} is above 500, DMS's largest page`);
  if (limit > 500) throw new ConfigError(`FILTERED_READ_LIMIT=${limit} is above 500, DMS's largest page`);
  return {
    volume: { vus: integer(env, 'VUS_VOLUME_PHASE', 10, 1), duration: duration(env, 'DURATION_VOLUME_PHASE', '30m') },
    deepPaging: {
      vus: integer(env, 'VUS_DEEP_PAGING_PHASE', 1, 1),
      resource: pagedResource(env),
      pageSize,
      walks: integer(env, 'DEEP_PAGING_WALKS', 1, 1),
      duration: duration(env, 'DURATION_DEEP_PAGING_PHASE', '30m'),
    },
    filteredRead: { vus: integer(env, 'VUS_FILTERED_READ_PHASE', 10, 1), duration: duration(env, 'DURATION_FILTERED_READ_PHASE', '5m'), limit },
    soak: {
      vus: integer(env, 'VUS_SOAK_PHASE', 20, 1),
      rate: integer(env, 'SOAK_RATE', 0, 0),
      // The runner runs the soak as one k6 run per window and gives each its length (the last may be shorter).
      windowDuration: duration(env, 'SOAK_WINDOW_RUN', text(env, 'SOAK_WINDOW', '10m')),
    },
  };
}

export function loadConfig(env: Env): SuiteConfig {
  const apiBaseUrl = text(env, 'API_BASE_URL', '').replace(/\/+$/, '');
  if (!/^https?:\/\/\S+$/.test(apiBaseUrl)) {
    throw new ConfigError(`API_BASE_URL='${apiBaseUrl}' must be an http(s) URL of the DMS, e.g. http://localhost:8080`);
  }
  const data: DataProfile = {
    schoolCount: integer(env, 'SCHOOL_COUNT', 2, 1),
    studentCount: integer(env, 'STUDENT_COUNT', 2, 1),
    staffCount: integer(env, 'STAFF_COUNT', 2, 0),
    coursesPerSchool: integer(env, 'COURSES_PER_SCHOOL', 1, 1),
    sectionsPerCourse: integer(env, 'SECTIONS_PER_COURSE', 1, 1),
    sectionsPerStudent: integer(env, 'SECTIONS_PER_STUDENT', 1, 0),
    schoolYear: integer(env, 'SCHOOL_YEAR', 2026, 1991),
  };
  const errorRate = fraction(env, 'THRESHOLD_ERROR_RATE', 0.01);
  return {
    apiBaseUrl,
    dataApiUrl: text(env, 'DATA_API_URL', `${apiBaseUrl}/data`).replace(/\/+$/, ''),
    oauthTokenUrl: text(env, 'OAUTH_TOKEN_URL', `${apiBaseUrl}/oauth/token`),
    clientId: text(env, 'CLIENT_ID', ''),
    clientSecret: text(env, 'CLIENT_SECRET', ''),
    tokenBrokerUrl: text(env, 'TOKEN_BROKER_URL', '').replace(/\/+$/, ''),
    tokenBrokerKey: text(env, 'TOKEN_BROKER_KEY', ''),
    liveMetricsUrl: text(env, 'LIVE_METRICS_URL', ''),
    tokenRefreshMarginSeconds: integer(env, 'TOKEN_REFRESH_MARGIN_SECONDS', 60, 0),
    profileName: text(env, 'PROFILE', 'custom'),
    data,
    vusLoad: integer(env, 'VUS_LOAD_PHASE', 2, 1),
    vusReadwrite: integer(env, 'VUS_READWRITE_PHASE', 2, 1),
    durationLoad: duration(env, 'DURATION_LOAD_PHASE', '10m'),
    durationReadwrite: duration(env, 'DURATION_READWRITE_PHASE', '1m'),
    readwriteRate: integer(env, 'READWRITE_RATE', 0, 0),
    readwriteMix: parseMix(text(env, 'READWRITE_MIX', 'read=35,query=20,update=20,create=15,delete=10')),
    capacity: loadCapacityConfig(env),
    workloads: loadWorkloadsConfig(env),
    thresholds: {
      p95MsLoad: integer(env, 'THRESHOLD_P95_MS_LOAD', 1000, 1),
      p95MsReadwrite: integer(env, 'THRESHOLD_P95_MS_READWRITE', 500, 1),
      errorRate,
      operationErrorRate: fraction(env, 'THRESHOLD_OPERATION_ERROR_RATE', errorRate),
      attemptErrorRate: text(env, 'THRESHOLD_ATTEMPT_ERROR_RATE', '') === '' ? undefined : fraction(env, 'THRESHOLD_ATTEMPT_ERROR_RATE', 0),
      checksRate: fraction(env, 'THRESHOLD_CHECKS_RATE', 0.99),
    },
    resultsDir: text(env, 'RESULTS_DIR', ''),
    runId: text(env, 'RUN_ID', 'adhoc'),
  };
}
