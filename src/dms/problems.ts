// Problems: what went wrong with an operation, in the words DMS used. Pure (no k6): unit-tested under Node.
//
// DMS answers errors with an RFC 9457 problem document: `type` (e.g. urn:ed-fi:api:identity-conflict),
// `title`, `detail`, and `errors` (strings) or `validationErrors` (JSON path -> messages). The source:
// Ed-Fi-Alliance-OSS/Data-Management-Service, src/dms/core/EdFi.DataManagementService.Core/Response/
// FailureResponse.cs. A problem keeps those fields and the first bytes of whatever else came back, with
// anything that looks like a credential masked, so it can be printed, sent to the token broker and saved.

/** 'abort': the reason the scenario stopped the test (k6 exit 108), so the record can name it. */
export type ProblemKind = 'status' | 'exception' | 'wrong-body' | 'network' | 'abort';

/** One failed operation, as printed, sent to the broker (POST /problems) and saved in summary.json. */
export interface Problem {
  phase: string;
  resource: string;
  op: string;
  /** HTTP method of the request that failed ('' for an exception outside a request). */
  method: string;
  /** Final HTTP status; 0 when there was no answer (network) or no request (exception). */
  status: number;
  contentType: string;
  problemType: string;
  title: string;
  detail: string;
  errors: string[];
  validationErrors: Record<string, string[]>;
  /** The first 200 bytes (UTF-8) of the body, credentials masked. */
  bodySnippet: string;
  kind: ProblemKind;
  /** What the suite made of it: the wrong-body reason, the exception's message, the network error. */
  message: string;
  /** ISO 8601 time of the occurrence. */
  at: string;
}

export interface ProblemInput {
  phase: string;
  resource: string;
  op: string;
  method: string;
  status: number;
  contentType?: string;
  body?: unknown;
  kind: ProblemKind;
  message?: string;
  at: Date;
}

export const SNIPPET_BYTES = 200;
const MASK = '********';

/**
 * Masks what looks like a credential: `Bearer <token>`, `Basic <base64>`, and token, secret or password
 * fields in JSON, form or query text. Conservative on purpose: a problem is read by people, not parsed.
 */
export function maskSecrets(text: string): string {
  return text
    .replace(/\b(bearer\s+)[A-Za-z0-9._~+/-]{8,}=*/gi, `$1${MASK}`)
    .replace(/\b(basic\s+)[A-Za-z0-9+/]{8,}={0,2}/gi, `$1${MASK}`)
    .replace(
      /(["']?\b(?:access_token|refresh_token|id_token|client_secret|password|secret|key)["']?\s*[:=]\s*["']?)[^"'&\s,}]{4,}/gi,
      `$1${MASK}`,
    );
}

/** The longest prefix of `text` whose UTF-8 encoding fits in `maxBytes` (never splits a character). */
export function utf8Prefix(text: string, maxBytes: number): string {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    let size = code < 0x80 ? 1 : code < 0x800 ? 2 : 3;
    const pair = code >= 0xd800 && code <= 0xdbff && i + 1 < text.length;
    if (pair) size = 4;
    if (bytes + size > maxBytes) return text.slice(0, i);
    bytes += size;
    if (pair) i++;
  }
  return text;
}

/** The first `maxBytes` bytes of a body, masked before it is cut so that a token cut in two still is masked. */
export function bodySnippet(body: unknown, maxBytes = SNIPPET_BYTES): string {
  if (typeof body !== 'string' || body === '') return '';
  return utf8Prefix(maskSecrets(body.slice(0, maxBytes * 4)), maxBytes);
}

export interface ProblemDetails {
  problemType: string;
  title: string;
  detail: string;
  errors: string[];
  validationErrors: Record<string, string[]>;
}

const NO_DETAILS: ProblemDetails = { problemType: '', title: '', detail: '', errors: [], validationErrors: {} };

/** The problem document's fields when `body` is one (any JSON object); empty fields otherwise. */
export function problemDetails(body: unknown): ProblemDetails {
  if (typeof body !== 'string' || body === '' || body.length > 1_000_000) return NO_DETAILS;
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return NO_DETAILS;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return NO_DETAILS;
  const doc = json as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' ? maskSecrets(value) : '');
  const validationErrors: Record<string, string[]> = {};
  if (typeof doc.validationErrors === 'object' && doc.validationErrors !== null && !Array.isArray(doc.validationErrors)) {
    for (const [path, messages] of Object.entries(doc.validationErrors as Record<string, unknown>)) {
      validationErrors[path] = Array.isArray(messages) ? messages.map((m) => maskSecrets(String(m))) : [maskSecrets(String(messages))];
    }
  }
  return {
    problemType: text(doc.type),
    title: text(doc.title),
    detail: text(doc.detail),
    errors: Array.isArray(doc.errors) ? doc.errors.map((e) => maskSecrets(String(e))) : [],
    validationErrors,
  };
}

/** A problem from what the suite saw; the body is kept only as its masked first bytes. */
export function makeProblem(input: ProblemInput): Problem {
  const details = input.kind === 'status' || input.kind === 'network' ? problemDetails(input.body) : NO_DETAILS;
  return {
    phase: input.phase,
    resource: input.resource,
    op: input.op,
    method: input.method,
    status: input.status,
    contentType: input.contentType ?? '',
    ...details,
    bodySnippet: bodySnippet(input.body),
    kind: input.kind,
    message: maskSecrets(input.message ?? ''),
    at: input.at.toISOString(),
  };
}

/** The reason the scenario stopped the test, as a problem (resource '(test)', op 'abort'), secrets masked. */
export function abortProblem(phase: string, message: string, at = new Date()): Problem {
  return makeProblem({ phase, resource: '(test)', op: 'abort', method: '', status: 0, kind: 'abort', message, at });
}

/** Problems with the same key are the same failure: one line per key is enough to act on. */
export function problemKey(p: Pick<Problem, 'phase' | 'resource' | 'op' | 'status' | 'kind' | 'problemType'>): string {
  return `${p.phase} ${p.resource} ${p.op} ${p.status} ${p.kind} ${p.problemType}`;
}

const LINE_LIMIT = 1000;

/**
 * One line a person can act on, e.g.
 * `problem in load: schools create: 409 urn:ed-fi:api:identity-conflict: The identifying value(s)...; errors: [...]`
 * or `problem in readwrite: students read: 200 text/html; charset=utf-8: the body is text/html, not JSON; body: <!DOCTYPE html>...`.
 */
export function problemLine(p: Problem): string {
  const parts: string[] = [];
  if (p.kind === 'exception') parts.push(`exception: ${p.message}`);
  else if (p.kind === 'network') parts.push(`no answer (${p.message || 'connection failed'})`);
  else parts.push(`${p.status} ${p.problemType || p.contentType || '(no body)'}`);
  if (p.kind === 'wrong-body') parts.push(p.message);
  if (p.detail) parts.push(p.detail);
  if (p.errors.length > 0) parts.push(`errors: ${JSON.stringify(p.errors)}`);
  if (Object.keys(p.validationErrors).length > 0) parts.push(`validationErrors: ${JSON.stringify(p.validationErrors)}`);
  if (!p.problemType && p.bodySnippet) parts.push(`body: ${p.bodySnippet.replace(/\s+/g, ' ')}`);
  const line = `problem in ${p.phase}: ${p.resource} ${p.op}: ${parts.join(': ')}`;
  return line.length > LINE_LIMIT ? `${line.slice(0, LINE_LIMIT)}...` : line;
}

/**
 * The problem as part of a sentence, e.g. `schools create answered 409 urn:ed-fi:api:identity-conflict: The
 * identifying value(s)...; errors: [...]`, for a message that stops the test.
 */
export function problemSentence(p: Problem): string {
  const what =
    p.kind === 'exception'
      ? `threw ${p.message}`
      : p.kind === 'network'
        ? `got no answer (${p.message || 'connection failed'})`
        : `answered ${p.status} ${p.problemType || p.contentType || '(no body)'}`;
  const details = [p.kind === 'wrong-body' ? p.message : '', p.detail];
  if (p.errors.length > 0) details.push(`errors: ${JSON.stringify(p.errors)}`);
  if (Object.keys(p.validationErrors).length > 0) details.push(`validationErrors: ${JSON.stringify(p.validationErrors)}`);
  const text = details.filter((d) => d !== '').join('; ');
  return `${p.resource} ${p.op} ${what}${text ? `: ${text}` : ''}`;
}

/**
 * Which occurrences of a problem this VU passes on: the first `perKey` of each key. Bounded memory: at most
 * `maxKeys` keys are tracked, later new keys are passed on once each and not remembered.
 */
export class ProblemGate {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly perKey = 3,
    private readonly maxKeys = 200,
  ) {}

  /** Counts the occurrence; true while it is among the first `perKey` of its key. */
  admit(p: Problem): boolean {
    const key = problemKey(p);
    const count = (this.seen.get(key) ?? 0) + 1;
    if (this.seen.size < this.maxKeys || this.seen.has(key)) this.seen.set(key, count);
    return count <= this.perKey;
  }
}

/**
 * Thrown by a body check that failed: the operation has failed, and its problem has already been reported,
 * so the per-operation catch counts it without reporting it a second time.
 */
export class OperationFailed extends Error {
  constructor(readonly problem: Problem) {
    super(problemLine(problem));
    this.name = 'OperationFailed';
  }
}
