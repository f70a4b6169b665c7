// DMS's ETags and the conditional headers that compare them.
//
// Served tag (Core/Utilities/EtagValue.cs, Backend/Etag/VariantKey.cs of the DMS source):
//   "{ContentVersion}-{schemaEpoch}.{format}.{profileCode}.{linkFlag}.{contentCoding}"
// The stand-in serves JSON (j), no profile (_), no links (n), identity coding (i); its schema epoch is
// the first 8 hex digits of a hash of its data model name, as DMS takes them from its EffectiveSchemaHash.
// Writes (If-Match, and If-None-Match in 8.0) compare only "{ContentVersion}-{schemaEpoch}"
// (Backend/Etag/EtagMatchProjection.cs); a conditional GET compares the whole served tag
// (Core/Handler/GetByIdHandler.cs).

import { createHash } from 'node:crypto';

export const SCHEMA_EPOCH = createHash('sha256').update('Ed-Fi 5.2.0 dms-sim').digest('hex').slice(0, 8);
const VARIANT_TAIL = `-${SCHEMA_EPOCH}.j._.n.i`;

/** The unquoted `_etag` value of a document at `version` (its ContentVersion). */
export const etagValue = (version: number): string => `${version}${VARIANT_TAIL}`;

/** The `ETag` header: the `_etag` value as a quoted strong validator. */
export const etagHeader = (version: number): string => `"${version}${VARIANT_TAIL}"`;

/** '{ContentVersion}-{schemaEpoch}' of a tag, or undefined when it is not DMS-shaped (never matches). */
function projection(tag: string): string | undefined {
  const dash = tag.lastIndexOf('-');
  if (dash <= 0 || dash === tag.length - 1) return undefined;
  const parts = tag.slice(dash + 1).split('.');
  return parts.length === 5 ? `${tag.slice(0, dash)}-${parts[0]}` : undefined;
}

/** A quoted tag's content; a bare value is taken as is (EtagValue.TryParseHeaderValue tolerates it). */
const unquote = (tag: string): string => (tag.length >= 2 && tag.startsWith('"') && tag.endsWith('"') ? tag.slice(1, -1) : tag);

/** If-None-Match list elements: W/ and quotes stripped, commas inside quotes kept (EtagValue.ParseConditionalTagList). */
function tagList(header: string): string[] {
  const out: string[] = [];
  let start = 0;
  let quoted = false;
  const add = (part: string): void => {
    const t = part.trim();
    if (t !== '') out.push(unquote(t.startsWith('W/') ? t.slice(2) : t));
  };
  for (let i = 0; i < header.length; i++) {
    if (header[i] === '"') quoted = !quoted;
    else if (header[i] === ',' && !quoted) {
      add(header.slice(start, i));
      start = i + 1;
    }
  }
  add(header.slice(start));
  return out;
}

/** Conditional GET: true (answer 304) when If-None-Match is a bare `*` or lists the whole served tag. */
export function notModified(ifNoneMatch: string | undefined, version: number): boolean {
  if (ifNoneMatch === undefined) return false;
  if (ifNoneMatch === '*') return true;
  const served = etagValue(version);
  return tagList(ifNoneMatch).includes(served);
}

/**
 * Why a write precondition failed, or undefined when the write may proceed
 * (WritePreconditionFactory.cs + EtagPreconditionEvaluator.cs). If-Match wins when both headers are sent.
 * `current` is the stored document's version, undefined when the write targets no document.
 * `honourIfNoneMatch`: DMS 8.0 evaluates If-None-Match on POST and PUT; 8.1 ignores it on writes
 * (docs/changelog/8.1.0.md), and DELETE never evaluates it.
 */
export function writePreconditionFailure(
  headers: { 'if-match'?: string; 'if-none-match'?: string },
  current: number | undefined,
  honourIfNoneMatch: boolean,
): 'does-not-exist' | 'modified' | 'if-none-match' | undefined {
  const ifMatch = headers['if-match'];
  if (ifMatch !== undefined) {
    if (current === undefined) return 'does-not-exist';
    if (ifMatch === '*') return undefined;
    // Strong comparison: a weak tag is kept verbatim and so never matches.
    const client = ifMatch.startsWith('W/') ? undefined : projection(unquote(ifMatch));
    return client !== undefined && client === projection(etagValue(current)) ? undefined : 'modified';
  }
  const ifNoneMatch = headers['if-none-match'];
  if (ifNoneMatch === undefined || !honourIfNoneMatch || current === undefined) return undefined;
  if (ifNoneMatch === '*') return 'if-none-match';
  const now = projection(etagValue(current));
  return tagList(ifNoneMatch).some((tag) => projection(tag) === now) ? 'if-none-match' : undefined;
}
