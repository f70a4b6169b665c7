// --prometheus: the links to a run's time range (tools/prometheus/links.ts) and the pre-flight's verdict on
// the receiver's answer (tools/prometheus/probe.ts). The end-to-end test with a real Prometheus is
// test/e2e/prometheus.bats.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { maskUrl, prometheusBase, prometheusLinks } from '../../tools/prometheus/links.ts';
import { judgeAnswer, probe } from '../../tools/prometheus/probe.ts';

const RUN = {
  startedAt: '2026-11-24T03:21:06Z',
  finishedAt: '2026-11-24T03:22:41Z',
  prometheus: { remoteWriteUrl: 'http://prom.example:9090/api/v1/write', labels: { testid: '20261124T032106Z-smoke-full', profile: 'smoke', target: 'sim' } },
};

test('the Prometheus link opens the run: its selector, its range in seconds and its end in UTC', () => {
  const links = prometheusLinks(RUN);
  assert.ok(links?.prometheus);
  const url = new URL(links.prometheus);
  assert.equal(url.origin + url.pathname, 'http://prom.example:9090/graph');
  assert.equal(url.searchParams.get('g0.expr'), 'sum by (phase) (k6_http_reqs_total{testid="20261124T032106Z-smoke-full"})');
  assert.equal(url.searchParams.get('g0.range_input'), '95s');
  assert.equal(url.searchParams.get('g0.end_input'), '2026-11-24 03:22:41');
  assert.equal(links.fromMs, Date.parse(RUN.startedAt));
  assert.equal(links.grafana, undefined, 'no Grafana link without GRAFANA_DASHBOARD_URL');
});

test('a Grafana dashboard gets from/to in epoch ms and the run id as its testid variable', () => {
  const links = prometheusLinks({ ...RUN, config: { GRAFANA_DASHBOARD_URL: { value: 'https://grafana.example/d/k6/k6?orgId=1' } } });
  assert.equal(links?.grafana, `https://grafana.example/d/k6/k6?orgId=1&from=${Date.parse(RUN.startedAt)}&to=${Date.parse(RUN.finishedAt)}&var-testid=20261124T032106Z-smoke-full`);
});

test('no links without a prometheus record or times; no Prometheus page for other receivers', () => {
  assert.equal(prometheusLinks({ startedAt: RUN.startedAt, finishedAt: RUN.finishedAt }), undefined);
  assert.equal(prometheusLinks({ ...RUN, finishedAt: undefined }), undefined);
  assert.equal(prometheusLinks({ ...RUN, prometheus: { remoteWriteUrl: 'http://mimir/api/v1/push', labels: RUN.prometheus.labels } })?.prometheus, undefined);
  assert.equal(prometheusBase('https://p.example/prom/api/v1/write'), 'https://p.example/prom');
  assert.equal(prometheusBase('https://p.example/api/v1/push'), undefined);
});

test('a label value with quotes cannot break the PromQL selector', () => {
  const links = prometheusLinks({ ...RUN, prometheus: { ...RUN.prometheus, labels: { testid: 'a"b\\c' } } });
  assert.equal(links?.selector, '{testid="a\\"b\\\\c"}');
});

test('passwords in a remote-write URL are masked', () => {
  assert.equal(maskUrl('https://k6:s3cret@prom.example/api/v1/write'), 'https://k6:********@prom.example/api/v1/write');
  assert.equal(maskUrl('http://prom.example:9090/api/v1/write'), 'http://prom.example:9090/api/v1/write');
});

test('the receiver check: 400 or 2xx usable; 404 is Prometheus without its receiver; 401/403 and 5xx fail', () => {
  assert.equal(judgeAnswer('u', 400).ok, true);
  assert.equal(judgeAnswer('u', 204).ok, true);
  const off = judgeAnswer('u', 404);
  assert.equal(off.ok, false);
  assert.match(off.hint ?? '', /--web\.enable-remote-write-receiver/);
  assert.match(judgeAnswer('u', 401).hint ?? '', /K6_PROMETHEUS_RW_USERNAME/);
  assert.equal(judgeAnswer('u', 503).ok, false);
});

test('the receiver check over HTTP: an empty snappy write request; unreachable says so, the password never shows', async () => {
  let seen: { method?: string; encoding?: string; auth?: string } = {};
  const server = createServer((req, res) => {
    seen = { method: req.method, encoding: req.headers['content-encoding'], auth: req.headers.authorization };
    res.statusCode = 400;
    res.end('snappy: corrupt input');
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as { port: number }).port;
  try {
    const verdict = await probe(`http://k6:pw-123456@127.0.0.1:${port}/api/v1/write`);
    assert.equal(verdict.ok, true);
    assert.deepEqual(seen, { method: 'POST', encoding: 'snappy', auth: `Basic ${Buffer.from('k6:pw-123456').toString('base64')}` });
    assert.doesNotMatch(verdict.text, /pw-123456/);
  } finally {
    await new Promise((ok) => server.close(ok));
  }
  // a port nobody listens on (never connected to, so no kept-alive socket of Node's agent can answer)
  const unused = createServer();
  await new Promise<void>((ok) => unused.listen(0, '127.0.0.1', ok));
  const freePort = (unused.address() as { port: number }).port;
  await new Promise((ok) => unused.close(ok));
  const gone = await probe(`http://127.0.0.1:${freePort}/api/v1/write`, 2000);
  assert.equal(gone.ok, false);
  assert.match(gone.text, /is unreachable: connection refused/);
});
