// Small network helpers for the runner (Node built-ins only, so curl and jq are not needed).
//   node net.mjs free-port                  -> prints a free TCP port on 127.0.0.1
//   node net.mjs port-free PORT [HOST]      -> exit 0 if PORT can be bound, 1 if it is in use
//   node net.mjs discovery BASE_URL SECS    -> checks BASE_URL/ is an Ed-Fi API; prints urls.oauth,
//                                              urls.dataManagementApi, then a one-line description (one
//                                              line each); exit 1 unreachable, 2 not an Ed-Fi API
//   node net.mjs get-json URL FILE [SECS]   -> saves the JSON body of URL to FILE; exit 1 on any failure
//                                              (header X-Broker-Key from env BROKER_KEY when set)
import { createServer } from 'node:net';
import { writeFileSync } from 'node:fs';

function listen(port, host) {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port, host, exclusive: true }, () => resolve(server));
  });
}

async function freePort() {
  const server = await listen(0, '127.0.0.1');
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  process.stdout.write(`${port}\n`);
  return 0;
}

async function portFree(port, host = '127.0.0.1') {
  try {
    const server = await listen(Number(port), host);
    await new Promise((r) => server.close(r));
    return 0;
  } catch (error) {
    process.stderr.write(`${host}:${port}: ${error.code ?? error.message}\n`);
    return 1;
  }
}

function reason(error) {
  const cause = error.cause ?? error;
  if (error.name === 'TimeoutError' || cause.name === 'TimeoutError') return 'no answer within the timeout';
  return cause.code ? `${cause.code}${cause.message ? ` (${cause.message})` : ''}` : (cause.message ?? String(error));
}

async function discovery(baseUrl, seconds) {
  const url = `${baseUrl.replace(/\/+$/, '')}/`;
  let response;
  let text;
  try {
    response = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(Number(seconds) * 1000) });
    text = await response.text();
  } catch (error) {
    process.stderr.write(`GET ${url} failed: ${reason(error)}\n`);
    return 1;
  }
  let doc;
  try {
    doc = JSON.parse(text);
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
  const oneLine = (value) => (typeof value === 'string' ? value.replace(/[\r\n]/g, '') : '');
  process.stdout.write(`${oneLine(urls.oauth)}\n${oneLine(urls.dataManagementApi)}\n${name}; data models: ${models || 'none listed'}\n`);
  return 0;
}

async function getJson(url, file, seconds = '5') {
  try {
    const headers = { accept: 'application/json' };
    if (process.env.BROKER_KEY) headers['x-broker-key'] = process.env.BROKER_KEY;
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(Number(seconds) * 1000) });
    const body = await response.text();
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    writeFileSync(file, `${JSON.stringify(JSON.parse(body), null, 2)}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`GET ${url}: ${reason(error)}\n`);
    return 1;
  }
}

const [command, ...args] = process.argv.slice(2);
const commands = { 'free-port': freePort, 'port-free': portFree, discovery, 'get-json': getJson };
if (!commands[command]) {
  process.stderr.write(`usage: net.mjs ${Object.keys(commands).join('|')} ...\n`);
  process.exitCode = 2;
} else {
  process.exitCode = await commands[command](...args);
}
