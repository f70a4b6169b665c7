// /data/ed-fi/{resource}[/{id}]: authentication, data store resolution, then the DMS handlers
// (upsert, get by id, query, update by id, delete by id).

import type { Ctx } from './http-io.ts';
import { readBody, rootUrl, send, sendJson, sendProblem, sendTooLarge } from './http-io.ts';
import { JSON_CONTENT, problems, type Problem } from './problem.ts';
import { getValue } from './json-path.ts';
import type { SimState } from './state.ts';
import type { Resource, ResourceIndex } from './resource-index.ts';
import { etagOf, type Doc } from './store.ts';
import { notModified, writePreconditionFailure } from './etag.ts';
import { validateDocument } from './validate.ts';
import { findDuplicateProperty } from './duplicates.ts';
import { INT64_MAX, MIN_PARTITION_SIZE, encodePageToken, parsePartitionQuery, parseQuery } from './query.ts';
import { RelationshipAuthorizer, actionDenied, claimsOf, grantsOf, unknownClaimSet, type Action, type ClientClaims, type Strategy } from './authorization.ts';

export interface DataTarget {
  resource: Resource | undefined;
  id: string | undefined;
  /** Too many segments, wrong project or unknown resource. */
  notFound: boolean;
  /** '/data/ed-fi/{resource}/partitions' (then `id` is undefined). */
  partitions: boolean;
  route: string;
}

/** '/data/ed-fi/students/{id}' -> resource and id; also the normalised stats route. */
export function parseDataPath(path: string, resources: ResourceIndex): DataTarget {
  const parts = path.split('/');
  const [, , project, endpoint, id] = parts;
  const resource = project?.toLowerCase() === 'ed-fi' && endpoint ? resources.get(endpoint) : undefined;
  if (!resource || parts.length > 5 || id === '') return { resource: undefined, id: undefined, notFound: true, partitions: false, route: path };
  if (id === 'partitions') return { resource, id: undefined, notFound: false, partitions: true, route: `/data/ed-fi/${resource.def.endpoint}/partitions` };
  const route = `/data/ed-fi/${resource.def.endpoint}${id !== undefined ? '/{id}' : ''}`;
  return { resource, id, notFound: false, partitions: false, route };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The caller's claim-set grants on the requested resource, when SIM_AUTHORIZATION=claim-sets. */
interface Guard {
  claims: ClientClaims;
  grants: Partial<Record<Action, Strategy>>;
  authorizer: RelationshipAuthorizer;
  resource: Resource;
}

const ACTION_OF: Record<string, Action> = { GET: 'Read', POST: 'Create', PUT: 'Update', DELETE: 'Delete' };

/** ResourceActionAuthorizationMiddleware: the claim set must exist and grant the method's action (8.1: a POST may be an Update). */
function guardOf(ctx: Ctx, state: SimState, resources: ResourceIndex, clientId: string, resource: Resource): Guard | Problem | undefined {
  if (state.settings.authorization !== 'claim-sets') return undefined;
  const app = state.clients.applicationByKey(clientId);
  if (!app) return unknownClaimSet();
  const claims = claimsOf(app, state.clients);
  const grants = grantsOf(claims.claimSet, resource.def.endpoint, state.settings.dmsVersion);
  if (!grants) return unknownClaimSet();
  const action = ACTION_OF[ctx.method];
  if (action) {
    const granted = action === 'Create' && state.settings.dmsVersion === '8.1' ? grants.Create ?? grants.Update : grants[action];
    if (!granted) return actionDenied(claims, action, resource, grants);
  }
  return { claims, grants, authorizer: new RelationshipAuthorizer(state.store, resources), resource };
}

/** The action's strategy on each given body (stored first); the first refusal, or undefined. */
function authorize(guard: Guard | undefined, action: Action, ...bodies: { body: Record<string, unknown>; stored: boolean }[]): Problem | undefined {
  if (!guard) return undefined;
  const strategy = guard.grants[action];
  if (!strategy) return actionDenied(guard.claims, action, guard.resource, guard.grants);
  for (const b of bodies) {
    const problem = guard.authorizer.check(strategy, guard.claims, guard.resource, b.body, b.stored);
    if (problem) return problem;
  }
  return undefined;
}

const storedBody = (doc: Doc): { body: Record<string, unknown>; stored: boolean } => ({ body: JSON.parse(doc.body) as Record<string, unknown>, stored: true });

export async function handleData(ctx: Ctx, state: SimState, resources: ResourceIndex, target: DataTarget): Promise<void> {
  const header = ctx.req.headers.authorization;
  if (!header) return sendProblem(ctx, problems.unauthenticated('Authorization header is missing.'));
  const token = /^bearer\s+/i.test(header) ? state.tokens.lookup(header.replace(/^bearer\s+/i, '').trim()) : undefined;
  if (!token || token.kind !== 'client') return sendProblem(ctx, problems.unauthenticated('Invalid token'));
  // DMS picks the database from the token's dataStoreIds (ResolveDataStoreMiddleware.cs): none at all is
  // 403, ids of which none is a data store it knows is 404. All data stores share this one store.
  if (token.dataStoreIds.length === 0) return sendProblem(ctx, problems.noDataStoreAuthorized());
  if (!token.dataStoreIds.some((id) => state.clients.dataStores.has(id))) return sendProblem(ctx, problems.routeResolution());
  if (target.notFound || !target.resource) return sendProblem(ctx, problems.routeNotFound());

  const { resource, id } = target;
  if (id !== undefined && !UUID.test(id)) {
    return sendProblem(ctx, problems.dataValidation({ '$.id': [`The value '${id}' is not valid.`] }));
  }
  const guard = guardOf(ctx, state, resources, token.clientId, resource);
  if (guard && 'status' in guard) return sendProblem(ctx, guard);
  // ValidateRouteSemanticsMiddleware.cs: PUT and DELETE need an id, POST must not have one;
  // MethodNotAllowedMiddleware.cs: any other method. Both answer with the route's Allow set.
  const allow = target.partitions ? 'GET' : id === undefined ? 'GET, POST' : 'GET, PUT, DELETE';
  if (target.partitions && ctx.method === 'GET') return getPartitions(ctx, state, resource, guard);
  switch (ctx.method) {
    case 'GET':
      return id === undefined ? getCollection(ctx, state, resource, guard) : getById(ctx, state, resource, id, guard);
    case 'POST':
      if (id !== undefined || target.partitions) return sendProblem(ctx, problems.methodNotAllowed(POST_WITH_ID, allow));
      return upsert(ctx, state, resources, resource, guard);
    case 'PUT':
      if (id === undefined || target.partitions) return sendProblem(ctx, problems.methodNotAllowed(PUT_WITHOUT_ID, allow));
      return updateById(ctx, state, resources, resource, id, guard);
    case 'DELETE':
      if (id === undefined || target.partitions) return sendProblem(ctx, problems.methodNotAllowed(DELETE_WITHOUT_ID, allow));
      return deleteById(ctx, state, resource, id, guard);
    default:
      return sendProblem(ctx, problems.methodNotAllowed(`The endpoint of the request does not support the '${ctx.method}' method.`, allow));
  }
}

const POST_WITH_ID = "Resource items can only be updated using PUT. To 'upsert' an item in the resource collection using POST, remove the 'id' from the route.";
const PUT_WITHOUT_ID =
  "Resource collections cannot be replaced. To 'upsert' an item in the collection, use POST. To update a specific item, use PUT and include the 'id' in the route.";
const DELETE_WITHOUT_ID = "Resource collections cannot be deleted. To delete a specific item, use DELETE and include the 'id' in the route.";

function getCollection(ctx: Ctx, state: SimState, resource: Resource, guard: Guard | undefined): void {
  const table = state.store.table(resource);
  const q = parseQuery(ctx.query, table, state.settings.dmsVersion);
  // From query validation on, every answer names what 8.1 ignored (ADR DMS-1589).
  const warning: Record<string, string> = q.warning ? { 'X-EdFi-Warning': q.warning } : {};
  if (!q.ok) return sendProblem(ctx, { ...q.problem, headers: { ...q.problem.headers, ...warning } });
  const headers: Record<string, string> = { 'Content-Type': JSON_CONTENT, ...warning };
  const { paging } = q;
  const page =
    paging.kind === 'cursor'
      ? { minSeq: toSeq(paging.range.min), maxSeq: toSeq(paging.range.max), pageSize: paging.pageSize }
      : { offset: paging.offset, limit: paging.limit };
  const { docs, total } = state.store.query(table, q.filters, page, readableFilter(guard, resource));
  let body = '[';
  for (let i = 0; i < docs.length; i++) body += (i > 0 ? ',' : '') + state.store.render(docs[i]);
  if (paging.kind === 'traditional' && paging.totalCount) headers['Total-Count'] = String(total);
  // QueryRequestHandler.cs: a page that selected documents names the range after its last one; a cursor
  // page keeps its token's upper bound (a partition walk stays inside its partition).
  if (docs.length > 0) {
    const last = BigInt(docs[docs.length - 1].seq);
    const max = paging.kind === 'cursor' ? paging.range.max : INT64_MAX;
    if (last < max) headers['Next-Page-Token'] = encodePageToken(last + 1n, max);
  }
  send(ctx, 200, headers, body + ']');
}

/** DMS filters a query by the Read strategy instead of refusing it. */
function readableFilter(guard: Guard | undefined, resource: Resource): ((doc: Doc) => boolean) | undefined {
  return guard && guard.grants.Read ? guard.authorizer.readable(guard.grants.Read, guard.claims, resource) : undefined;
}

/** A token bound as a seq; seqs are small, so anything beyond the safe range is "past every document". */
const toSeq = (bound: bigint): number => (bound > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : bound < 0n ? -1 : Number(bound));

/**
 * GET .../partitions (PartitionRequestHandler.cs): `{"pageTokens": [...]}`, one token per partition of
 * the readable, filtered documents. A partition holds ceil(n / number) documents but at least
 * MIN_PARTITION_SIZE (PartitionWindowSqlCompiler.cs); each range ends just before the next one starts
 * and the last is open above.
 */
function getPartitions(ctx: Ctx, state: SimState, resource: Resource, guard: Guard | undefined): void {
  const table = state.store.table(resource);
  const q = parsePartitionQuery(ctx.query, table, state.settings.dmsVersion);
  const headers: Record<string, string> = q.warning ? { 'X-EdFi-Warning': q.warning } : {};
  if (!q.ok) return sendProblem(ctx, { ...q.problem, headers: { ...q.problem.headers, ...headers } });
  const docs = state.store.matching(table, q.filters, readableFilter(guard, resource));
  const size = Math.max(Math.ceil(docs.length / q.count), MIN_PARTITION_SIZE);
  const starts: bigint[] = [];
  for (let row = 0; row < docs.length; row += size) starts.push(BigInt(docs[row].seq));
  const pageTokens = starts.map((start, i) => encodePageToken(start, i + 1 < starts.length ? starts[i + 1] - 1n : INT64_MAX));
  sendJson(ctx, 200, { pageTokens }, headers);
}

function getById(ctx: Ctx, state: SimState, resource: Resource, id: string, guard: Guard | undefined): void {
  const doc = findDoc(state, resource, id);
  if (!doc) return send(ctx, 404, {});
  const denied = guard && authorize(guard, 'Read', storedBody(doc));
  if (denied) return sendProblem(ctx, denied);
  const etag = etagOf(doc);
  if (notModified(ctx.req.headers['if-none-match'], doc.version)) return send(ctx, 304, { ETag: etag });
  send(ctx, 200, { 'Content-Type': JSON_CONTENT, ETag: etag }, state.store.render(doc));
}

async function upsert(ctx: Ctx, state: SimState, resources: ResourceIndex, resource: Resource, guard: Guard | undefined): Promise<void> {
  const body = await readDocument(ctx);
  if (!body) return;
  if ('id' in body) {
    return sendProblem(
      ctx,
      problems.dataValidation({}, ["Resource identifiers cannot be assigned by the client. The 'id' property should not be included in the request body."]),
    );
  }
  const v = validateDocument(resource, body, state.store, resources, state.settings.dmsVersion);
  if (!v.ok) return sendProblem(ctx, v.problem);

  const table = state.store.table(resource);
  const existing = table.byKey.get(v.key);
  if (guard) {
    // 8.1 authorizes a POST that finds a document as an Update of it (changelog 8.1.0); 8.0 as a Create.
    const asUpdate = existing !== undefined && state.settings.dmsVersion === '8.1';
    const denied = asUpdate ? authorize(guard, 'Update', storedBody(existing), { body, stored: false }) : authorize(guard, 'Create', { body, stored: false });
    if (denied) return sendProblem(ctx, denied);
  }
  // An upsert that finds no document is an insert: If-Match fails, If-None-Match passes.
  const failed = preconditionProblem(ctx, state, existing);
  if (failed) return sendProblem(ctx, failed);
  if (existing) {
    state.store.replace(existing, v.key, body, v.refs);
    return sendWritten(ctx, 200, existing);
  }
  if (resource.def.isEducationOrganization && state.store.findEducationOrganization(v.key)) {
    return sendProblem(ctx, identityConflict(resource, body));
  }
  sendWritten(ctx, 201, state.store.insert(table, v.key, body, v.refs));
}

async function updateById(ctx: Ctx, state: SimState, resources: ResourceIndex, resource: Resource, id: string, guard: Guard | undefined): Promise<void> {
  const doc = findDoc(state, resource, id);
  if (!doc) {
    if (ctx.req.headers['if-match'] !== undefined) return sendProblem(ctx, problems.preconditionMissingResource());
    return sendProblem(ctx, problems.updateTargetNotFound());
  }
  const body = await readDocument(ctx);
  if (!body) return;
  if (body.id === undefined || body.id === null) return sendProblem(ctx, problems.dataValidation({ '$.id': ['id is required.'] }));
  if (typeof body.id !== 'string' || body.id.toLowerCase() !== id.toLowerCase()) {
    return sendProblem(ctx, problems.badRequest(['Request body id must match the id in the url.']));
  }
  delete body.id;
  const v = validateDocument(resource, body, state.store, resources, state.settings.dmsVersion);
  if (!v.ok) return sendProblem(ctx, v.problem);
  const denied = guard && authorize(guard, 'Update', storedBody(doc), { body, stored: false });
  if (denied) return sendProblem(ctx, denied);
  if (v.key !== doc.key) {
    if (!resource.def.allowIdentityUpdates) return sendProblem(ctx, problems.keyChangeNotSupported(resource.def.resourceName));
    const clash = state.store.findByKey(resource, v.key) ?? (resource.def.isEducationOrganization ? state.store.findEducationOrganization(v.key) : undefined);
    if (clash) return sendProblem(ctx, identityConflict(resource, body));
  }
  // Checked last so a stale If-Match on an otherwise invalid body still reports the body's problem.
  const failed = preconditionProblem(ctx, state, doc);
  if (failed) return sendProblem(ctx, failed);
  state.store.replace(doc, v.key, body, v.refs);
  sendWritten(ctx, 204, doc);
}

function deleteById(ctx: Ctx, state: SimState, resource: Resource, id: string, guard: Guard | undefined): void {
  const doc = findDoc(state, resource, id);
  if (!doc) {
    if (ctx.req.headers['if-match'] !== undefined) return sendProblem(ctx, problems.preconditionMissingResource());
    return send(ctx, 404, {});
  }
  const denied = guard && authorize(guard, 'Delete', storedBody(doc));
  if (denied) return sendProblem(ctx, denied);
  // DELETE evaluates If-Match only (RelationalDeleteCommandPhase.cs).
  const failed = preconditionProblem(ctx, state, doc, false);
  if (failed) return sendProblem(ctx, failed);
  const dependents = state.store.dependents(doc);
  if (dependents.length > 0) return sendProblem(ctx, problems.dependentItemExists(dependents));
  state.store.remove(doc);
  send(ctx, 204, {});
}

function findDoc(state: SimState, resource: Resource, id: string): Doc | undefined {
  const doc = state.store.findById(id.toLowerCase());
  return doc && doc.table.resource === resource ? doc : undefined;
}

function sendWritten(ctx: Ctx, status: number, doc: Doc): void {
  const location = `${rootUrl(ctx)}/data/ed-fi/${doc.table.resource.def.endpoint}/${doc.id}`;
  send(ctx, status, { Location: location, ETag: etagOf(doc) });
}

/** The 412 for a failed If-Match / If-None-Match on a write to `doc` (undefined: none), see sim/etag.ts. */
function preconditionProblem(ctx: Ctx, state: SimState, doc: Doc | undefined, evaluatesIfNoneMatch = true): Problem | undefined {
  const failure = writePreconditionFailure(ctx.req.headers, doc?.version, evaluatesIfNoneMatch && state.settings.dmsVersion === '8.0');
  if (failure === 'does-not-exist') return problems.preconditionMissingResource();
  if (failure === 'modified') return problems.optimisticLockFailed();
  if (failure === 'if-none-match') return problems.ifNoneMatchFailed();
  return undefined;
}

const ACCEPTED_CONTENT = /^(application\/json|text\/json|application\/vnd\.ed-fi\.[^;]*)\s*(;|$)/i;

/** Content type, size and JSON checks; answers the request and returns undefined on failure. */
async function readDocument(ctx: Ctx): Promise<Record<string, unknown> | undefined> {
  const type = ctx.req.headers['content-type'];
  // Only a missing Content-Type is exempt (ValidateContentTypeMiddleware).
  if (type !== undefined && !ACCEPTED_CONTENT.test(type.trim())) {
    sendProblem(ctx, problems.unsupportedMediaType());
    return undefined;
  }
  const result = await readBody(ctx.req);
  if (!result.ok) {
    sendTooLarge(ctx);
    return undefined;
  }
  if (result.text.trim() === '') {
    sendProblem(ctx, problems.badRequest(['A non-empty request body is required.']));
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(result.text);
  } catch (err) {
    sendProblem(ctx, problems.dataValidation({ '$.': [(err as Error).message] }));
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    sendProblem(ctx, problems.dataValidation({ '$.': ['The request body must be a JSON object.'] }));
    return undefined;
  }
  const duplicate = findDuplicateProperty(result.text, value);
  if (duplicate) {
    sendProblem(ctx, problems.dataValidation({ [duplicate]: ['An item with the same key has already been added.'] }));
    return undefined;
  }
  const body = value as Record<string, unknown>;
  // DMS ignores _etag and _lastModifiedDate in a body and drops null properties.
  delete body._etag;
  delete body._lastModifiedDate;
  for (const key in body) if (body[key] === null) delete body[key];
  return body;
}

function identityConflict(resource: Resource, body: Record<string, unknown>): Problem {
  const keys = resource.identity.map((p) => `${p.name} = ${String(getValue(body, p.segs))}`).join(', ');
  return problems.identityConflict(resource.def.resourceName, keys);
}
