// Small network helpers for the runner (Node built-ins only, so curl and jq are not needed).
//   node net.mjs free-port                  -> prints a free TCP port on 127.0.0.1
//   node net.mjs port-free PORT [HOST]      -> exit 0 if PORT can be bound, 1 if it is in use
//   node net.mjs discovery BASE_URL SECS    -> checks BASE_URL/ is an Ed-Fi API; prints urls.oauth,
//                                              urls.dataManagementApi, then a one-line description (one
//                                              line each); exit 1 unreachable, 2 not an Ed-Fi API
//   node net.mjs get-json URL FILE [SECS]   -> saves the JSON body of URL to FILE; exit 1 on any failure
//                                              (header X-Broker-Key from env BROKER_KEY when set)
//   node net.mjs data-access DATA_API_URL BROKER_URL SECS
//                                           -> takes the token from the broker (GET BROKER_URL/token?peek=1,
//                                              key from env BROKER_KEY; peek: the latency of the broker's
//                                              first token fetch stays for k6 to report as
//                                              token_request_duration) and makes one authenticated data call,
//                                              GET DATA_API_URL/ed-fi/schoolYearTypes?limit=1, retried a few
//                                              times (~15 s) on 429/5xx/dropped connections. Prints what was
//                                              called (and the transient answers it retried); stderr: the
//                                              reason of a failure (never the token).
//                                              exit 0 ok; 10 no token from the broker; 11 unreachable;
//                                              12 HTTP 401; 13 HTTP 403 from the claim set;
//                                              14 HTTP 404 route-resolution-error (data store ids, none known);
//                                              15 any other answer; 16 HTTP 403 authorization-denied (no
//                                              data store ids at all); 17 HTTP 500 security configuration
//                                              (a claim set this DMS does not have; not retried)
import { createServer, type AddressInfo, type Server } from 'node:net';
import { writeWhole } from './write-whole.ts';
import { httpRequest, networkReason as reason, type HttpAnswer } from './http-client.ts';

/** Discovery document fields read here (Ed-Fi API root, GET /). */
interface DiscoveryDocument {
  applicationName?: string;
  version?: string;
  urls?: { oauth?: unknown; dataManagementApi?: unknown };
  dataModels?: { name?: string; version?: string }[];
}

function listen(port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port, host, exclusive: true }, () => resolve(server));
  });
}

async function freePort(): Promise<number> {
  const server = await listen(0, '127.0.0.1');
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(() => r(undefined)));
  process.stdout.write(`${port}\n`);
  return 0;
}

async function portFree(port: string, host = '127.0.0.1'): Promise<number> {
  try {
    const server = await listen(Number(port), host);
    await new Promise((r) => server.close(() => r(undefined)));
    return 0;
  } catch (error) {
    process.stderr.write(`${host}:${port}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}\n`);
    return 1;
  }
}

async function discovery(baseUrl: string, seconds: string): Promise<number> {
  const url = `${baseUrl.replace(/\/+$/, '')}/`;
  let response: HttpAnswer;
  let text: string;
  try {
    response = await httpRequest(url, { headers: { accept: 'application/json' }, timeoutMs: Number(seconds) * 1000 });
    text = await response.text();
  } catch (error) {
    process.stderr.write(`${reason(error)}\n`);
    return 1;
  }
  let doc: DiscoveryDocument;
  try {
    doc = JSON.parse(text) as DiscoveryDocument;
  } catch {
    process.stderr.write(`GET ${url} answered HTTP ${response.status} but not with JSON: this is not an Ed-Fi API discovery document\n`);
    return 2;
  }
  const urls = doc?.urls ?? {};
  if (!response.ok || typeof urls.dataManagementApi !== 'string' || !Array.isArray(doc.dataModels)) {
    process.stderr.write(`GET ${url} answered HTTP ${response.status} without urls.dataManagementApi and dataModels: not an Ed-Fi API discovery document\n`);
    return 2;
  }
  const models = doc.dataModels.map((m) => `${m.name} ${m.version}`).join(', ');
  const name = `${doc.applicationName ?? 'Ed-Fi API'} ${doc.version ?? ''}`.trim();
  const oneLine = (value: unknown): string => (typeof value === 'string' ? value.replace(/[\r\n]/g, '') : '');
  process.stdout.write(`${oneLine(urls.oauth)}\n${oneLine(urls.dataManagementApi)}\n${name}; data models: ${models || 'none listed'}\n`);
  return 0;
}

async function getJson(url: string, file: string, seconds = '5'): Promise<number> {
  try {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (process.env.BROKER_KEY) headers['x-broker-key'] = process.env.BROKER_KEY;
    const response = await httpRequest(url, { headers, timeoutMs: Number(seconds) * 1000 });
    const body = await response.text();
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    writeWhole(file, `${JSON.stringify(JSON.parse(body), null, 2)}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`GET ${url}: ${reason(error)}\n`);
    return 1;
  }
}

/** One line of an Ed-Fi problem document (type, detail, errors), or the start of a body that is not one. */
function problemText(text: string): { type: string; text: string } {
  try {
    const body = JSON.parse(text);
    const parts = [body.type, body.detail ?? body.title, ...(Array.isArray(body.errors) ? body.errors : [])].filter((p: unknown) => typeof p === 'string' && p !== '');
    if (parts.length > 0) return { type: typeof body.type === 'string' ? body.type : '', text: parts.join(' | ').slice(0, 300) };
  } catch {
    // not JSON
  }
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return { type: '', text: oneLine === '' ? '(empty body)' : oneLine.slice(0, 200) };
}

/** DMS's 500 for a claim set it does not have (ResourceActionAuthorizationMiddleware.cs): permanent, not transient. */
function isSecurityConfiguration(status: number, text: string): boolean {
  return status === 500 && problemText(text).type === 'urn:ed-fi:api:system:configuration:security';
}

async function dataAccess(dataApiUrl: string, brokerUrl: string, seconds = '10'): Promise<number> {
  const timeoutMs = Number(seconds) * 1000;
  let token: unknown;
  try {
    const response = await httpRequest(`${brokerUrl.replace(/\/+$/, '')}/token?peek=1`, {
      headers: { accept: 'application/json', 'x-broker-key': process.env.BROKER_KEY ?? '' },
      timeoutMs,
    });
    const body = await response.text();
    if (!response.ok) throw new Error(`HTTP ${response.status}: ${problemText(body).text}`);
    token = JSON.parse(body).access_token;
    if (typeof token !== 'string' || token === '') throw new Error('the answer has no access_token');
  } catch (error) {
    process.stderr.write(`the token broker gave no token: ${reason(error)}\n`);
    return 10;
  }
  const url = `${dataApiUrl.replace(/\/+$/, '')}/ed-fi/schoolYearTypes?limit=1`;
  process.stdout.write(`GET ${url}\n`);
  // A busy or restarting DMS may answer 429/5xx or drop a connection now and then: that is not what this
  // check is about, so those are retried (1, 2, 4, 8 s apart, or Retry-After up to 10 s).
  const TRANSIENT_STATUS = new Set([429, 500, 502, 503, 504]);
  const NOT_TRANSIENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ERR_INVALID_URL', 'CERT_HAS_EXPIRED']);
  const retried: string[] = [];
  let response: HttpAnswer;
  let text: string;
  for (let attempt = 0; ; attempt++) {
    let wait = 1000 * 2 ** attempt;
    try {
      response = await httpRequest(url, { headers: { accept: 'application/json', authorization: `Bearer ${token}` }, timeoutMs });
      text = await response.text();
      if (!TRANSIENT_STATUS.has(response.status) || attempt === 4 || isSecurityConfiguration(response.status, text)) break;
      const retryAfter = Number(response.headers.get('retry-after'));
      if (Number.isFinite(retryAfter) && retryAfter > 0) wait = Math.min(retryAfter, 10) * 1000;
      retried.push(`HTTP ${response.status}`);
    } catch (error) {
      const fields = error as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
      const code = (fields.cause ?? fields).code ?? '';
      if (NOT_TRANSIENT.has(code) || attempt === 4) {
        process.stderr.write(`GET ${url} failed: ${reason(error)}${retried.length > 0 ? ` (after ${retried.join(', ')})` : ''}\n`);
        return 11;
      }
      retried.push(reason(error));
    }
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
  if (retried.length > 0) process.stdout.write(`retried after: ${retried.join(', ')}\n`);
  // A DMS never echoes the token, but a proxy's error page might: keep it out of every message.
  const problem = problemText(text.split(token as string).join('********'));
  if (response.ok) return 0;
  process.stderr.write(`GET ${url} answered HTTP ${response.status}: ${problem.text}${retried.length > 0 ? ` (retried after ${retried.join(', ')})` : ''}\n`);
  if (response.status === 401) return 12;
  // ResolveDataStoreMiddleware.cs answers a token without dataStoreIds before any claim-set check.
  if (response.status === 403 && problem.type === 'urn:ed-fi:api:authorization-denied') return 16;
  if (response.status === 403) return 13;
  if (isSecurityConfiguration(response.status, text)) return 17;
  if (response.status === 404 && problem.type === 'urn:ed-fi:api:route-resolution-error') return 14;
  return 15;
}

const [command, ...args] = process.argv.slice(2);
const commands: Record<string, (...args: string[]) => Promise<number>> = {
  'free-port': freePort,
  'port-free': (port, host) => portFree(port, host),
  discovery,
  'get-json': getJson,
  'data-access': dataAccess,
};
if (command === undefined || !Object.hasOwn(commands, command)) {
  process.stderr.write(`usage: net.mjs ${Object.keys(commands).join('|')} ...\n`);
  process.exitCode = 2;
} else {
  process.exitCode = await commands[command](...args);
}
