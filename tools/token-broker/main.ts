// CLI of the token broker. Configuration comes from the environment only, so secrets never show in `ps`:
// BROKER_TOKEN_URL, CLIENT_ID, CLIENT_SECRET, BROKER_KEY, TOKEN_REFRESH_MARGIN_SECONDS, BROKER_INITIAL_RETRIES,
// BROKER_HOST (bind address, default 127.0.0.1), BROKER_PORT (0: any free one), BROKER_ALLOWED_HOSTS.
// Exit codes: 2 bad configuration, 3 credentials rejected, 4 token endpoint unreachable or failing,
// 5 DMS's cap of active tokens for this client reached (429 too-many-tokens).
import { CredentialsRejected, TokenCapReached, TokenSource } from './token-source.ts';
import { startBrokerServer } from './server.ts';
import { defaultOf } from '../../src/settings/table.ts';

function fail(code: number, message: string): never {
  process.stderr.write(`token-broker: ${message}\n`);
  process.exit(code);
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) fail(2, `${name} is not set; the runner passes it in the environment`);
  return value;
}

function wholeNumber(name: string, fallback: number): number {
  const raw = process.env[name] ?? String(fallback);
  if (!/^\d+$/.test(raw)) fail(2, `${name}='${raw}' must be a whole number`);
  return Number(raw);
}

async function main(): Promise<void> {
  const source = new TokenSource({
    tokenUrl: required('BROKER_TOKEN_URL'),
    clientId: required('CLIENT_ID'),
    clientSecret: required('CLIENT_SECRET'),
    marginSeconds: wholeNumber('TOKEN_REFRESH_MARGIN_SECONDS', Number(defaultOf('TOKEN_REFRESH_MARGIN_SECONDS'))),
    initialRetries: wholeNumber('BROKER_INITIAL_RETRIES', 0),
  });
  const key = required('BROKER_KEY');
  let broker;
  try {
    // Listening first: a bad address or allowed-hosts entry, or a port in use, fails before a token is spent.
    broker = await startBrokerServer(source, key, process.env.BROKER_HOST || '127.0.0.1', wholeNumber('BROKER_PORT', 0), process.env.BROKER_ALLOWED_HOSTS ?? '');
  } catch (error) {
    fail(2, `cannot listen on ${process.env.BROKER_HOST || '127.0.0.1'}:${process.env.BROKER_PORT || 0}: ${(error as Error).message}`);
  }
  try {
    await source.get(); // the pre-flight credential check: the first token of the run
  } catch (error) {
    fail(error instanceof TokenCapReached ? 5 : error instanceof CredentialsRejected ? 3 : 4, (error as Error).message);
  }
  process.stdout.write(`token-broker listening on ${broker.url}\n`);
  const stop = () => broker.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: Error) => fail(4, error.message));
