// Stand-in settings: defaults, SIM_* environment variables and CLI flags, each value validated with a
// message that says what is wrong, where it came from and how to fix it. Names, defaults, ranges and help
// come from the suite's settings table (src/settings/table.ts), which the runner checks them with too.
import { DMS_VERSIONS, check, setting, type Setting } from '../src/settings/table.ts';

export { DMS_VERSIONS };
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

/** The SIM_* setting of the table behind each option (every option but the clock has one). */
const ENV_NAMES: Readonly<Record<Exclude<keyof SimOptions, 'clock'>, string>> = {
  port: 'SIM_PORT',
  host: 'SIM_HOST',
  dmsVersion: 'SIM_DMS_VERSION',
  authorization: 'SIM_AUTHORIZATION',
  adminClientId: 'SIM_ADMIN_CLIENT_ID',
  adminClientSecret: 'SIM_ADMIN_CLIENT_SECRET',
  tokenLifetimeSeconds: 'SIM_TOKEN_LIFETIME_SECONDS',
  tokenCap: 'SIM_TOKEN_CAP',
  rateLimitPermits: 'SIM_RATE_LIMIT_PERMITS',
  rateLimitWindowSeconds: 'SIM_RATE_LIMIT_WINDOW_SECONDS',
  rateLimitStyle: 'SIM_RATE_LIMIT_STYLE',
  latencyMs: 'SIM_LATENCY_MS',
  latencyJitterMs: 'SIM_LATENCY_JITTER_MS',
  errorRate: 'SIM_ERROR_RATE',
  breaker: 'SIM_BREAKER',
  breakerBreakSeconds: 'SIM_BREAKER_BREAK_SECONDS',
  outageAfterCalls: 'SIM_OUTAGE_AFTER_CALLS',
  outageCalls: 'SIM_OUTAGE_CALLS',
  dropRate: 'SIM_DROP_RATE',
  nonJsonRate: 'SIM_NON_JSON_RATE',
  tokenLatencyMs: 'SIM_TOKEN_LATENCY_MS',
};
const ENV_KEYS = Object.entries(ENV_NAMES).map(([key, name]) => [name, key]) as Array<[string, Exclude<keyof SimOptions, 'clock'>]>;

const NUMERIC_KINDS: ReadonlySet<string> = new Set(['int', 'decimal', 'fraction']);

/** A value of the setting, checked with the table's rule: a number for numeric kinds, else the text. */
function typed(entry: Setting, raw: string): number | string {
  if (raw === '') throw new Error('must not be empty');
  const problem = check(entry, raw);
  if (problem !== null) throw new Error(problem);
  return NUMERIC_KINDS.has(entry.kind) ? Number(raw) : raw;
}

/** The table's default of a setting, typed; every SIM_* setting has one. */
function defaultFor(name: string): number | string {
  const entry = setting(name);
  if (entry.default === undefined) throw new Error(`settings table: ${name} needs a default for the stand-in`);
  return typed(entry, entry.default);
}

export const DEFAULT_OPTIONS: SimOptions = {
  ...(Object.fromEntries(ENV_KEYS.map(([name, key]) => [key, defaultFor(name)])) as unknown as Omit<SimOptions, 'clock'>),
  clock: Date.now,
};

/** The CLI listens on DMS's usual port unless told otherwise; startSim() defaults to a free port. */
export const CLI_DEFAULT_PORT = 8080;

/** Bad input to the stand-in itself; main.ts prints the message and exits 2. */
export class SimConfigError extends Error {}

type Parser = (raw: string) => number | string;

/** Help of a setting: the table's description, its range and its default. */
function helpOf(entry: Setting): string {
  const parts = [entry.description.replace(/\.$/, '')];
  if (entry.default !== undefined) parts.push(`default ${entry.default}`);
  return parts.join('; ');
}

/** Every setting that can come from the environment, with its parser and help line. */
export const ENV_SETTINGS: ReadonlyArray<{ env: string; key: keyof SimOptions; parse: Parser; help: string }> = ENV_KEYS.map(
  ([name, key]) => {
    const entry = setting(name);
    return { env: name, key, parse: (raw: string) => typed(entry, raw), help: helpOf(entry) };
  },
);

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
