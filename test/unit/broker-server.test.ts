import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TokenSource } from '../../tools/token-broker/token-source.ts';
import { startBrokerServer } from '../../tools/token-broker/server.ts';

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
