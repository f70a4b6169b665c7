// The suite's settings: every environment variable a person may set (and the few the runner sets for its
// children), declared once. The runner's validation and --help, the k6 side (src/config.ts), the data
// profile's checks (src/data/profile.ts), the stand-in's options (sim/options.ts), the baseline tolerances
// and the settings table of docs/load-test-guide.md all come from here.
//
// Pure data and functions: no k6 and no Node imports, so esbuild bundles it into k6 and Node imports it.
// To add a setting: one entry in SETTINGS below, then `npm run settings:doc` (the doc table is generated).

/** How a value is checked; see check(). */
export type Kind =
  | 'url' // http:// or https:// and a host
  | 'int' // a whole number in min..max (a sign only where min < 0)
  | 'decimal' // a plain decimal number (no sign, no exponent) in min..max
  | 'fraction' // a decimal from 0 to 1
  | 'duration' // a k6 duration made of h, m, s: 30s, 5m, 1h30m, 4.5s
  | 'mix' // readwrite operation weights: read=35,query=20,...
  | 'word' // text without spaces
  | 'choice' // one of `choices`
  | 'text' // any text
  | 'path'; // a file or folder path

/** Who reads a setting: the bash runner and its Node helpers, the k6 scenarios, the stand-in (sim/), tools/. */
export type Reader = 'runner' | 'k6' | 'stand-in' | 'tools';

/**
 * Where a value may come from. 'any': the shell, a profile (.env.profiles/NAME.env) or the env file
 * (.env.load-test); 'shell': read from the environment before any file is read; 'runner': set by the runner
 * for its children, not a setting a person gives.
 */
export type Origin = 'any' | 'shell' | 'runner';

export interface Setting {
  readonly name: string;
  readonly kind: Kind;
  /** What the number or text means: 'ms', 's', 'iterations/s', 'VUs', 'count', 'fraction', 'k6 duration', 'URL', ... */
  readonly unit: string;
  /** Lowest (int, decimal) value allowed; for 'duration' in seconds. */
  readonly min?: number;
  /** Highest value allowed; for 'duration' in seconds. */
  readonly max?: number;
  /** The bound itself is not allowed (decimal only): BASELINE_ALPHA is above 0 and below 0.5. */
  readonly minExclusive?: boolean;
  readonly maxExclusive?: boolean;
  /** Why the range is what it is, when a reason exists beyond the meaning (shown in the docs). */
  readonly rangeReason?: string;
  /** The values a 'choice' takes. */
  readonly choices?: readonly string[];
  /** Built-in default; undefined = none (what happens then is in the description). */
  readonly default?: string;
  /** The value is a credential: masked in every output, never passed to a child that does not need it. */
  readonly secret: boolean;
  readonly description: string;
  readonly readers: readonly Reader[];
  readonly origin: Origin;
}

/** The longest k6 duration, in whole hours: k6 parses durations into Go's time.Duration (int64 ns, 2562047h47m). */
const GO_DURATION_MAX_SECONDS = 2_562_047 * 3600;

/** The readwrite operations READWRITE_MIX weighs. */
export const OPERATIONS = ['read', 'query', 'update', 'create', 'delete'] as const;
export type Operation = (typeof OPERATIONS)[number];

/** The DMS release lines the stand-in can model (docs/dms-sim.md, "DMS versions"). */
export const DMS_VERSIONS = ['8.0', '8.1'] as const;

const RUNNER_K6: readonly Reader[] = ['runner', 'k6'];
const DATA_SET: readonly Reader[] = ['runner', 'k6', 'tools'];
const STAND_IN: readonly Reader[] = ['runner', 'stand-in'];
const MAX_SIM_MS = 600_000;

function s(fields: Omit<Setting, 'secret' | 'origin'> & { secret?: boolean; origin?: Origin }): Setting {
  return { secret: false, origin: 'any', ...fields };
}

/** Every setting, in the order --help and the docs show them. */
export const SETTINGS: readonly Setting[] = [
  // Target and credentials
  s({ name: 'API_BASE_URL', kind: 'url', unit: 'URL', readers: RUNNER_K6,
    description: 'DMS base URL, where GET / answers the Ed-Fi discovery document (docker compose: http://localhost:8080). Unset: the run uses the bundled stand-in; k6 run by hand needs it.' }),
  s({ name: 'OAUTH_TOKEN_URL', kind: 'url', unit: 'URL', readers: RUNNER_K6,
    description: "Token endpoint (DMS's own /oauth/token). Unset: urls.oauth of the discovery document (k6 run by hand: API_BASE_URL/oauth/token)." }),
  s({ name: 'DATA_API_URL', kind: 'url', unit: 'URL', readers: RUNNER_K6,
    description: 'Data API base that k6 calls, e.g. http://localhost:8080/data. Unset: urls.dataManagementApi of the discovery document (k6 run by hand: API_BASE_URL/data).' }),
  s({ name: 'CLIENT_ID', kind: 'text', unit: 'text', readers: ['runner', 'k6', 'tools'],
    description: 'Key of an API client (application). Unset together with CLIENT_SECRET: client setup creates one through the Configuration Service.' }),
  s({ name: 'CLIENT_SECRET', kind: 'text', unit: 'text', secret: true, readers: ['runner', 'k6', 'tools'],
    description: 'Secret of that API client. Quote it in a file when it contains #.' }),
  s({ name: 'CMS_BASE_URL', kind: 'url', unit: 'URL', readers: ['runner'],
    description: 'Configuration Service base URL, for client setup (docker compose: http://localhost:8081).' }),
  s({ name: 'CMS_ADMIN_CLIENT_ID', kind: 'text', unit: 'text', readers: ['runner'],
    description: 'Configuration Service system-administrator client id, for client setup.' }),
  s({ name: 'CMS_ADMIN_CLIENT_SECRET', kind: 'text', unit: 'text', secret: true, readers: ['runner'],
    description: 'Configuration Service system-administrator secret, for client setup.' }),
  s({ name: 'CLAIM_SET_NAME', kind: 'word', unit: 'name', default: 'EdFiSandbox', readers: ['runner'],
    description: 'Claim set of the application client setup creates.' }),
  s({ name: 'DATA_STORE_ID', kind: 'int', unit: 'id', min: 1, readers: ['runner'],
    description: 'Data store of the application client setup creates. Unset: the first of GET /v3/dataStores.' }),
  s({ name: 'CMS_TIMEOUT_SECONDS', kind: 'int', unit: 's', min: 1, default: '10', readers: ['runner'],
    description: 'Time each Configuration Service request of client setup may take.' }),
  s({ name: 'DISCOVERY_TIMEOUT_SECONDS', kind: 'int', unit: 's', min: 1, default: '10', readers: ['runner'],
    description: 'Time the DMS has to answer the pre-flight GET API_BASE_URL/ (and the data-access check).' }),

  // The data set (src/data): the ranges keep every identity valid (src/data/keys.ts).
  s({ name: 'SCHOOL_COUNT', kind: 'int', unit: 'count', min: 1, max: 999_999, default: '2', readers: DATA_SET,
    rangeReason: 'schoolId 777000001 + n stays below 778000000 < 2^31', description: 'Schools in the data set.' }),
  s({ name: 'STUDENT_COUNT', kind: 'int', unit: 'count', min: 1, max: 9_999_999, default: '2', readers: DATA_SET,
    rangeReason: "studentUniqueId is 'LTS' + 7 digits", description: 'Students in the data set.' }),
  s({ name: 'STAFF_COUNT', kind: 'int', unit: 'count', min: 0, max: 9_999_999, default: '2', readers: DATA_SET,
    rangeReason: "staffUniqueId is 'LTE' + 7 digits", description: 'Staff in the data set.' }),
  s({ name: 'COURSES_PER_SCHOOL', kind: 'int', unit: 'count', min: 0, max: 999, default: '1', readers: DATA_SET,
    rangeReason: 'course codes carry a 3-digit sequence', description: 'Courses (and course offerings) per school; 0 = a data set without a schedule.' }),
  s({ name: 'SECTIONS_PER_COURSE', kind: 'int', unit: 'count', min: 0, max: 99, default: '1', readers: DATA_SET,
    rangeReason: 'section identifiers carry a 2-digit sequence', description: 'Sections per course offering.' }),
  s({ name: 'SECTIONS_PER_STUDENT', kind: 'int', unit: 'count', min: 0, max: 1_000, default: '1', readers: DATA_SET,
    description: 'Section enrolments per student.' }),
  s({ name: 'SCHOOL_YEAR', kind: 'int', unit: 'year', min: 1991, max: 2099, default: '2026', readers: DATA_SET,
    description: 'School year of sessions and enrolments (2026 = 2025-2026). With SIM_AUTHORIZATION=claim-sets the stand-in seeds 1991 to 2037, as DMS deployments do.' }),

  // Phases
  s({ name: 'VUS_LOAD_PHASE', kind: 'int', unit: 'VUs', min: 1, default: '2', readers: DATA_SET,
    description: 'Virtual users of the load phase.' }),
  s({ name: 'VUS_READWRITE_PHASE', kind: 'int', unit: 'VUs', min: 1, default: '2', readers: DATA_SET,
    description: 'Virtual users of the readwrite phase (with READWRITE_RATE: the VUs the arrival rate may use).' }),
  s({ name: 'DURATION_LOAD_PHASE', kind: 'duration', unit: 'k6 duration', max: GO_DURATION_MAX_SECONDS, default: '10m', readers: RUNNER_K6,
    description: 'Time limit of the load phase (it ends earlier when the data set is created).' }),
  s({ name: 'DURATION_READWRITE_PHASE', kind: 'duration', unit: 'k6 duration', max: GO_DURATION_MAX_SECONDS, default: '1m', readers: DATA_SET,
    description: 'Length of the readwrite phase.' }),
  s({ name: 'READWRITE_RATE', kind: 'int', unit: 'iterations/s', min: 0, default: '0', readers: RUNNER_K6,
    description: 'Readwrite iterations per second (open model: constant-arrival-rate with VUS_READWRITE_PHASE VUs); 0 = closed model, each VU loops without pause.' }),
  s({ name: 'READWRITE_MIX', kind: 'mix', unit: 'weights', default: 'read=35,query=20,update=20,create=15,delete=10', readers: DATA_SET,
    description: `Readwrite operation weights: op=weight pairs, op one of ${OPERATIONS.join(', ')}.` }),

  // Thresholds
  s({ name: 'THRESHOLD_P95_MS_LOAD', kind: 'int', unit: 'ms', min: 1, default: '1000', readers: RUNNER_K6,
    description: 'Load phase: p95 latency limit of data calls.' }),
  s({ name: 'THRESHOLD_P95_MS_READWRITE', kind: 'int', unit: 'ms', min: 1, default: '500', readers: RUNNER_K6,
    description: 'Readwrite phase: p95 latency limit of data calls.' }),
  s({ name: 'THRESHOLD_ERROR_RATE', kind: 'fraction', unit: 'fraction', default: '0.01', readers: RUNNER_K6,
    description: 'Highest share of data requests that failed after their retries (dms_request_failed): a 429 or 503 waited out and then answered is not a failure.' }),
  s({ name: 'THRESHOLD_OPERATION_ERROR_RATE', kind: 'fraction', unit: 'fraction', readers: RUNNER_K6,
    description: 'Highest share of failed operations (dms_operation_failed), whatever the reason: an unexpected status, a body that is not the JSON it must be, an exception. Unset: THRESHOLD_ERROR_RATE.' }),
  s({ name: 'THRESHOLD_ATTEMPT_ERROR_RATE', kind: 'fraction', unit: 'fraction', readers: RUNNER_K6,
    description: 'Highest share of failed attempts (http_req_failed, each retried 429/503 included). Unset: shown in every summary, not gated.' }),
  s({ name: 'THRESHOLD_CHECKS_RATE', kind: 'fraction', unit: 'fraction', default: '0.99', readers: RUNNER_K6,
    description: 'Lowest share of passing checks.' }),
  s({ name: 'TOKEN_REFRESH_MARGIN_SECONDS', kind: 'int', unit: 's', min: 0, default: '60', readers: ['runner', 'k6', 'tools'],
    description: 'The shared token is refreshed this long before it expires (at most a quarter of its lifetime).' }),

  // Results and baselines
  s({ name: 'RESULTS_ROOT', kind: 'path', unit: 'folder', readers: ['runner'],
    description: 'Where run folders go. Unset: results/ in the project.' }),
  s({ name: 'GRAFANA_DASHBOARD_URL', kind: 'url', unit: 'URL', readers: ['tools'],
    description: "With --prometheus: a Grafana dashboard (e.g. k6's Prometheus dashboard); report.html and summary.md link it with the run's from/to and var-testid=<run id>." }),
  s({ name: 'BASELINE_DIR', kind: 'path', unit: 'folder', readers: ['runner', 'tools'],
    description: 'Where baselines are saved and read. Unset: baselines/ in the project.' }),
  s({ name: 'BASELINE_P50_TOLERANCE', kind: 'decimal', unit: 'fraction', min: 0, default: '0.1', readers: ['runner', 'tools'],
    description: 'p50 may grow by this share (0.1 = 10%) before it can be a regression (the floor and the significance test must agree).' }),
  s({ name: 'BASELINE_P95_TOLERANCE', kind: 'decimal', unit: 'fraction', min: 0, default: '0.1', readers: ['runner', 'tools'],
    description: 'The same for p95.' }),
  s({ name: 'BASELINE_P99_TOLERANCE', kind: 'decimal', unit: 'fraction', min: 0, default: '0.3', readers: ['runner', 'tools'],
    description: 'The same for p99.' }),
  s({ name: 'BASELINE_THROUGHPUT_TOLERANCE', kind: 'decimal', unit: 'fraction', min: 0, max: 1, maxExclusive: true, default: '0.2', readers: ['runner', 'tools'],
    rangeReason: 'it is the share requests/s may drop by', description: 'Requests/s may drop by this share (0.2 = 20%).' }),
  s({ name: 'BASELINE_ERROR_RATE_TOLERANCE', kind: 'decimal', unit: 'fraction', min: 0, default: '0.01', readers: ['runner', 'tools'],
    description: 'The failed share may grow by this much (absolute: 0.01 = one percentage point).' }),
  s({ name: 'BASELINE_MIN_DELTA_MS', kind: 'decimal', unit: 'ms', min: 0, default: '5', readers: ['runner', 'tools'],
    description: 'A latency change smaller than this is never a regression (1.0 to 1.5 ms is +50% but noise).' }),
  s({ name: 'BASELINE_CAPACITY_TOLERANCE', kind: 'decimal', unit: 'fraction', min: 0, max: 1, maxExclusive: true, default: '0.15', readers: ['runner', 'tools'],
    rangeReason: 'it is the share the sustainable capacity may drop by',
    description: 'Capacity phase: the sustainable rate may drop by this share (one figure per run: no significance test; a step is 1/N of a figure that held N steps, so with 3 or more 15% is more than half a step).' }),
  s({ name: 'BASELINE_CAPACITY_MIN_STEPS', kind: 'int', unit: 'steps', min: 1, default: '3', readers: ['runner', 'tools'],
    description: 'Capacity phase: the baseline must have held this many steps for a change to be judged; fewer: not judged.' }),
  s({ name: 'BASELINE_MIN_COUNT', kind: 'int', unit: 'requests', min: 0, default: '20', readers: ['runner', 'tools'],
    description: 'Rows with fewer requests (in either run) are shown but not judged.' }),
  s({ name: 'BASELINE_MIN_SECONDS', kind: 'decimal', unit: 's', min: 0, default: '10', readers: ['runner', 'tools'],
    description: 'Requests/s of a phase shorter than this (in either run) is not judged: start-up dominates it.' }),
  s({ name: 'BASELINE_ALPHA', kind: 'decimal', unit: 'probability', min: 0, max: 0.5, minExclusive: true, maxExclusive: true, default: '0.01', readers: ['runner', 'tools'],
    rangeReason: 'a significance level', description: "Significance level of the comparison's one-sided tests after Holm's adjustment (0.01 = 99% confidence)." }),

  // The runner's own
  s({ name: 'K6_STOP_WAIT_SECONDS', kind: 'int', unit: 's', min: 0, default: '35', readers: ['runner'],
    description: 'On Ctrl-C or SIGTERM, how long k6 may take to stop and write its summary before it is terminated.' }),
  s({ name: 'K6_BIN', kind: 'path', unit: 'file', origin: 'shell', readers: ['runner'],
    description: 'The k6 program to use. Unset: a k6 on PATH of the supported version, else the cached build (scripts/install-k6.sh).' }),
  s({ name: 'K6_CACHE_DIR', kind: 'path', unit: 'folder', origin: 'shell', readers: ['runner'],
    description: 'Where scripts/install-k6.sh caches the k6 it builds. Unset: ~/.cache/dms-load-test/k6/<version>.' }),
  s({ name: 'NO_COLOR', kind: 'text', unit: 'flag', origin: 'shell', readers: ['runner'],
    description: 'Any value: no colours in the console (https://no-color.org).' }),

  // k6's own options the runner reads or handles (the other K6_* are passed to k6 unread)
  s({ name: 'K6_OUT', kind: 'text', unit: 'k6 outputs', readers: ['runner'],
    description: "k6 outputs, as k6's --out (comma-separated); each phase gets its own files in its folder. --out replaces it." }),
  s({ name: 'K6_CSV_FILENAME', kind: 'path', unit: 'file', readers: RUNNER_K6,
    description: "File name of k6's csv output when --out csv gives none; placed in the phase's folder." }),
  s({ name: 'K6_HTTP_DEBUG', kind: 'text', unit: 'k6 option', readers: ['runner'],
    description: "Never passed to k6: it would write every request's Authorization header (the token) into the results. A warning says so." }),
  s({ name: 'K6_WEB_DASHBOARD_PERIOD', kind: 'duration', unit: 'k6 duration', max: GO_DURATION_MAX_SECONDS, readers: RUNNER_K6,
    description: 'With --dashboard: how often the dashboard samples. Unset: 2s (k6 saves no report for a phase shorter than three periods).' }),
  s({ name: 'K6_WEB_DASHBOARD_HOST', kind: 'word', unit: 'address', readers: RUNNER_K6,
    description: 'With --dashboard: the address the live dashboard listens on. Unset: 127.0.0.1.' }),
  s({ name: 'K6_WEB_DASHBOARD_PORT', kind: 'int', unit: 'port', min: -1, max: 65535, readers: RUNNER_K6,
    description: 'With --dashboard: the live dashboard port; -1 = no live page (the default without a terminal). Unset: 5665.' }),
  s({ name: 'K6_PROMETHEUS_RW_TREND_STATS', kind: 'text', unit: 'k6 option', readers: RUNNER_K6,
    description: "With --prometheus: the trend statistics k6 sends (k6's option). Unset: p(50),p(95),p(99),max." }),
  s({ name: 'K6_SYSTEM_TAGS', kind: 'text', unit: 'k6 option', readers: RUNNER_K6,
    description: "k6's system tags (its option). Unset with --prometheus: k6's defaults less url (document ids in URLs would make a series each)." }),

  // The capacity, workload and soak phases (docs/load-test-guide.md)
  s({ name: 'VUS_CAPACITY_PHASE', kind: 'int', unit: 'VUs', min: 1, default: '20', readers: ['k6'],
    description: "Capacity phase: VUs k6 keeps ready for the arrival rate (all pre-allocated)." }),
  s({ name: 'CAPACITY_START_RATE', kind: 'int', unit: 'iterations/s', min: 1, default: '10', readers: ['runner', 'k6'],
    description: "Capacity phase: iterations/s of the first step (readwrite mix, open model)." }),
  s({ name: 'CAPACITY_STEP_RATE', kind: 'int', unit: 'iterations/s', min: 1, default: '10', readers: ['k6'],
    description: "Capacity phase: iterations/s added per step." }),
  s({ name: 'CAPACITY_MAX_RATE', kind: 'int', unit: 'iterations/s', min: 1, default: '100', readers: ['runner', 'k6'],
    description: "Capacity phase: iterations/s of the last step (at least CAPACITY_START_RATE)." }),
  s({ name: 'CAPACITY_STEP_DURATION', kind: 'duration', unit: 'k6 duration', default: '30s', readers: ['k6'],
    description: "Capacity phase: how long each step is held and judged." }),
  s({ name: 'CAPACITY_P95_GROWTH', kind: 'decimal', unit: 'share', min: 0, max: 100, default: '0.5', readers: ['k6'],
    description: "Capacity phase: a step breaks when its p95 is this share above the first step\'s (0.5 = 50%)." }),
  s({ name: 'CAPACITY_P95_GROWTH_MIN_MS', kind: 'int', unit: 'ms', min: 0, default: '10', readers: ['k6'],
    description: "Capacity phase: ...and at least this many ms above it (ms)." }),
  s({ name: 'VUS_VOLUME_PHASE', kind: 'int', unit: 'VUs', min: 1, default: '10', readers: ['k6'],
    description: "Volume phase: VUs, each looping POST, PUT (every other time) and DELETE of an enrolment (Ed-Fi's Volume: 10 users)." }),
  s({ name: 'DURATION_VOLUME_PHASE', kind: 'duration', unit: 'k6 duration', default: '30m', readers: ['k6'],
    description: "Volume phase: length (Ed-Fi's Volume: 30 minutes)." }),
  s({ name: 'VUS_DEEP_PAGING_PHASE', kind: 'int', unit: 'VUs', min: 1, default: '1', readers: ['k6'],
    description: "Deep-paging phase: VUs, each walking the whole collection page by page." }),
  s({ name: 'DEEP_PAGING_RESOURCE', kind: 'choice', unit: 'resource', choices: ['studentSectionAssociations', 'studentSchoolAssociations', 'students', 'staffSectionAssociations', 'sections', 'staffs'], default: 'studentSectionAssociations', readers: ['k6'],
    description: "Deep-paging phase: the collection walked (the default is the largest of the data set)." }),
  s({ name: 'DEEP_PAGING_PAGE_SIZE', kind: 'int', unit: 'rows', min: 1, max: 500, default: '500', readers: ['k6'],
    description: "Deep-paging phase: rows per page (Ed-Fi's DeepPaging: 500, DMS's maximum)." }),
  s({ name: 'DEEP_PAGING_WALKS', kind: 'int', unit: 'walks', min: 1, default: '1', readers: ['k6'],
    description: "Deep-paging phase: whole walks per VU (each: by offset, then by cursor where the target offers one)." }),
  s({ name: 'DURATION_DEEP_PAGING_PHASE', kind: 'duration', unit: 'k6 duration', default: '30m', readers: ['k6'],
    description: "Deep-paging phase: time limit (the phase ends earlier when its walks are done)." }),
  s({ name: 'VUS_FILTERED_READ_PHASE', kind: 'int', unit: 'VUs', min: 1, default: '10', readers: ['k6'],
    description: "Filtered-read phase: VUs, each looping GETs by query parameters." }),
  s({ name: 'DURATION_FILTERED_READ_PHASE', kind: 'duration', unit: 'k6 duration', default: '5m', readers: ['k6'],
    description: "Filtered-read phase: length." }),
  s({ name: 'FILTERED_READ_LIMIT', kind: 'int', unit: 'rows', min: 1, max: 500, default: '100', readers: ['k6'],
    description: "Filtered-read phase: rows per GET at most (Ed-Fi's FilteredRead: up to 100)." }),
  s({ name: 'VUS_SOAK_PHASE', kind: 'int', unit: 'VUs', min: 1, default: '20', readers: ['k6'],
    description: "Soak phase: VUs k6 keeps ready for the arrival rate." }),
  s({ name: 'SOAK_RATE', kind: 'int', unit: 'iterations/s', min: 1, readers: ['runner', 'k6'],
    description: "Soak phase: iterations/s of the readwrite mix. Unset: SOAK_CAPACITY_SHARE of the capacity saved in baseline SOAK_BASELINE." }),
  s({ name: 'SOAK_BASELINE', kind: 'word', unit: 'baseline name', readers: ['runner', 'tools'],
    description: "Soak phase: a baseline saved from a capacity run; its sustainable rate sets SOAK_RATE when that is not set." }),
  s({ name: 'SOAK_CAPACITY_SHARE', kind: 'decimal', unit: 'share', min: 0.01, max: 1, default: '0.7', readers: ['runner', 'tools'],
    description: "Soak phase: the share of SOAK_BASELINE's capacity to run at (0.7 = 70%, the DMS team's soak)." }),
  s({ name: 'DURATION_SOAK_PHASE', kind: 'duration', unit: 'k6 duration', default: '60m', readers: ['runner'],
    description: "Soak phase: length." }),
  s({ name: 'SOAK_WINDOW', kind: 'duration', unit: 'k6 duration', default: '10m', readers: ['runner', 'k6'],
    description: "Soak phase: one window = one k6 run (its memory bounded by it), one point of the drift verdict." }),
  s({ name: 'SOAK_DRIFT_TOLERANCE', kind: 'decimal', unit: 'fraction', min: 0, max: 100, default: '0.2', readers: ['runner', 'tools'],
    description: "Soak phase: p95 may grow by this share over the soak (0.2 = 20%) before it is drifting." }),
  s({ name: 'SOAK_ERROR_DRIFT', kind: 'fraction', unit: 'fraction', default: '0.005', readers: ['runner', 'tools'],
    description: "Soak phase: the failed share may grow by this much (absolute) over the soak." }),

  // The token broker across hosts and Kubernetes (docs/scale-out.md)
  s({ name: 'BROKER_BIND_ADDRESS', kind: 'word', unit: 'address', default: '127.0.0.1', readers: ['runner', 'tools'],
    description: 'Address the token broker listens on; another than loopback lets k6 instances on other hosts reach it and needs BROKER_ALLOWED_HOSTS and BROKER_ALLOW_PLAINTEXT=yes.' }),
  s({ name: 'BROKER_PORT', kind: 'int', unit: 'port', min: 0, max: 65535, default: '0', readers: ['runner', 'tools'],
    description: 'Token broker port (0 = any free port); a fixed one for a firewall rule or an SSH tunnel.' }),
  s({ name: 'BROKER_ALLOWED_HOSTS', kind: 'text', unit: 'IPs, CIDR ranges', readers: ['runner', 'tools'],
    description: 'IP addresses or CIDR ranges, besides loopback, that may connect to the token broker (comma-separated, e.g. 10.0.0.12,10.0.1.0/24).' }),
  s({ name: 'BROKER_ALLOW_PLAINTEXT', kind: 'choice', unit: 'mode', choices: ['no', 'yes'], default: 'no', readers: ['runner'],
    description: 'yes: the token may cross the network over plain HTTP (a broker on a non-loopback address, or an http:// BROKER_ADVERTISED_URL of another host).' }),
  s({ name: 'BROKER_ADVERTISED_URL', kind: 'url', unit: 'URL', readers: ['runner'],
    description: 'The broker URL other hosts use (a TLS proxy or an SSH tunnel in front of it). Unset: http://BROKER_BIND_ADDRESS:<port>.' }),
  s({ name: 'K8S_K6_IMAGE', kind: 'word', unit: 'image', readers: ['runner', 'tools'],
    description: "--emit-k8s: the runner pods' k6 image. Unset: grafana/k6 at the suite's pinned k6 version." }),
  s({ name: 'K8S_NODE_IMAGE', kind: 'word', unit: 'image', default: 'node:20-alpine', readers: ['runner', 'tools'],
    description: "--emit-k8s: the token broker pod's Node.js image (Node 20 or newer)." }),

  // The stand-in (sim/options.ts): passed to it by the runner, read by `npm run dms-sim` too
  s({ name: 'SIM_PORT', kind: 'int', unit: 'port', min: 0, max: 65535, default: '0', readers: STAND_IN,
    description: 'Stand-in port; 0 = any free port (npm run dms-sim: 8080). --sim-port wins.' }),
  s({ name: 'SIM_HOST', kind: 'word', unit: 'address', default: '127.0.0.1', readers: STAND_IN,
    description: 'Address the stand-in binds (loopback only by default).' }),
  s({ name: 'SIM_DMS_VERSION', kind: 'choice', unit: 'DMS line', choices: DMS_VERSIONS, default: '8.1', readers: STAND_IN,
    description: 'The DMS line the stand-in answers like: 8.0, or 8.1 (main, the pre images); differences in docs/dms-sim.md.' }),
  s({ name: 'SIM_AUTHORIZATION', kind: 'choice', unit: 'mode', choices: ['none', 'claim-sets'], default: 'none', readers: STAND_IN,
    description: "claim-sets: data calls are authorized by the application's claim set (EdFiSandbox, SISVendor) as DMS does; none: any valid token may do anything." }),
  s({ name: 'SIM_ADMIN_CLIENT_ID', kind: 'text', unit: 'text', default: 'DmsConfigurationService', readers: STAND_IN,
    description: "The stand-in's Configuration Service admin client id." }),
  s({ name: 'SIM_ADMIN_CLIENT_SECRET', kind: 'text', unit: 'text', secret: true, default: 'ValidClientSecret1234567890!Abcd', readers: STAND_IN,
    description: "The stand-in's Configuration Service admin secret (a fixed test value, masked like any secret)." }),
  s({ name: 'SIM_TOKEN_LIFETIME_SECONDS', kind: 'int', unit: 's', min: 1, max: 86_400, default: '1800', readers: STAND_IN,
    description: 'Lifetime of the tokens the stand-in issues (expires_in).' }),
  s({ name: 'SIM_TOKEN_CAP', kind: 'int', unit: 'tokens', min: 0, max: 1_000_000, default: '15', readers: STAND_IN,
    description: 'Active tokens per client before 429 too-many-tokens (DMS 8.1); 0 = no cap.' }),
  s({ name: 'SIM_RATE_LIMIT_PERMITS', kind: 'int', unit: 'requests', min: 0, max: 1_000_000_000, default: '20000', readers: STAND_IN,
    description: 'Requests per window per Host header before 429; 0 = no rate limit.' }),
  s({ name: 'SIM_RATE_LIMIT_WINDOW_SECONDS', kind: 'int', unit: 's', min: 1, max: 3_600, default: '10', readers: STAND_IN,
    description: 'Window of the rate limiter.' }),
  s({ name: 'SIM_RATE_LIMIT_STYLE', kind: 'choice', unit: 'mode', choices: ['current', 'v8.0'], default: 'current', readers: STAND_IN,
    description: 'How a rate-limited request is answered: current (problem JSON with Retry-After) or v8.0 (empty, no Retry-After, as DMS 8.0.0).' }),
  s({ name: 'SIM_LATENCY_MS', kind: 'int', unit: 'ms', min: 0, max: MAX_SIM_MS, default: '0', readers: STAND_IN,
    description: 'Latency added to every data request.' }),
  s({ name: 'SIM_LATENCY_JITTER_MS', kind: 'int', unit: 'ms', min: 0, max: MAX_SIM_MS, default: '0', readers: STAND_IN,
    description: 'Extra random latency, 0 to this, on data requests.' }),
  s({ name: 'SIM_ERROR_RATE', kind: 'fraction', unit: 'fraction', default: '0', readers: STAND_IN,
    description: 'Share of data requests answered 500 or 503 (with Retry-After) instead of being handled.' }),
  s({ name: 'SIM_BREAKER', kind: 'choice', unit: 'mode', choices: ['off', 'on'], default: 'off', readers: STAND_IN,
    description: "on: DMS's circuit breaker (10% failures of at least 20 data calls in 120 s open it; then 503 with Retry-After for SIM_BREAKER_BREAK_SECONDS, 30 s)." }),
  s({ name: 'SIM_BREAKER_BREAK_SECONDS', kind: 'int', unit: 's', min: 1, max: 86_400, default: '30', readers: STAND_IN,
    description: "How long the breaker stays open, also its Retry-After (DMS's CircuitBreaker:BreakDurationSeconds, 30)." }),
  s({ name: 'SIM_OUTAGE_AFTER_CALLS', kind: 'int', unit: 'data calls', min: 0, max: 1_000_000_000, default: '0', readers: STAND_IN,
    description: 'Data calls handled before the outage of SIM_OUTAGE_CALLS starts.' }),
  s({ name: 'SIM_OUTAGE_CALLS', kind: 'int', unit: 'data calls', min: 0, max: 1_000_000_000, default: '0', readers: STAND_IN,
    description: 'Data calls answered 500 in a row (a backend outage), after SIM_OUTAGE_AFTER_CALLS; 0 = no outage. Calls an open breaker refuses do not count.' }),
  s({ name: 'SIM_DROP_RATE', kind: 'fraction', unit: 'fraction', default: '0', readers: STAND_IN,
    description: 'Share of data requests whose connection is dropped without an answer.' }),
  s({ name: 'SIM_NON_JSON_RATE', kind: 'fraction', unit: 'fraction', default: '0', readers: STAND_IN,
    description: 'Share of data GETs answered 200 text/html (a login page, as a gateway does when its session lapses), every 1/rate-th GET.' }),
  s({ name: 'SIM_TOKEN_LATENCY_MS', kind: 'int', unit: 'ms', min: 0, max: MAX_SIM_MS, default: '0', readers: STAND_IN,
    description: 'Latency added to the token endpoints.' }),

  // Set by the runner for k6 (src/config.ts reads them; k6 run by hand may set them)
  s({ name: 'PROFILE', kind: 'word', unit: 'name', origin: 'runner', default: 'custom', readers: ['k6'],
    description: 'Name of the profile, recorded in the summary.' }),
  s({ name: 'TARGET', kind: 'choice', unit: 'mode', choices: ['dms', 'sim'], default: 'dms', origin: 'runner', readers: ['k6'],
    description: 'What k6 talks to: dms, or sim (the bundled stand-in), recorded in the summary and read by phases whose figures mean less on the stand-in.' }),
  s({ name: 'RUN_ID', kind: 'word', unit: 'name', origin: 'runner', default: 'adhoc', readers: ['k6'],
    description: 'Id of the run, recorded in the summary.' }),
  s({ name: 'RESULTS_DIR', kind: 'path', unit: 'folder', origin: 'runner', readers: ['k6'],
    description: "The phase's results folder, where k6 writes summary.json. Unset: no file, only the console summary." }),
  s({ name: 'TOKEN_BROKER_URL', kind: 'url', unit: 'URL', origin: 'runner', readers: ['k6'],
    description: "The run's token broker, from which VUs take the shared token. Unset: setup() gets one token itself." }),
  s({ name: 'INSTANCES', kind: 'int', unit: 'k6 processes', min: 1, max: 64, default: '1', origin: 'runner', readers: ['k6'],
    description: "How many k6 instances share the run (--instances, --instance I/N); each takes its part by k6's execution segment." }),
  s({ name: 'SUMMARY_TO_STDOUT', kind: 'choice', unit: 'mode', choices: ['', '1'], origin: 'runner', readers: ['k6'],
    description: '1: k6 also prints summary.json between marker lines (runner pods on Kubernetes, whose files are not collected).' }),
  s({ name: 'LIVE_METRICS_URL', kind: 'url', unit: 'URL', origin: 'runner', readers: ['k6'],
    description: "k6's own REST API (/v1/metrics), for a scenario that judges its progress live (capacity: the steps ended so far)." }),
  s({ name: 'SOAK_WINDOW_RUN', kind: 'duration', unit: 'k6 duration', origin: 'runner', readers: ['k6'],
    description: 'Length of the current soak window (one k6 run each; the last may be shorter than SOAK_WINDOW).' }),
  s({ name: 'TOKEN_BROKER_KEY', kind: 'text', unit: 'text', origin: 'runner', secret: true, readers: ['k6'],
    description: "The key the token broker asks for (one per run)." }),
];

const BY_NAME = new Map(SETTINGS.map((setting) => [setting.name, setting]));

/** The setting of that name, or undefined. */
export function findSetting(name: string): Setting | undefined {
  return BY_NAME.get(name);
}

/** The setting of that name; throws for a name the table does not have (a programming error). */
export function setting(name: string): Setting {
  const found = BY_NAME.get(name);
  if (!found) throw new Error(`settings table: no setting ${name}`);
  return found;
}

/** The built-in default of a setting; undefined when it has none. */
export function defaultOf(name: string): string | undefined {
  return setting(name).default;
}

const DURATION = /^(\d+h)?(\d+m)?(\d+(\.\d{1,9})?s)?$/;

/** Seconds of a k6 duration such as '1h30m' or '4.5s' (h, m, s only); undefined when it is not one. */
export function parseDuration(value: string): number | undefined {
  const match = DURATION.exec(value);
  if (!match || value === '') return undefined;
  const [, h, m, sec] = match;
  return (h ? parseInt(h, 10) * 3600 : 0) + (m ? parseInt(m, 10) * 60 : 0) + (sec ? parseFloat(sec) : 0);
}

/** The op=weight parts of a mix; weight undefined when the part is not a known operation and a whole number. */
function mixParts(value: string): Array<{ text: string; op: Operation; weight: number | undefined }> {
  return value.split(',').map((p) => p.trim()).filter(Boolean).map((text) => {
    const [op, weight, extra] = text.split('=').map((p) => p.trim());
    const valid = (OPERATIONS as readonly string[]).includes(op) && /^\d+$/.test(weight ?? '') && extra === undefined;
    return { text, op: op as Operation, weight: valid ? Number(weight) : undefined };
  });
}

/** Operation weights of a valid mix ('read=35,query=20,...'); undefined when the text is not one (see check). */
export function parseMix(value: string): Record<Operation, number> | undefined {
  const mix: Record<Operation, number> = { read: 0, query: 0, update: 0, create: 0, delete: 0 };
  for (const part of mixParts(value)) {
    if (part.weight === undefined) return undefined;
    mix[part.op] = part.weight;
  }
  return OPERATIONS.some((op) => mix[op] > 0) ? mix : undefined;
}

function durationText(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

/**
 * The allowed values in words, for messages, --help and the docs: '1 to 999999', '>= 0', 'one of 8.0, 8.1',
 * 'above 0 and below 0.5', 'at least 0 and below 1'; '' when any value of the kind will do.
 */
export function rangeText(setting: Setting): string {
  const { kind, min, max } = setting;
  if (kind === 'choice') return `one of ${(setting.choices ?? []).join(', ')}`;
  if (kind === 'fraction') return '0 to 1';
  if (kind === 'duration') return max === undefined ? 'above 0' : `above 0, at most ${durationText(max)}`;
  if (kind !== 'int' && kind !== 'decimal') return '';
  const low = min === undefined ? undefined : setting.minExclusive ? `above ${min}` : `at least ${min}`;
  const high = max === undefined ? undefined : setting.maxExclusive ? `below ${max}` : `at most ${max}`;
  if (low !== undefined && high !== undefined) {
    return setting.minExclusive || setting.maxExclusive ? `${low} and ${high}` : `${min} to ${max}`;
  }
  if (low !== undefined) return setting.minExclusive ? low : `>= ${min}`;
  if (high !== undefined) return setting.maxExclusive ? high : `<= ${max}`;
  return '';
}

/** rangeText after "a whole number" / "a number": 'from 1 to 999999', '>= 0', 'above 0 and below 0.5'. */
function numberRange(setting: Setting): string {
  const range = rangeText(setting);
  return / to /.test(range) && !/ and /.test(range) ? `from ${range}` : range;
}

function inRange(setting: Setting, n: number): boolean {
  const { min, max } = setting;
  if (min !== undefined && (setting.minExclusive ? n <= min : n < min)) return false;
  if (max !== undefined && (setting.maxExclusive ? n >= max : n > max)) return false;
  return true;
}

/**
 * Checks one value of a setting as given (no trimming). Returns null when it is valid, else what is wrong
 * and what is allowed, to follow "NAME='value' ": e.g. "must be a whole number from 1 to 999999".
 * Empty values never get here: an empty value is "not set". Every value k6 would reject is refused:
 * durations above 0 that Go can hold, VUs >= 1, rates from 0 to 1, ports, the data set's id spaces.
 */
export function check(setting: Setting, value: string): string | null {
  switch (setting.kind) {
    case 'url':
      return /^https?:\/\/[^\s/]+\S*$/.test(value) ? null : 'must be a URL starting with http:// or https://, e.g. http://localhost:8080';
    case 'int': {
      const signed = (setting.min ?? 0) < 0;
      const range = numberRange(setting);
      const pattern = signed ? /^-?\d+$/ : /^\d+$/;
      if (!pattern.test(value)) return `must be a whole number ${range} (${signed ? 'no decimals' : 'no sign, no decimals'})`;
      const n = Number(value);
      return Number.isSafeInteger(n) && inRange(setting, n) ? null : `must be a whole number ${range}`;
    }
    case 'decimal': {
      const words = `a number ${numberRange(setting)}`.trimEnd();
      if (!/^\d*\.?\d+$/.test(value)) return `must be ${words} (digits and a point: no sign, no exponent)`;
      return inRange(setting, Number(value)) ? null : `must be ${words}`;
    }
    case 'fraction':
      return /^\d*\.?\d+$/.test(value) && Number(value) <= 1 ? null : 'must be a number from 0 to 1, e.g. 0.01';
    case 'duration': {
      const seconds = parseDuration(value);
      const max = setting.max ?? GO_DURATION_MAX_SECONDS;
      if (seconds === undefined) return 'must be a duration such as 30s, 5m or 1h30m (units h, m, s; no spaces)';
      if (seconds <= 0) return 'must be a duration such as 30s, 5m or 1h30m, above 0';
      return seconds <= max ? null : `must be a duration of at most ${durationText(max)}`;
    }
    case 'mix': {
      const bad = mixParts(value).find((part) => part.weight === undefined);
      if (bad) return `must be op=weight pairs separated by commas, op one of ${OPERATIONS.join(', ')}; '${bad.text}' is not`;
      return parseMix(value) === undefined ? 'must give at least one operation a weight above 0' : null;
    }
    case 'word':
      return /^\S+$/.test(value) ? null : 'must not contain spaces';
    case 'choice':
      return (setting.choices ?? []).includes(value) ? null : `must be one of ${(setting.choices ?? []).join(', ')}`;
    case 'text':
    case 'path':
      return null;
  }
}

/** One line for a bad value: "NAME='value' must be ..."; null when the value is valid. Secrets are not quoted. */
export function problemOf(setting: Setting, value: string): string | null {
  const problem = check(setting, value);
  if (problem === null) return null;
  return `${setting.name}=${setting.secret ? '(secret)' : `'${value}'`} ${problem}`;
}

/** A valid value to show in a fix suggestion: the default when there is one. */
export function exampleValue(setting: Setting): string {
  if (setting.default !== undefined) return setting.default;
  switch (setting.kind) {
    case 'int': return String(Math.max(setting.min ?? 0, 1));
    case 'decimal': case 'fraction': return '0.1';
    case 'duration': return '30s';
    case 'url': return 'http://localhost:8080';
    case 'choice': return (setting.choices ?? ['value'])[0];
    default: return 'value';
  }
}

/** Edit distance with transpositions (optimal string alignment), for "did you mean". */
function distance(a: string, b: string): number {
  const d: number[][] = [];
  for (let i = 0; i <= a.length; i++) d.push([i]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * The known setting an unknown name most likely meant (API_BASE_ULR -> API_BASE_URL), or undefined when
 * none is close: at most 2 edits for names of 8 characters or more, 1 below. `names` defaults to every
 * setting a person may give (origin 'any' or 'shell').
 */
export function closestSetting(name: string, names: readonly string[] = userSettingNames()): string | undefined {
  const upper = name.toUpperCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of names) {
    if (candidate === name) return undefined;
    const d = distance(upper, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const allowed = name.length >= 8 ? 2 : 1;
  return bestDistance <= allowed ? best : undefined;
}

/** Names of the settings a person gives (not those the runner sets for its children). */
export function userSettingNames(): string[] {
  return SETTINGS.filter((setting) => setting.origin !== 'runner').map((setting) => setting.name);
}
