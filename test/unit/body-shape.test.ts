// A body the suite reads must be the JSON it needs: a login page answered 200 is not data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { documentOf, isJsonContentType, readJsonArray, readJsonDocument } from '../../src/dms/body-shape.ts';

const JSON_TYPE = 'application/json; charset=utf-8';

test('JSON media types, with parameters and +json suffixes; nothing else', () => {
  for (const ok of ['application/json', JSON_TYPE, 'application/problem+json', 'Application/JSON', 'application/vnd.ed-fi+json;v=5']) {
    assert.equal(isJsonContentType(ok), true, ok);
  }
  for (const bad of [undefined, '', 'text/html; charset=utf-8', 'text/plain', 'application/jsonp', 'application/xml', 'text/json-ish']) {
    assert.equal(isJsonContentType(bad), false, String(bad));
  }
});

test('a collection answer must be a JSON array behind a JSON content type', () => {
  assert.deepEqual(readJsonArray({ status: 200, contentType: JSON_TYPE, body: '[{"id":"a"}]' }), { ok: true, value: [{ id: 'a' }] });
  assert.deepEqual(readJsonArray({ status: 200, contentType: JSON_TYPE, body: '[]' }), { ok: true, value: [] });
  const cases: Array<[string | undefined, unknown, RegExp]> = [
    ['text/html; charset=utf-8', '<!DOCTYPE html><html>', /the body is text\/html, not JSON/],
    [undefined, '[]', /of no content type, not JSON/],
    [JSON_TYPE, '', /empty/],
    [JSON_TYPE, null, /empty/],
    [JSON_TYPE, '[{"id":', /not valid JSON/],
    [JSON_TYPE, '{"items":[]}', /an object, not a JSON array/],
    [JSON_TYPE, '"text"', /a string, not a JSON array/],
    [JSON_TYPE, 'null', /null, not a JSON array/],
  ];
  for (const [contentType, body, reason] of cases) {
    const result = readJsonArray({ status: 200, contentType, body });
    assert.equal(result.ok, false, String(body));
    if (!result.ok) assert.match(result.reason, reason);
  }
});

test('a GET by id must answer a JSON object with a string id', () => {
  const ok = readJsonDocument({ status: 200, contentType: JSON_TYPE, body: '{"id":"abc","studentUniqueId":"S1"}' });
  assert.deepEqual(ok, { ok: true, value: { id: 'abc', studentUniqueId: 'S1' } });
  const cases: Array<[unknown, RegExp]> = [
    ['[{"id":"abc"}]', /an array, not a JSON object/],
    ['{"studentUniqueId":"S1"}', /no id/],
    ['{"id":""}', /no id/],
    ['{"id":7}', /no id/],
  ];
  for (const [body, reason] of cases) {
    const result = readJsonDocument({ status: 200, contentType: JSON_TYPE, body });
    assert.equal(result.ok, false, String(body));
    if (!result.ok) assert.match(result.reason, reason);
  }
  const html = readJsonDocument({ status: 200, contentType: 'text/html', body: '<html></html>' });
  assert.equal(html.ok, false);
  assert.equal(documentOf(null).ok, false);
  assert.equal(documentOf({ id: 'x' }).ok, true);
});
