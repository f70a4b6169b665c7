// GET-many and /partitions query parameters, as DMS validates them (paths under src/dms/core/ of the DMS
// source): traditional paging limit (0..500, default 500), offset, totalCount
// (Middleware/ValidateQueryMiddleware.cs); cursor paging pageToken + pageSize (Paging/CursorRequestValidator.cs,
// Paging/PageTokenCodec.cs); the partition count `number` (Paging/PartitionRequestValidator.cs); and
// equality filters on query fields, names case-insensitive. An unknown name is 400 in 8.0 and ignored,
// then named in X-EdFi-Warning, in 8.1 (reference/adr-unknown-query-parameters-DMS-1589.md).

import { problems, type Problem } from './problem.ts';
import type { Filter, Table } from './store.ts';
import type { DmsVersion } from './options.ts';

export const MAX_PAGE_SIZE = 500;
/** AppSettings:DefaultPartitionCount. */
export const DEFAULT_PARTITION_COUNT = 10;
/** A partition is at least 5 maximum pages (Paging/CursorPagingLimits.cs). */
export const MIN_PARTITION_SIZE = MAX_PAGE_SIZE * 5;
/** long.MaxValue: the upper bound of a range that is open above. */
export const INT64_MAX = 9223372036854775807n;

/** Inclusive bounds of a cursor range in document sequence numbers (DMS: DocumentId). */
export interface CursorRange {
  min: bigint;
  max: bigint;
}

export type Paging = { kind: 'traditional'; offset: number; limit: number; totalCount: boolean } | { kind: 'cursor'; range: CursorRange; pageSize: number };

interface Parsed {
  /** The X-EdFi-Warning value, when 8.1 ignored some names. */
  warning: string | undefined;
}

export type QueryParams = (Parsed & { ok: true; paging: Paging; filters: Filter[] }) | (Parsed & { ok: false; problem: Problem });
export type PartitionParams = (Parsed & { ok: true; count: number; filters: Filter[] }) | (Parsed & { ok: false; problem: Problem });

const WHOLE_NUMBER = /^\d+$/;
/** int.TryParse with NumberStyles.Integer: optional sign and surrounding white space. */
const DOTNET_INT = /^\s*[+-]?\d+\s*$/;
const DOTNET_BOOL = /^\s*(true|false)\s*$/i;

/** Query names, merged case-insensitively: position of the first, spelling and value of the last (ASP.NET Core). */
function readParams(raw: string): Map<string, { name: string; value: string }> {
  const params = new Map<string, { name: string; value: string }>();
  for (const [name, value] of new URLSearchParams(raw)) {
    const lower = name.toLowerCase();
    const known = params.get(lower);
    if (known) {
      known.name = name;
      known.value = value;
    } else params.set(lower, { name, value });
  }
  return params;
}

/** Filters for the names not consumed otherwise; an unknown name is a 400 (8.0) or ignored (8.1). */
function readFilters(
  params: Map<string, { name: string; value: string }>,
  owned: Set<string>,
  table: Table,
  dmsVersion: DmsVersion,
): { filters: Filter[]; ignored: string[]; problem?: Problem } {
  const filters: Filter[] = [];
  const ignored: string[] = [];
  for (const [lower, { name, value }] of params) {
    if (owned.has(lower)) continue;
    const field = table.resource.queryFields.get(lower) ?? table.seenFields.get(lower);
    if (field) filters.push({ field, value });
    else if (dmsVersion === '8.0') return { filters, ignored, problem: problems.badRequest([`The query field '${name}' is not valid for this resource.`]) };
    else ignored.push(name);
  }
  return { filters, ignored };
}

const TRADITIONAL = new Set(['offset', 'limit', 'totalcount']);
const CURSOR = new Set(['pagetoken', 'pagesize']);
const GET_MANY_OWNED = new Set([...TRADITIONAL, ...CURSOR]);

/** Paging and filters of a GET-many request. */
export function parseQuery(raw: string, table: Table, dmsVersion: DmsVersion): QueryParams {
  const params = readParams(raw);
  const { filters, ignored, problem } = readFilters(params, GET_MANY_OWNED, table, dmsVersion);
  const warning = warningHeader(ignored);
  if (problem) return { ok: false, problem, warning };
  const paging = params.has('pagetoken') || params.has('pagesize') ? cursorPaging(params) : traditionalPaging(params);
  if ('status' in paging) return { ok: false, problem: paging, warning };
  return { ok: true, paging, filters, warning };
}

function traditionalPaging(params: Map<string, { name: string; value: string }>): Paging | Problem {
  let offset = 0;
  let limit = MAX_PAGE_SIZE;
  let totalCount = false;
  const errors: string[] = [];
  const offsetValue = params.get('offset')?.value;
  if (offsetValue !== undefined) {
    if (WHOLE_NUMBER.test(offsetValue)) offset = Number(offsetValue);
    else errors.push('Offset must be a numeric value greater than or equal to 0.');
  }
  const limitValue = params.get('limit')?.value;
  if (limitValue !== undefined) {
    if (WHOLE_NUMBER.test(limitValue) && Number(limitValue) <= MAX_PAGE_SIZE) limit = Number(limitValue);
    else errors.push(`Limit must be omitted or set to a numeric value between 0 and ${MAX_PAGE_SIZE}.`);
  }
  const totalValue = params.get('totalcount')?.value;
  if (totalValue !== undefined) {
    if (DOTNET_BOOL.test(totalValue)) totalCount = totalValue.trim().toLowerCase() === 'true';
    else errors.push('TotalCount must be a boolean value.');
  }
  if (errors.length > 0) return problems.parameterValidation(errors);
  return { kind: 'traditional', offset, limit, totalCount };
}

/** CursorRequestValidator.cs: its four phases, exactly one error. */
function cursorPaging(params: Map<string, { name: string; value: string }>): Paging | Problem {
  const fail = (message: string): Problem => problems.parameterValidation([message]);
  const token = params.get('pagetoken')?.value;
  const pageSizeValue = params.get('pagesize')?.value;
  const totalValue = params.get('totalcount')?.value;
  if (token === undefined) {
    return fail(params.has('offset') && !params.has('limit') ? 'Use limit instead of pageSize when using limit/offset paging.' : 'PageToken is required when pageSize is specified.');
  }
  const range = decodePageToken(token);
  if (!range) return fail('The page token provided was invalid.');
  if (params.has('offset')) {
    return fail('Both offset and pageToken parameters were provided, but they support alternative paging approaches and cannot be used together.');
  }
  if (params.has('limit')) return fail('Use pageSize instead of limit when using cursor paging with pageToken.');
  if (totalValue !== undefined && DOTNET_BOOL.test(totalValue) && totalValue.trim().toLowerCase() === 'true') {
    return fail('The totalCount parameter cannot be set to true when using cursor paging with pageToken.');
  }
  let pageSize = MAX_PAGE_SIZE;
  if (pageSizeValue !== undefined) {
    pageSize = DOTNET_INT.test(pageSizeValue) ? Number(pageSizeValue) : -1;
    if (pageSize < 0 || pageSize > MAX_PAGE_SIZE) return fail(`PageSize must be a value between 0 and ${MAX_PAGE_SIZE}.`);
  }
  if (totalValue !== undefined && !DOTNET_BOOL.test(totalValue)) return fail('TotalCount must be a boolean value.');
  return { kind: 'cursor', range, pageSize };
}

const PARTITION_RESERVED = ['pageToken', 'pageSize', 'limit', 'offset', 'totalCount'];
const PARTITION_OWNED = new Set([...PARTITION_RESERVED.map((p) => p.toLowerCase()), 'number']);

/** ValidatePartitionQueryMiddleware.cs: filters first, then the count, then the reserved paging names. */
export function parsePartitionQuery(raw: string, table: Table, dmsVersion: DmsVersion): PartitionParams {
  const params = readParams(raw);
  const { filters, ignored, problem } = readFilters(params, PARTITION_OWNED, table, dmsVersion);
  const warning = warningHeader(ignored);
  if (problem) return { ok: false, problem, warning };
  let count = DEFAULT_PARTITION_COUNT;
  const number = params.get('number')?.value;
  if (number !== undefined) {
    count = DOTNET_INT.test(number) ? Number(number) : 0;
    if (count < 1 || count > 200) return { ok: false, problem: problems.parameterValidation(['Number of partitions must be between 1 and 200.']), warning };
  }
  const reserved = PARTITION_RESERVED.filter((p) => params.has(p.toLowerCase())).map((p) => `The '${p}' parameter is not supported by the partitions endpoint.`);
  if (reserved.length > 0) return { ok: false, problem: problems.parameterValidation(reserved), warning };
  return { ok: true, count, filters, warning };
}

/** PageTokenCodec.Encode: "min,max" in unpadded base64url. */
export function encodePageToken(min: bigint, max: bigint): string {
  return Buffer.from(`${min},${max}`, 'utf8').toString('base64url');
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const BOUND = /^-?\d+$/;
const INT64_MIN = -9223372036854775808n;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** PageTokenCodec.TryDecode: strict base64url (padding optional but exact), "min,max", an empty max is open. */
export function decodePageToken(token: string): CursorRange | undefined {
  const unpadded = token.replace(/=+$/, '');
  const padding = token.length - unpadded.length;
  if (unpadded === '' || !BASE64URL.test(unpadded) || unpadded.length % 4 === 1) return undefined;
  if (padding !== 0 && padding !== (4 - (unpadded.length % 4)) % 4) return undefined;
  let payload: string;
  try {
    payload = strictUtf8.decode(Buffer.from(unpadded, 'base64url'));
  } catch {
    return undefined;
  }
  const fields = payload.split(',');
  if (fields.length !== 2) return undefined;
  const min = bound(fields[0]);
  const max = fields[1] === '' ? INT64_MAX : bound(fields[1]);
  return min === undefined || max === undefined ? undefined : { min, max };
}

function bound(text: string): bigint | undefined {
  if (!BOUND.test(text)) return undefined;
  const value = BigInt(text);
  return value < INT64_MIN || value > INT64_MAX ? undefined : value;
}

const MAX_LISTED = 10;
const MAX_NAME_CHARS = 64;
const UNRESERVED = /[A-Za-z0-9\-._~]/;

/** X-EdFi-Warning (ADR DMS-1589): each name once, cleaned, percent-encoded, cut at 64; at most 10. */
export function warningHeader(ignored: string[]): string | undefined {
  if (ignored.length === 0) return undefined;
  const listed = ignored.slice(0, MAX_LISTED).map(renderName);
  const more = ignored.length > MAX_LISTED ? `, (and ${ignored.length - MAX_LISTED} more)` : '';
  return `Ignored query parameters: ${listed.join(', ')}${more}`;
}

function renderName(name: string): string {
  // Control (Cc), format (Cf) characters, line/paragraph separators and lone surrogates are dropped.
  const clean = [...name].filter((ch) => !/[\p{Cc}\p{Cf}\u2028\u2029]/u.test(ch) && !/[\uD800-\uDFFF]/.test(ch)).join('');
  if (clean === '') return '(empty)';
  let out = '';
  for (const ch of clean) {
    const encoded = UNRESERVED.test(ch) ? ch : [...Buffer.from(ch, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
    // Whole characters only, so a %XX triplet is never split.
    for (const piece of UNRESERVED.test(ch) ? [encoded] : encoded.match(/%[0-9A-F]{2}/g)!) {
      if (out.length + piece.length > MAX_NAME_CHARS) return `${out}(truncated)`;
      out += piece;
    }
  }
  return out;
}
