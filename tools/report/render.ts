// ReportView -> one self-contained HTML page. chart.js is inlined by the caller (no network needed); the
// chart specifications travel as JSON in <script type="application/json" id="report-data">.
import { formatCount, formatDuration, formatMs, formatPercent } from '../progress/format.ts';
import type { Comparison, MetricComparison, MetricName, RowComparison } from '../baseline/baseline.ts';
import { capacityComparisonLines } from '../baseline/format.ts';
import { esc, json, table, type Column } from './html.ts';
import type { CheckRow, CountRow, EntityRow, OpRow, SimRouteRow, ThresholdRow } from './model.ts';
import type { PhaseView, ReportView } from './view.ts';
import { failureText, sharePercent } from './answer.ts';
import { TOP, type Findings, type FailureRow, type ProblemRow, type SlowPair } from './findings.ts';
import { generatorLine } from '../generator/verdict.ts';
import { figureText, workloadLine } from '../workloads/workload-text.ts';
import type { SoakResult } from '../workloads/soak.ts';
import { capacityLine, stepName, type StepVerdict } from '../../src/workloads/capacity.ts';

const ms = (v: number | undefined) => formatMs(v);
const pct = (v: number | undefined) => (v === undefined ? '-' : formatPercent(v));
const n = (v: number | undefined) => (v === undefined ? '-' : formatCount(v));
const rate = (v: number | undefined) => (v === undefined ? '-' : v >= 100 ? v.toFixed(0) : v.toFixed(2));

const STYLE = `
:root { --pass:#15803d; --fail:#b91c1c; --warn:#b45309; --muted:#6b7280; --line:#e5e7eb; --bg:#f9fafb; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #111827; background: #fff; }
main { max-width: 1200px; margin: 0 auto; padding: 0 20px 40px; }
header.run { padding: 18px 20px; color: #fff; }
header.run.PASS { background: var(--pass); } header.run.FAIL { background: var(--fail); } header.run.UNKNOWN { background: var(--muted); }
header.run h1 { margin: 0 0 4px; font-size: 26px; }
header.run .meta { opacity: .95; }
.banner { margin: 16px 0; padding: 14px 16px; border: 3px solid var(--warn); background: #fffbeb; color: #78350f; font-weight: 600; font-size: 15px; }
.banner.fail { border-color: var(--fail); background: #fef2f2; color: #7f1d1d; }
.warnings { margin: 16px 0; padding: 10px 16px; background: #fffbeb; border-left: 4px solid var(--warn); }
h2 { margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { margin: 22px 0 6px; font-size: 16px; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 10px 0; }
.card { flex: 1 1 100px; padding: 10px 12px; background: var(--bg); border: 1px solid var(--line); border-radius: 6px; }
.card .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .03em; }
.card .value { font-size: 20px; font-weight: 600; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(460px, 1fr)); gap: 14px; }
.chart { border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; }
.chart h4 { margin: 0 0 4px; font-size: 13px; }
.chart .box { position: relative; width: 100%; }
.chart.wide { grid-column: 1 / -1; }
table { border-collapse: collapse; margin: 6px 0 12px; width: 100%; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: var(--bg); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
tr.bad td { background: #fef2f2; color: #7f1d1d; }
tr.good td:last-child { color: var(--pass); font-weight: 600; }
tr.idle td { color: var(--muted); }
tr.retried td { background: #fffbeb; }
section#answer { margin: 16px 0 8px; padding: 12px 16px; border: 2px solid var(--line); border-radius: 6px; }
section#answer.FAIL { border-color: var(--fail); } section#answer.PASS { border-color: var(--pass); }
section#answer h2 { margin-top: 0; border: 0; }
section#answer ul.reasons { margin: 4px 0 10px; padding-left: 20px; font-weight: 600; }
section#answer p { margin: 6px 0; }
table.compact { table-layout: fixed; font-size: 12px; }
table.compact th, table.compact td, table.compact td.num { white-space: normal; overflow-wrap: anywhere; padding: 3px 5px; }
.note { color: var(--muted); }
code { background: var(--bg); padding: 0 3px; border-radius: 3px; }
footer { margin-top: 30px; color: var(--muted); font-size: 12px; }
`;

/** Draws every chart listed in #report-data; a failure shows in the chart's box instead of a blank. */
const INIT_SCRIPT = `
(function () {
  var data = JSON.parse(document.getElementById('report-data').textContent);
  window.reportCharts = {};
  data.charts.forEach(function (spec) {
    var canvas = document.getElementById('chart-' + spec.id);
    if (!canvas) return;
    try {
      var datasets = spec.datasets.map(function (d) {
        return { label: d.label, data: d.data, borderColor: d.color, backgroundColor: spec.type === 'bar' ? d.color : d.color + '33',
          borderDash: d.dashed ? [6, 4] : undefined, borderWidth: 2, pointRadius: spec.labels.length > 60 ? 0 : 2,
          spanGaps: false, tension: 0, fill: false };
      });
      var valueAxis = { beginAtZero: true, title: { display: true, text: spec.yTitle } };
      var scales = spec.horizontal ? { x: valueAxis, y: { ticks: { autoSkip: false } } } : { x: { ticks: { maxTicksLimit: 12 } }, y: valueAxis };
      window.reportCharts[spec.id] = new Chart(canvas, {
        type: spec.type,
        data: { labels: spec.labels, datasets: datasets },
        options: { animation: false, responsive: true, maintainAspectRatio: false, indexAxis: spec.horizontal ? 'y' : 'x',
          interaction: { mode: 'index', intersect: false }, plugins: { legend: { position: 'bottom' } }, scales: scales }
      });
    } catch (e) {
      canvas.parentNode.textContent = 'This chart could not be drawn: ' + e;
    }
  });
})();
`;

function runTime(seconds: number | undefined): string {
  if (seconds === undefined) return '-';
  return seconds < 10 ? `${seconds.toFixed(seconds < 1 ? 2 : 1)} s` : formatDuration(seconds);
}

function card(label: string, value: string): string {
  return `<div class="card"><div class="label">${esc(label)}</div><div class="value">${esc(value)}</div></div>`;
}

function chartBoxes(view: ReportView, ids: string[]): string {
  return ids
    .map((id) => {
      const spec = view.charts.find((c) => c.id === id);
      if (!spec) return '';
      return `<div class="chart${spec.horizontal ? ' wide' : ''}" data-chart="${esc(id)}"><h4>${esc(spec.title)}</h4><div class="box" style="height:${spec.height}px"><canvas id="chart-${esc(id)}" role="img" aria-label="${esc(spec.title)}"></canvas></div></div>`;
    })
    .join('\n');
}

const opColumns: Column<OpRow>[] = [
  { head: 'resource', cell: (r) => r.resource },
  { head: 'operation', cell: (r) => r.op },
  { head: 'requests', cell: (r) => n(r.count), num: true },
  { head: 'req/s', cell: (r) => rate(r.rate), num: true },
  { head: 'p50', cell: (r) => ms(r.p50), num: true },
  { head: 'p95', cell: (r) => ms(r.p95), num: true },
  { head: 'p99', cell: (r) => ms(r.p99), num: true },
  { head: 'max', cell: (r) => ms(r.max), num: true },
  { head: 'attempts failed', cell: (r) => pct(r.attemptErrorRate ?? r.errorRate), num: true },
  { head: 'unexpected statuses', cell: (r) => n(r.unexpected), num: true },
];

/** The per-phase table: latency and attempts, then what failed after retries. */
function opTableColumns(p: PhaseView): Column<OpRow>[] {
  return [...opColumns, { head: 'failed after retries', cell: (r) => { const f = p.failures.get(`${r.resource}|${r.op}`); return f ? failureText(f) : '0'; } }];
}

const thresholdColumns: Column<ThresholdRow>[] = [
  { head: 'metric', cell: (r) => r.metric },
  { head: 'threshold', cell: (r) => r.expression },
  { head: 'result', cell: (r) => (r.ok ? 'pass' : 'FAIL') },
];

const entityColumns: Column<EntityRow>[] = [
  { head: 'resource', cell: (r) => r.resource },
  { head: 'ensured', cell: (r) => n(r.ensured), num: true },
  { head: 'created now', cell: (r) => n(r.created), num: true },
  { head: 'expected', cell: (r) => n(r.expected), num: true },
  { head: 'result', cell: (r) => (r.ok === undefined ? '-' : r.ok ? 'pass' : 'FAIL') },
];

const countColumns = (head: string): Column<CountRow>[] => [
  { head, cell: (r) => r.key },
  { head: 'count', cell: (r) => n(r.count), num: true },
];

const checkColumns: Column<CheckRow>[] = [
  { head: 'check', cell: (r) => r.name },
  { head: 'passed', cell: (r) => n(r.passes), num: true },
  { head: 'failed', cell: (r) => n(r.fails), num: true },
];

const simColumns: Column<SimRouteRow>[] = [
  { head: 'method', cell: (r) => r.method },
  { head: 'route', cell: (r) => r.route },
  { head: 'status', cell: (r) => r.status },
  { head: 'count', cell: (r) => n(r.count), num: true },
];

const slowColumns: Column<SlowPair>[] = [
  { head: 'phase', cell: (r) => r.phase },
  { head: 'resource', cell: (r) => r.resource },
  { head: 'operation', cell: (r) => r.op },
  { head: 'requests', cell: (r) => n(r.count), num: true },
  { head: 'p95', cell: (r) => ms(r.p95), num: true },
  { head: 'p95 limit', cell: (r) => (r.limitMs === undefined ? '-' : ms(r.limitMs)), num: true },
  { head: 'of the limit', cell: (r) => (r.share === undefined ? '-' : sharePercent(r.share)), num: true },
];

const failureColumns: Column<FailureRow>[] = [
  { head: 'phase', cell: (r) => r.phase },
  { head: 'resource', cell: (r) => r.resource },
  { head: 'operation', cell: (r) => r.op },
  { head: 'failed after retries', cell: (r) => failureText(r) },
];

const problemColumns: Column<ProblemRow>[] = [
  { head: 'phase', cell: (r) => r.phase },
  { head: 'resource / operation', cell: (r) => `${r.resource} ${r.op}${r.method ? ` (${r.method})` : ''}` },
  { head: 'status', cell: (r) => (r.status !== undefined ? String(r.status) : (r.kind ?? '-')) },
  { head: 'problem type', cell: (r) => r.problemType ?? (r.contentType ? `content type ${r.contentType}` : '-') },
  { head: 'detail (first occurrence)', cell: (r) => [r.title, r.detail, r.errors, r.message, r.bodySnippet && !r.detail ? `body: ${r.bodySnippet}` : undefined].filter(Boolean).join(' · ') || '-' },
  { head: 'count', cell: (r) => n(r.count), num: true },
];

/** The top of the page: the verdict and its reasons, then the few things that explain it. */
function answerSection(f: Findings): string {
  const out: string[] = [`<section id="answer" class="${esc(f.status)}"><h2>${esc(f.status)}: the answer first</h2>`];
  out.push(`<ul class="reasons" id="reasons">${f.reasons.slice(0, TOP).map((r) => `<li>${esc(r)}</li>`).join('')}${f.reasons.length > TOP ? `<li>and ${f.reasons.length - TOP} more</li>` : ''}</ul>`);
  if (f.slowest.length > 0) {
    out.push('<h3>Slowest resource/operation pairs by p95</h3>');
    out.push(table(slowColumns, f.slowest, { id: 'slowest', rowClass: (r) => ((r.share ?? 0) > 1 ? 'bad' : '') }));
  }
  out.push('<h3>Failed after retries</h3>');
  if (f.failures.length === 0) {
    const old = f.failureTotals.some((t) => t.source === 'unexpected-statuses');
    out.push(`<p id="no-failures">None: every data request and operation ended as expected${old ? ' (this run predates the outcome metrics: judged by the answers the client did not expect)' : ''}.</p>`);
  } else {
    out.push(table(failureColumns, f.failures.slice(0, TOP), { id: 'failures', rowClass: () => 'bad' }));
    if (f.failures.length > TOP) out.push(`<p class="note">and ${f.failures.length - TOP} more (see each phase's table)</p>`);
  }
  if (f.problems.length > 0) {
    out.push('<h3>What DMS answered (first occurrences)</h3>');
    out.push(table(problemColumns, f.problems, { id: 'problems', rowClass: () => 'bad' }));
  }
  out.push('<h3>Retried, then succeeded</h3>');
  if (f.retries.length === 0) out.push('<p class="note">Nothing was retried.</p>');
  else {
    out.push(table(countColumns('retry reason'), f.retries.map((r) => ({ key: `${r.phase}: ${r.reason}`, count: r.count })), { id: 'retried', rowClass: () => 'retried' }));
    out.push('<p class="note">Attempts that were answered 429, 503, 5xx or dropped and then retried. They are not failures: a request whose retries ran out is counted under "Failed after retries".</p>');
  }
  out.push('<h3>What capped throughput</h3>');
  if (f.caps.length === 0) out.push('<p class="note" id="no-caps">Nothing seen: no 429, no 503, no dropped iterations.</p>');
  else out.push(`<ul id="caps">${f.caps.map((c) => `<li><strong>${esc(c.phase)}</strong>: ${esc(c.text)}</li>`).join('')}</ul>`);
  if (f.baseline) {
    const b = f.baseline;
    out.push(`<h3>Baseline ${esc(b.name)}: ${esc(b.verdict)}</h3>`);
    if (b.lines.length > 0) out.push(`<ul id="baseline-answer">${b.lines.map((l) => `<li>${esc(l)}</li>`).join('')}${b.more > 0 ? `<li>and ${b.more} more</li>` : ''}</ul>`);
  }
  out.push('</section>');
  return out.join('\n');
}

const capacityColumns: Column<StepVerdict>[] = [
  { head: 'step', cell: (r) => stepName(r) },
  { head: 'iterations (planned)', cell: (r) => `${n(r.iterations)} (${n(r.planned)})`, num: true },
  { head: 'requests/s', cell: (r) => rate(r.requestsPerSecond), num: true },
  { head: 'operations/s', cell: (r) => rate(r.operationsPerSecond), num: true },
  { head: 'p95', cell: (r) => ms(r.p95Ms), num: true },
  { head: 'failed after retries', cell: (r) => pct(r.errorRate), num: true },
  { head: 'operations failed', cell: (r) => pct(r.operationErrorRate), num: true },
  { head: 'verdict', cell: (r) => (!r.judged ? `not judged: ${r.reason ?? ''}` : r.held ? 'held' : `BROKE: ${r.reason ?? ''}`) },
];

/** A workload shaped as Ed-Fi's: its parameters, its figures beside Ed-Fi's published ones, the reference chart. */
function workloadSection(view: ReportView, p: PhaseView): string {
  const w = p.workload;
  if (!w) return '';
  const r = w.reference;
  const out: string[] = [`<h3>Beside Ed-Fi's published figures (${esc(w.name)})</h3>`];
  out.push(`<p id="workload-${esc(p.name)}"><strong>${esc(workloadLine(w))}</strong></p>`);
  out.push(`<p class="note">Reference: ${esc(r.source)}, published ${esc(r.date)}; ${esc(r.database)}; hardware: ${esc(r.hardware)}. Measure: ${esc(r.measure)}. ` +
    'These are reference lines, never a pass/fail: another machine, data set and load generator. The phase passes or fails on its own outcomes (failures after retries, checks).</p>');
  const head = ['figure', 'this run', ...r.figures.map((f) => `${f.target} (Ed-Fi ${r.date})`)];
  const rows = w.figures.map((f) => [f.label, figureText(f), ...r.figures.map((x) => (f.comparable ? figureText({ value: x.value, unit: r.unit }) : ''))]);
  out.push(`<table id="workload-figures-${esc(p.name)}" class="compact"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((row) => `<tr>${row.map((c, i) => `<td${i > 0 ? ' class="num"' : ''}>${esc(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`);
  out.push(`<p class="note">The run's shape: ${esc(Object.entries(w.parameters).map(([k, v]) => `${k} ${v}`).join('; '))}.${w.notes.length ? ` ${esc(w.notes.join('; '))}.` : ''}</p>`);
  out.push(`<div class="charts">${chartBoxes(view, p.workloadChartIds)}</div>`);
  return out.join('\n');
}

/** The soak's windows and its drift verdict. */
function soakSection(view: ReportView, p: PhaseView): string {
  const s = p.soak;
  if (!s) return '';
  const d = s.drift;
  const out: string[] = ['<h3>Soak: drift from window to window</h3>'];
  out.push(`<p id="soak-${esc(p.name)}" class="${d.verdict === 'drifting' ? 'banner fail' : ''}"><strong>${esc(d.verdict.toUpperCase().replace('-', ' '))}</strong>: ${esc(d.reasons.join('; '))}</p>`);
  out.push(`<p class="note">${esc(s.rate)} iterations/s in windows of ${esc(formatDuration(s.windowSeconds))}, each one k6 run (so k6's memory is bounded by a window). How: ${esc(d.test)}; tolerances: p95 +${Math.round(d.rule.latencyTolerance * 100)}%, failed share +${esc((d.rule.errorTolerance * 100).toFixed(2))} points; alpha ${esc(d.rule.alpha)}; at least ${esc(d.rule.minWindows)} whole windows.</p>`);
  const columns: Column<SoakResult['windows'][number]>[] = [
    { head: 'window', cell: (w) => String(w.index + 1) },
    { head: 'from', cell: (w) => formatDuration(w.startS), num: true },
    { head: 'requests/s', cell: (w) => rate(w.requestsPerSecond), num: true },
    { head: 'p50', cell: (w) => ms(w.p50Ms), num: true },
    { head: 'p95', cell: (w) => ms(w.p95Ms), num: true },
    { head: 'failed after retries', cell: (w) => pct(w.errorRate), num: true },
    { head: 'dropped iterations', cell: (w) => n(w.droppedIterations), num: true },
    { head: 'judged', cell: (w) => (w.judged ? 'yes' : 'no (short)') },
  ];
  out.push(table(columns, s.windows, { id: `soak-windows-${p.name}`, className: 'compact', rowClass: (w) => (w.judged ? '' : 'idle') }));
  out.push(`<div class="charts">${chartBoxes(view, p.soakChartIds)}</div>`);
  return out.join('\n');
}

/** The capacity phase's answer: the figure, what ended the ramp, the steps and their charts. */
function capacitySection(view: ReportView, p: PhaseView): string {
  const c = p.capacity;
  if (!c) return '';
  const rule = c.rule;
  const out: string[] = ['<h3>Capacity</h3>'];
  out.push(`<p id="capacity-${esc(p.name)}" class="${c.sustainable ? '' : 'banner fail'}"><strong>${esc(capacityLine(c))}</strong></p>`);
  out.push(`<p>The ramp ended: ${esc(c.stoppedBy)}.</p>`);
  out.push(
    `<p class="note">Each step is judged on its own samples (the k6 tag <code>step</code>). A step breaks the SLO when its p95 is above ${esc(ms(rule.p95LimitMs))}, ` +
      `or more than ${Math.round(rule.p95Growth * 100)}% (and at least ${esc(ms(rule.p95GrowthMinMs))}) above the first step's; when more than ${esc(pct(rule.errorRate))} of its data requests failed after retries ` +
      `(operations: ${esc(pct(rule.operationErrorRate))}); or when more than ${esc(pct(rule.errorRate))} of its planned iterations could not start (dropped iterations). ` +
      'The sustainable capacity is the highest step that held with every step below it. Requests/s count attempts; operations/s the mix operations.</p>',
  );
  out.push(table(capacityColumns, c.steps, { id: `capacity-steps-${p.name}`, className: 'compact', rowClass: (r) => (!r.judged ? 'idle' : r.held ? 'good' : 'bad') }));
  out.push(`<div class="charts">${chartBoxes(view, p.capacityChartIds)}</div>`);
  return out.join('\n');
}

function phaseSection(view: ReportView, p: PhaseView): string {
  const out: string[] = [];
  const exit = p.exitCode === undefined ? '' : ` (k6 exit code ${p.exitCode})`;
  out.push(`<section class="phase" id="phase-${esc(p.name)}"><h2>${esc(p.name)} phase${esc(exit)}</h2>`);
  const t = p.totals;
  if (t) {
    out.push(
      '<div class="cards">' +
        card('data requests', n(t.requests)) +
        card('requests/s', rate(t.rate)) +
        card('p50', ms(t.p50)) +
        card('p95', ms(t.p95)) +
        card('p99', ms(t.p99)) +
        card('attempts failed', pct(t.attemptErrorRate ?? t.errorRate)) +
        card('checks passed', pct(t.checksRate)) +
        card('run time', runTime(t.seconds)) +
        (p.openModel
          ? card('iterations/s', rate(p.iterationRate)) + card('allocated VUs', n(t.vusMax ?? p.configuredVus))
          : card('VUs', n(t.vusMax ?? p.configuredVus))) +
        '</div>',
    );
  } else {
    out.push(`<p class="banner fail">No summary.json for this phase in ${esc(p.dir)}: k6 did not finish it (see console.log in the results folder).</p>`);
  }
  const generator = p.generator;
  if (generator) {
    out.push(generator.bound
      ? `<p class="banner" id="generator-${esc(p.name)}">GENERATOR-BOUND: ${esc(generator.reasons.join('; '))}. Read this phase's figures as the load generator's limit, not the target's.</p>`
      : `<p class="note" id="generator-${esc(p.name)}">${esc(generatorLine(generator))}.</p>`);
  }
  out.push(capacitySection(view, p));
  out.push(workloadSection(view, p));
  out.push(soakSection(view, p));
  out.push('<h3>Over time</h3>');
  if (!p.hasTimeseries) {
    out.push(
      `<p class="note">No time series for this phase: <code>timeseries.ndjson</code> is written by the live progress poller ` +
        `(<code>tools/progress</code>) while k6 runs, and there is none in ${esc(p.dir)}. The figures on this page come from k6's end-of-test summary.</p>`,
    );
  } else if (p.tooShortForCharts) {
    out.push(`<p class="note too-short">The ${esc(p.name)} phase was too short for charts over time: ${p.samples} sample(s), taken about once a second.</p>`);
  }
  if (p.dashboard) out.push(`<p>k6's own web dashboard report: <a href="${esc(p.dashboard)}">${esc(p.dashboard)}</a></p>`);
  out.push(`<div class="charts">${chartBoxes(view, p.chartIds)}</div>`);

  out.push('<h3>By resource and operation</h3>');
  if (p.rows.length === 0) out.push('<p class="note">No per-resource breakdown in the summary.</p>');
  else {
    out.push(
      table(opTableColumns(p), p.rows, {
        id: `ops-${p.name}`,
        className: 'compact',
        // Red only for what failed after retries: a 429 that was retried and then succeeded is not a failure.
        rowClass: (r) => (r.count === 0 ? 'idle' : p.failures.has(`${r.resource}|${r.op}`) ? 'bad' : (r.attemptErrorRate ?? r.errorRate ?? 0) > 0 ? 'retried' : ''),
      }),
    );
    out.push('<p class="note">Latency is k6\'s http_req_duration per attempt (request sent to response received). "attempts failed" counts attempts with a status the operation does not expect, retried ones included (what DMS saw); "failed after retries" is what the run\'s verdict rests on. Amber rows had attempts retried; red rows failed after retries.</p>');
  }

  out.push('<h3>Thresholds</h3>');
  if (p.thresholds.length === 0) out.push('<p class="note">No thresholds in the summary.</p>');
  else {
    const failed = p.thresholds.filter((r) => !r.ok).length;
    out.push(`<p>${failed === 0 ? 'All' : `${failed} of`} ${p.thresholds.length} thresholds ${failed === 0 ? 'passed' : 'FAILED'}.</p>`);
    out.push(table(thresholdColumns, p.thresholds, { id: `thresholds-${p.name}`, rowClass: (r) => (r.ok ? 'good' : 'bad') }));
  }

  if (p.entities.length > 0) {
    const ensured = p.entities.reduce((s, e) => s + e.ensured, 0);
    out.push('<h3>Entities ensured</h3>');
    out.push(`<p>${n(ensured)} of ${n(p.expectedEntities)} expected entities exist in the target (created now, or already there from an earlier run).</p>`);
    out.push(table(entityColumns, p.entities, { id: `entities-${p.name}`, rowClass: (r) => (r.ok === false ? 'bad' : '') }));
  }

  out.push('<h3>Tokens and retries</h3>');
  const tk = p.tokens;
  const tokenRows: Array<[string, string]> = [
    ['token requests (counted by the suite)', n(tk?.requests ?? 0)],
    ['token request time p50 / p95 / max', `${ms(tk?.duration.p50)} / ${ms(tk?.duration.p95)} / ${ms(tk?.duration.max)}`],
  ];
  if (tk?.tokenHttp) tokenRows.push(['HTTP calls to the token endpoint from k6 (count, p95)', `${n(tk.tokenHttp.count)}, ${ms(tk.tokenHttp.p95)}`]);
  if (tk?.brokerHttp) tokenRows.push(['HTTP calls to the token broker (count, p95)', `${n(tk.brokerHttp.count)}, ${ms(tk.brokerHttp.p95)}`]);
  out.push(table<[string, string]>([{ head: 'what', cell: (r) => r[0] }, { head: 'value', cell: (r) => r[1], num: true }], tokenRows, { id: `tokens-${p.name}` }));
  if (p.retries.length > 0) out.push(table(countColumns('retry reason (retried, not failed)'), p.retries, { id: `retries-${p.name}` }));
  else out.push('<p class="note">No retries were counted.</p>');

  if (p.checks.length > 0) {
    out.push('<h3>Checks</h3>');
    out.push(table(checkColumns, p.checks, { id: `checks-${p.name}`, rowClass: (r) => (r.fails > 0 ? 'bad' : '') }));
  }
  out.push('</section>');
  return out.join('\n');
}

function overview(view: ReportView): string {
  const columns: Column<PhaseView>[] = [
    { head: 'phase', cell: (p) => p.name },
    { head: 'k6 exit code', cell: (p) => (p.exitCode === undefined ? '-' : String(p.exitCode)), num: true },
    { head: 'data requests', cell: (p) => n(p.totals?.requests), num: true },
    { head: 'req/s', cell: (p) => rate(p.totals?.rate), num: true },
    { head: 'p95', cell: (p) => ms(p.totals?.p95), num: true },
    { head: 'attempts failed', cell: (p) => pct(p.totals?.attemptErrorRate ?? p.totals?.errorRate), num: true },
    { head: 'failed after retries', cell: (p) => n([...p.failures.values()].reduce((sum, f) => sum + Math.max(f.failedRequests ?? 0, f.failedOperations ?? 0, f.unexpected), 0)), num: true },
    { head: 'thresholds passed', cell: (p) => `${p.thresholds.filter((t) => t.ok).length} / ${p.thresholds.length}`, num: true },
  ];
  const bad = (p: PhaseView) => (p.exitCode !== undefined && p.exitCode !== 0) || p.thresholds.some((t) => !t.ok) || !p.hasSummary || p.failures.size > 0;
  return `<section id="overview"><h2>Phases</h2>${table(columns, view.phases, { id: 'phases', rowClass: (p) => (bad(p) ? 'bad' : '') })}</section>`;
}

const METRIC_HEAD: Record<MetricName, string> = { throughput: 'req/s', p50: 'p50', p95: 'p95', p99: 'p99', errorRate: 'error rate' };

function metricCell(m: MetricComparison | undefined): string {
  if (!m) return '';
  const fmt = (v: number | undefined) => (v === undefined ? '-' : m.metric === 'throughput' ? rate(v) : m.metric === 'errorRate' ? pct(v) : ms(v));
  const change = m.change === undefined || m.metric === 'errorRate' ? '' : ` (${m.change >= 0 ? '+' : ''}${Math.round(m.change * 100)}%)`;
  return `${fmt(m.baseline)} → ${fmt(m.current)}${change}${m.verdict === 'regression' ? ' REGRESSION' : ''}`;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function statNumber(v: unknown): string | undefined {
  if (typeof v !== 'number' || !Number.isFinite(v)) return str(v);
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(1) : v.toPrecision(2);
}

/** "[lo, hi]" from [lo, hi], { low, high } / { lower, upper } / { lo, hi }, or a string. */
function intervalText(v: unknown): string | undefined {
  if (Array.isArray(v) && v.length === 2) return `[${statNumber(v[0])}, ${statNumber(v[1])}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const lo = o.low ?? o.lower ?? o.lo;
    const hi = o.high ?? o.upper ?? o.hi;
    if (lo !== undefined && hi !== undefined) return `[${statNumber(lo)}, ${statNumber(hi)}]`;
  }
  return str(v);
}

/**
 * The statistics a comparison row or metric carries, when the baseline tool adds them (effect, a
 * confidence interval or a p-value, the test and its confidence): one short text per judged metric.
 */
function statsText(o: Record<string, unknown>): string {
  const parts: string[] = [];
  const effect = statNumber(o.effect);
  if (effect !== undefined) parts.push(`effect ${typeof o.effect === 'number' && o.effect > 0 ? '+' : ''}${effect}${str(o.effectUnit) ? ` ${o.effectUnit}` : ''}`);
  const interval = intervalText(o.interval ?? o.ci ?? o.confidenceInterval);
  const confidence = typeof o.confidence === 'number' ? `${Math.round(o.confidence * 100)}% ` : '';
  if (interval) parts.push(`${confidence}CI ${interval}`);
  const p = o.pValue ?? o.p;
  if (p !== undefined) parts.push(`p=${statNumber(p)}`);
  const test = str(o.test);
  if (test && parts.length > 0) parts.push(`(${test})`);
  return parts.join(' ');
}

function evidence(r: RowComparison): string {
  const own = statsText(r as unknown as Record<string, unknown>);
  const metrics = r.metrics
    .map((m) => {
      const text = statsText(m as unknown as Record<string, unknown>);
      return text ? `${METRIC_HEAD[m.metric] ?? m.metric}: ${text}` : '';
    })
    .filter(Boolean);
  return [own, ...metrics].filter(Boolean).join('; ');
}

function comparisonSection(c: Comparison): string {
  const out: string[] = ['<section id="baseline"><h2>Baseline comparison</h2>'];
  const verdict = c.verdict === 'pass' ? 'no regression' : `${c.regressions.length} regression(s)`;
  out.push(`<p>Compared with baseline <strong>${esc(c.baseline.name)}</strong> (saved ${esc(c.baseline.savedAt)}): <strong>${esc(verdict)}</strong>.</p>`);
  if (c.fingerprint.differences.length > 0) {
    const items = c.fingerprint.differences.map((d) => `<li>${esc(d.key)}: baseline ${esc(d.baseline ?? '(none)')}, this run ${esc(d.current ?? '(none)')}</li>`).join('');
    out.push(`<div class="banner">WARNING: this run and the baseline were made with different setups; the comparison may not mean what it seems.<ul>${items}</ul></div>`);
  }
  for (const note of c.phaseNotes) out.push(`<p class="note">${esc(note)}</p>`);
  const t = c.tolerances;
  out.push(
    `<p class="note">Tolerances: p50 +${Math.round(t.p50 * 100)}%, p95 +${Math.round(t.p95 * 100)}%, p99 +${Math.round(t.p99 * 100)}% ` +
      `(and at least +${esc(t.minDeltaMs)} ms), requests/s -${Math.round(t.throughput * 100)}%, error rate +${esc((t.errorRate * 100).toFixed(2))} points; ` +
      `rows with fewer than ${esc(t.minCount)} requests are not judged.</p>`,
  );
  const by = (r: RowComparison, m: MetricName) => r.metrics.find((x) => x.metric === m);
  const status = (r: RowComparison) => {
    const own = str((r as unknown as Record<string, unknown>).verdict);
    if (own) return own === 'regression' ? 'REGRESSION' : own.replace(/-/g, ' ');
    return r.status === 'compared' ? (r.metrics.some((m) => m.verdict === 'regression') ? 'REGRESSION' : 'ok') : r.status.replace(/-/g, ' ');
  };
  const withEvidence = c.rows.some((r) => evidence(r) !== '');
  const columns: Column<RowComparison>[] = [
    { head: 'phase', cell: (r) => r.phase },
    { head: 'resource', cell: (r) => r.resource },
    { head: 'operation', cell: (r) => r.op },
    { head: 'requests', cell: (r) => `${n(r.baselineCount)} → ${n(r.currentCount)}`, num: true },
    ...(['throughput', 'p50', 'p95', 'p99', 'errorRate'] as MetricName[]).map((m) => ({ head: METRIC_HEAD[m], cell: (r: RowComparison) => metricCell(by(r, m)), num: true })),
    ...(withEvidence ? [{ head: 'effect, interval / p-value', cell: evidence }] : []),
    { head: 'verdict', cell: status },
  ];
  out.push(table(columns, c.rows, { id: 'baseline-rows', className: 'compact', rowClass: (r) => (status(r) === 'REGRESSION' ? 'bad' : '') }));
  const capacity = capacityComparisonLines(c);
  if (capacity.length > 0) out.push(`<h3>Sustainable capacity</h3><ul id="baseline-capacity">${capacity.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>`);
  out.push('</section>');
  return out.join('\n');
}

function headerMeta(view: ReportView): string {
  const bits = [
    `profile ${view.profile ?? '?'}`,
    `phase ${view.phase ?? view.phases.map((p) => p.name).join('+')}`,
    `target ${view.target ?? '?'}`,
  ];
  if (view.startedAt) bits.push(`started ${view.startedAt}`);
  if (view.durationS !== undefined) bits.push(`took ${formatDuration(view.durationS)}`);
  if (view.exitCode !== undefined) bits.push(`exit code ${view.exitCode}${view.reason ? ` (${view.reason})` : ''}`);
  return bits.map(esc).join(' · ');
}

export function renderReport(view: ReportView, chartJs: string, generatedAt: Date): string {
  const title = `${view.status} · ${view.profile ?? 'run'} ${view.phase ?? ''} · DMS load test`;
  const body: string[] = [];
  body.push(`<header class="run ${esc(view.status)}"><h1>${esc(view.status)}: DMS load test${view.profile ? ` · ${esc(view.profile)}` : ''}</h1><div class="meta">${headerMeta(view)}</div></header>`);
  body.push('<main>');
  body.push(answerSection(view.findings));
  if (view.isStandIn) {
    body.push(
      '<div class="banner" id="stand-in-banner">STAND-IN RUN: these numbers come from the bundled DMS stand-in (sim/), not from a real Data Management Service. ' +
        'They check the suite itself; they say nothing about DMS performance.</div>',
    );
  }
  if (view.metrics) {
    const m = view.metrics;
    const links = [m.prometheus ? `<a href="${esc(m.prometheus)}">Prometheus</a>` : '', m.grafana ? `<a href="${esc(m.grafana)}">Grafana</a>` : ''].filter(Boolean).join(' · ');
    body.push(
      `<p id="metrics-links">Metrics of this run (labels <code>${esc(m.selector)}</code>, ${esc(new Date(m.fromMs).toISOString())} to ${esc(new Date(m.toMs).toISOString())}): ${links || 'in the Prometheus the run wrote to'}</p>`,
    );
  }
  if (view.warnings.length > 0) body.push(`<div class="warnings"><strong>Notes on the results folder</strong><ul>${view.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul></div>`);
  if (view.phases.length > 1) body.push(overview(view));
  if (view.comparison) body.push(comparisonSection(view.comparison));
  for (const p of view.phases) body.push(phaseSection(view, p));

  if (view.simRoutes.length > 0 || view.simTokens) {
    body.push('<section id="stand-in"><h2>Stand-in counters</h2>');
    if (view.simTokens) {
      const t = view.simTokens;
      body.push(`<p>Tokens: ${esc(n(typeof t.active === 'number' ? t.active : undefined))} active at the end, ${esc(n(typeof t.rejectedByCap === 'number' ? t.rejectedByCap : 0))} refused by the per-client cap.</p>`);
    }
    if (view.simRoutes.length > 0) {
      body.push(table(simColumns, view.simRoutes, { id: 'sim-routes', rowClass: (r) => (r.status === '429' || Number(r.status) >= 500 ? 'retried' : '') }));
      body.push('<p class="note">Every answer the stand-in gave, by route and status. Some 4xx are expected: 404 when the readwrite mix checks a deleted document, 409 while the load phase waits for a reference another VU is still writing, 412 when two VUs update the same document. 429 and 5xx are marked amber: the client retries them, and only those whose retries ran out are failures (at the top of the page).</p>');
    }
    if (view.simDocuments.length > 0) body.push(table(countColumns('documents stored'), view.simDocuments, { id: 'sim-documents' }));
    body.push('</section>');
  }
  if (view.broker) {
    const b = view.broker;
    const durations = Array.isArray(b.fetchDurationsMs) ? (b.fetchDurationsMs as unknown[]).filter((x): x is number => typeof x === 'number') : [];
    const rows: Array<[string, string]> = [
      ['tokens fetched from the token endpoint', n(typeof b.tokensFetched === 'number' ? b.tokensFetched : undefined)],
      ['failed fetches', n(typeof b.fetchFailures === 'number' ? b.fetchFailures : undefined)],
      ['last error', b.lastError ? String(b.lastError) : '-'],
    ];
    if (durations.length > 0) rows.push(['fetch time (each)', durations.map((d) => ms(d)).join(', ')]);
    body.push('<section id="broker"><h2>Token broker</h2>');
    body.push(table<[string, string]>([{ head: 'what', cell: (r) => r[0] }, { head: 'value', cell: (r) => r[1] }], rows, { id: 'broker-stats' }));
    body.push('</section>');
  }
  body.push('<section id="config"><h2>Configuration</h2>');
  if (view.config.length === 0) body.push('<p class="note">No configuration recorded (no run.json).</p>');
  else {
    body.push(
      table<[string, { value: string; source?: string }]>(
        [
          { head: 'setting', cell: (r) => r[0] },
          { head: 'value', cell: (r) => r[1].value },
          { head: 'from', cell: (r) => r[1].source ?? '' },
        ],
        view.config,
        { id: 'config-table' },
      ),
    );
  }
  body.push('<h3>Versions</h3>');
  if (view.versions.length === 0) body.push('<p class="note">No versions recorded.</p>');
  else body.push(table<[string, string]>([{ head: 'tool', cell: (r) => r[0] }, { head: 'version', cell: (r) => r[1] }], view.versions, { id: 'versions' }));
  body.push('</section>');
  body.push(`<footer>Results folder ${esc(view.folder)} · report generated ${esc(generatedAt.toISOString())} · charts by Chart.js (inlined)</footer>`);
  body.push('</main>');
  const data = { charts: view.charts };
  // chart.js's own source map comment would point at a file that is not there.
  const library = chartJs.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title>`,
    `<style>${STYLE}</style></head><body>`,
    body.join('\n'),
    `<script type="application/json" id="report-data">${json(data)}</script>`,
    `<script>${library}</script>`,
    `<script>${INIT_SCRIPT}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}
