// Finding the shared reference data (descriptors, school years) a district's DMS already has, so the load
// phase creates only what is missing and never overwrites the district's own copies.
//
// DMS compares a descriptor's identity case-insensitively (it lower-cases namespace and codeValue before
// hashing the natural key) but filters GET queries exactly (SQL '='). A look-up by namespace or codeValue
// would miss a district's 'Ninth Grade', and the POST of our 'Ninth grade' would then update it. So each
// descriptor type is read whole, page by page, and matched here as DMS matches identities.
import { naturalKeyPaths, naturalKeyQuery, valueAt } from './keys.ts';
import type { Doc, ResourceDoc } from './profile.ts';

/** The suite's documents found (or not) by one GET collection query, paged. */
export interface ReferenceLookup {
  resource: string;
  /** Query string without paging parameters ('' for a whole descriptor type). */
  query: string;
  docs: ResourceDoc[];
}

/** Small pages: a server configured with a MaximumPageSize below DMS's 500 still answers them. */
export const LOOKUP_PAGE_SIZE = 100;
/** A descriptor type with more than 5,000 codes is not one a district keeps: stop rather than page forever. */
export const MAX_LOOKUP_PAGES = 50;

function isSharedReferenceData(resource: string): boolean {
  return resource === 'schoolYearTypes' || isDescriptorResource(resource);
}

function isDescriptorResource(resource: string): boolean {
  return resource.endsWith('Descriptors');
}

/** One look-up per descriptor type, one per school year; other documents are left out. */
export function referenceLookups(docs: ResourceDoc[]): ReferenceLookup[] {
  const byQuery = new Map<string, ReferenceLookup>();
  for (const doc of docs) {
    if (!isSharedReferenceData(doc.resource)) continue;
    const query = isDescriptorResource(doc.resource) ? '' : naturalKeyQuery(doc.resource, doc.body);
    const id = `${doc.resource}?${query}`;
    const lookup = byQuery.get(id) ?? { resource: doc.resource, query, docs: [] };
    lookup.docs.push(doc);
    byQuery.set(id, lookup);
  }
  return [...byQuery.values()];
}

export function lookupPath(lookup: ReferenceLookup, page: number): string {
  const paging = `offset=${page * LOOKUP_PAGE_SIZE}&limit=${LOOKUP_PAGE_SIZE}`;
  return `ed-fi/${lookup.resource}?${lookup.query === '' ? paging : `${lookup.query}&${paging}`}`;
}

export type LookupResult = { ok: true; found: unknown[] } | { ok: false; problem: string };

/**
 * One page as the caller read it: its status and its items, or why its body is not a JSON array (the
 * caller checks content type and shape, src/dms/body-shape.ts readJsonArray).
 */
export interface PageAnswer {
  status: number;
  items: { ok: true; value: unknown[] } | { ok: false; reason: string };
}

/**
 * Every document the look-up's query returns, read page by page with `get`. A page that fails is a
 * problem, never "nothing found": that would make the suite POST over the district's own copies. So is a
 * 200 whose body is not a JSON array (a gateway's login page).
 */
export function readAllPages(lookup: ReferenceLookup, get: (path: string) => PageAnswer): LookupResult {
  const found: unknown[] = [];
  for (let page = 0; page < MAX_LOOKUP_PAGES; page++) {
    const path = lookupPath(lookup, page);
    const res = get(path);
    if (res.status !== 200) return { ok: false, problem: `GET ${path} answered HTTP ${res.status}` };
    const items = res.items;
    if (!items.ok) return { ok: false, problem: `GET ${path} did not answer a JSON array: ${items.reason}` };
    found.push(...items.value);
    if (items.value.length < LOOKUP_PAGE_SIZE) return { ok: true, found };
  }
  return { ok: false, problem: `${lookup.resource} has more than ${MAX_LOOKUP_PAGES * LOOKUP_PAGE_SIZE} documents` };
}

/**
 * True when `candidate` (a document the target returned) has the same natural key as ours, as DMS compares
 * it: a descriptor's strings ignore case; other values compare as text ("2026" is the school year 2026).
 */
export function sameNaturalKey(resource: string, ours: Doc, candidate: unknown): boolean {
  if (candidate === null || typeof candidate !== 'object') return false;
  const caseInsensitive = isDescriptorResource(resource);
  return naturalKeyPaths(resource).every((path) => {
    const a = valueAt(ours, path);
    const b = valueAt(candidate as Doc, path);
    if (a === undefined || b === undefined || (typeof b === 'object' && b !== null)) return false;
    return caseInsensitive ? String(a).toLowerCase() === String(b).toLowerCase() : String(a) === String(b);
  });
}
