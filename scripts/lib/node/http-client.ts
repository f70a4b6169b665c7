// HTTP for the runner's Node helpers and the token broker, on node:http(s) rather than fetch. fetch (undici)
// refuses every port on the WHATWG "bad ports" list (10080, 6000, 6665-6669, ...) with "bad port", while k6
// and DMS hosts use them freely: a DMS, Configuration Service or identity provider there would look
// unreachable to the pre-flight, the client setup and the broker, though k6 could load-test it.
import http from 'node:http';
import https from 'node:https';

/** A fetch-like answer, whatever its status. */
export interface HttpAnswer {
  status: number;
  ok: boolean;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
  json(): Promise<unknown>;
}

export interface HttpRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer | URLSearchParams;
  timeoutMs?: number;
}

/** Node's network error fields, as far as networkReason reads them. */
interface NetworkErrorFields {
  code?: string;
  message?: string;
  address?: string;
  port?: number;
  hostname?: string;
  cause?: NetworkErrorFields;
}

/**
 * One request. `options`: method (default GET), headers, body (string, Buffer or URLSearchParams, sent as a
 * form when no content-type is given), timeoutMs (default 30 000: the whole answer must arrive by then).
 * Resolves to a fetch-like answer { status, ok, headers: { get(name) }, text(), json() } for any status;
 * redirects are not followed. Rejects with an Error whose `code` is Node's (ECONNREFUSED, ENOTFOUND,
 * ECONNRESET, ERR_INVALID_URL ...) or 'TIMEOUT', with `address`/`port`/`hostname` where Node gives them.
 */
export function httpRequest(url: string, options: HttpRequestOptions = {}): Promise<HttpAnswer> {
  const { method = 'GET', headers = {}, timeoutMs = 30_000 } = options;
  let body: string | Buffer | undefined = options.body instanceof URLSearchParams ? undefined : options.body;
  return new Promise((resolve, reject) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      reject(Object.assign(new Error(`not a URL: ${url}`), { code: 'ERR_INVALID_URL' }));
      return;
    }
    const sent: Record<string, string> = { ...headers };
    if (options.body instanceof URLSearchParams) {
      if (!Object.keys(sent).some((h) => h.toLowerCase() === 'content-type')) sent['content-type'] = 'application/x-www-form-urlencoded';
      body = options.body.toString();
    }
    if (body !== undefined) sent['content-length'] = String(Buffer.byteLength(body));
    const client = target.protocol === 'https:' ? https : http;
    const req = client.request(target, { method, headers: sent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const status = res.statusCode ?? 0;
        resolve({
          status,
          ok: status >= 200 && status < 300,
          headers: { get: (name: string) => headerText(res.headers[name.toLowerCase()]) },
          text: async () => text,
          json: async () => JSON.parse(text),
        });
      });
    });
    const timer = setTimeout(() => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs / 1000} s`), { code: 'TIMEOUT' })), timeoutMs);
    req.on('close', () => clearTimeout(timer));
    req.on('error', reject);
    req.end(body);
  });
}

function headerText(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : String(value);
}

/** A network failure in words a person can act on: what happened, not only Node's error code. */
export function networkReason(error: unknown): string {
  const fields = (error ?? {}) as NetworkErrorFields;
  const cause: NetworkErrorFields = fields.cause ?? fields;
  switch (cause.code) {
    case 'TIMEOUT':
      return cause.message ?? 'no answer in time';
    case 'ECONNREFUSED':
      return `connection refused: nothing listens at ${cause.address ?? ''}${cause.port ? `:${cause.port}` : ''} (ECONNREFUSED)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host ${cause.hostname ?? ''} not found (${cause.code}): check the host name`;
    case 'ECONNRESET':
      return 'the connection was closed without an answer (ECONNRESET)';
    default:
      return cause.code ? `${cause.code}${cause.message ? ` (${cause.message})` : ''}` : (cause.message ?? String(error));
  }
}
