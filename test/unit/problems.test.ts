// Problems: DMS's own words for a failed operation, masked and cut, one line per problem for the console.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bodySnippet,
  makeProblem,
  maskSecrets,
  OperationFailed,
  problemDetails,
  problemKey,
  problemLine,
  problemSentence,
  ProblemGate,
  utf8Prefix,
  type ProblemInput,
} from '../../src/dms/problems.ts';

const AT = new Date('2026-11-24T03:15:29Z');

// The identity conflict as DMS answers it (src/dms/core/EdFi.DataManagementService.Core/Response/FailureResponse.cs
// ForIdentityConflict), here as the stand-in models it.
const IDENTITY_CONFLICT = JSON.stringify({
  detail: 'The identifying value(s) of the item are the same as another item that already exists.',
  type: 'urn:ed-fi:api:identity-conflict',
  title: 'Identifying Values Are Not Unique',
  status: 409,
  correlationId: 'c-1',
  validationErrors: {},
  errors: ['A natural key conflict occurred when attempting to create a new resource School with a duplicate key. The duplicate keys and values are (schoolId = 777000002)'],
});

function input(over: Partial<ProblemInput>): ProblemInput {
  return { phase: 'load', resource: 'schools', op: 'create', method: 'POST', status: 409, contentType: 'application/problem+json', body: IDENTITY_CONFLICT, kind: 'status', at: AT, ...over };
}

test('a problem document keeps its type, title, detail, errors and validationErrors', () => {
  const p = makeProblem(input({}));
  assert.equal(p.problemType, 'urn:ed-fi:api:identity-conflict');
  assert.equal(p.title, 'Identifying Values Are Not Unique');
  assert.match(p.detail, /^The identifying value/);
  assert.equal(p.errors.length, 1);
  assert.match(p.errors[0], /schoolId = 777000002/);
  assert.deepEqual(p.validationErrors, {});
  assert.equal(p.at, '2026-11-24T03:15:29.000Z');
  assert.equal(p.bodySnippet.length <= 200, true);
  assert.equal(problemLine(p), `problem in load: schools create: 409 urn:ed-fi:api:identity-conflict: ${p.detail}: errors: ${JSON.stringify(p.errors)}`);
  assert.match(problemSentence(p), /^schools create answered 409 urn:ed-fi:api:identity-conflict: The identifying value\(s\).*; errors: \["A natural key/);
});

test('validation errors are kept per path', () => {
  const body = JSON.stringify({ type: 'urn:ed-fi:api:bad-request:data-validation-failed', title: 'Data Validation Failed', detail: 'Data validation failed. See validationErrors for details.', validationErrors: { '$.birthDate': ['birthDate is required.'] }, errors: [] });
  const p = makeProblem(input({ resource: 'students', status: 400, body }));
  assert.deepEqual(p.validationErrors, { '$.birthDate': ['birthDate is required.'] });
  assert.match(problemLine(p), /validationErrors: \{"\$\.birthDate":\["birthDate is required\."\]\}/);
});

test('a login page answered 200: content type, reason and the first bytes of the body, no problem fields', () => {
  const page = `<!DOCTYPE html><html><head><title>Sign in</title></head><body>${'x'.repeat(500)}</body></html>`;
  const p = makeProblem(input({ resource: 'students', op: 'read', method: 'GET', status: 200, contentType: 'text/html; charset=utf-8', body: page, kind: 'wrong-body', message: 'the body is text/html, not JSON' }));
  assert.equal(p.problemType, '');
  assert.equal(p.bodySnippet, page.slice(0, 200));
  assert.match(problemLine(p), /^problem in load: students read: 200 text\/html; charset=utf-8: the body is text\/html, not JSON: body: <!DOCTYPE html>/);
  assert.equal(problemKey(p), 'load students read 200 wrong-body ');
});

test('an exception and a network failure read as such', () => {
  const thrown = makeProblem(input({ status: 0, method: '', body: undefined, contentType: undefined, kind: 'exception', message: 'TypeError: x is undefined' }));
  assert.equal(problemLine(thrown), 'problem in load: schools create: exception: TypeError: x is undefined');
  assert.equal(problemSentence(thrown), 'schools create threw TypeError: x is undefined');
  const dropped = makeProblem(input({ status: 0, body: null, contentType: undefined, kind: 'network', message: 'read: connection reset by peer' }));
  assert.equal(problemLine(dropped), 'problem in load: schools create: no answer (read: connection reset by peer)');
});

test('credentials are masked in the snippet, the fields and the message, even when cut in two', () => {
  const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.abcdefghijklmnop';
  assert.equal(maskSecrets(`Authorization: Bearer ${token}`), 'Authorization: Bearer ********');
  assert.equal(maskSecrets('Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=='), 'Basic ********');
  assert.equal(maskSecrets('{"access_token":"abcdefgh1234","expires_in":1800}'), '{"access_token":"********","expires_in":1800}');
  assert.equal(maskSecrets('client_secret=s3cr3t-value&grant_type=x'), 'client_secret=********&grant_type=x');
  // the token starts at byte 190: masked before the cut, so no part of it survives
  const body = `${'a'.repeat(183)} Bearer ${token}`;
  const snippet = bodySnippet(body);
  assert.ok(!snippet.includes('eyJhbG'), snippet);
  const p = makeProblem(input({ status: 500, body: JSON.stringify({ type: 'urn:ed-fi:api:system', detail: `token Bearer ${token}` }), message: `Bearer ${token}` }));
  assert.ok(!JSON.stringify(p).includes(token));
});

test('the snippet is at most 200 bytes of UTF-8 and never splits a character', () => {
  assert.equal(utf8Prefix('abc', 2), 'ab');
  assert.equal(utf8Prefix('aé', 2), 'a'); // é is two bytes
  assert.equal(utf8Prefix('aé', 3), 'aé');
  assert.equal(utf8Prefix('a😀b', 4), 'a'); // the emoji is four bytes (a surrogate pair)
  assert.equal(utf8Prefix('a😀b', 5), 'a😀');
  const snippet = bodySnippet('é'.repeat(300));
  assert.equal(snippet.length, 100);
  assert.equal(bodySnippet(''), '');
  assert.equal(bodySnippet(null), '');
});

test('problemDetails ignores what is not a problem document', () => {
  for (const body of ['', 'not json', '[1,2]', 'null', undefined]) assert.equal(problemDetails(body).problemType, '');
});

test('the gate passes the first few occurrences of each key on, then only counts', () => {
  const gate = new ProblemGate(2, 3);
  const a = makeProblem(input({}));
  const b = makeProblem(input({ resource: 'sessions' }));
  assert.deepEqual([gate.admit(a), gate.admit(a), gate.admit(a), gate.admit(b)], [true, true, false, true]);
  // beyond maxKeys, new keys still pass once each but are not remembered
  gate.admit(makeProblem(input({ resource: 'courses' })));
  const late = makeProblem(input({ resource: 'sections' }));
  assert.deepEqual([gate.admit(late), gate.admit(late), gate.admit(late)], [true, true, true]);
});

test('OperationFailed carries its (already reported) problem and says what it is', () => {
  const p = makeProblem(input({ kind: 'wrong-body', status: 200, contentType: 'text/html', body: '<html>', message: 'the body is text/html, not JSON' }));
  const error = new OperationFailed(p);
  assert.ok(error instanceof Error);
  assert.equal(error.problem, p);
  assert.match(error.message, /schools create: 200 text\/html/);
});
