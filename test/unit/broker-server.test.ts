import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TokenSource } from '../../tools/token-broker/token-source.ts';
import { startBrokerServer } from '../../tools/token-broker/server.ts';
import { KEPT_PER_OPERATION, ProblemStore } from '../../tools/token-broker/problems.ts';
import { parseAllowedHosts } from '../../tools/token-broker/allowed-hosts.ts';

test('the broker: key required; the first fetch latency goes to the first non-peek caller only', async () => {
  const fetchImpl = (async () => new Response(JSON.stringify({ access_token: 'tok', expires_in: 1800 }), { status: 200 })) as unknown as typeof fetch;
  const source = new TokenSource({ tokenUrl: 'http://dms/oauth/token', clientId: 'id', clientSecret: 's', marginSeconds: 60, fetchImpl });
  await source.get();
  const broker = await startBrokerServer(source, 'k'.repeat(16));
  try {
    const ask = (path: string, key = 'k'.repeat(16)) => fetch(`${broker.url}${path}`, { headers: { 'x-broker-key': key } });
    assert.equal((await ask('/token', 'wrong-key-000000')).status, 403);
    const peeked = (await (await ask('/token?peek=1')).json()) as { fetched_ms: number | null; access_token: string };
    assert.equal(peeked.access_token, 'tok');
    assert.equal(peeked.fetched_ms, null);
    const first = (await (await ask('/token')).json()) as { fetched_ms: number | null };
    assert.equal(typeof first.fetched_ms, 'number');
    const second = (await (await ask('/token')).json()) as { fetched_ms: number | null };
    assert.equal(second.fetched_ms, null);
  } finally {
    await broker.close();
  }
});

test('the broker keeps the first of each distinct problem per phase with a count; bad reports get 400', async () => {
  const fetchImpl = (async () => new Response(JSON.stringify({ access_token: 'tok', expires_in: 1800 }), { status: 200 })) as unknown as typeof fetch;
  const source = new TokenSource({ tokenUrl: 'http://dms/oauth/token', clientId: 'id', clientSecret: 's', marginSeconds: 60, fetchImpl });
  const key = 'k'.repeat(16);
  const broker = await startBrokerServer(source, key);
  const problem = (over: Record<string, unknown>) => ({
    phase: 'load', resource: 'schools', op: 'create', method: 'POST', status: 409, contentType: 'application/problem+json',
    problemType: 'urn:ed-fi:api:identity-conflict', title: 'Identifying Values Are Not Unique', detail: 'd', errors: ['e'],
    validationErrors: {}, bodySnippet: '{', kind: 'status', message: '', at: '2026-11-24T03:15:29.000Z', ...over,
  });
  const post = (body: unknown, k = key) => fetch(`${broker.url}/problems`, { method: 'POST', headers: { 'x-broker-key': k, 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const list = async (phase: string) => ((await (await fetch(`${broker.url}/problems?phase=${phase}`, { headers: { 'x-broker-key': key } })).json()) as { problems: Array<Record<string, unknown>> }).problems;
  try {
    assert.equal((await post(problem({}), 'wrong-key-000000')).status, 403);
    // the answer is the count so far: the VU prints the first few only
    const counts = [];
    for (let i = 0; i < 3; i++) counts.push(((await (await post(problem({ detail: `d${i}` }))).json()) as { count: number }).count);
    assert.deepEqual(counts, [1, 2, 3]);
    assert.equal(((await (await post(problem({ resource: 'sessions', status: 409, problemType: 'urn:ed-fi:api:data-conflict:unresolved-reference' }))).json()) as { count: number }).count, 1);
    await post(problem({ phase: 'readwrite', resource: 'students', op: 'read', status: 200, kind: 'wrong-body', problemType: '' }));
    const load = await list('load');
    assert.deepEqual(load.map((p) => `${p.resource} ${p.status} ${p.count}`), ['schools 409 3', 'sessions 409 1']);
    assert.equal(load[0].detail, 'd0', 'the first occurrence is kept');
    assert.equal(load[0].bodySnippet, '{');
    assert.deepEqual((await list('readwrite')).map((p) => p.kind), ['wrong-body']);
    assert.deepEqual(await list('nothing'), []);
    assert.equal((await fetch(`${broker.url}/problems`, { headers: { 'x-broker-key': key } })).status, 400);
    for (const bad of ['not json', [1], problem({ kind: 'other' }), problem({ status: '409' }), problem({ resource: '' }), problem({ problemType: 7 })]) {
      const res = await post(bad);
      assert.equal(res.status, 400, JSON.stringify(bad));
      assert.equal(((await res.json()) as { error: string }).error, 'invalid-problem');
    }
    assert.equal((await post(problem({ detail: 'x'.repeat(70_000) }))).status, 413);
  } finally {
    await broker.close();
  }
});

test('the problem store is bounded: five distinct problems per operation, the rest only dropped', () => {
  const store = new ProblemStore();
  const report = (status: number) => ({ phase: 'load', resource: 'students', op: 'create', status, kind: 'status', problemType: `t${status}` });
  for (let status = 400; status < 400 + KEPT_PER_OPERATION; status++) assert.equal(store.add(report(status)), 1);
  assert.ok(store.add(report(499)) > 3, 'a sixth kind is not kept, and not printed as new');
  assert.equal(store.dropped, 1);
  assert.equal(store.ofPhase('load').length, KEPT_PER_OPERATION);
  assert.equal(store.add(report(400)), 2, 'a kept kind still counts');
});

test('allowed hosts: loopback always, listed addresses and ranges (IPv4, IPv6, IPv4-mapped), nobody else', () => {
  const allowed = parseAllowedHosts('10.0.0.12, 10.0.1.0/24 fd00::/64');
  for (const address of ['127.0.0.1', '127.1.2.3', '::1', '10.0.0.12', '::ffff:10.0.0.12', '10.0.1.200', 'fd00::5']) assert.ok(allowed.allows(address), address);
  for (const address of ['10.0.0.13', '10.0.2.1', '192.168.1.1', 'fd01::5', '', undefined]) assert.ok(!allowed.allows(address), String(address));
  const loopbackOnly = parseAllowedHosts('');
  assert.ok(loopbackOnly.allows('127.0.0.1'));
  assert.ok(!loopbackOnly.allows('10.0.0.12'));
  for (const bad of ['dms-host', '10.0.0.1/33', '10.0.0/24', '10.0.0.1/8/2', 'fd00::/129']) {
    assert.throws(() => parseAllowedHosts(bad), (e: Error) => e.message.includes(`'${bad}'`) && /IP address or CIDR range/.test(e.message), bad);
  }
});

test('instances report each phase done; the board answers who finished with which exit code', async () => {
  const fetchImpl = (async () => new Response(JSON.stringify({ access_token: 'tok', expires_in: 1800 }), { status: 200 })) as unknown as typeof fetch;
  const source = new TokenSource({ tokenUrl: 'http://dms/oauth/token', clientId: 'id', clientSecret: 's', marginSeconds: 60, fetchImpl });
  const key = 'k'.repeat(16);
  const broker = await startBrokerServer(source, key);
  const post = (body: unknown, k = key) => fetch(`${broker.url}/instances/done`, { method: 'POST', headers: { 'x-broker-key': k }, body: JSON.stringify(body) });
  const board = async (phase: string) => ((await (await fetch(`${broker.url}/instances?phase=${phase}`, { headers: { 'x-broker-key': key } })).json()) as { done: Record<string, number> }).done;
  try {
    assert.equal((await post({ phase: 'load', instance: 1, exitCode: 0 }, 'wrong-key-000000')).status, 403);
    assert.deepEqual(await board('load'), {});
    assert.deepEqual(((await (await post({ phase: 'load', instance: 2, exitCode: 99 })).json()) as { done: unknown }).done, { 2: 99 });
    await post({ phase: 'load', instance: 1, exitCode: 0 });
    assert.deepEqual(await board('load'), { 1: 0, 2: 99 });
    assert.deepEqual(await board('readwrite'), {});
    for (const bad of [{ phase: 'load', instance: 0, exitCode: 0 }, { phase: 'load', instance: 1, exitCode: 300 }, { phase: 'Load; drop', instance: 1, exitCode: 0 }, [1]]) {
      assert.equal((await post(bad)).status, 400, JSON.stringify(bad));
    }
  } finally {
    await broker.close();
  }
});
