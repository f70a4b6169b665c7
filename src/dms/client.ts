// The DMS HTTP client used by every scenario: URLs, the shared token, retries, tags, checks.
import http, { type RefinedResponse, type ResponseType } from 'k6/http';
import { sleep } from 'k6';
import { Counter, Gauge, Rate } from 'k6/metrics';
import type { SharedAuthManager } from '../auth/SharedAuthManager.ts';
import { backoffMs, parseRetryAfter } from '../auth/token-timing.ts';
import { type AttemptState, backoffBaseMs, decideRetry, recordWait } from './retry-policy.ts';
import { DEFAULT_BACKOFF } from '../auth/token-timing.ts';
import { readJsonArray, readJsonDocument, type BodyCheck, type DocumentBody } from './body-shape.ts';
import { makeProblem, OperationFailed, type Problem, type ProblemKind } from './problems.ts';
import type { ProblemSink } from './problem-report.ts';
import { DeadTargetWatch, deadTargetMessage } from './dead-target.ts';
import { abort } from '../phase/abort.ts';

export const retries = new Counter('dms_retries');
/** Seconds VUs spent waiting out an open circuit breaker (503 with a long Retry-After), summed over VUs. */
export const breakerStall = new Counter('dms_breaker_wait_seconds');
/**
 * Breaker waits that are over. With `dms_retries{reason:breaker}` (the waits begun) the live progress tells
 * how many VUs are waiting out an open breaker right now (tools/progress).
 */
export const breakerWaitsEnded = new Counter('dms_breaker_waits_ended');
/** The Retry-After (s) of the last open breaker a VU met: the break DMS announced. */
export const breakerRetryAfter = new Gauge('dms_breaker_retry_after_seconds');
export const unexpectedStatus = new Counter('dms_unexpected_status');
/** One sample per logical request, after its retries: true when its final answer was not an expected one. */
export const requestFailed = new Rate('dms_request_failed');

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

/**
 * A call with everything derived from it computed once: k6 runs JavaScript in an interpreter, so the load
 * phase prepares one per resource at init instead of building URLs, tags and callbacks per request.
 */
export interface PreparedCall {
  call: DmsCall;
  url: string;
  tags: Record<string, string>;
  /** Statuses that end the call at once (expected ones, plus 409 while loading), as a lookup object. */
  final: Record<number, true>;
  responseCallback: ReturnType<typeof http.expectedStatuses>;
  /** The request params of the last call, reused while the headers object (the token) is the same. */
  params?: { headers: Record<string, string>; tags: Record<string, string>; responseCallback: ReturnType<typeof http.expectedStatuses> };
}

export function prepareCall(dataApiUrl: string, call: DmsCall): PreparedCall {
  // Deliberate waits for prerequisites are expected answers while loading; they are counted as retries. A
  // 409 that remains after the waits is not in http_req_failed but in entities_failed and dms_unexpected_status.
  const expected = call.loading ? [...call.expected, 409] : call.expected;
  const final: Record<number, true> = {};
  for (const status of call.expected) final[status] = true;
  return {
    call,
    url: /^https?:/.test(call.path) ? call.path : `${dataApiUrl}/${call.path}`,
    tags: { api: 'data', resource: call.resource, op: call.op, name: `${call.resource} ${call.op}` },
    final,
    responseCallback: http.expectedStatuses(...expected),
  };
}

export class DmsClient {
  /** Unexpected answers since the last takeUnexpected(): a scenario checks once per unit of work. */
  private unexpected = 0;
  /** This VU's run of connection failures: a target that stopped answering ends the phase (dead-target.ts). */
  private readonly deadTarget = new DeadTargetWatch();
  /** The problem of the last unexpected answer (the load phase names it when it stops). */
  lastProblem: Problem | undefined;

  constructor(
    private readonly dataApiUrl: string,
    private readonly auth: SharedAuthManager,
    private readonly phase: string,
    private readonly problems: ProblemSink,
  ) {}

  send(call: DmsCall): Response {
    return this.sendPrepared(prepareCall(this.dataApiUrl, call), call.body);
  }

  prepare(call: DmsCall): PreparedCall {
    return prepareCall(this.dataApiUrl, call);
  }

  sendPrepared(prepared: PreparedCall, bodyValue?: unknown): Response {
    const { call } = prepared;
    const body = bodyValue === undefined ? null : JSON.stringify(bodyValue);
    let state: AttemptState | undefined; // made on the first retry: most requests never need it
    for (;;) {
      const baseHeaders = this.auth.headers(body !== null); // may renew the token: read the generation after
      const generation = this.auth.generation;
      const headers = call.headers ? { ...baseHeaders, ...call.headers } : baseHeaders;
      if (prepared.params?.headers !== headers) prepared.params = { headers, tags: prepared.tags, responseCallback: prepared.responseCallback };
      const res = http.request(call.method, prepared.url, body, prepared.params);
      if (prepared.final[res.status]) {
        requestFailed.add(false, prepared.tags);
        if (this.deadTarget.failingSinceMs !== 0) this.deadTarget.answered();
        return res; // the common case, without further work
      }
      if (res.status !== 0) {
        this.deadTarget.answered();
      } else if (this.deadTarget.failed(Date.now())) {
        this.abortDeadTarget(res);
      }
      state ??= { renewedToken: false, waits: {} };
      const retryAfter = parseRetryAfter(headerValue(res, 'Retry-After'), Date.now());
      const decision = decideRetry(res.status, state, call.loading === true, problemType(res), retryAfter);
      if (decision.kind === 'done') {
        if (res.status === 0 && this.deadTarget.gaveUp()) this.abortDeadTarget(res);
        return this.finish(prepared, res);
      }
      if (decision.kind === 'renew-token') {
        retries.add(1, { reason: 'unauthorized' });
        this.auth.tokenRejected(generation);
        state.renewedToken = true;
        continue;
      }
      retries.add(1, { reason: decision.reason });
      recordWait(state, decision);
      const waitMs = backoffMs(decision.wait, retryAfter, Math.random, { ...DEFAULT_BACKOFF, baseMs: backoffBaseMs(decision.reason) });
      if (decision.reason === 'breaker') {
        breakerStall.add(waitMs / 1000);
        breakerRetryAfter.add(retryAfter ?? 0);
        sleep(waitMs / 1000);
        breakerWaitsEnded.add(1);
      } else {
        sleep(waitMs / 1000);
      }
    }
  }

  /** Ends the test: the target gave nothing but connection failures (dead-target.ts). */
  private abortDeadTarget(res: Response): never {
    return abort(deadTargetMessage(this.dataApiUrl, String(res.error ?? ''), this.deadTarget.failingSinceMs, this.deadTarget.count));
  }

  /**
   * How many answers were unexpected since the last call. Checks are made per unit of work (a work item, a
   * readwrite operation), not per request: a check per request cost ~10% of the load phase's throughput.
   */
  takeUnexpected(): number {
    const count = this.unexpected;
    this.unexpected = 0;
    return count;
  }

  private finish(prepared: PreparedCall, res: Response): Response {
    const { call } = prepared;
    const failed = !call.expected.includes(res.status);
    requestFailed.add(failed, prepared.tags);
    if (failed) {
      this.unexpected++;
      unexpectedStatus.add(1, { resource: call.resource, op: call.op, status: String(res.status) });
      this.report(call, res, res.status === 0 ? 'network' : 'status', res.status === 0 ? String(res.error ?? '') : '');
    }
    return res;
  }

  /** The items of a collection answer; a wrong body is reported and fails the operation (OperationFailed). */
  readArray(call: DmsCall, res: Response): unknown[] {
    return this.checked(call, res, readJsonArray(bodyView(res)));
  }

  /** The document of a GET by id; a wrong body is reported and fails the operation (OperationFailed). */
  readDocument(call: DmsCall, res: Response): DocumentBody {
    return this.checked(call, res, readJsonDocument(bodyView(res)));
  }

  /** Reports a wrong body the caller found itself (a missing Location, an item without id) and fails the operation. */
  wrongBody(call: DmsCall, res: Response, reason: string): never {
    throw new OperationFailed(this.report(call, res, 'wrong-body', reason));
  }

  /** An exception thrown inside an operation (not an OperationFailed, which was reported already). */
  reportException(resource: string, op: string, error: unknown): void {
    if (error instanceof OperationFailed) return;
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    this.lastProblem = makeProblem({ phase: this.phase, resource, op, method: '', status: 0, kind: 'exception', message, at: new Date() });
    this.problems.report(this.lastProblem);
  }

  private checked<T>(call: DmsCall, res: Response, check: BodyCheck<T>): T {
    if (check.ok) return check.value;
    return this.wrongBody(call, res, check.reason);
  }

  private report(call: DmsCall, res: Response, kind: ProblemKind, message: string): Problem {
    const problem = makeProblem({
      phase: this.phase,
      resource: call.resource,
      op: call.op,
      method: call.method,
      status: res.status,
      contentType: headerValue(res, 'Content-Type'),
      body: res.body,
      kind,
      message,
      at: new Date(),
    });
    this.lastProblem = problem;
    this.problems.report(problem);
    return problem;
  }
}

function bodyView(res: Response): { status: number; contentType: string | undefined; body: unknown } {
  return { status: res.status, contentType: headerValue(res, 'Content-Type'), body: res.body };
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
