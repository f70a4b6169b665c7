// Is a response body the JSON the next step needs? Pure (no k6): unit-tested under Node.
//
// A 200 is not data by itself: a gateway in front of DMS answers its login page with 200 text/html, and
// a proxy may cut a body short. Every body the suite reads goes through one of these checks, and a body
// that fails one is a failed operation, never a successful read.

/** What the checks need of a response: its status, its Content-Type header (if any) and its body text. */
export interface BodyView {
  status: number;
  contentType: string | undefined;
  body: unknown;
}

export type BodyCheck<T> = { ok: true; value: T } | { ok: false; reason: string };

/** A document as DMS returns it from a GET by id: a JSON object with a string `id`. */
export type DocumentBody = Record<string, unknown> & { id: string };

/** application/json, application/problem+json and any other `+json` media type, with or without parameters. */
export function isJsonContentType(contentType: string | undefined): boolean {
  return contentType !== undefined && /^\s*application\/([\w.-]+\+)?json\s*(;|$)/i.test(contentType);
}

function parsed(view: BodyView): BodyCheck<unknown> {
  if (!isJsonContentType(view.contentType)) {
    return { ok: false, reason: `the body is ${view.contentType ? view.contentType.split(';')[0].trim() : 'of no content type'}, not JSON` };
  }
  if (typeof view.body !== 'string' || view.body === '') return { ok: false, reason: 'the body is empty' };
  try {
    return { ok: true, value: JSON.parse(view.body) as unknown };
  } catch {
    return { ok: false, reason: 'the body is not valid JSON (cut short?)' };
  }
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** The items of a collection answer (GET of a resource with a query): a JSON array. */
export function readJsonArray(view: BodyView): BodyCheck<unknown[]> {
  const json = parsed(view);
  if (!json.ok) return json;
  if (!Array.isArray(json.value)) return { ok: false, reason: `the body is ${kindOf(json.value)}, not a JSON array` };
  return { ok: true, value: json.value };
}

/** One document (GET by id, or an item of a collection the next step uses): a JSON object with an id. */
export function readJsonDocument(view: BodyView): BodyCheck<DocumentBody> {
  const json = parsed(view);
  if (!json.ok) return json;
  return documentOf(json.value);
}

/** An item of a collection answer as a document: a JSON object with a non-empty string id. */
export function documentOf(value: unknown): BodyCheck<DocumentBody> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: `the body is ${kindOf(value)}, not a JSON object` };
  }
  const id = (value as { id?: unknown }).id;
  if (typeof id !== 'string' || id === '') return { ok: false, reason: 'the document has no id' };
  return { ok: true, value: value as DocumentBody };
}
