// startSim(): the stand-in as an in-process server, used by main.ts and by tests.

import { createServer, type Server } from 'node:http';
import { DEFAULT_OPTIONS, ENV_SETTINGS, SimConfigError, parseSetting, type FaultSettings, type SimOptions } from './options.ts';
import { createState, resetState } from './state.ts';
import { createRequestHandler } from './router.ts';
import { applyFaults, statsOf, type SimStats } from './sim-api.ts';
import { parseFaultPatch } from './faults.ts';

export type { SimOptions, FaultSettings } from './options.ts';
export type { SimStats } from './sim-api.ts';

export interface RunningSim {
  /** 'http://HOST:PORT', without a trailing slash. */
  url: string;
  host: string;
  port: number;
  /** The resolved options (fault fields reflect runtime changes). */
  options: Readonly<SimOptions>;
  /** Same as GET /_sim/stats. */
  stats(): SimStats;
  /** Same as POST /_sim/reset. */
  reset(): void;
  /** Same as POST /_sim/faults; throws SimConfigError on a bad value. */
  setFaults(patch: Partial<FaultSettings>): FaultSettings;
  /** Same as POST /_sim/faults/revoke-tokens; returns how many active tokens were revoked. */
  revokeTokens(): number;
  close(): Promise<void>;
}

/** Rejects with SimConfigError on a bad option and with the listen error (e.g. EADDRINUSE) otherwise. */
export async function startSim(options: Partial<SimOptions> = {}): Promise<RunningSim> {
  const settings = resolveOptions(options);
  const state = createState(settings);
  const server = createServer({ keepAliveTimeout: 65_000 }, createRequestHandler(state, state.resources));
  // Connections stay open between requests; k6 and autocannon reuse them.
  server.headersTimeout = 66_000;

  await listen(server, settings.port, settings.host);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : settings.port;
  const hostInUrl = settings.host.includes(':') ? `[${settings.host}]` : settings.host;

  return {
    url: `http://${hostInUrl}:${port}`,
    host: settings.host,
    port,
    options: settings,
    stats: () => statsOf(state),
    reset: () => resetState(state),
    setFaults: (patch) => {
      const parsed = parseFaultPatch(patch);
      if (!parsed.ok) throw new SimConfigError(parsed.detail);
      return applyFaults(state, parsed.patch);
    },
    revokeTokens: () => state.tokens.revokeAll(),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Defaults, then the given options, each checked with the same rules as its SIM_* variable. */
function resolveOptions(options: Partial<SimOptions>): SimOptions {
  const resolved: SimOptions = { ...DEFAULT_OPTIONS, ...options };
  for (const s of ENV_SETTINGS) {
    const value = options[s.key];
    if (value === undefined) continue;
    (resolved as unknown as Record<string, unknown>)[s.key] = parseSetting(s.key, String(value), `option ${s.key}`, `(${s.help}).`);
  }
  return resolved;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
