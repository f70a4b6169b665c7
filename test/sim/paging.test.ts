// Cursor paging, /partitions and unknown query parameters, per DMS version.
// DMS source (Ed-Fi-Alliance-OSS/Data-Management-Service), 8.0 line at 4ee01b0:
//   src/dms/core/EdFi.DataManagementService.Core/Paging/CursorRequestValidator.cs (messages, precedence)
//   src/dms/core/EdFi.DataManagementService.Core/Paging/PageTokenCodec.cs (token: base64url "min,max")
//   src/dms/core/EdFi.DataManagementService.Core/Handler/QueryRequestHandler.cs (Next-Page-Token)
//   src/dms/core/EdFi.DataManagementService.Core/Paging/PartitionRequestValidator.cs,
//   src/dms/core/EdFi.DataManagementService.Core/Middleware/ValidatePartitionQueryMiddleware.cs,
//   src/dms/core/EdFi.DataManagementService.Core/Handler/PartitionRequestHandler.cs,
//   src/dms/backend/EdFi.DataManagementService.Backend.Plans/PartitionWindowSqlCompiler.cs (sizes),
//   docs/CURSOR-PAGING.md
//   unknown parameters: Middleware/ValidateQueryMiddleware.cs (8.0: 400);
//   docs/changelog/8.1.0.md and reference/adr-unknown-query-parameters-DMS-1589.md (8.1: X-EdFi-Warning)
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningSim } from '../../sim/server.ts';
import { Api, assertProblem, dataApi, send, start, student } from './helpers.ts';

const STUDENTS = '/data/ed-fi/students';
const PARTITIONS = `${STUDENTS}/partitions`;
const INT64_MAX = '9223372036854775807';
const token = (min: number | string, max: number | string = INT64_MAX): string => Buffer.from(`${min},${max}`).toString('base64url');
const decode = (t: string): string => Buffer.from(t, 'base64url').toString('utf8');

/** Posts n students S000..; returns their ids in insertion order. */
async function seedStudents(api: Api, n: number, surname = 'Walk'): Promise<void> {
  for (let i = 0; i < n; i++) {
    const r = await api.post(STUDENTS, { ...student(`S${String(i).padStart(4, '0')}`), lastSurname: i % 2 === 0 ? surname : 'Other' });
    assert.equal(r.status, 201, r.text);
  }
}

/** Follows Next-Page-Token from `first` until a response has none; returns every studentUniqueId and the request count. */
async function walk(api: Api, first: string, query = ''): Promise<{ ids: string[]; requests: number }> {
  const ids: string[] = [];
  let requests = 0;
  let url: string | undefined = first;
  while (url) {
    const r = await api.get(url);
    requests++;
    assert.equal(r.status, 200, r.text);
    ids.push(...r.json().map((d: { studentUniqueId: string }) => d.studentUniqueId));
    const next = r.headers['next-page-token'];
    url = next ? `${STUDENTS}?pageToken=${encodeURIComponent(String(next))}&pageSize=3${query}` : undefined;
  }
  return { ids, requests };
}

for (const dmsVersion of ['8.0', '8.1'] as const) {
  describe(`paging and queries, DMS ${dmsVersion}`, () => {
    let sim: RunningSim;
    let api: Api;
    before(async () => {
      sim = await start({ dmsVersion });
      api = await dataApi(sim);
      await seedStudents(api, 10);
    });
    after(() => sim.close());

    describe('cursor paging', () => {
      it('a traditional page carries Next-Page-Token; following it walks the whole collection once', async () => {
        const first = await api.get(`${STUDENTS}?limit=3`);
        const next = String(first.headers['next-page-token']);
        assert.match(next, /^[A-Za-z0-9_-]+$/, 'unpadded base64url');
        assert.match(decode(next), new RegExp(`^\\d+,${INT64_MAX}$`));
        const { ids, requests } = await walk(api, `${STUDENTS}?limit=3`);
        assert.deepEqual(ids, Array.from({ length: 10 }, (_, i) => `S${String(i).padStart(4, '0')}`));
        assert.equal(requests, 5, '4 pages with items, then one empty page without the header');
      });

      it('filters are applied on every page of a walk', async () => {
        const { ids } = await walk(api, `${STUDENTS}?limit=2&lastSurname=Walk`, '&lastSurname=Walk');
        assert.deepEqual(ids, ['S0000', 'S0002', 'S0004', 'S0006', 'S0008']);
      });

      it('an empty page has no Next-Page-Token; pageSize=0 selects nothing and has none', async () => {
        const end = await api.get(`${STUDENTS}?pageToken=${token(1_000_000)}`);
        assert.deepEqual(end.json(), []);
        assert.equal(end.headers['next-page-token'], undefined);
        const zero = await api.get(`${STUDENTS}?pageToken=${token(0)}&pageSize=0`);
        assert.deepEqual(zero.json(), []);
        assert.equal(zero.headers['next-page-token'], undefined);
        assert.equal((await api.get(`${STUDENTS}?limit=0`)).headers['next-page-token'], undefined);
      });

      it('pageSize defaults to the maximum page size (500) and is bounded by it', async () => {
        const all = await api.get(`${STUDENTS}?pageToken=${token(0)}`);
        assert.equal(all.json().length, 10);
      });

      it('rejects bad cursor requests with DMS parameter-validation messages, one at a time', async () => {
        const t = token(0);
        for (const [query, message] of [
          ['pageSize=5', 'PageToken is required when pageSize is specified.'],
          ['pageSize=5&offset=1', 'Use limit instead of pageSize when using limit/offset paging.'],
          ['pageToken=not+a+token', 'The page token provided was invalid.'],
          ['pageToken=', 'The page token provided was invalid.'],
          [`pageToken=${Buffer.from('1,2,3').toString('base64url')}`, 'The page token provided was invalid.'],
          [`pageToken=${Buffer.from('a,2').toString('base64url')}`, 'The page token provided was invalid.'],
          [`pageToken=${t}&offset=1`, 'Both offset and pageToken parameters were provided, but they support alternative paging approaches and cannot be used together.'],
          [`pageToken=${t}&limit=5`, 'Use pageSize instead of limit when using cursor paging with pageToken.'],
          [`pageToken=${t}&totalCount=true`, 'The totalCount parameter cannot be set to true when using cursor paging with pageToken.'],
          [`pageToken=${t}&pageSize=501`, 'PageSize must be a value between 0 and 500.'],
          [`pageToken=${t}&pageSize=x`, 'PageSize must be a value between 0 and 500.'],
          [`pageToken=${t}&totalCount=maybe`, 'TotalCount must be a boolean value.'],
        ]) {
          const r = await api.get(`${STUDENTS}?${query}`);
          const body = assertProblem(r, 400, 'urn:ed-fi:api:bad-request:parameter-validation-failed');
          assert.deepEqual(body.errors, [message], query);
        }
      });

      it('accepts a padded token and an empty maximum (unbounded above); totalCount=false is allowed', async () => {
        const padded = Buffer.from('0,').toString('base64');
        const r = await api.get(`${STUDENTS}?pageToken=${encodeURIComponent(padded)}&pageSize=2&totalCount=false`);
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json().length, 2);
        assert.match(decode(String(r.headers['next-page-token'])), new RegExp(`,${INT64_MAX}$`));
      });

      it('a bounded token stays inside its range and keeps the bound in the next token', async () => {
        const first = await api.get(`${STUDENTS}?limit=1`);
        const start = Number(decode(String(first.headers['next-page-token'])).split(',')[0]) - 1;
        const r = await api.get(`${STUDENTS}?pageToken=${token(start, start + 2)}&pageSize=2`);
        assert.deepEqual(
          r.json().map((d: { studentUniqueId: string }) => d.studentUniqueId),
          ['S0000', 'S0001'],
        );
        assert.equal(decode(String(r.headers['next-page-token'])), `${start + 2},${start + 2}`);
      });
    });

    describe('/partitions', () => {
      it('a small collection is one partition: {"pageTokens": [token]} whose walk reads everything', async () => {
        const r = await api.get(`${PARTITIONS}?number=4`);
        assert.equal(r.status, 200, r.text);
        assert.match(String(r.headers['content-type']), /^application\/json/);
        assert.equal(r.headers['next-page-token'], undefined);
        assert.equal(r.headers['total-count'], undefined);
        const { pageTokens } = r.json();
        assert.equal(pageTokens.length, 1, 'a partition is at least 5 maximum pages (2,500 rows)');
        assert.match(decode(pageTokens[0]), new RegExp(`^\\d+,${INT64_MAX}$`));
        const { ids } = await walk(api, `${STUDENTS}?pageToken=${pageTokens[0]}&pageSize=3`);
        assert.equal(ids.length, 10);
      });

      it('no matching document: no tokens; filters apply', async () => {
        assert.deepEqual((await api.get(`${PARTITIONS}?lastSurname=Nobody`)).json(), { pageTokens: [] });
        assert.equal((await api.get(`${PARTITIONS}?lastSurname=Walk`)).json().pageTokens.length, 1);
      });

      it('rejects a bad number and the paging parameters by name', async () => {
        for (const [query, errors] of [
          ['number=0', ['Number of partitions must be between 1 and 200.']],
          ['number=201', ['Number of partitions must be between 1 and 200.']],
          ['number=x', ['Number of partitions must be between 1 and 200.']],
          [
            'limit=5&pageToken=x&totalCount=true',
            [
              "The 'pageToken' parameter is not supported by the partitions endpoint.",
              "The 'limit' parameter is not supported by the partitions endpoint.",
              "The 'totalCount' parameter is not supported by the partitions endpoint.",
            ],
          ],
        ] as const) {
          const body = assertProblem(await api.get(`${PARTITIONS}?${query}`), 400, 'urn:ed-fi:api:bad-request:parameter-validation-failed');
          assert.deepEqual(body.errors, errors, query);
        }
      });

      it('only GET: 405 with Allow: GET', async () => {
        const r = await api.post(PARTITIONS, student('X'));
        assertProblem(r, 405, 'urn:ed-fi:api:method-not-allowed');
        assert.equal(r.headers.allow, 'GET');
        const patch = await send(sim.url, 'PATCH', PARTITIONS, { headers: { Authorization: `Bearer ${api.token}` } });
        assert.equal(patch.status, 405);
        assert.equal(patch.headers.allow, 'GET');
      });
    });

    describe('unknown query parameters', () => {
      if (dmsVersion === '8.0') {
        it('8.0: 400 naming the first unknown field, no warning header', async () => {
          const r = await api.get(`${STUDENTS}?shoeSize=9&hatSize=2`);
          assert.deepEqual(assertProblem(r, 400, 'urn:ed-fi:api:bad-request').errors, ["The query field 'shoeSize' is not valid for this resource."]);
          assert.equal(r.headers['x-edfi-warning'], undefined);
          const p = await api.get(`${PARTITIONS}?shoeSize=9`);
          assert.deepEqual(assertProblem(p, 400, 'urn:ed-fi:api:bad-request').errors, ["The query field 'shoeSize' is not valid for this resource."]);
        });
      } else {
        it('8.1: ignored (the result is unfiltered) and named in X-EdFi-Warning', async () => {
          const r = await api.get(`${STUDENTS}?shoeSize=9&lastSurname=Walk&hatSize=2&SHOESIZE=3`);
          assert.equal(r.status, 200, r.text);
          assert.equal(r.json().length, 5, 'the known filter still applies');
          assert.equal(r.headers['x-edfi-warning'], 'Ignored query parameters: SHOESIZE, hatSize');
          const p = await api.get(`${PARTITIONS}?shoeSize=9`);
          assert.equal(p.status, 200);
          assert.equal(p.headers['x-edfi-warning'], 'Ignored query parameters: shoeSize');
        });

        it('8.1: names are percent-encoded, cut at 64 characters, at most 10 listed', async () => {
          const long = 'x'.repeat(70);
          const many = Array.from({ length: 12 }, (_, i) => `u${i}=1`).join('&');
          const r = await api.get(`${STUDENTS}?${encodeURIComponent('foo bar')}=1&${long}=1&${many}`);
          assert.equal(r.status, 200);
          assert.equal(
            r.headers['x-edfi-warning'],
            `Ignored query parameters: foo%20bar, ${'x'.repeat(64)}(truncated), u0, u1, u2, u3, u4, u5, u6, u7, (and 4 more)`,
          );
        });

        it('8.1: a malformed known value is still 400, and the 400 carries the warning', async () => {
          const r = await api.get(`${STUDENTS}?limit=x&shoeSize=9`);
          assertProblem(r, 400, 'urn:ed-fi:api:bad-request:parameter-validation-failed');
          assert.equal(r.headers['x-edfi-warning'], 'Ignored query parameters: shoeSize');
        });
      }

      it('no warning header when nothing was ignored; by-id reads never read the query string', async () => {
        const r = await api.get(`${STUDENTS}?limit=1`);
        assert.equal(r.headers['x-edfi-warning'], undefined);
        const id = r.json()[0].id;
        const byId = await api.get(`${STUDENTS}/${id}?shoeSize=9`);
        assert.equal(byId.status, 200);
        assert.equal(byId.headers['x-edfi-warning'], undefined);
      });
    });
  });
}

describe('/partitions over more than one minimum partition (PartitionWindowSqlCompiler.cs)', () => {
  let sim: RunningSim;
  let api: Api;
  before(async () => {
    sim = await start();
    api = await dataApi(sim);
    // 5,001 documents: number=4 gives partitions of max(ceil(5001/4), 2500) = 2,500 rows, so 3 of them.
    for (let batch = 0; batch < 5001; batch += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, 5001 - batch) }, (_, i) => api.post(STUDENTS, student(`P${batch + i}`)).then((r) => assert.equal(r.status, 201, r.text))),
      );
    }
  });
  after(() => sim.close());

  it('contiguous ranges, the last open above; their walks read every document exactly once', async () => {
    const { pageTokens } = (await api.get(`${PARTITIONS}?number=4`)).json() as { pageTokens: string[] };
    assert.equal(pageTokens.length, 3);
    const ranges = pageTokens.map((t) => decode(t).split(',').map(BigInt));
    assert.equal(ranges[2][1], BigInt(INT64_MAX));
    for (let i = 0; i + 1 < ranges.length; i++) assert.equal(ranges[i][1] + 1n, ranges[i + 1][0], 'each range ends just before the next');
    const seen = new Set<string>();
    const sizes: number[] = [];
    for (const t of pageTokens) {
      let url: string | undefined = `${STUDENTS}?pageToken=${t}`;
      let n = 0;
      while (url) {
        const r = await api.get(url);
        for (const d of r.json() as { studentUniqueId: string }[]) {
          assert.ok(!seen.has(d.studentUniqueId), `read twice: ${d.studentUniqueId}`);
          seen.add(d.studentUniqueId);
          n++;
        }
        const next = r.headers['next-page-token'];
        url = next ? `${STUDENTS}?pageToken=${next}` : undefined;
      }
      sizes.push(n);
    }
    assert.equal(seen.size, 5001);
    assert.deepEqual(sizes, [2500, 2500, 1]);
    assert.equal((await api.get(`${PARTITIONS}?number=1`)).json().pageTokens.length, 1);
  });
});

describe('paging after deletes (removed documents leave no holes in pages)', () => {
  let sim: RunningSim;
  let api: Api;
  before(async () => {
    sim = await start();
    api = await dataApi(sim);
    await seedStudents(api, 6);
  });
  after(() => sim.close());

  it('limit/offset and cursor pages skip deleted documents', async () => {
    const all = (await api.get(STUDENTS)).json() as { id: string; studentUniqueId: string }[];
    for (const i of [0, 2]) assert.equal((await api.delete(`${STUDENTS}/${all[i].id}`)).status, 204);
    const page = await api.get(`${STUDENTS}?offset=1&limit=2&totalCount=true`);
    assert.deepEqual(page.json().map((d: { studentUniqueId: string }) => d.studentUniqueId), ['S0003', 'S0004']);
    assert.equal(page.headers['total-count'], '4');
    const { ids } = await walk(api, `${STUDENTS}?limit=1`);
    assert.deepEqual(ids, ['S0001', 'S0003', 'S0004', 'S0005']);
  });
});
