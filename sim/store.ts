// In-memory documents. Each document is kept as its serialized JSON plus a small record; natural keys,
// ids and references are indexed with Maps of strings so a prod-sized data set stays well under 1 GiB.

import { randomFillSync } from 'node:crypto';
import { getValue } from './json-path.ts';
import type { QueryField, Resource } from './resource-index.ts';
import { etagHeader, etagValue } from './etag.ts';

export interface Doc {
  id: string;
  /** Insertion order; collections are returned in this order. */
  seq: number;
  table: Table;
  key: string;
  /** The stored body as JSON, without id, _etag and _lastModifiedDate. */
  body: string;
  version: number;
  modifiedSec: number;
  /** Documents (descriptors included) this one references; decides DELETE's dependent-item-exists. */
  refs: Doc[] | undefined;
  /** Resource name -> number of documents referencing this one. */
  referencedBy: Map<string, number> | undefined;
}

interface FieldIndex {
  field: QueryField;
  buckets: Map<string, Set<Doc>>;
}

export class Table {
  readonly byKey = new Map<string, Doc>();
  /** Query field indexes, built on the first query that filters on the field, then kept up to date. */
  readonly fieldIndexes = new Map<string, FieldIndex>();
  /** Top-level scalar properties seen in stored documents: valid query fields beyond the table's. */
  readonly seenFields = new Map<string, QueryField>();
  /** Documents in seq order (DMS: DocumentId order); removed ones stay until compaction. */
  order: Doc[] = [];
  removedInOrder = 0;
  constructor(readonly resource: Resource) {}
}

/** A page by position (limit/offset) or by seq range (a decoded page token; bounds inclusive). */
export type PageSelection = { offset: number; limit: number } | { minSeq: number; maxSeq: number; pageSize: number };

const isLive = (doc: Doc): boolean => doc.table.byKey.get(doc.key) === doc;

export interface Filter {
  field: QueryField;
  value: string;
}

/** Key and index value of a scalar: descriptor URIs compare case-insensitively. */
export function keyPart(value: unknown, isDescriptor: boolean): string {
  if (typeof value === 'string') return isDescriptor ? value.toLowerCase() : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? '';
}

export const KEY_SEPARATOR = '\u001f';

export class DocumentStore {
  private tables = new Map<Resource, Table>();
  private byId = new Map<string, Doc>();
  private educationOrganizations = new Map<string, Doc>();
  private nextSeq = 1;
  /** Global and never reset, so an ETag from before /_sim/reset never matches a new document. */
  private nextVersion = 1;

  constructor(private readonly clock: () => number) {}

  table(resource: Resource): Table {
    let t = this.tables.get(resource);
    if (!t) {
      t = new Table(resource);
      this.tables.set(resource, t);
    }
    return t;
  }

  findByKey(resource: Resource, key: string): Doc | undefined {
    return this.tables.get(resource)?.byKey.get(key);
  }

  findEducationOrganization(id: string): Doc | undefined {
    return this.educationOrganizations.get(id);
  }

  findById(id: string): Doc | undefined {
    return this.byId.get(id);
  }

  insert(table: Table, key: string, body: Record<string, unknown>, refs: Doc[]): Doc {
    const doc: Doc = {
      id: newDocumentId(),
      seq: this.nextSeq++,
      table,
      key,
      body: serialize(body),
      version: this.nextVersion++,
      modifiedSec: Math.floor(this.clock() / 1000),
      refs: exactCopy(refs),
      referencedBy: undefined,
    };
    this.byId.set(doc.id, doc);
    table.byKey.set(key, doc);
    table.order.push(doc);
    if (table.resource.def.isEducationOrganization) this.educationOrganizations.set(key, doc);
    addReferrers(doc);
    noteFields(table, body);
    for (const index of table.fieldIndexes.values()) addToIndex(index, doc, body);
    return doc;
  }

  /** Replaces the body (POST upsert of an existing key, or PUT), moving the key when it changed. */
  replace(doc: Doc, key: string, body: Record<string, unknown>, refs: Doc[]): void {
    const table = doc.table;
    unindex(doc);
    removeReferrers(doc);
    if (key !== doc.key) {
      table.byKey.delete(doc.key);
      table.byKey.set(key, doc);
      if (table.resource.def.isEducationOrganization) {
        this.educationOrganizations.delete(doc.key);
        this.educationOrganizations.set(key, doc);
      }
      doc.key = key;
    }
    doc.body = serialize(body);
    doc.version = this.nextVersion++;
    doc.modifiedSec = Math.floor(this.clock() / 1000);
    doc.refs = exactCopy(refs);
    addReferrers(doc);
    noteFields(table, body);
    for (const index of table.fieldIndexes.values()) addToIndex(index, doc, body);
  }

  remove(doc: Doc): void {
    const table = doc.table;
    unindex(doc);
    removeReferrers(doc);
    table.byKey.delete(doc.key);
    this.byId.delete(doc.id);
    if (table.resource.def.isEducationOrganization) this.educationOrganizations.delete(doc.key);
    // Compact once most of the order is dead, so a page walk stays proportional to live documents.
    if (++table.removedInOrder > 1024 && table.removedInOrder * 2 > table.order.length) {
      table.order = table.order.filter(isLive);
      table.removedInOrder = 0;
    }
  }

  /** Resource names of the documents that reference this one (empty when none). */
  dependents(doc: Doc): string[] {
    if (!doc.referencedBy) return [];
    return [...doc.referencedBy].filter(([, n]) => n > 0).map(([name]) => name);
  }

  /**
   * One page of a collection in seq order, and for a position page the number of matches
   * (`total`, -1 for a range page, which reports none). `keep` drops documents the caller may not read.
   */
  query(table: Table, filters: Filter[], page: PageSelection, keep?: (doc: Doc) => boolean): { docs: Doc[]; total: number } {
    // Without removed entries the order is exactly the live documents: a page is a slice.
    if (filters.length === 0 && !keep) return pageOf(table.order, page, table.removedInOrder > 0 ? isLive : undefined, table.byKey.size);
    const matches = this.matching(table, filters, keep);
    return pageOf(matches, page, undefined, matches.length);
  }

  /** Every readable document matching the filters, in seq order. */
  matching(table: Table, filters: Filter[], keep?: (doc: Doc) => boolean): Doc[] {
    let docs: Doc[];
    if (filters.length === 0) docs = table.order.filter(isLive);
    else {
      const buckets = filters.map((f) => this.index(table, f.field).buckets.get(keyPart(f.value, f.field.isDescriptor)));
      if (buckets.some((b) => b === undefined)) return [];
      const sets = (buckets as Set<Doc>[]).sort((a, b) => a.size - b.size);
      docs = [...sets[0]].filter((doc) => sets.every((s) => s.has(doc)));
      docs.sort((a, b) => a.seq - b.seq);
    }
    return keep ? docs.filter(keep) : docs;
  }

  counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const t of this.tables.values()) if (t.byKey.size > 0) out[t.resource.def.endpoint] = t.byKey.size;
    return out;
  }

  clear(): void {
    this.tables.clear();
    this.byId.clear();
    this.educationOrganizations.clear();
  }

  /** '{"id":..., <stored properties>, "_etag":..., "_lastModifiedDate":...}' without re-serializing. */
  render(doc: Doc): string {
    const inner = doc.body.length > 2 ? doc.body.slice(1, -1) + ',' : '';
    return `{"id":"${doc.id}",${inner}"_etag":"${etagValue(doc.version)}","_lastModifiedDate":"${lastModified(doc.modifiedSec)}"}`;
  }

  private index(table: Table, field: QueryField): FieldIndex {
    let index = table.fieldIndexes.get(field.name);
    if (!index) {
      index = { field, buckets: new Map() };
      const fromKey = field.identityIndex !== undefined;
      for (const doc of table.byKey.values()) addToIndex(index, doc, fromKey ? undefined : (JSON.parse(doc.body) as Record<string, unknown>));
      table.fieldIndexes.set(field.name, index);
    }
    return index;
  }
}

/** The selected page of `docs` (seq order); `live` skips dead entries, `total` the live count. */
function pageOf(docs: Doc[], page: PageSelection, live: ((doc: Doc) => boolean) | undefined, total: number): { docs: Doc[]; total: number } {
  const out: Doc[] = [];
  if ('offset' in page) {
    if (page.limit === 0 || page.offset >= total) return { docs: out, total };
    if (!live) return { docs: docs.slice(page.offset, page.offset + page.limit), total };
    let skipped = 0;
    for (const doc of docs) {
      if (live && !live(doc)) continue;
      if (skipped++ < page.offset) continue;
      out.push(doc);
      if (out.length === page.limit) break;
    }
    return { docs: out, total };
  }
  if (page.pageSize === 0) return { docs: out, total: -1 };
  // Binary search for the first seq >= minSeq; seqs only grow, so the order is sorted.
  let lo = 0;
  let hi = docs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (docs[mid].seq < page.minSeq) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < docs.length && docs[i].seq <= page.maxSeq; i++) {
    if (live && !live(docs[i])) continue;
    out.push(docs[i]);
    if (out.length === page.pageSize) break;
  }
  return { docs: out, total: -1 };
}

/** An array grown by push() keeps spare capacity; a copy is exactly as long as needed. */
function exactCopy(refs: Doc[]): Doc[] | undefined {
  return refs.length > 0 ? refs.slice() : undefined;
}

/** The document's `ETag` header (sim/etag.ts has the format). */
export const etagOf = (doc: Doc): string => etagHeader(doc.version);

function addReferrers(doc: Doc): void {
  if (!doc.refs) return;
  const name = doc.table.resource.def.resourceName;
  for (const target of doc.refs) {
    target.referencedBy ??= new Map();
    target.referencedBy.set(name, (target.referencedBy.get(name) ?? 0) + 1);
  }
}

function removeReferrers(doc: Doc): void {
  if (!doc.refs) return;
  const name = doc.table.resource.def.resourceName;
  for (const target of doc.refs) {
    const n = (target.referencedBy?.get(name) ?? 0) - 1;
    if (n > 0) target.referencedBy!.set(name, n);
    else target.referencedBy?.delete(name);
  }
}

function noteFields(table: Table, body: Record<string, unknown>): void {
  for (const name in body) {
    const lower = name.toLowerCase();
    if (table.seenFields.has(lower)) continue;
    const value = body[name];
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      table.seenFields.set(lower, { name, segs: [name], isDescriptor: name.endsWith('Descriptor') });
    }
  }
}

/** Removes the document from every field index, parsing its body only if some index needs it. */
function unindex(doc: Doc): void {
  let old: Record<string, unknown> | undefined;
  for (const index of doc.table.fieldIndexes.values()) {
    if (index.field.identityIndex === undefined) old ??= JSON.parse(doc.body) as Record<string, unknown>;
    removeFromIndex(index, doc, old);
  }
}

/** Identity fields come from the stored key (cheap); others from the parsed body. */
function indexValue(index: FieldIndex, doc: Doc, body: Record<string, unknown> | undefined): string | undefined {
  if (index.field.identityIndex !== undefined) return doc.key.split(KEY_SEPARATOR)[index.field.identityIndex];
  const value = getValue(body, index.field.segs);
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return undefined;
  return keyPart(value, index.field.isDescriptor);
}

function addToIndex(index: FieldIndex, doc: Doc, body: Record<string, unknown> | undefined): void {
  const value = indexValue(index, doc, body);
  if (value === undefined) return;
  let bucket = index.buckets.get(value);
  if (!bucket) {
    bucket = new Set();
    index.buckets.set(value, bucket);
  }
  bucket.add(doc);
}

function removeFromIndex(index: FieldIndex, doc: Doc, body: Record<string, unknown> | undefined): void {
  const value = indexValue(index, doc, body);
  if (value === undefined) return;
  const bucket = index.buckets.get(value);
  bucket?.delete(doc);
  if (bucket?.size === 0) index.buckets.delete(value);
}

/**
 * JSON.stringify builds longer results as a rope of parts; a round trip through a Buffer gives one
 * flat string, a third of the heap objects per stored document.
 */
function serialize(body: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(body), 'utf8').toString('utf8');
}

const HEX = Buffer.from('0123456789abcdef');
const random = Buffer.alloc(16);
const text = Buffer.alloc(36);

/**
 * A v4 UUID as one flat string. crypto.randomUUID() builds its result by concatenation, a rope of
 * about 15 heap objects that stays that way as a Map key: too much when 600,000 ids are kept.
 */
function newDocumentId(): string {
  randomFillSync(random);
  random[6] = (random[6] & 0x0f) | 0x40;
  random[8] = (random[8] & 0x3f) | 0x80;
  let o = 0;
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) text[o++] = 0x2d;
    text[o++] = HEX[random[i] >> 4];
    text[o++] = HEX[random[i] & 15];
  }
  return text.toString('latin1');
}

let cachedSec = -1;
let cachedText = '';
/** 'yyyy-MM-ddTHH:mm:ssZ' (LastModifiedDateFormatter); most calls hit the one-entry cache. */
function lastModified(sec: number): string {
  if (sec !== cachedSec) {
    cachedSec = sec;
    cachedText = new Date(sec * 1000).toISOString().slice(0, 19) + 'Z';
  }
  return cachedText;
}
