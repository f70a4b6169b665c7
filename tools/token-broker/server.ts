// HTTP front of the TokenSource: VUs ask here instead of the token endpoint. On loopback by default; bound
// to a network address for k6 instances on other hosts, it answers only the allowed hosts (allowed-hosts.ts).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { CredentialsRejected, type Token, type TokenSource } from './token-source.ts';
import { parseProblem, ProblemStore } from './problems.ts';
import { parseAllowedHosts, type AllowedHosts } from './allowed-hosts.ts';
import { InstanceBoard, parseInstanceDone } from './instances.ts';

export interface BrokerServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/** A problem is a few KB; anything much larger is not one. */
const MAX_PROBLEM_BYTES = 64 * 1024;

/** What the handlers share: the token, the problems and instances reported, the key and who may ask. */
interface BrokerState {
  source: TokenSource;
  problems: ProblemStore;
  instances: InstanceBoard;
  key: string;
  allowed: AllowedHosts;
}

/**
 * Starts the broker on host:port (port 0: any free one). `allowedHosts` (BROKER_ALLOWED_HOSTS' syntax)
 * lists the addresses besides loopback that may connect; others get 403. Resolves once it listens.
 */
export async function startBrokerServer(source: TokenSource, key: string, host = '127.0.0.1', port = 0, allowedHosts = ''): Promise<BrokerServer> {
  const state: BrokerState = { source, problems: new ProblemStore(), instances: new InstanceBoard(), key, allowed: parseAllowedHosts(allowedHosts) };
  const server = createServer((req, res) => {
    handle(state, req, res).catch((error: Error) => send(res, 500, { error: 'broker-failure', detail: error.message }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  return {
    server,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${boundPort}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function handle(state: BrokerState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { source, problems, instances, key } = state;
  const [path, query = ''] = (req.url ?? '/').split('?');
  // From this machine a connection to a network address of its own comes from that address: allowed like loopback.
  const fromThisMachine = req.socket.remoteAddress !== undefined && req.socket.remoteAddress === req.socket.localAddress;
  if (!fromThisMachine && !state.allowed.allows(req.socket.remoteAddress)) {
    return send(res, 403, { error: 'host-not-allowed', detail: `${String(req.socket.remoteAddress)} is not in BROKER_ALLOWED_HOSTS (${state.allowed.text || 'loopback only'})` });
  }
  if (req.method === 'GET' && path === '/health') return send(res, 200, { status: 'ok' });
  if (!keyMatches(req.headers['x-broker-key'], key)) return send(res, 403, { error: 'forbidden', detail: 'missing or wrong X-Broker-Key' });
  if (req.method === 'GET' && path === '/stats') {
    return send(res, 200, { ...source.stats });
  }
  // ?peek=1 (the runner's pre-flight data call): the token without claiming the first fetch's latency,
  // which belongs to k6's token_request_duration.
  const peek = new URLSearchParams(query).get('peek') === '1';
  if (req.method === 'GET' && path === '/token') return answerWithToken(res, () => source.get(), source, peek);
  if (req.method === 'POST' && path === '/token/refresh') {
    const body = await readBody(req);
    const generation = Number((JSON.parse(body || '{}') as { generation?: unknown }).generation);
    return answerWithToken(res, () => source.refreshIfCurrent(generation), source);
  }
  // Problems VUs met (src/dms/problem-report.ts): the answer's count tells the VU whether to print it.
  if (req.method === 'POST' && path === '/problems') {
    const body = await readBody(req, MAX_PROBLEM_BYTES);
    if (body === undefined) return send(res, 413, { error: 'too-large', detail: `a problem must be under ${MAX_PROBLEM_BYTES} bytes` });
    const parsed = parseProblem(body);
    if (!parsed.ok) return send(res, 400, { error: 'invalid-problem', detail: parsed.detail });
    return send(res, 200, { count: problems.add(parsed.problem) });
  }
  if (req.method === 'GET' && path === '/problems') {
    const phase = new URLSearchParams(query).get('phase');
    if (!phase) return send(res, 400, { error: 'phase-required', detail: 'GET /problems?phase=<load|readwrite>' });
    return send(res, 200, { problems: problems.ofPhase(phase) });
  }
  // Instances on other hosts (docs/scale-out.md): who finished which phase, so the first host knows when
  // the broker may stop and a full run when every host may start its readwrite phase.
  if (req.method === 'POST' && path === '/instances/done') {
    const body = await readBody(req);
    if (body === undefined) return send(res, 413, { error: 'too-large', detail: 'an instance report is a few bytes' });
    const parsed = parseInstanceDone(body);
    if (!parsed.ok) return send(res, 400, { error: 'invalid-instance-report', detail: parsed.detail });
    instances.report(parsed.done);
    return send(res, 200, { phase: parsed.done.phase, done: instances.ofPhase(parsed.done.phase) });
  }
  if (req.method === 'GET' && path === '/instances') {
    const phase = new URLSearchParams(query).get('phase');
    if (!phase) return send(res, 400, { error: 'phase-required', detail: 'GET /instances?phase=<load|readwrite>' });
    return send(res, 200, { phase, done: instances.ofPhase(phase) });
  }
  return send(res, 404, { error: 'not-found', detail: `${req.method} ${path}` });
}

async function answerWithToken(res: ServerResponse, obtain: () => Promise<Token>, source: TokenSource, peek = false): Promise<void> {
  try {
    const token = await obtain();
    send(res, 200, {
      access_token: token.accessToken,
      expires_at_ms: token.expiresAtMs,
      // when to ask again: the start of the renewal window (earlier than the VU's own rule when the token
      // endpoint is slow), so the first VU to ask starts the renewal in time
      renew_at_ms: source.renewAtMs(token),
      generation: token.generation,
      fetched_ms: peek ? null : source.takeUnreportedFetchMs(),
    });
  } catch (error) {
    const status = error instanceof CredentialsRejected ? 401 : 502;
    send(res, status, { error: status === 401 ? 'credentials-rejected' : 'token-endpoint-failed', detail: (error as Error).message });
  }
}

function keyMatches(given: string | string[] | undefined, key: string): boolean {
  if (typeof given !== 'string' || given.length !== key.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(key));
}

/** The request body as text; undefined when it is longer than `maxBytes` (the rest is not read). */
function readBody(req: IncomingMessage, maxBytes = MAX_PROBLEM_BYTES): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    let body = '';
    let bytes = 0;
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      bytes += Buffer.byteLength(chunk);
      if (bytes > maxBytes) {
        req.removeAllListeners('data');
        req.resume();
        resolve(undefined);
        return;
      }
      body += chunk;
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}
