// CLI: npm run dms-sim -- [--port N] [--host H] [--dms-version 8.0|8.1]. Flags win over SIM_* variables.
// Prints exactly one line on stdout when ready; bad input gives one line on stderr and exit code 2.

import { CLI_DEFAULT_PORT, SimConfigError, optionsFromEnv, parseCliArgs, usage } from './options.ts';
import { startSim } from './server.ts';

const EXIT_BAD_INPUT = 2;

function fail(message: string): never {
  process.stderr.write(`dms-sim: ${message}\n`);
  process.exit(EXIT_BAD_INPUT);
}

async function main(): Promise<void> {
  let cli;
  let env;
  try {
    cli = parseCliArgs(process.argv.slice(2));
    if (cli.help) {
      process.stdout.write(usage() + '\n');
      return;
    }
    env = optionsFromEnv(process.env);
  } catch (err) {
    if (err instanceof SimConfigError) fail(err.message);
    throw err;
  }
  for (const name of env.unknown) process.stderr.write(`dms-sim: warning: ignoring unknown environment variable ${name} (see --help for the SIM_* variables)\n`);

  const options = { port: CLI_DEFAULT_PORT, ...env.options, ...cli.options };
  let sim;
  try {
    sim = await startSim(options);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const where = `${options.host ?? '127.0.0.1'}:${options.port}`;
    if (code === 'EADDRINUSE') fail(`cannot listen on ${where}: the port is already in use. Pick another with --port N (0 picks a free port) or stop the process using it.`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') fail(`cannot listen on ${where}: no such local address. Use --host 127.0.0.1 (or another address of this machine).`);
    if (code === 'EACCES') fail(`cannot listen on ${where}: permission denied. Use a port above 1023, e.g. --port 8080.`);
    if (err instanceof SimConfigError) fail(err.message);
    throw err;
  }
  const stop = (): void => {
    sim.close().then(() => process.exit(0));
  };
  // Handlers first: whoever reads the line may signal at once.
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.stdout.write(`dms-sim listening on ${sim.url}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`dms-sim: unexpected error: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
