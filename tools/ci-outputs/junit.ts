// junit.xml: a run as JUnit test results, the format CI systems render natively (GitHub Actions test
// reporters, Azure DevOps PublishTestResults, GitLab, Jenkins). Pure: built from a results folder's values,
// unit-tested; the tests check every written file against the common JUnit shape (test/tools/fixtures/junit.xsd)
// with xmllint.
//
// Test suites and their test cases:
//   pre-flight          one per pre-flight check the runner printed (runner-checks.tsv), FAIL -> failure
//   phase <name>        "k6 exit code" (failure when non-zero, skipped when the phase did not run), then one
//                       per threshold of its summary.json (failure with the value k6 judged)
//   baseline <name>     one per row of baseline-comparison.json (failure when a metric regressed; skipped
//                       when too few samples or on one side only); without a comparison, the runner's
//                       baseline check lines
//   run                 "verdict": failure with run.json's reason when the run failed, so a run that failed
//                       for a reason no other case covers (usage error, disk full, killed) is never green
import { ALL, COMPARISON_FORMATS, type Comparison, type RowComparison } from '../baseline/baseline.ts';
import type { PhaseResults, ResultsFolder } from '../report/results.ts';
import type { CheckRecord } from './checks.ts';
import { thresholdOutcomes } from './thresholds.ts';
import { escapeXmlText, xmlElement, xmlOpenTag } from './xml.ts';

export interface JunitFailure {
  /** One line: what failed and why. */
  message: string;
  /** The kind of failure: 'pre-flight', 'threshold', 'k6-exit', 'regression', 'baseline', 'run'. */
  type: string;
  /** More lines of detail (may be empty). */
  text: string;
}

export interface JunitCase {
  name: string;
  classname: string;
  /** Seconds. */
  time: number;
  failure?: JunitFailure;
  /** Why the case was not judged. */
  skipped?: string;
}

export interface JunitSuite {
  name: string;
  /** Seconds. */
  time: number;
  /** When the run started, xs:dateTime without a zone (UTC), as the JUnit schema has it. */
  timestamp?: string;
  cases: JunitCase[];
}

export interface JunitReport {
  name: string;
  /** Seconds. */
  time: number;
  suites: JunitSuite[];
}

const PREFIX = 'dms-load-test';

/** k6's exit codes and the runner's, in words (README.md). */
const EXIT_WORDS: Record<number, string> = {
  99: 'thresholds failed',
  104: 'invalid k6 configuration',
  105: 'stopped by a signal',
  107: 'script error',
  108: 'the scenario aborted the test',
  255: 'k6 refused to start',
};

/** '2026-11-24T03:21:06Z' -> '2026-11-24T03:21:06' (UTC); undefined for anything unparsable. */
export function junitTimestamp(iso: string | undefined): string | undefined {
  if (!iso) return undefined;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 19) : undefined;
}

function seconds(start?: string, end?: string): number {
  const ms = Date.parse(end ?? '') - Date.parse(start ?? '');
  return Number.isFinite(ms) && ms > 0 ? ms / 1000 : 0;
}

function checksSuite(name: string, classname: string, checks: CheckRecord[], timestamp?: string): JunitSuite {
  return {
    name,
    time: 0,
    timestamp,
    cases: checks.map((c) => ({
      name: c.name,
      classname,
      time: 0,
      failure: c.status === 'FAIL' ? { message: `${c.name}: ${c.text}`, type: name === 'pre-flight' ? 'pre-flight' : 'baseline', text: c.text } : undefined,
      skipped: c.status === 'SKIP' ? c.text || 'skipped' : undefined,
    })),
  };
}

function phaseSuite(phase: PhaseResults, timestamp?: string): JunitSuite {
  const classname = `${PREFIX}.${phase.name}`;
  const time = (phase.summary?.state?.testRunDurationMs ?? 0) / 1000;
  const exit: JunitCase = { name: 'k6 exit code', classname, time };
  if (phase.exitCode === undefined) {
    exit.skipped = phase.summary ? 'the exit code was not recorded' : 'the phase did not run';
  } else if (phase.exitCode !== 0) {
    const words = EXIT_WORDS[phase.exitCode];
    exit.failure = {
      message: `phase ${phase.name}: k6 exit code ${phase.exitCode}${words ? ` (${words})` : ''}`,
      type: 'k6-exit',
      text: phase.summary ? '' : 'k6 wrote no summary.json for this phase',
    };
  }
  const cases = [exit];
  for (const t of phase.summary ? thresholdOutcomes(phase.summary) : []) {
    const c: JunitCase = { name: `${t.metric}: ${t.expression}`, classname: `${classname}.thresholds`, time: 0 };
    if (!t.ok) {
      c.failure = {
        message: `threshold ${t.metric} ${t.expression} failed${t.observed ? `: ${t.observed}` : ''}`,
        type: 'threshold',
        text: `phase ${phase.name}, metric ${t.metric}, threshold ${t.expression}${t.observed ? `, observed ${t.observed}` : ''}`,
      };
    }
    cases.push(c);
  }
  return { name: `phase ${phase.name}`, time, timestamp, cases };
}

/** 'load students create', 'readwrite all data requests'. */
export function rowLabel(r: { phase: string; resource: string; op: string }): string {
  return r.resource === ALL ? `${r.phase} all data requests` : `${r.phase} ${r.resource} ${r.op}`;
}

const round = (v: number | undefined) => (v === undefined ? '?' : String(Number(v.toPrecision(4))));

/** '; mann-whitney p=0.0021 (Holm), P(slower) 0.97'; comparisons of format 1 name the test only. */
export function testText(test: unknown): string {
  if (typeof test === 'string') return `; ${test}`;
  if (!test || typeof test !== 'object') return '';
  const t = test as { name?: unknown; pAdjusted?: unknown; detail?: unknown };
  const p = typeof t.pAdjusted === 'number' ? ` p=${round(t.pAdjusted)} (Holm)` : '';
  return `; ${String(t.name ?? 'test')}${p}${typeof t.detail === 'string' ? `, ${t.detail}` : ''}`;
}

function rowCase(row: RowComparison, classname: string): JunitCase {
  const c: JunitCase = { name: rowLabel(row), classname, time: 0 };
  if (row.status === 'too-few-samples') c.skipped = `not judged: ${row.baselineCount ?? 0} requests in the baseline, ${row.currentCount ?? 0} in this run (too few)`;
  else if (row.status === 'only-in-baseline') c.skipped = 'only in the baseline: this run made no such request';
  else if (row.status === 'only-in-run') c.skipped = 'only in this run: the baseline has no such row';
  const regressed = row.metrics.filter((m) => m.verdict === 'regression');
  if (regressed.length > 0) {
    const lines = regressed.map((m) => `${m.metric} ${round(m.baseline)} -> ${round(m.current)} (allowed ${m.limit}${testText(m.test)})`);
    c.failure = { message: `${rowLabel(row)} regressed: ${lines.join('; ')}`, type: 'regression', text: lines.join('\n') };
  }
  return c;
}

function comparisonOf(results: ResultsFolder): Comparison | undefined {
  const c = results.comparison as Comparison | undefined;
  return c && COMPARISON_FORMATS.includes(String(c.format)) && Array.isArray(c.rows) ? c : undefined;
}

/** The JUnit model of a results folder; `checks` are its runner-checks.tsv lines. */
export function buildJunit(results: ResultsFolder, checks: CheckRecord[]): JunitReport {
  const run = results.run;
  const timestamp = junitTimestamp(run?.startedAt);
  const suites: JunitSuite[] = [];
  const preflight = checks.filter((c) => c.group === 'pre-flight');
  if (preflight.length > 0) suites.push(checksSuite('pre-flight', `${PREFIX}.pre-flight`, preflight, timestamp));
  for (const phase of results.phases) suites.push(phaseSuite(phase, timestamp));
  const comparison = comparisonOf(results);
  if (comparison) {
    const classname = `${PREFIX}.baseline`;
    suites.push({ name: `baseline ${comparison.baseline?.name ?? ''}`.trim(), time: 0, timestamp, cases: comparison.rows.map((r) => rowCase(r, classname)) });
  } else {
    const baselineChecks = checks.filter((c) => c.group === 'baseline');
    if (baselineChecks.length > 0) suites.push(checksSuite('baseline', `${PREFIX}.baseline`, baselineChecks, timestamp));
  }
  const status = run?.status ?? (run?.exitCode === undefined ? undefined : run.exitCode === 0 ? 'PASS' : 'FAIL');
  const verdict: JunitCase = { name: 'verdict', classname: `${PREFIX}.run`, time: seconds(run?.startedAt, run?.finishedAt) };
  if (status === undefined) verdict.skipped = 'the folder has no run.json: the run was not recorded by the runner';
  else if (status !== 'PASS') {
    verdict.failure = {
      message: `the run failed (exit code ${run?.exitCode ?? '?'})${run?.reason ? `: ${run.reason}` : ''}`,
      type: 'run',
      text: run?.reason ?? '',
    };
  }
  suites.push({ name: 'run', time: verdict.time, timestamp, cases: [verdict] });
  const label = [run?.profile, run?.phase, run?.target === 'sim' ? 'against the stand-in' : run?.target ? `against ${run.target}` : undefined].filter(Boolean).join(' ');
  return { name: `DMS load test${label ? ` ${label}` : ''}${run ? '' : ' (no run.json)'}`, time: verdict.time, suites };
}

const count = (cases: JunitCase[], what: 'failure' | 'skipped') => cases.filter((c) => c[what] !== undefined).length;
const secondsAttr = (s: number) => s.toFixed(3);

function renderCase(c: JunitCase): string {
  let inner = '';
  if (c.failure) inner = xmlElement('failure', { message: c.failure.message, type: c.failure.type }, escapeXmlText(c.failure.text));
  else if (c.skipped !== undefined) inner = xmlElement('skipped', { message: c.skipped });
  return `    ${xmlElement('testcase', { name: c.name, classname: c.classname, time: secondsAttr(c.time) }, inner)}`;
}

/** The XML document: <testsuites> with counts, a <testsuite> per suite (ids from 0), a <testcase> per case. */
export function renderJunit(report: JunitReport): string {
  const all = report.suites.flatMap((s) => s.cases);
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  lines.push(xmlOpenTag('testsuites', { name: report.name, tests: all.length, failures: count(all, 'failure'), errors: 0, skipped: count(all, 'skipped'), time: secondsAttr(report.time) }));
  report.suites.forEach((s, id) => {
    const attrs = { name: s.name, id, tests: s.cases.length, failures: count(s.cases, 'failure'), errors: 0, skipped: count(s.cases, 'skipped'), time: secondsAttr(s.time), timestamp: s.timestamp, hostname: 'localhost' };
    lines.push(`  ${xmlOpenTag('testsuite', attrs)}`, ...s.cases.map(renderCase), '  </testsuite>');
  });
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}
