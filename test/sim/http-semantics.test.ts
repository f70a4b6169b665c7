// HTTP semantics per DMS version: ETag format, conditional GET, If-Match / If-None-Match on writes, 405.
// DMS source (Ed-Fi-Alliance-OSS/Data-Management-Service), 8.0 line at 4ee01b0:
//   ETag format      src/dms/core/EdFi.DataManagementService.Core/Utilities/EtagValue.cs,
//                    src/dms/backend/EdFi.DataManagementService.Backend/Etag/VariantKey.cs,
//                    reference/adr-etag-from-content-version.md ("5-a1b2c3d4.j._.l.i")
//   conditional GET  src/dms/core/EdFi.DataManagementService.Core/Handler/GetByIdHandler.cs (TryCreateNotModified)
//   write headers    src/dms/core/EdFi.DataManagementService.Core/Backend/WritePreconditionFactory.cs,
//                    src/dms/backend/EdFi.DataManagementService.Backend/Etag/EtagPreconditionEvaluator.cs,
//                    src/dms/core/EdFi.DataManagementService.Core/Response/FailureResponse.cs (ForETagMisMatch)
//   8.1 change       docs/changelog/8.1.0.md "DMS now ignores If-None-Match on POST, PUT, and DELETE"
//   405              src/dms/core/EdFi.DataManagementService.Core/Middleware/ValidateRouteSemanticsMiddleware.cs,
//                    src/dms/core/EdFi.DataManagementService.Core/Middleware/MethodNotAllowedMiddleware.cs
import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningSim } from '../../sim/server.ts';
import { Api, assertProblem, dataApi, send, start, student } from './helpers.ts';

const STUDENTS = '/data/ed-fi/students';
const MISSING_ID = '8d3f3bb4-6d6f-4a36-9a3c-5f6c2f0a1b2c';
/** '"{ContentVersion}-{schemaEpoch}.{format}.{profileCode}.{linkFlag}.{contentCoding}"' */
const DMS_ETAG = /^"(\d+)-([0-9a-f]{8})\.j\._\.n\.i"$/;

for (const dmsVersion of ['8.0', '8.1'] as const) {
  describe(`HTTP semantics, DMS ${dmsVersion}`, () => {
    let sim: RunningSim;
    let api: Api;
    before(async () => {
      sim = await start({ dmsVersion });
    });
    after(() => sim.close());
    beforeEach(async () => {
      sim.reset();
      api = await dataApi(sim);
    });

    const create = async (id = 'S1'): Promise<{ path: string; etag: string }> => {
      const r = await api.post(STUDENTS, student(id));
      assert.equal(r.status, 201, r.text);
      return { path: new URL(String(r.headers.location)).pathname, etag: String(r.headers.etag) };
    };

    it('ETag is "{ContentVersion}-{variantKey}", the same in the header and (unquoted) in _etag', async () => {
      const { path, etag } = await create();
      assert.match(etag, DMS_ETAG);
      const got = await api.get(path);
      assert.equal(got.headers.etag, etag);
      assert.equal(`"${got.json()._etag}"`, etag);
      const all = await api.get(STUDENTS);
      assert.equal(`"${all.json()[0]._etag}"`, etag);
      const put = await api.put(path, { ...student('S1'), id: path.split('/').pop(), firstName: 'B' });
      assert.match(String(put.headers.etag), DMS_ETAG);
      assert.notEqual(put.headers.etag, etag);
    });

    describe('conditional GET (If-None-Match)', () => {
      it('304 with the ETag and no body for the current tag: quoted, unquoted, weak, in a list, or *', async () => {
        const { path, etag } = await create();
        const bare = etag.slice(1, -1);
        for (const value of [etag, bare, `W/${etag}`, `"other", ${etag}`, '*']) {
          const r = await api.get(path, { 'If-None-Match': value });
          assert.equal(r.status, 304, `If-None-Match: ${value}`);
          assert.equal(r.headers.etag, etag);
          assert.equal(r.text, '');
        }
      });

      it('200 for another tag (full-tag comparison) and 404 for a missing document even with *', async () => {
        const { path, etag } = await create();
        const otherVariant = etag.replace('.n.i"', '.l.i"');
        for (const value of ['"1-00000000.j._.n.i"', otherVariant, '"*"']) {
          assert.equal((await api.get(path, { 'If-None-Match': value })).status, 200, `If-None-Match: ${value}`);
        }
        assert.equal((await api.get(`${STUDENTS}/${MISSING_ID}`, { 'If-None-Match': '*' })).status, 404);
      });
    });

    describe('If-Match on writes (both versions)', () => {
      it('a stale tag is 412 optimistic-lock-failed; the current one, quoted or bare, or *, succeeds', async () => {
        const { path, etag } = await create();
        const id = path.split('/').pop();
        assert.equal((await api.put(path, { ...student('S1'), id, firstName: 'B' }, { 'If-Match': etag })).status, 204);
        const stale = await api.put(path, { ...student('S1'), id }, { 'If-Match': etag });
        const body = assertProblem(stale, 412, 'urn:ed-fi:api:optimistic-lock-failed');
        assert.equal(body.detail, 'The item has been modified by another user.');
        const current = String((await api.get(path)).headers.etag);
        assert.equal((await api.put(path, { ...student('S1'), id, firstName: 'C' }, { 'If-Match': current.slice(1, -1) })).status, 204);
        assert.equal((await api.put(path, { ...student('S1'), id, firstName: 'D' }, { 'If-Match': '*' })).status, 204);
      });

      it('a weak tag never matches (strong comparison): 412', async () => {
        const { path, etag } = await create();
        const id = path.split('/').pop();
        assertProblem(await api.put(path, { ...student('S1'), id }, { 'If-Match': `W/${etag}` }), 412, 'urn:ed-fi:api:optimistic-lock-failed');
      });

      it('only the state part is compared: a tag differing in the link flag still matches', async () => {
        const { path, etag } = await create();
        const id = path.split('/').pop();
        const otherVariant = etag.replace('.n.i"', '.l.g"');
        assert.equal((await api.put(path, { ...student('S1'), id, firstName: 'B' }, { 'If-Match': otherVariant })).status, 204);
      });

      it('If-Match on a document that does not exist is 412 with the does-not-exist wording (PUT, DELETE, POST insert)', async () => {
        for (const r of [
          await api.put(`${STUDENTS}/${MISSING_ID}`, { ...student('S9'), id: MISSING_ID }, { 'If-Match': '*' }),
          await api.delete(`${STUDENTS}/${MISSING_ID}`, { 'If-Match': '*' }),
          await api.post(STUDENTS, student('S9'), { 'If-Match': '*' }),
          await api.post(STUDENTS, student('S9'), { 'If-Match': '"1-00000000.j._.n.i"' }),
        ]) {
          const body = assertProblem(r, 412, 'urn:ed-fi:api:optimistic-lock-failed');
          assert.equal(body.detail, 'The If-Match precondition failed because the resource does not exist.');
          assert.equal(body.errors.length, 1);
        }
        assert.equal((await api.get(`${STUDENTS}?studentUniqueId=S9`)).json().length, 0, 'nothing was created');
      });

      it('POST of an existing natural key compares If-Match like PUT', async () => {
        const { etag } = await create();
        assert.equal((await api.post(STUDENTS, { ...student('S1'), firstName: 'B' }, { 'If-Match': etag })).status, 200);
        assertProblem(await api.post(STUDENTS, student('S1'), { 'If-Match': etag }), 412, 'urn:ed-fi:api:optimistic-lock-failed');
      });
    });

    describe('If-None-Match on writes', () => {
      if (dmsVersion === '8.0') {
        it('8.0: * or a matching tag on POST/PUT of an existing document is 412 precondition-failed:if-none-match', async () => {
          const { path, etag } = await create();
          const id = path.split('/').pop();
          for (const [what, r] of [
            ['POST *', await api.post(STUDENTS, student('S1'), { 'If-None-Match': '*' })],
            ['POST tag', await api.post(STUDENTS, student('S1'), { 'If-None-Match': `"x", W/${etag}` })],
            ['PUT *', await api.put(path, { ...student('S1'), id }, { 'If-None-Match': '*' })],
            ['PUT tag', await api.put(path, { ...student('S1'), id }, { 'If-None-Match': etag })],
          ] as const) {
            const body = assertProblem(r, 412, 'urn:ed-fi:api:precondition-failed:if-none-match');
            assert.equal(body.title, 'If-None-Match Precondition Failed', what);
          }
          assert.equal(String((await api.get(path)).headers.etag), etag, 'the document is unchanged');
        });

        it('8.0: a POST insert with * proceeds (create-only guard); a non-matching tag proceeds on update', async () => {
          assert.equal((await api.post(STUDENTS, student('S2'), { 'If-None-Match': '*' })).status, 201);
          assert.equal((await api.post(STUDENTS, student('S2'), { 'If-None-Match': '"1-00000000.j._.n.i"' })).status, 200);
        });
      } else {
        it('8.1: If-None-Match is ignored on POST, PUT and DELETE', async () => {
          const { path, etag } = await create();
          const id = path.split('/').pop();
          assert.equal((await api.post(STUDENTS, { ...student('S1'), firstName: 'B' }, { 'If-None-Match': '*' })).status, 200);
          assert.equal((await api.put(path, { ...student('S1'), id }, { 'If-None-Match': '*' })).status, 204);
          assert.notEqual(String((await api.get(path)).headers.etag), etag);
          assert.equal((await api.delete(path, { 'If-None-Match': '*' })).status, 204);
        });
      }

      it('DELETE ignores If-None-Match (both versions: only If-Match is evaluated)', async () => {
        const { path, etag } = await create();
        assert.equal((await api.delete(path, { 'If-None-Match': etag })).status, 204);
      });

      it('If-Match wins over If-None-Match when both are sent', async () => {
        const { path, etag } = await create();
        const id = path.split('/').pop();
        assert.equal((await api.put(path, { ...student('S1'), id }, { 'If-Match': etag, 'If-None-Match': '*' })).status, 204);
      });
    });

    describe('405 method-not-allowed', () => {
      const check = (r: Awaited<ReturnType<Api['get']>>, allow: string, error: string): void => {
        const body = assertProblem(r, 405, 'urn:ed-fi:api:method-not-allowed');
        assert.equal(body.detail, 'The request construction was invalid.');
        assert.equal(body.title, 'Method Not Allowed');
        assert.deepEqual(body.errors, [error]);
        assert.equal(r.headers.allow, allow);
      };

      it('PUT and DELETE without an id, POST with an id: DMS wording and Allow', async () => {
        check(
          await api.put(STUDENTS, student('S1')),
          'GET, POST',
          "Resource collections cannot be replaced. To 'upsert' an item in the collection, use POST. To update a specific item, use PUT and include the 'id' in the route.",
        );
        check(await api.delete(STUDENTS), 'GET, POST', "Resource collections cannot be deleted. To delete a specific item, use DELETE and include the 'id' in the route.");
        check(
          await api.post(`${STUDENTS}/${MISSING_ID}`, student('S1')),
          'GET, PUT, DELETE',
          "Resource items can only be updated using PUT. To 'upsert' an item in the resource collection using POST, remove the 'id' from the route.",
        );
      });

      it('an unsupported method on a collection or an item', async () => {
        const auth = { Authorization: `Bearer ${api.token}` };
        check(await send(sim.url, 'PATCH', STUDENTS, { headers: auth }), 'GET, POST', "The endpoint of the request does not support the 'PATCH' method.");
        check(await send(sim.url, 'PATCH', `${STUDENTS}/${MISSING_ID}`, { headers: auth }), 'GET, PUT, DELETE', "The endpoint of the request does not support the 'PATCH' method.");
      });
    });
  });
}
