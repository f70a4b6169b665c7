// The Configuration Service calls a client setup needs, on the same port as DMS:
// /connect/token, /v3/vendors, /v3/dataStores, /v3/applications.

import type { Ctx } from './http-io.ts';
import { readBody, rootUrl, send, sendJson, sendProblem, sendTooLarge } from './http-io.ts';
import { PROBLEM_CONTENT, problems, type Problem, type ValidationErrors } from './problem.ts';
import type { SimState } from './state.ts';
import type { TokenInfo } from './tokens.ts';
import { issueTokenResponse, parseBasicAuth } from './oauth.ts';
import { sleep } from './faults.ts';

const FULL_ACCESS = 'edfi_admin_api/full_access';
const ADMIN_SCOPES = new Set([FULL_ACCESS, 'edfi_admin_api/readonly_access', 'edfi_admin_api/authMetadata_readonly_access']);

export function isCmsPath(path: string): boolean {
  const p = path.toLowerCase();
  return p === '/connect/token' || p.startsWith('/connect/token/') || p === '/v3' || p.startsWith('/v3/');
}

export async function handleCms(ctx: Ctx, state: SimState): Promise<void> {
  const segments = ctx.path.toLowerCase().split('/').filter(Boolean);
  if (segments[0] === 'connect') {
    ctx.route = '/connect/token';
    if (ctx.method !== 'POST') return sendCmsProblem(ctx, problems.routeNotFound());
    return connectToken(ctx, state);
  }
  const [, collection, id] = segments;
  const name = collection === 'datastores' ? 'dataStores' : collection ?? '';
  ctx.route = `/v3/${name}${id !== undefined ? '/{id}' : ''}`;
  const handler = collection ? COLLECTIONS[collection] : undefined;
  if (!handler || segments.length > 3) return sendCmsProblem(ctx, problems.routeNotFound());

  const token = bearerInfo(ctx, state);
  if (!token) return sendCmsProblem(ctx, { ...problems.unauthenticated('Invalid token'), headers: { 'WWW-Authenticate': 'Bearer' } });
  const writes = ctx.method !== 'GET';
  if (token.kind !== 'admin' || !ADMIN_SCOPES.has(token.scope) || (writes && token.scope !== FULL_ACCESS)) {
    return sendCmsProblem(ctx, problems.forbidden('The client is not allowed to use this endpoint (needs an admin token with scope edfi_admin_api/full_access).'));
  }
  return handler(ctx, state, id);
}

type CollectionHandler = (ctx: Ctx, state: SimState, id: string | undefined) => Promise<void>;

const COLLECTIONS: Record<string, CollectionHandler> = {
  vendors: async (ctx, state, id) => {
    if (ctx.method === 'GET') return getItems(ctx, state.clients.vendors, id);
    if (ctx.method !== 'POST' || id !== undefined) return methodNotAllowed(ctx);
    const body = await readJsonObject(ctx);
    if (!body) return;
    const errors: ValidationErrors = {};
    requireText(body, 'company', 'Company', 256, errors);
    requireText(body, 'contactName', 'ContactName', 128, errors);
    requireText(body, 'contactEmailAddress', 'ContactEmailAddress', 320, errors);
    if (typeof body.contactEmailAddress === 'string' && !/^[^@\s]+@[^@\s]+$/.test(body.contactEmailAddress)) {
      errors.ContactEmailAddress = ["'Contact Email Address' is not a valid email address."];
    }
    requireText(body, 'namespacePrefixes', 'NamespacePrefixes', 4000, errors);
    if (Object.keys(errors).length > 0) return sendCmsProblem(ctx, problems.dataValidation(errors));
    const fields = {
      company: String(body.company),
      contactName: String(body.contactName),
      contactEmailAddress: String(body.contactEmailAddress),
      namespacePrefixes: String(body.namespacePrefixes),
    };
    const existing = state.clients.vendorByCompany(fields.company);
    // 8.0: posting an existing company name updates that vendor and answers 200 (Vendors.feature 18).
    // 8.1: POST only creates; a duplicate is 400 bad-request:data (docs/changelog/8.1.0.md).
    if (existing && state.settings.dmsVersion === '8.1') {
      return sendCmsProblem(ctx, {
        status: 400,
        type: 'urn:ed-fi:api:bad-request:data',
        title: 'Bad Request',
        detail: "Data validation failed. See 'validationErrors' for details.",
        validationErrors: { Company: ['A vendor with this company name already exists.'] },
      });
    }
    const vendor = existing ? Object.assign(existing, fields) : state.clients.addVendor(fields);
    send(ctx, existing ? 200 : 201, { Location: `${rootUrl(ctx)}/v3/vendors/${vendor.id}` });
  },

  datastores: async (ctx, state, id) => {
    if (ctx.method === 'GET') return getItems(ctx, state.clients.dataStores, id);
    if (ctx.method === 'DELETE' && id !== undefined) {
      if (!state.clients.dataStores.delete(Number(id))) return sendCmsProblem(ctx, { ...problems.routeNotFound(), detail: `Not found: ${id}` });
      return send(ctx, 204, {});
    }
    if (ctx.method !== 'POST' || id !== undefined) return methodNotAllowed(ctx);
    const body = await readJsonObject(ctx);
    if (!body) return;
    const errors: ValidationErrors = {};
    requireText(body, 'dataStoreType', 'DataStoreType', 50, errors);
    requireText(body, 'name', 'Name', 256, errors);
    if (Object.keys(errors).length > 0) return sendCmsProblem(ctx, problems.dataValidation(errors));
    const connectionString = typeof body.connectionString === 'string' ? body.connectionString : '';
    const store = state.clients.addDataStore({ dataStoreType: String(body.dataStoreType), name: String(body.name), connectionString });
    sendJson(
      ctx,
      201,
      { id: store.id, status: 201, title: `New DataStore ${store.name} has been created successfully.` },
      { Location: `${rootUrl(ctx)}/v3/dataStores/${store.id}` },
    );
  },

  applications: async (ctx, state, id) => {
    if (ctx.method === 'GET') return getItems(ctx, state.clients.applications, id, ({ key: _key, secret: _secret, ...rest }) => rest);
    if (ctx.method !== 'POST' || id !== undefined) return methodNotAllowed(ctx);
    const body = await readJsonObject(ctx);
    if (!body) return;
    const errors: ValidationErrors = {};
    requireText(body, 'applicationName', 'ApplicationName', 256, errors);
    requireText(body, 'claimSetName', 'ClaimSetName', 256, errors);
    if (typeof body.claimSetName === 'string' && /\s/.test(body.claimSetName)) errors.ClaimSetName = ["'Claim Set Name' must not contain white spaces."];
    if (!Number.isInteger(body.vendorId) || (body.vendorId as number) <= 0) errors.VendorId = ["'Vendor Id' must be greater than '0'."];
    const edOrgIds = positiveIntegers(body.educationOrganizationIds, 'EducationOrganizationIds', errors);
    const dataStoreIds = positiveIntegers(body.dataStoreIds, 'DataStoreIds', errors);
    const profileIds = positiveIntegers(body.profileIds, 'ProfileIds', errors);
    if (Object.keys(errors).length > 0) return sendCmsProblem(ctx, problems.dataValidation(errors));

    const vendorId = body.vendorId as number;
    const applicationName = String(body.applicationName);
    if (!state.clients.vendors.has(vendorId)) return sendCmsProblem(ctx, unresolved("Reference 'VendorId' does not exist."));
    if (dataStoreIds.some((d) => !state.clients.dataStores.has(d))) return sendCmsProblem(ctx, unresolved('Data store does not exist.'));
    if (state.clients.applicationNameTaken(vendorId, applicationName)) {
      return sendCmsProblem(ctx, problems.dataValidation({ ApplicationName: ['Application name must be unique for the vendor.'] }));
    }
    // An application without dataStoreIds is accepted; its token then fails route resolution in DMS.
    const app = state.clients.addApplication({
      applicationName,
      vendorId,
      claimSetName: String(body.claimSetName),
      educationOrganizationIds: edOrgIds,
      dataStoreIds,
      profileIds,
    });
    sendJson(ctx, 201, { id: app.id, key: app.key, secret: app.secret }, { Location: `${rootUrl(ctx)}/v3/applications/${app.id}` });
  },
};

async function connectToken(ctx: Ctx, state: SimState): Promise<void> {
  const body = await readBody(ctx.req);
  if (!body.ok) return sendTooLarge(ctx);
  if (state.settings.tokenLatencyMs > 0) await sleep(state.settings.tokenLatencyMs);
  const form = new URLSearchParams(body.text);
  const basic = parseBasicAuth(ctx.req.headers.authorization);
  const clientId = form.get('client_id') ?? basic?.clientId ?? '';
  const secret = form.get('client_secret') ?? basic?.secret ?? '';
  const grant = form.get('grant_type') ?? '';
  const errors: ValidationErrors = {};
  if (clientId === '') errors.client_id = ["'client_id' must not be empty."];
  if (secret === '') errors.client_secret = ["'client_secret' must not be empty."];
  if (grant === '') errors.grant_type = ["'grant_type' must not be empty."];
  if (Object.keys(errors).length > 0) return sendCmsProblem(ctx, problems.dataValidation(errors));
  if (grant !== 'client_credentials') return sendCmsProblem(ctx, problems.badRequest(['The specified grant type is not supported.']));

  const auth = state.clients.authenticate(clientId, secret);
  if (!auth.ok) return sendCmsProblem(ctx, problems.badClientCredentials(auth.reason));
  const scope = form.get('scope') ?? '';
  if (auth.kind === 'admin' && scope !== '' && !ADMIN_SCOPES.has(scope)) {
    return sendCmsProblem(ctx, problems.badRequest([`invalid_scope. The scope '${scope}' is not allowed for this client.`]));
  }
  issueTokenResponse(ctx, state, auth, scope);
}

function bearerInfo(ctx: Ctx, state: SimState): TokenInfo | undefined {
  const header = ctx.req.headers.authorization;
  if (!header || !/^bearer\s+/i.test(header)) return undefined;
  return state.tokens.lookup(header.replace(/^bearer\s+/i, '').trim());
}

/**
 * A collection, or one item. As in the CMS: no default limit (all rows unless `limit` is given), `offset`,
 * and any other parameter filters on the model's field of that name (e.g. GET /v3/vendors?company=...).
 */
function getItems<T extends { id: number }>(ctx: Ctx, items: Map<number, T>, id: string | undefined, view: (item: T) => object = (item) => item): void {
  if (id === undefined) {
    const params = new URLSearchParams(ctx.query);
    const offset = Number(params.get('offset') ?? 0) || 0;
    const limit = params.has('limit') ? Number(params.get('limit')) || 0 : Infinity;
    const filters = [...params].filter(([name]) => name !== 'offset' && name !== 'limit');
    const matches = [...items.values()].filter((item) =>
      filters.every(([name, value]) => String((item as Record<string, unknown>)[name] ?? '') === value),
    );
    return sendJson(ctx, 200, matches.slice(offset, offset + limit).map(view));
  }
  const item = items.get(Number(id));
  if (!item) return sendCmsProblem(ctx, { ...problems.routeNotFound(), detail: `Not found: ${id}` });
  sendJson(ctx, 200, view(item));
}

async function readJsonObject(ctx: Ctx): Promise<Record<string, unknown> | undefined> {
  const body = await readBody(ctx.req);
  if (!body.ok) {
    sendTooLarge(ctx);
    return undefined;
  }
  try {
    const value: unknown = JSON.parse(body.text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // answered below
  }
  sendCmsProblem(ctx, problems.badRequest(['The request body is not a valid JSON object.']));
  return undefined;
}

function requireText(body: Record<string, unknown>, key: string, label: string, max: number, errors: ValidationErrors): void {
  const value = body[key];
  if (typeof value !== 'string' || value.trim() === '') errors[label] = [`'${label}' must not be empty.`];
  else if (value.length > max) errors[label] = [`The length of '${label}' must be ${max} characters or fewer.`];
}

function positiveIntegers(value: unknown, label: string, errors: ValidationErrors): number[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((v) => Number.isInteger(v) && v > 0)) {
    errors[label] = [`'${label}' must be a list of numbers greater than 0.`];
    return [];
  }
  return value as number[];
}

function unresolved(detail: string): Problem {
  return { status: 409, type: 'urn:ed-fi:api:conflict:unresolved-reference', title: 'Unresolved Reference', detail };
}

function methodNotAllowed(ctx: Ctx): void {
  sendCmsProblem(ctx, problems.methodNotAllowed('The method is not supported by this endpoint in the stand-in.', 'GET, POST'));
}

/** CMS serves its problem bodies as application/problem+json. */
function sendCmsProblem(ctx: Ctx, p: Problem): void {
  sendProblem(ctx, p, PROBLEM_CONTENT);
}
