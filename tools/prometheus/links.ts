// Where a run's metrics are in Prometheus (and Grafana): with `--prometheus URL` every phase streams its k6
// metrics through k6's experimental-prometheus-rw output, labelled testid=<run id>, profile, phase and target
// (run.json `prometheus`); these links open the run's time range. Pure, unit-tested.
//
// Sources: k6's output maps metric m to k6_m, counters get _total (k6_http_reqs_total), rates _rate, trend
// stats _p95 etc. in seconds (go.k6.io/k6/v2 internal/output/prometheusrw/remotewrite). Prometheus 2.x's
// graph page reads g0.expr, g0.tab, g0.range_input (a duration such as 95s) and g0.end_input
// ('YYYY-MM-DD HH:mm:ss', UTC); Grafana dashboards read from/to (epoch ms) and var-<name> for a variable.
import type { ConfigValue } from '../report/results.ts';

/** run.json's `prometheus` field (written by scripts/lib/node/results.ts when the run had --prometheus). */
export interface PrometheusRecord {
  /** The remote-write URL, with any user:password masked. */
  remoteWriteUrl: string;
  /** Labels on every series of the run; `phase` is added per phase (its name). */
  labels: Record<string, string>;
}

export interface PrometheusLinks {
  /** A PromQL selector for the run: {testid="..."}. */
  selector: string;
  /** Epoch ms of the run's start and end. */
  fromMs: number;
  toMs: number;
  /** Prometheus's graph page for the run's range, when the write URL is Prometheus's own /api/v1/write. */
  prometheus?: string;
  /** GRAFANA_DASHBOARD_URL with from, to and var-testid, when that setting was given. */
  grafana?: string;
}

export interface RunForLinks {
  startedAt?: string;
  finishedAt?: string;
  prometheus?: unknown;
  config?: Record<string, ConfigValue>;
}

/** A URL as it may be shown: the password of any user:password@ masked (`http://k6:********@host/...`). */
export function maskUrl(url: string): string {
  return url.replace(/^(\w+:\/\/[^:/@\s]+):[^@/\s]*@/, '$1:********@');
}

/** The `prometheus` field of run.json, when it has the expected shape. */
export function prometheusRecord(raw: unknown): PrometheusRecord | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const r = raw as { remoteWriteUrl?: unknown; labels?: unknown };
  if (typeof r.remoteWriteUrl !== 'string' || !r.labels || typeof r.labels !== 'object') return undefined;
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.labels as Record<string, unknown>)) if (typeof v === 'string') labels[k] = v;
  return { remoteWriteUrl: r.remoteWriteUrl, labels };
}

/** A PromQL string literal. */
function promString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** '2026-11-24T03:21:33.000Z' -> '2026-11-24 03:21:33' (what Prometheus's graph page takes as UTC). */
function promTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** The base of Prometheus's own API from its remote-write receiver's URL; undefined for other receivers. */
export function prometheusBase(remoteWriteUrl: string): string | undefined {
  const match = /^(https?:\/\/[^?#]*?)\/api\/v1\/write\/?$/.exec(remoteWriteUrl);
  return match ? match[1] : undefined;
}

/** Links to the run's metrics, or undefined when the run did not stream to Prometheus or has no times. */
export function prometheusLinks(run: RunForLinks | undefined): PrometheusLinks | undefined {
  const record = prometheusRecord(run?.prometheus);
  const fromMs = Date.parse(run?.startedAt ?? '');
  const toMs = Date.parse(run?.finishedAt ?? '');
  if (!record || !record.labels.testid || !Number.isFinite(fromMs) || !Number.isFinite(toMs)) return undefined;
  const selector = `{testid=${promString(record.labels.testid)}}`;
  const links: PrometheusLinks = { selector, fromMs, toMs };
  const base = prometheusBase(record.remoteWriteUrl);
  if (base && !base.includes('*')) {
    const end = promTime(toMs);
    const params = new URLSearchParams({
      'g0.expr': `sum by (phase) (k6_http_reqs_total${selector})`,
      'g0.tab': '0',
      'g0.range_input': `${Math.max(1, Math.ceil((toMs - fromMs) / 1000))}s`,
      'g0.end_input': end,
      'g0.moment_input': end,
    });
    links.prometheus = `${base}/graph?${params.toString()}`;
  }
  const dashboard = run?.config?.GRAFANA_DASHBOARD_URL?.value;
  if (dashboard && /^https?:\/\//.test(dashboard)) {
    const params = new URLSearchParams({ from: String(fromMs), to: String(toMs), 'var-testid': record.labels.testid });
    links.grafana = `${dashboard}${dashboard.includes('?') ? '&' : '?'}${params.toString()}`;
  }
  return links;
}
