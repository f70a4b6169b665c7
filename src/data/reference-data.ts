// Finding the shared reference data (descriptors, school years) a district's DMS already has, so the load
// phase creates only what is missing and never overwrites the district's own copies.
//
// DMS compares a descriptor's identity case-insensitively (it lower-cases namespace and codeValue before
// hashing the natural key) but filters GET queries case-sensitively. A look-up by codeValue would miss a
// district's 'Ninth Grade', and the POST of our 'Ninth grade' would then update it. So descriptors are
// fetched a namespace at a time and matched here, case-insensitively, as DMS matches identities.
import { naturalKeyPaths, naturalKeyQuery, valueAt } from './keys.ts';
import type { Doc, ResourceDoc } from './profile.ts';

/** The suite's documents found (or not) by one GET collection query, paged. */
export interface ReferenceLookup {
  resource: string;
  /** Query string without paging parameters. */
  query: string;
  docs: ResourceDoc[];
}

export function isSharedReferenceData(resource: string): boolean {
  return resource === 'schoolYearTypes' || isDescriptorResource(resource);
}

function isDescriptorResource(resource: string): boolean {
  return resource.endsWith('Descriptors');
}

/** One look-up per descriptor type and namespace, one per school year; other documents are left out. */
export function referenceLookups(docs: ResourceDoc[]): ReferenceLookup[] {
  const byQuery = new Map<string, ReferenceLookup>();
  for (const doc of docs) {
    if (!isSharedReferenceData(doc.resource)) continue;
    const query = isDescriptorResource(doc.resource)
      ? `namespace=${encodeURIComponent(String(doc.body.namespace))}`
      : naturalKeyQuery(doc.resource, doc.body);
    const id = `${doc.resource}?${query}`;
    const lookup = byQuery.get(id) ?? { resource: doc.resource, query, docs: [] };
    lookup.docs.push(doc);
    byQuery.set(id, lookup);
  }
  return [...byQuery.values()];
}

/** True when `candidate` (a document the target returned) has the same natural key as ours, as DMS compares it. */
export function sameNaturalKey(resource: string, ours: Doc, candidate: unknown): boolean {
  if (candidate === null || typeof candidate !== 'object') return false;
  const caseInsensitive = isDescriptorResource(resource);
  return naturalKeyPaths(resource).every((path) => {
    const a = valueAt(ours, path);
    const b = valueAt(candidate as Doc, path);
    if (caseInsensitive && typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
    return a === b;
  });
}
