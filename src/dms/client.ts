// The DMS HTTP client used by every scenario: URLs, the shared token, retries, tags, checks.
import http, { type RefinedResponse, type ResponseType } from 'k6/http';
import { check, sleep } from 'k6';
import { Counter } from 'k6/metrics';
import type { SharedAuthManager } from '../auth/SharedAuthManager.ts';
import { backoffMs, parseRetryAfter } from '../auth/token-timing.ts';
import { decideRetry } from './retry-policy.ts';

export const retries = new Counter('dms_retries');
export const unexpectedStatus = new Counter('dms_unexpected_status');

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
export type Response = RefinedResponse<ResponseType | undefined>;

export interface DmsCall {
  method: Method;
  /** Path below the data API, e.g. 'ed-fi/students' or 'ed-fi/students/<id>?x=1'. Absolute URLs pass through. */
  path: string;
  /** Tags: the resource (endpoint name; every descriptor type is 'descriptors') and the operation. */
  resource: string;
  op: string;
  body?: unknown;
  /** Statuses that mean success for this call (a deliberate 404 after a delete is expected, not an error). */
  expected: number[];
  headers?: Record<string, string>;
  /** Load phase: wait for prerequisites other VUs are still writing (409) and retry transient 500s. */
  loading?: boolean;
}

// One expectedStatuses object per distinct list, made once per VU rather than per request.
const callbacks = new Map<string, ReturnType<typeof http.expectedStatuses>>();
function responseCallback(expected: number[]) {
  const key = expected.join(',');
  let callback = callbacks.get(key);
  if (!callback) {
    callback = http.expectedStatuses(...expected);
    callbacks.set(key, callback);
  }
  return callback;
}

export class DmsClient {
  constructor(
    private readonly dataApiUrl: string,
    private readonly auth: SharedAuthManager,
  ) {}

  send(call: DmsCall): Response {
    const url = /^https?:/.test(call.path) ? call.path : `${this.dataApiUrl}/${call.path}`;
    const body = call.body === undefined ? null : JSON.stringify(call.body);
    const tags = { api: 'data', resource: call.resource, op: call.op, name: `${call.resource} ${call.op}` };
    // Deliberate waits for prerequisites are expected answers while loading; they are counted as retries.
    const expected = call.loading ? [...call.expected, 409] : call.expected;
    let renewedToken = false;
    for (let attempt = 1; ; attempt++) {
      const generation = this.auth.generation;
      const headers: Record<string, string> = { Authorization: this.auth.authorization(), ...call.headers };
      if (body !== null) headers['Content-Type'] = 'application/json';
      const res = http.request(call.method, url, body, { headers, tags, responseCallback: responseCallback(expected) });
      const decision = decideRetry(res.status, { attempt, renewedToken }, call.loading === true, problemType(res));
      if (decision.kind === 'done') return this.finish(call, res);
      if (decision.kind === 'renew-token') {
        retries.add(1, { reason: 'unauthorized' });
        this.auth.tokenRejected(generation);
        renewedToken = true;
        continue;
      }
      retries.add(1, { reason: decision.reason });
      const retryAfter = parseRetryAfter(headerValue(res, 'Retry-After'), Date.now());
      sleep(backoffMs(attempt, retryAfter, Math.random) / 1000);
    }
  }

  private finish(call: DmsCall, res: Response): Response {
    const ok = call.expected.includes(res.status);
    check(res, { [`${call.resource} ${call.op}: expected status`]: () => ok });
    if (!ok) unexpectedStatus.add(1, { resource: call.resource, op: call.op, status: String(res.status) });
    return res;
  }
}

export function headerValue(res: Response, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const key of Object.keys(res.headers)) {
    if (key.toLowerCase() === wanted) return res.headers[key];
  }
  return undefined;
}

/** The id at the end of a Location header: DMS answers 201/200 with no body, only Location. */
export function idFromLocation(res: Response): string | undefined {
  const location = headerValue(res, 'Location');
  return location ? location.split('/').pop() : undefined;
}

function problemType(res: Response): string {
  if (res.status < 400 || typeof res.body !== 'string' || res.body === '') return '';
  try {
    return String((JSON.parse(res.body) as { type?: unknown }).type ?? '');
  } catch {
    return '';
  }
}
