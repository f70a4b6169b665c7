// Stand-in settings: defaults, SIM_* environment variables and CLI flags, each value validated with a
// message that says what is wrong, where it came from and how to fix it.

/** The DMS release lines the stand-in can model (docs/dms-sim.md, "DMS versions"). */
export const DMS_VERSIONS = ['8.0', '8.1'] as const;
export type DmsVersion = (typeof DMS_VERSIONS)[number];

export interface SimOptions {
  port: number;
  host: string;
  /** Which DMS line to answer like: '8.0' (the 8.0 line) or '8.1' (main and the 'pre' images). */
  dmsVersion: DmsVersion;
  /** 'claim-sets': data calls are authorized by the application's claim set as DMS does; 'none': any valid token may do anything. */
  authorization: 'none' | 'claim-sets';
  adminClientId: string;
  adminClientSecret: string;
  tokenLifetimeSeconds: number;
  /** Active (unexpired, unrevoked) tokens allowed per client; 0 turns the cap off. */
  tokenCap: number;
  /** Requests per window per Host header; 0 turns the limiter off. */
  rateLimitPermits: number;
  rateLimitWindowSeconds: number;
  /**
   * How a rate-limited request is answered: 'current' (DMS after 8.0: problem JSON with Retry-After) or
   * 'v8.0' (DMS 8.0.0 and earlier: an empty 429 with no Retry-After).
   */
  rateLimitStyle: string;
  latencyMs: number;
  latencyJitterMs: number;
  /** Share (0..1) of data requests answered 500 or 503 instead of being handled. */
  errorRate: number;
  /** 'on': DMS's circuit breaker opens on failing data calls (sim/breaker.ts); 'off': no breaker. */
  breaker: 'off' | 'on';
  /** Seconds the breaker stays open once it opens, and its Retry-After (DMS CircuitBreaker:BreakDurationSeconds, 30). */
  breakerBreakSeconds: number;
  /** Data calls answered normally before an outage starts (see outageCalls). */
  outageAfterCalls: number;
  /**
   * Data calls answered 500 in a row once outageAfterCalls have been handled: a backend outage (DMS's
   * database unreachable) that trips the breaker and then ends, counted, not drawn, so tests repeat.
   */
  outageCalls: number;
  /** Share (0..1) of data requests whose connection is destroyed without an answer. */
  dropRate: number;
  /**
   * Share (0..1) of data GETs answered 200 text/html (a login page), as a gateway in front of DMS does when
   * its session lapses. Spread evenly (every 1/rate-th GET), not drawn at random, so tests are repeatable.
   */
  nonJsonRate: number;
  tokenLatencyMs: number;
  /** Milliseconds since the epoch; tests may pass a fake clock. */
  clock: () => number;
}

export const DEFAULT_OPTIONS: SimOptions = {
  port: 0,
  host: '127.0.0.1',
  dmsVersion: '8.1',
  authorization: 'none',
  adminClientId: 'DmsConfigurationService',
  adminClientSecret: 'ValidClientSecret1234567890!Abcd',
  tokenLifetimeSeconds: 1800,
  tokenCap: 15,
  rateLimitPermits: 20000,
  rateLimitWindowSeconds: 10,
  rateLimitStyle: 'current',
  latencyMs: 0,
  latencyJitterMs: 0,
  errorRate: 0,
  breaker: 'off',
  breakerBreakSeconds: 30,
  outageAfterCalls: 0,
  outageCalls: 0,
  dropRate: 0,
  nonJsonRate: 0,
  tokenLatencyMs: 0,
  clock: Date.now,
};

/** The CLI listens on DMS's usual port unless told otherwise; startSim() defaults to a free port. */
export const CLI_DEFAULT_PORT = 8080;

/** Bad input to the stand-in itself; main.ts prints the message and exits 2. */
export class SimConfigError extends Error {}

type Parser = (raw: string) => number | string;

function integer(min: number, max: number, hint: string): Parser {
  return (raw) => {
    const n = Number(raw.trim());
    if (raw.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
      throw new Error(`must be a whole number from ${min} to ${max}${hint}`);
    }
    return n;
  };
}

function fraction(raw: string): number {
  const n = Number(raw.trim());
  if (raw.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) {
    throw new Error('must be a fraction from 0 to 1 (e.g. 0.05 for 5%)');
  }
  return n;
}

function oneOf(...values: string[]): Parser {
  return (raw) => {
    if (!values.includes(raw.trim())) throw new Error(`must be one of ${values.join(', ')}`);
    return raw.trim();
  };
}

function text(raw: string): string {
  if (raw.trim() === '') throw new Error('must not be empty');
  return raw;
}

const MAX_MS = 600_000;

/** Every setting that can come from the environment, with its parser and help line. */
export const ENV_SETTINGS: ReadonlyArray<{ env: string; key: keyof SimOptions; parse: Parser; help: string }> = [
  { env: 'SIM_PORT', key: 'port', parse: integer(0, 65535, ' (0 picks a free port)'), help: 'port to listen on; CLI default 8080, 0 picks a free port' },
  { env: 'SIM_HOST', key: 'host', parse: text, help: 'address to bind; default 127.0.0.1, loopback only' },
  { env: 'SIM_DMS_VERSION', key: 'dmsVersion', parse: oneOf(...DMS_VERSIONS), help: 'DMS line to model: 8.0 or 8.1 (main, the pre images); default 8.1; also --dms-version' },
  { env: 'SIM_AUTHORIZATION', key: 'authorization', parse: oneOf('none', 'claim-sets'), help: "'claim-sets': authorize data calls by the application's claim set (EdFiSandbox, SISVendor) as DMS does; 'none': any valid token may do anything; default none" },
  { env: 'SIM_ADMIN_CLIENT_ID', key: 'adminClientId', parse: text, help: 'Configuration Service admin client id; default DmsConfigurationService' },
  { env: 'SIM_ADMIN_CLIENT_SECRET', key: 'adminClientSecret', parse: text, help: 'admin client secret; default ValidClientSecret1234567890!Abcd' },
  { env: 'SIM_TOKEN_LIFETIME_SECONDS', key: 'tokenLifetimeSeconds', parse: integer(1, 86400, ''), help: 'token lifetime (expires_in); default 1800' },
  { env: 'SIM_TOKEN_CAP', key: 'tokenCap', parse: integer(0, 1_000_000, ' (0 turns the cap off)'), help: 'active tokens per client before 429 too-many-tokens; default 15; 0 = no cap' },
  { env: 'SIM_RATE_LIMIT_PERMITS', key: 'rateLimitPermits', parse: integer(0, 1_000_000_000, ' (0 turns the limiter off)'), help: 'requests per window per Host header; default 20000; 0 = off' },
  { env: 'SIM_RATE_LIMIT_WINDOW_SECONDS', key: 'rateLimitWindowSeconds', parse: integer(1, 3600, ''), help: 'rate-limit window in seconds; default 10' },
  { env: 'SIM_RATE_LIMIT_STYLE', key: 'rateLimitStyle', parse: oneOf('current', 'v8.0'), help: "429 answer of the limiter: 'current' (problem JSON + Retry-After) or 'v8.0' (empty, no Retry-After, as DMS 8.0.0); default current" },
  { env: 'SIM_LATENCY_MS', key: 'latencyMs', parse: integer(0, MAX_MS, ''), help: 'added latency on data requests; default 0' },
  { env: 'SIM_LATENCY_JITTER_MS', key: 'latencyJitterMs', parse: integer(0, MAX_MS, ''), help: 'extra random latency 0..N ms on data requests; default 0' },
  { env: 'SIM_ERROR_RATE', key: 'errorRate', parse: fraction, help: 'share of data requests answered 500/503 with Retry-After; default 0' },
  { env: 'SIM_BREAKER', key: 'breaker', parse: oneOf('off', 'on'), help: "'on': DMS's circuit breaker (10% failures of >= 20 data calls in 120 s open it; then 503 with Retry-After for SIM_BREAKER_BREAK_SECONDS, 30 s); default off" },
  { env: 'SIM_BREAKER_BREAK_SECONDS', key: 'breakerBreakSeconds', parse: integer(1, 86400, ''), help: "how long the breaker stays open, also its Retry-After (DMS CircuitBreaker:BreakDurationSeconds); default 30" },
  { env: 'SIM_OUTAGE_AFTER_CALLS', key: 'outageAfterCalls', parse: integer(0, 1_000_000_000, ''), help: 'data calls handled before the outage of SIM_OUTAGE_CALLS starts; default 0' },
  { env: 'SIM_OUTAGE_CALLS', key: 'outageCalls', parse: integer(0, 1_000_000_000, ' (0 = no outage)'), help: 'data calls answered 500 in a row (a backend outage), after SIM_OUTAGE_AFTER_CALLS; default 0' },
  { env: 'SIM_DROP_RATE', key: 'dropRate', parse: fraction, help: 'share of data requests whose connection is dropped; default 0' },
  { env: 'SIM_NON_JSON_RATE', key: 'nonJsonRate', parse: fraction, help: 'share of data GETs answered 200 text/html (a login page), every 1/rate-th GET; default 0' },
  { env: 'SIM_TOKEN_LATENCY_MS', key: 'tokenLatencyMs', parse: integer(0, MAX_MS, ''), help: 'added latency on the token endpoints; default 0' },
];

/** Settings changeable at runtime through /_sim/faults, validated with the same parsers. */
export const FAULT_KEYS = [
  'latencyMs',
  'latencyJitterMs',
  'errorRate',
  'breaker',
  'breakerBreakSeconds',
  'outageAfterCalls',
  'outageCalls',
  'dropRate',
  'nonJsonRate',
  'tokenLatencyMs',
  'rateLimitPermits',
  'rateLimitWindowSeconds',
  'rateLimitStyle',
] as const;
export type FaultKey = (typeof FAULT_KEYS)[number];
export type FaultSettings = Pick<SimOptions, FaultKey>;

/** Validates one value of a known key; throws SimConfigError naming `where` on bad input. */
export function parseSetting(key: keyof SimOptions, raw: string, where: string, fix: string): number | string {
  const setting = ENV_SETTINGS.find((s) => s.key === key);
  if (!setting) throw new SimConfigError(`${where}: unknown setting`);
  try {
    return setting.parse(raw);
  } catch (err) {
    throw new SimConfigError(`${where}=${JSON.stringify(raw)} is invalid: ${(err as Error).message}. ${fix}`);
  }
}

export interface EnvResult {
  options: Partial<SimOptions>;
  /** SIM_* names that no setting uses: reported, not fatal, since other tools may share the prefix. */
  unknown: string[];
}

export function optionsFromEnv(env: NodeJS.ProcessEnv): EnvResult {
  const options: Record<string, number | string> = {};
  for (const s of ENV_SETTINGS) {
    const raw = env[s.env];
    if (raw === undefined) continue;
    options[s.key] = parseSetting(s.key, raw, s.env, `Fix or unset ${s.env} (${s.help}).`);
  }
  const known = new Set(ENV_SETTINGS.map((s) => s.env));
  const unknown = Object.keys(env).filter((k) => k.startsWith('SIM_') && !known.has(k));
  return { options: options as Partial<SimOptions>, unknown };
}

export type CliResult = { help: true } | { help: false; options: Partial<SimOptions> };

const FLAGS: Record<string, keyof SimOptions> = { '--port': 'port', '--host': 'host', '--dms-version': 'dmsVersion' };
const FLAG_EXAMPLES: Partial<Record<keyof SimOptions, string>> = { port: '8080', host: '127.0.0.1', dmsVersion: '8.1' };

/** Accepts --port N, --host H, --dms-version V (each also as --flag=value) and --help / -h. */
export function parseCliArgs(argv: readonly string[]): CliResult {
  const options: Record<string, number | string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return { help: true };
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const key = FLAGS[flag];
    if (!key) {
      throw new SimConfigError(`unknown argument ${JSON.stringify(arg)}. Valid flags: --port N, --host H, --dms-version 8.0|8.1, --help (other settings are SIM_* environment variables; see --help).`);
    }
    let value: string | undefined;
    if (eq > 0) value = arg.slice(eq + 1);
    else value = argv[++i];
    if (value === undefined) throw new SimConfigError(`${flag} needs a value, e.g. ${flag} ${FLAG_EXAMPLES[key]}.`);
    options[key] = parseSetting(key, value, flag, `Pass a valid value to ${flag}.`);
  }
  return { help: false, options: options as Partial<SimOptions> };
}

export function usage(): string {
  const lines = [
    'Usage: npm run dms-sim -- [--port N] [--host H] [--dms-version 8.0|8.1]',
    '       node --import tsx sim/main.ts [--port N] [--host H] [--dms-version 8.0|8.1]',
    '',
    'A stand-in for the Ed-Fi Data Management Service and its Configuration Service on one port.',
    'Prints "dms-sim listening on http://HOST:PORT" when ready. Flags win over environment variables.',
    '',
    'Flags:',
    '  --port N   port to listen on (default 8080; 0 picks a free port)',
    '  --host H   address to bind (default 127.0.0.1)',
    '  --dms-version V   DMS line to answer like: 8.0 or 8.1 (default 8.1)',
    '  --help     this text',
    '',
    'Environment:',
    ...ENV_SETTINGS.map((s) => `  ${s.env.padEnd(30)} ${s.help}`),
    '',
    'See docs/dms-sim.md for the endpoints and what is modelled.',
  ];
  return lines.join('\n');
}
