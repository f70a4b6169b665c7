// Creates an API client through the Ed-Fi Configuration Service (CMS, /v3 API):
// admin token -> data store id -> vendor -> application. Reads everything from the environment (secrets
// never on the command line) and prints exactly two lines on stdout: the new key, then the new secret.
// Progress and errors go to stderr and never contain a secret.
//
// env: CMS_BASE_URL, CMS_ADMIN_CLIENT_ID, CMS_ADMIN_CLIENT_SECRET, CLAIM_SET_NAME, DATA_STORE_ID (optional),
//      EDUCATION_ORGANIZATION_IDS (comma list), NAMESPACE_PREFIXES, APPLICATION_NAME, CMS_TIMEOUT_SECONDS
// exit: 0 created; 1 CMS unreachable; 2 admin credentials refused; 3 CMS refused a request or answered
//       something unexpected; 4 CMS failed (HTTP 5xx); 5 bad input
import { httpRequest, networkReason, type HttpAnswer } from './http-client.ts';
import { defaultOf } from '../../../src/settings/table.ts';

const env = process.env;
const base = (env.CMS_BASE_URL ?? '').replace(/\/+$/, '');
const timeoutMs = Number(env.CMS_TIMEOUT_SECONDS || defaultOf('CMS_TIMEOUT_SECONDS')) * 1000;

/** A failure with the exit code it ends the process with (see the header). */
class Stop extends Error {
  readonly code: number;

  constructor(code: number, message: string) {
    super(message);
    this.code = code;
  }
}

/** What a Configuration Service call answered: status, headers and the body's text. */
interface CmsAnswer {
  status: number;
  headers: HttpAnswer['headers'];
  text: string;
}

/** The fields of a JSON answer this client reads; anything may be missing. */
// `any` on purpose: every field this client reads is checked with typeof before it is used.
type JsonObject = Record<string, any>;

function say(line: string): void {
  process.stderr.write(`        ${line}\n`);
}

function problem(text: string): string {
  try {
    const body = JSON.parse(text);
    const parts = [body.title, body.detail, ...(Array.isArray(body.errors) ? body.errors : [])].filter(Boolean);
    if (body.validationErrors && Object.keys(body.validationErrors).length > 0) parts.push(JSON.stringify(body.validationErrors));
    if (parts.length > 0) return parts.join(' | ').slice(0, 400);
  } catch {
    // not JSON: fall through
  }
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine === '' ? '(empty body)' : oneLine.slice(0, 300);
}

async function call(method: string, path: string, { token, json, form }: { token?: string; json?: unknown; form?: Record<string, string> } = {}): Promise<CmsAnswer> {
  const url = `${base}${path}`;
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: string | undefined;
  if (token) headers.authorization = `Bearer ${token}`;
  if (json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(json);
  }
  if (form !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(form).toString();
  }
  let response: HttpAnswer;
  try {
    response = await httpRequest(url, { method, headers, body, timeoutMs });
  } catch (error) {
    throw new Stop(1, `the Configuration Service at ${base} is unreachable (${method} ${path}: ${networkReason(error)})`);
  }
  const text = await response.text();
  // A 5xx is the Configuration Service failing, not refusing: no claim-set or credential hint fits it.
  if (response.status >= 500) {
    throw new Stop(4, `the Configuration Service failed: ${method} ${path} answered HTTP ${response.status}: ${problem(text)}`);
  }
  return { status: response.status, headers: response.headers, text };
}

function parse(res: CmsAnswer, what: string): JsonObject {
  try {
    return JSON.parse(res.text);
  } catch {
    throw new Stop(3, `${what}: HTTP ${res.status} with a body that is not JSON`);
  }
}

async function adminToken(): Promise<string> {
  const res = await call('POST', '/connect/token', {
    form: {
      client_id: env.CMS_ADMIN_CLIENT_ID ?? '',
      client_secret: env.CMS_ADMIN_CLIENT_SECRET ?? '',
      grant_type: 'client_credentials',
      scope: 'edfi_admin_api/full_access',
    },
  });
  if (res.status === 401 || res.status === 403 || res.status === 400) {
    throw new Stop(2, `the Configuration Service refused the admin credentials CMS_ADMIN_CLIENT_ID/CMS_ADMIN_CLIENT_SECRET (POST /connect/token: HTTP ${res.status}: ${problem(res.text)})`);
  }
  if (res.status !== 200) throw new Stop(3, `POST /connect/token answered HTTP ${res.status}: ${problem(res.text)}`);
  const token = parse(res, 'POST /connect/token').access_token;
  if (typeof token !== 'string' || token === '') throw new Stop(3, 'POST /connect/token answered 200 without an access_token');
  say('  admin token obtained');
  return token;
}

async function dataStoreId(token: string): Promise<number> {
  if (env.DATA_STORE_ID) {
    say(`  data store ${env.DATA_STORE_ID} (DATA_STORE_ID)`);
    return Number(env.DATA_STORE_ID);
  }
  const res = await call('GET', '/v3/dataStores', { token });
  if (res.status !== 200) throw new Stop(3, `GET /v3/dataStores answered HTTP ${res.status}: ${problem(res.text)}`);
  const stores = parse(res, 'GET /v3/dataStores');
  if (!Array.isArray(stores) || stores.length === 0 || typeof stores[0].id !== 'number') {
    throw new Stop(3, 'the Configuration Service has no data store (GET /v3/dataStores is empty): register one (DMS: eng/docker-compose/configure-local-data-store.ps1), or set DATA_STORE_ID');
  }
  say(`  data store ${stores[0].id} (${stores[0].name ?? 'unnamed'}; the first of ${stores.length})`);
  return stores[0].id;
}

function idFrom(res: CmsAnswer): number | undefined {
  const location = res.headers.get('location') ?? '';
  const fromLocation = /\/(\d+)\/?$/.exec(location);
  if (fromLocation) return Number(fromLocation[1]);
  try {
    const id = JSON.parse(res.text).id;
    if (typeof id === 'number') return id;
  } catch {
    // no body (v8 answers 201 with an empty body)
  }
  return undefined;
}

const VENDOR_COMPANY = 'DMS Load Test';

/**
 * The suite's vendor: looked up by company first (GET /v3/vendors?company=...), created only when absent,
 * because DMS 8.1's POST /v3/vendors refuses an existing company with 400 (8.0 updated it and said 200).
 */
async function vendor(token: string): Promise<number> {
  const found = await call('GET', `/v3/vendors?company=${encodeURIComponent(VENDOR_COMPANY)}`, { token });
  if (found.status !== 200) throw new Stop(3, `GET /v3/vendors?company=... answered HTTP ${found.status}: ${problem(found.text)}`);
  const vendors = parse(found, 'GET /v3/vendors');
  const existing = Array.isArray(vendors) ? vendors.find((v: JsonObject) => v && v.company === VENDOR_COMPANY && typeof v.id === 'number') : undefined;
  if (existing) {
    say(`  vendor ${existing.id} reused (${VENDOR_COMPANY})`);
    return existing.id;
  }
  const res = await call('POST', '/v3/vendors', {
    token,
    json: {
      company: VENDOR_COMPANY,
      contactName: 'DMS Load Test',
      contactEmailAddress: 'dms-load-test@example.com',
      namespacePrefixes: env.NAMESPACE_PREFIXES || 'uri://ed-fi.org',
    },
  });
  if (res.status !== 201 && res.status !== 200) throw new Stop(3, `POST /v3/vendors answered HTTP ${res.status}: ${problem(res.text)}`);
  const id = idFrom(res);
  if (id === undefined) throw new Stop(3, `POST /v3/vendors answered HTTP ${res.status} without a vendor id (no Location header)`);
  say(`  vendor ${id} ${res.status === 201 ? 'created' : 'reused'} (${VENDOR_COMPANY})`);
  return id;
}

async function application(token: string, vendorId: number, storeId: number): Promise<{ key: string; secret: string }> {
  const edOrgs = (env.EDUCATION_ORGANIZATION_IDS || '777000').split(',').map((s) => Number(s.trim()));
  const res = await call('POST', '/v3/applications', {
    token,
    json: {
      vendorId,
      applicationName: env.APPLICATION_NAME || `DMS Load Test ${new Date().toISOString()}`,
      claimSetName: env.CLAIM_SET_NAME || 'EdFiSandbox',
      educationOrganizationIds: edOrgs,
      dataStoreIds: [storeId],
    },
  });
  if (res.status !== 201 && res.status !== 200) {
    const hint = res.status === 400 && /claim/i.test(res.text) ? ` (is CLAIM_SET_NAME=${env.CLAIM_SET_NAME} a claim set of this CMS?)` : '';
    throw new Stop(3, `POST /v3/applications answered HTTP ${res.status}: ${problem(res.text)}${hint}`);
  }
  const body = parse(res, 'POST /v3/applications');
  if (typeof body.key !== 'string' || typeof body.secret !== 'string' || body.key === '' || body.secret === '') {
    throw new Stop(3, `POST /v3/applications answered HTTP ${res.status} without key and secret`);
  }
  if (/[\r\n]/.test(body.key + body.secret)) throw new Stop(3, 'POST /v3/applications returned a key or secret with a line break');
  say(`  application ${body.id ?? '?'} created: claim set ${env.CLAIM_SET_NAME || 'EdFiSandbox'}, education organizations ${edOrgs.join(',')}, data store ${storeId}`);
  return { key: body.key, secret: body.secret };
}

async function main(): Promise<void> {
  for (const name of ['CMS_BASE_URL', 'CMS_ADMIN_CLIENT_ID', 'CMS_ADMIN_CLIENT_SECRET']) {
    if (!env[name]) throw new Stop(5, `${name} is not set`);
  }
  const token = await adminToken();
  const storeId = await dataStoreId(token);
  const vendorId = await vendor(token);
  const app = await application(token, vendorId, storeId);
  process.stdout.write(`${app.key}\n${app.secret}\n`);
}

try {
  await main();
} catch (error) {
  if (error instanceof Stop) {
    say(error.message);
    process.exitCode = error.code;
  } else {
    say(`client setup failed: ${(error as Error).message}`);
    process.exitCode = 3;
  }
}
