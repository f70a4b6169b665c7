// Opens report.html in a real headless chromium (Debian's /usr/bin/chromium, driven by playwright-core):
// no console errors, no page errors, no network, and every chart canvas drawn by chart.js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { writeReport } from '../../tools/report/main.ts';
import { ROOT } from './helpers/stand-in-run.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
// In CI a missing browser is a failure, never a silent pass.
const skip = existsSync(CHROMIUM) || process.env.CI ? false : `no chromium at ${CHROMIUM}: apt-get install -y --no-install-recommends chromium (or set CHROMIUM_PATH)`;

async function openReport(dir: string) {
  const file = writeReport(dir);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return { browser, page, problems, requests, file };
}

test('the report opens in chromium without errors and every chart renders', { skip, timeout: 60_000 }, async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'report-browser-')), 'run');
  cpSync(join(ROOT, 'test/tools/fixtures/smoke-sim'), dir, { recursive: true });
  const { browser, page, problems, requests, file } = await openReport(dir);
  try {
    // Browser-side code as strings: this project's TypeScript has no DOM library.
    const charts = (await page.evaluate(`(() => {
      const ids = JSON.parse(document.getElementById('report-data').textContent).charts.map((c) => c.id);
      return ids.map((id) => {
        const canvas = document.getElementById('chart-' + id);
        const chart = canvas ? window.Chart.getChart(canvas) : undefined;
        return { id, canvas: canvas !== null, width: canvas ? canvas.width : 0, height: canvas ? canvas.height : 0,
          chart: chart !== undefined, datasets: chart ? chart.data.datasets.length : 0 };
      });
    })()`)) as Array<{ id: string; canvas: boolean; width: number; height: number; chart: boolean; datasets: number }>;
    assert.deepEqual(problems, []);
    assert.ok(charts.length >= 8, `charts: ${charts.map((c) => c.id).join(', ')}`);
    for (const c of charts) {
      assert.ok(c.canvas, `${c.id}: canvas present`);
      assert.ok(c.width > 0 && c.height > 0, `${c.id}: canvas has a size (${c.width}x${c.height})`);
      assert.ok(c.chart, `${c.id}: chart.js instance on the canvas`);
      assert.ok(c.datasets > 0, `${c.id}: datasets drawn`);
    }
    // Something was painted: the canvas is not blank.
    const painted = (await page.evaluate(`(() => {
      const canvas = document.getElementById('chart-readwrite-throughput');
      const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let ink = 0;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) ink++;
      return ink;
    })()`)) as number;
    assert.ok(painted > 500, `painted pixels: ${painted}`);
    assert.deepEqual(requests, [pathToFileURL(file).href], 'the page loads nothing but itself');
  } finally {
    await browser.close();
  }
});

test('a report with failures, caps and a wide baseline comparison: no errors, and the baseline table fits the page', { skip, timeout: 60_000 }, async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'report-browser-')), 'run');
  cpSync(join(ROOT, 'test/tools/fixtures/outcomes'), dir, { recursive: true });
  const { browser, page, problems } = await openReport(dir);
  try {
    const sizes = (await page.evaluate(`(() => {
      const main = document.querySelector('main');
      const table = document.getElementById('baseline-rows');
      const answer = document.getElementById('answer');
      return { main: main.clientWidth, table: table.scrollWidth, page: document.documentElement.scrollWidth,
        viewport: window.innerWidth, answerTop: answer.getBoundingClientRect().top };
    })()`)) as { main: number; table: number; page: number; viewport: number; answerTop: number };
    assert.deepEqual(problems, []);
    assert.ok(sizes.table <= sizes.main, `baseline table ${sizes.table}px wide in a ${sizes.main}px page`);
    assert.ok(sizes.page <= sizes.viewport, `the page scrolls sideways: ${sizes.page}px in a ${sizes.viewport}px window`);
    assert.ok(sizes.answerTop < 200, `the answer is at the top (${sizes.answerTop}px)`);
  } finally {
    await browser.close();
  }
});

test('a capacity run: the step table and the per-step charts (throughput, p95 with its limits) are drawn, without errors', { skip, timeout: 60_000 }, async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'report-browser-')), 'run');
  cpSync(join(ROOT, 'test/tools/fixtures/capacity-sim'), dir, { recursive: true });
  const { browser, page, problems } = await openReport(dir);
  try {
    const seen = (await page.evaluate(`(() => {
      const chart = (id) => { const c = document.getElementById('chart-' + id); const ch = c && window.Chart.getChart(c);
        return ch ? { labels: ch.data.labels, datasets: ch.data.datasets.map((d) => d.label), width: c.width } : null; };
      const rows = [...document.querySelectorAll('#capacity-steps-capacity tbody tr')].map((r) => r.className + ':' + r.cells[0].textContent);
      return { line: document.getElementById('capacity-capacity').textContent, rows,
        throughput: chart('capacity-capacity-throughput'), p95: chart('capacity-capacity-p95') };
    })()`)) as { line: string; rows: string[]; throughput: { labels: string[]; datasets: string[]; width: number } | null; p95: { labels: string[]; datasets: string[]; width: number } | null };
    assert.deepEqual(problems, []);
    assert.match(seen.line, /^sustainable capacity: \d+ requests\/s/);
    assert.deepEqual(seen.rows, ['good:step 1 (10 iterations/s)', 'bad:step 2 (20 iterations/s)', 'bad:step 3 (30 iterations/s)', 'idle:step 4 (40 iterations/s)']);
    assert.deepEqual(seen.throughput?.labels, ['10/s', '20/s (broke)', '30/s (broke)', '40/s (cut short)']);
    assert.deepEqual(seen.throughput?.datasets, ['data requests/s', 'operations/s', 'planned iterations/s']);
    assert.deepEqual(seen.p95?.datasets, ['p95 of the step', 'p95 limit (500 ms)', "first step's p95 + 50%"]);
    assert.ok((seen.p95?.width ?? 0) > 0);
  } finally {
    await browser.close();
  }
});

test("the workloads shaped as Ed-Fi's: each run's figure beside Ed-Fi's published ones, drawn as labelled reference lines", { skip, timeout: 60_000 }, async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'report-browser-')), 'run');
  cpSync(join(ROOT, 'test/tools/fixtures/workloads-sim'), dir, { recursive: true });
  const { browser, page, problems } = await openReport(dir);
  try {
    const seen = (await page.evaluate(`(() => ['volume', 'deep-paging', 'filtered-read'].map((phase) => {
      const canvas = document.getElementById('chart-' + phase + '-reference');
      const chart = canvas && window.Chart.getChart(canvas);
      const table = document.getElementById('workload-figures-' + phase);
      return { phase, line: document.getElementById('workload-' + phase).textContent,
        datasets: chart ? chart.data.datasets.map((d) => d.label + (d.borderDash ? ' (dashed)' : '')) : null,
        labels: chart ? chart.data.labels.length : 0, width: canvas ? canvas.width : 0,
        head: table ? [...table.querySelectorAll('th')].map((th) => th.textContent) : null };
    }))()`)) as Array<{ phase: string; line: string; datasets: string[] | null; labels: number; width: number; head: string[] | null }>;
    assert.deepEqual(problems, []);
    const unit: Record<string, string> = { volume: 'requests/s', 'deep-paging': 'ms', 'filtered-read': 'ms' };
    const values: Record<string, [number, number]> = { volume: [1378, 1305], 'deep-paging': [379, 573], 'filtered-read': [17, 29.1] };
    for (const s of seen) {
      assert.match(s.line, new RegExp(`^${s.phase}: .*; beside Ed-Fi 2026-09-30 \\(PostgreSQL; hardware: .*\\): DMS 8\\.1 pre-release .* \\(a reference, not a verdict`), s.phase);
      const [dms, ods] = values[s.phase];
      assert.deepEqual(s.datasets?.filter((d) => d.startsWith('Ed-Fi')), [
        `Ed-Fi 2026-09-30: DMS 8.1 pre-release ${dms} ${unit[s.phase]} (reference) (dashed)`,
        `Ed-Fi 2026-09-30: ODS/API 7.3.2 ${ods} ${unit[s.phase]} (reference) (dashed)`,
      ], s.phase);
      assert.ok((s.datasets?.length ?? 0) >= 3 && s.width > 0 && s.labels >= 3, `${s.phase}: ${JSON.stringify(s)}`);
      assert.deepEqual(s.head, ['figure', 'this run', 'DMS 8.1 pre-release (Ed-Fi 2026-09-30)', 'ODS/API 7.3.2 (Ed-Fi 2026-09-30)']);
    }
    assert.deepEqual(seen.find((s) => s.phase === 'deep-paging')?.datasets?.slice(0, 2), ['mean ms per page, by offset', 'mean ms per page, by cursor']);
  } finally {
    await browser.close();
  }
});
