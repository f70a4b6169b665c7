// summary.md: a run in GitHub-flavoured Markdown, for a pull-request comment or $GITHUB_STEP_SUMMARY. The
// verdict first, then the failed thresholds, the table per resource and operation, the baseline comparison,
// the pre-flight checks and where the metrics are in Prometheus. Pure: built from the report's view
// (tools/report/view.ts) and the runner's check lines; unit-tested.
import { formatCount, formatMs, formatPercent } from '../progress/format.ts';
import type { MetricComparison } from '../baseline/baseline.ts';
import type { PhaseView, ReportView } from '../report/view.ts';
import type { PhaseResults } from '../report/results.ts';
import type { PrometheusLinks } from '../prometheus/links.ts';
import type { CheckRecord } from './checks.ts';
import { rowLabel, testText } from './junit.ts';
import { thresholdOutcomes, type ThresholdOutcome } from './thresholds.ts';

/** Markdown of one table cell or inline text: markup characters escaped, one line, pipes kept in the cell. */
export function mdText(value: unknown): string {
  return String(value ?? '')
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .replace(/[\\`*_[\]<>|~#!]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;');
}

/** Inline code, for metric names and expressions: backticks inside are avoided by a longer fence; pipes escaped for tables. */
export function mdCode(value: unknown): string {
  const text = String(value ?? '').replace(/\s*[\r\n]+\s*/g, ' ').replace(/\|/g, '\\|');
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

function table(head: string[], rows: string[][], align: Array<'l' | 'r'> = []): string[] {
  const rule = head.map((_, i) => (align[i] === 'r' ? '---:' : '---'));
  return [`| ${head.join(' | ')} |`, `| ${rule.join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

const ms = (v: number | undefined) => formatMs(v);
const rate = (v: number | undefined) => (v === undefined ? '-' : v >= 100 ? v.toFixed(0) : v.toFixed(1));

function phaseLine(p: PhaseView): string {
  const t = p.totals;
  if (!t) return `**${mdText(p.name)}**: no summary (k6 did not finish the phase${p.exitCode !== undefined ? `; exit code ${p.exitCode}` : ''})`;
  const failed = t.requests > 0 ? `${formatCount(t.failed)} failed after retries (${formatPercent(t.errorRate ?? 0)})` : 'no data requests';
  return `**${mdText(p.name)}**: ${formatCount(t.requests)} data requests, ${rate(t.rate)} req/s, p95 ${ms(t.p95)}, ${failed}, k6 exit code ${p.exitCode ?? '?'}`;
}

function resourceTable(p: PhaseView): string[] {
  if (p.rows.length === 0) return [];
  const rows = p.rows.map((r) => {
    const failure = p.failures.get(`${r.resource}|${r.op}`);
    const failed = failure ? Math.max(failure.failedRequests ?? 0, failure.failedOperations ?? 0, failure.unexpected) : r.failed;
    return [mdText(r.resource), mdText(r.op), formatCount(r.count), rate(r.rate), ms(r.p50), ms(r.p95), ms(r.p99), failed > 0 ? `**${formatCount(failed)}**` : '0'];
  });
  return table(['resource', 'operation', 'requests', 'req/s', 'p50', 'p95', 'p99', 'failed after retries'], rows, ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r']);
}

function metricCell(m: MetricComparison | undefined): string {
  if (!m) return '';
  const unit = m.metric === 'throughput' ? '/s' : m.metric === 'errorRate' ? '' : ' ms';
  const fmt = (v: number | undefined) => (v === undefined ? '?' : m.metric === 'errorRate' ? formatPercent(v) : `${Number(v.toPrecision(3))}${unit}`);
  const mark = m.verdict === 'regression' ? ' **REGRESSION**' : m.verdict === 'improved' ? ' improved' : m.verdict === 'not-judged' ? ' (not judged)' : '';
  return `${fmt(m.baseline)} → ${fmt(m.current)}${mark}`;
}

function baselineSection(view: ReportView): string[] {
  const c = view.comparison;
  if (!c) return [];
  const out = ['', `### Baseline ${mdCode(c.baseline.name)}: ${c.verdict === 'pass' ? 'no regression' : `**${c.regressions.length} regression(s)**`}`, ''];
  const compared = c.rows.filter((r) => r.status === 'compared').length;
  const method = c.method ? ` One-sided tests at alpha ${c.method.alpha} after Holm's adjustment over ${c.method.tests} tests; a change is a regression only when it is beyond the tolerance and significant.` : '';
  out.push(`${compared} of ${c.rows.length} rows compared (saved ${mdText(c.baseline.savedAt)}).${method}`);
  if (c.fingerprint?.differences?.length) {
    out.push('', `> [!WARNING]`, `> The runs differ in: ${c.fingerprint.differences.map((d) => `${mdText(d.key)} (${mdText(d.baseline ?? '-')} → ${mdText(d.current ?? '-')})`).join(', ')}`);
  }
  if (c.regressions.length > 0) {
    out.push('');
    out.push(
      ...table(
        ['phase', 'resource', 'operation', 'metric', 'baseline', 'this run', 'allowed', 'test'],
        c.regressions.map((r) => [
          mdText(r.phase),
          mdText(r.resource),
          mdText(r.op),
          mdText(r.metric),
          String(Number(r.baseline.toPrecision(4))),
          String(Number(r.current.toPrecision(4))),
          mdText(r.limit),
          mdText(testText(r.test).replace(/^; /, '')),
        ]),
      ),
    );
  }
  const byMetric = (r: (typeof c.rows)[number], name: string) => r.metrics.find((m) => m.metric === name);
  out.push('', '<details><summary>every row</summary>', '');
  out.push(
    ...table(
      ['row', 'requests (baseline → this run)', 'p50', 'p95', 'p99', 'error rate', 'requests/s'],
      c.rows.map((r) => [
        mdText(rowLabel(r)),
        r.status === 'compared' ? `${r.baselineCount ?? '?'} → ${r.currentCount ?? '?'}` : mdText(r.status),
        metricCell(byMetric(r, 'p50')),
        metricCell(byMetric(r, 'p95')),
        metricCell(byMetric(r, 'p99')),
        metricCell(byMetric(r, 'errorRate')),
        metricCell(byMetric(r, 'throughput')),
      ]),
    ),
  );
  out.push('', '</details>');
  return out;
}

function failedThresholdsSection(phases: PhaseResults[]): string[] {
  const failed: Array<ThresholdOutcome & { phase: string }> = [];
  let total = 0;
  for (const p of phases) {
    if (!p.summary) continue;
    const outcomes = thresholdOutcomes(p.summary);
    total += outcomes.length;
    failed.push(...outcomes.filter((t) => !t.ok).map((t) => ({ ...t, phase: p.name })));
  }
  const out = ['', '### Failed thresholds', ''];
  if (failed.length === 0) {
    out.push(total > 0 ? `None: all ${total} thresholds passed.` : 'No thresholds were judged (no phase wrote a summary).');
    return out;
  }
  out.push(...table(['phase', 'metric', 'threshold', 'observed'], failed.map((t) => [mdText(t.phase), mdCode(t.metric), mdCode(t.expression), mdText(t.observed ?? '?')])));
  return out;
}

function checksSection(checks: CheckRecord[]): string[] {
  const preflight = checks.filter((c) => c.group === 'pre-flight');
  if (preflight.length === 0) return [];
  const mark = { PASS: '✅ PASS', FAIL: '❌ FAIL', SKIP: '⏭️ SKIP' };
  return ['', '### Pre-flight checks', '', ...table(['check', 'result', 'detail'], preflight.map((c) => [mdText(c.name), mark[c.status], mdText(c.text)]))];
}

function prometheusSection(links: PrometheusLinks | undefined): string[] {
  if (!links) return [];
  const out = ['', '### Metrics in Prometheus', '', `Every series of this run has the labels ${mdCode(links.selector)} (and \`phase\`, \`profile\`, \`target\`), from ${new Date(links.fromMs).toISOString()} to ${new Date(links.toMs).toISOString()}.`];
  const items = [
    links.prometheus ? `- [Prometheus: requests of this run, by phase](${links.prometheus})` : undefined,
    links.grafana ? `- [Grafana dashboard for this run's time range](${links.grafana})` : undefined,
  ].filter((l): l is string => l !== undefined);
  return items.length ? [...out, '', ...items] : out;
}

export interface MarkdownInput {
  view: ReportView;
  phases: PhaseResults[];
  checks: CheckRecord[];
}

/** summary.md's text. */
export function renderSummaryMarkdown({ view, phases, checks }: MarkdownInput): string {
  const icon = view.status === 'PASS' ? '✅' : view.status === 'FAIL' ? '❌' : '❔';
  const target = view.target === 'sim' ? 'the stand-in' : view.target === 'dms' ? 'a DMS' : view.target;
  const title = [view.profile, view.phase].filter(Boolean).map(mdText).join(' · ');
  const out = [`## ${icon} ${view.status}: DMS load test${title ? ` · ${title}` : ''}${target ? ` against ${mdText(target)}` : ''}`, ''];
  const [first, ...rest] = view.findings.reasons;
  out.push(`**${view.status}**${first ? `: ${mdText(first)}` : ''}`);
  for (const r of rest) out.push(`- ${mdText(r)}`);
  if (view.isStandIn) {
    out.push('', '> [!NOTE]', '> Stand-in run: these numbers come from the bundled DMS stand-in (sim/), not from a real Data Management Service. They check the suite, not DMS performance.');
  }
  const facts = [
    view.folder ? `run ${mdCode(view.folder.split('/').pop())}` : undefined,
    view.startedAt ? `started ${mdText(view.startedAt)}` : undefined,
    view.durationS !== undefined ? `${Math.round(view.durationS)} s` : undefined,
    view.exitCode !== undefined ? `exit code ${view.exitCode}` : undefined,
    ...view.versions.filter(([k]) => k === 'k6' || k === 'suite').map(([k, v]) => `${mdText(k)} ${mdText(v)}`),
  ].filter(Boolean);
  if (facts.length) out.push('', facts.join(' · '));
  out.push(...failedThresholdsSection(phases));
  if (view.phases.length > 0) {
    out.push('', '### Per resource and operation');
    for (const p of view.phases) {
      out.push('', phaseLine(p));
      const rows = resourceTable(p);
      if (rows.length) out.push('', ...rows);
    }
  }
  out.push(...baselineSection(view));
  out.push(...checksSection(checks));
  out.push(...prometheusSection(view.metrics));
  out.push('', '<sub>The full report is report.html in the results folder (charts, every threshold, problems DMS answered, configuration).</sub>', '');
  return out.join('\n');
}
