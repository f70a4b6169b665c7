// junit.xml and summary.md (tools/ci-outputs): the XML escaper, the JUnit model of saved results, the
// Markdown summary, the runner's check lines. Every junit.xml written here is validated by xmllint against
// the common JUnit shape (test/tools/fixtures/junit.xsd), which also proves it well-formed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './helpers/stand-in-run.ts';
import { escapeXmlAttr, escapeXmlText } from '../../tools/ci-outputs/xml.ts';
import { parseChecks } from '../../tools/ci-outputs/checks.ts';
import { buildJunit, junitTimestamp, renderJunit, type JunitReport } from '../../tools/ci-outputs/junit.ts';
import { mdCode, mdText } from '../../tools/ci-outputs/markdown.ts';
import { aggregationOf, observedValue } from '../../tools/ci-outputs/thresholds.ts';
import { writeCiOutputs } from '../../tools/ci-outputs/main.ts';
import { readResults } from '../../tools/report/results.ts';

const XSD = join(ROOT, 'test/tools/fixtures/junit.xsd');

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'ci-outputs-'));
}

/** xmllint's verdict on a file against the JUnit shape: '' when valid, else its messages. */
function junitShapeErrors(file: string): string {
  const out = spawnSync('xmllint', ['--noout', '--schema', XSD, file], { encoding: 'utf8' });
  assert.notEqual(out.error?.message.includes('ENOENT'), true, 'xmllint is installed (Debian: libxml2-utils)');
  return out.status === 0 ? '' : `${out.stdout}${out.stderr}`;
}

function xpath(file: string, expression: string): string {
  const out = spawnSync('xmllint', ['--xpath', expression, file], { encoding: 'utf8' });
  assert.equal(out.status, 0, out.stderr);
  return out.stdout.replace(/\n$/, ''); // xmllint ends its answer with a line break of its own
}

function copy(fixture: string): string {
  const dir = join(tmp(), 'run');
  cpSync(join(ROOT, 'test/tools/fixtures', fixture), dir, { recursive: true });
  return dir;
}

const NASTY = 'a < b && c > d "quoted" \'single\' ]]> tab\there\nnew line\r\u0001bell\u0007 \uD83D\uDE00 lone \uD800 end';

test('XML escaping: markup characters, quotes, line breaks in attributes, characters XML forbids', () => {
  assert.equal(escapeXmlText('a < b && c > d ]]>'), 'a &lt; b &amp;&amp; c &gt; d ]]&gt;');
  assert.equal(escapeXmlAttr('say "hi"\tand\nbye\r'), 'say &quot;hi&quot;&#9;and&#10;bye&#13;');
  assert.equal(escapeXmlText('bell\u0007 nul\u0000'), 'bell\uFFFD nul\uFFFD');
  assert.equal(escapeXmlText('\uD83D\uDE00'), '\uD83D\uDE00', 'a surrogate pair is one character and stays');
  assert.equal(escapeXmlText('x\uD800y\uDC00z'), 'x\uFFFDy\uFFFDz', 'lone surrogates are not XML characters');
});

test('any text in names, messages and details gives a valid junit.xml that reads back as written', () => {
  const report: JunitReport = {
    name: NASTY,
    time: 1.5,
    suites: [
      {
        name: `suite ${NASTY}`,
        time: 1.5,
        timestamp: '2026-11-24T10:00:00',
        cases: [
          { name: NASTY, classname: 'dms-load-test.x', time: 0, failure: { message: NASTY, type: 'threshold', text: NASTY } },
          { name: 'skipped one', classname: 'dms-load-test.x', time: 0, skipped: NASTY },
        ],
      },
    ],
  };
  const file = join(tmp(), 'junit.xml');
  writeFileSync(file, renderJunit(report));
  assert.equal(junitShapeErrors(file), '');
  const expected = NASTY.replace(/[\u0001\u0007]|\uD800(?![\uDC00-\uDFFF])/g, '\uFFFD');
  assert.equal(xpath(file, 'string(//testcase[1]/@name)'), expected, 'an attribute keeps tabs and line breaks');
  assert.equal(xpath(file, 'string(//testcase[1]/failure/@message)'), expected);
  // Text content: XML parsers turn CR LF / CR into LF (XML 1.0 end-of-line handling); nothing else changes.
  assert.equal(xpath(file, 'string(//testcase[1]/failure)'), expected.replace(/\r\n?/g, '\n'));
  assert.equal(xpath(file, 'string(//testcase[2]/skipped/@message)'), expected);
  assert.equal(xpath(file, 'string(/testsuites/@failures)'), '1');
  assert.equal(xpath(file, 'string(/testsuites/@skipped)'), '1');
});

test('the JUnit shape check rejects what renderers cannot read (it can fail)', () => {
  const file = join(tmp(), 'junit.xml');
  writeFileSync(file, '<?xml version="1.0"?><testsuites tests="1" failures="0" errors="0"><testsuite name="x" tests="1" failures="0" errors="0" skipped="0" time="0"><testcase name="a" time="0"/></testsuite></testsuites>');
  assert.match(junitShapeErrors(file), /classname/, 'a test case without classname');
  writeFileSync(file, '<testsuites tests="1" failures="0" errors="0"><testsuite name="a & b" tests="1" failures="0" errors="0" skipped="0" time="0"></testsuite></testsuites>');
  assert.notEqual(junitShapeErrors(file), '', 'an unescaped & is not XML');
});

test('the runner check lines: pre-flight until the first phase, phase and baseline lines apart', () => {
  const checks = parseChecks(
    [
      'configuration (shell > .env.profiles/smoke.env)\tFAIL\tbaseline\tthe comparison with x cannot be made',
      'pre-flight\tPASS\tk6\tv2.2.0 (/usr/bin/k6)',
      'pre-flight\tSKIP\tclient setup\tCLIENT_ID given',
      'phase load: k6 run dist/load.js\tPASS\tphase load\tk6 exit code 0',
      'comparison with baseline smoke\tFAIL\tbaseline\tregression',
      'broken line without tabs',
      'pre-flight\tMAYBE\tk6\tunknown status',
    ].join('\n'),
  );
  assert.deepEqual(
    checks.map((c) => `${c.group}/${c.status}/${c.name}`),
    ['pre-flight/FAIL/baseline', 'pre-flight/PASS/k6', 'pre-flight/SKIP/client setup', 'phase/PASS/phase load', 'baseline/FAIL/baseline'],
  );
});

test('threshold expressions: the aggregation and the value k6 judged, with its unit', () => {
  assert.equal(aggregationOf('p(95)<500'), 'p(95)');
  assert.equal(aggregationOf('p(99.9) <= 2000'), 'p(99.9)');
  assert.equal(aggregationOf('rate<=0.01'), 'rate');
  assert.equal(aggregationOf('count==36'), 'count');
  assert.equal(aggregationOf('nonsense'), undefined);
  assert.equal(observedValue({ type: 'trend', contains: 'time', values: { 'p(95)': 612.34 } }, 'p(95)<500'), 'p(95) = 612 ms');
  assert.equal(observedValue({ type: 'rate', values: { rate: 0.0164, passes: 25, fails: 1500 } }, 'rate<=0.01'), 'rate = 1.64% (25 of 1525)');
  assert.equal(observedValue({ type: 'counter', values: { count: 35, rate: 3.1 } }, 'count==36'), 'count = 35');
  assert.equal(observedValue({ type: 'trend', contains: 'time', values: {} }, 'p(95)<500'), undefined, 'a value the summary lacks is not made up');
});

test('junit.xml of saved results (FAIL, thresholds failed, a baseline with regressions): one case per threshold and row, failures with reasons', () => {
  const dir = copy('outcomes');
  writeFileSync(
    join(dir, 'runner-checks.tsv'),
    'pre-flight\tPASS\tk6\tv2.2.0\npre-flight\tPASS\tDMS reachable\thttp://dms\nphase readwrite: k6\tFAIL\tphase readwrite\tk6 exit code 99\n',
  );
  const { junit } = writeCiOutputs(dir);
  assert.equal(junitShapeErrors(junit), '');
  const suites = Array.from({ length: Number(xpath(junit, 'count(//testsuite)')) }, (_, i) => xpath(junit, `string(//testsuite[${i + 1}]/@name)`));
  assert.deepEqual(suites, ['pre-flight', 'phase load', 'phase readwrite', 'baseline main', 'run']);
  assert.equal(xpath(junit, 'count(//testsuite[@name="pre-flight"]/testcase)'), '2');
  const results = readResults(dir);
  const thresholds = (phase: string) =>
    Object.values(results.phases.find((p) => p.name === phase)?.summary?.metrics ?? {}).reduce((n, m) => n + Object.keys(m.thresholds ?? {}).length, 0);
  assert.equal(Number(xpath(junit, 'count(//testsuite[@name="phase readwrite"]/testcase)')), thresholds('readwrite') + 1, 'the exit code, then every threshold');
  assert.equal(Number(xpath(junit, 'count(//testsuite[@name="phase load"]/testcase)')), thresholds('load') + 1);
  assert.equal(
    xpath(junit, 'string(//testcase[@name="http_req_duration{resource:students,op:query}: p(95)<80"]/failure/@message)'),
    'threshold http_req_duration{resource:students,op:query} p(95)<80 failed: p(95) = 95.0 ms',
  );
  assert.equal(xpath(junit, 'string(//testsuite[@name="phase readwrite"]/testcase[@name="k6 exit code"]/failure/@message)'), 'phase readwrite: k6 exit code 99 (thresholds failed)');
  assert.equal(xpath(junit, 'count(//testsuite[@name="phase load"]//failure)'), '0');
  const comparison = JSON.parse(readFileSync(join(dir, 'baseline-comparison.json'), 'utf8')) as { rows: unknown[] };
  assert.equal(Number(xpath(junit, 'count(//testsuite[@name="baseline main"]/testcase)')), comparison.rows.length);
  assert.equal(xpath(junit, 'string(//testcase[@name="readwrite resource0 read"]/failure/@message)'), 'readwrite resource0 read regressed: p95 10 -> 20 (allowed +20% and +5 ms; Mann-Whitney U)');
  assert.match(xpath(junit, 'string(//testcase[@name="readwrite courses read"]/skipped/@message)'), /^not judged: 40 requests in the baseline, 50 in this run/);
  assert.match(xpath(junit, 'string(//testcase[@name="verdict"]/failure/@message)'), /^the run failed \(exit code 99\): phase readwrite: k6 exit code 99/);
  assert.equal(xpath(junit, 'string(/testsuites/@failures)'), String(3 + 1 + 8 + 1), 'three thresholds, the exit code, eight rows, the verdict');
});

test('a run that stopped at its pre-flight: the failed check and the verdict fail, no phase suite', () => {
  const dir = join(tmp(), 'run');
  const run = { runId: 'x', profile: 'smoke', phase: 'full', target: 'dms', startedAt: '2026-11-24T10:00:00Z', finishedAt: '2026-11-24T10:00:02Z', exitCode: 3, status: 'FAIL', reason: 'pre-flight failed: DMS reachable: GET http://127.0.0.1:9/ failed', phases: [] };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'run.json'), JSON.stringify(run));
  writeFileSync(join(dir, 'runner-checks.tsv'), 'pre-flight\tPASS\tk6\tv2.2.0\npre-flight\tFAIL\tDMS reachable\tGET http://127.0.0.1:9/ failed: connection refused\n');
  const report = buildJunit(readResults(dir), parseChecks(readFileSync(join(dir, 'runner-checks.tsv'), 'utf8')));
  assert.deepEqual(report.suites.map((s) => s.name), ['pre-flight', 'run']);
  assert.equal(report.suites[0].cases[1].failure?.message, 'DMS reachable: GET http://127.0.0.1:9/ failed: connection refused');
  assert.equal(report.suites[1].cases[0].failure?.message, 'the run failed (exit code 3): pre-flight failed: DMS reachable: GET http://127.0.0.1:9/ failed');
  assert.equal(report.suites[1].cases[0].time, 2);
});

test('JUnit timestamps are UTC without a zone, as the JUnit schema has them', () => {
  assert.equal(junitTimestamp('2026-11-24T03:21:06Z'), '2026-11-24T03:21:06');
  assert.equal(junitTimestamp('2026-11-24T03:21:06.5+01:00'), '2026-11-24T02:21:06');
  assert.equal(junitTimestamp('yesterday'), undefined);
});

test('Markdown: text cannot break a table or inject markup; code spans survive backticks and pipes', () => {
  assert.equal(mdText('a|b <script> *x* [l](u) `c`\nnext'), 'a\\|b \\<script\\> \\*x\\* \\[l\\](u) \\`c\\` next');
  assert.equal(mdText('R&D'), 'R&amp;D');
  assert.equal(mdCode('p(95)<500'), '`p(95)<500`');
  assert.equal(mdCode('a|b'), '`a\\|b`');
  assert.equal(mdCode('x `y` z'), '``x `y` z``');
});

test('summary.md of saved results: the verdict first, failed thresholds with values, per-resource rows, the baseline', () => {
  const dir = copy('outcomes');
  const { markdown } = writeCiOutputs(dir);
  const text = readFileSync(markdown, 'utf8');
  const lines = text.split('\n');
  assert.match(lines[0], /^## ❌ FAIL: DMS load test · dev · full/);
  assert.match(lines[2], /^\*\*FAIL\*\*: phase readwrite: k6 exit code 99, thresholds failed/);
  const failed = text.slice(text.indexOf('### Failed thresholds'), text.indexOf('### Per resource'));
  assert.match(failed, /\| readwrite \| `http_req_duration\{resource:students,op:query\}` \| `p\(95\)<80` \| p\(95\) = 95\.0 ms \|/);
  assert.equal(failed.split('\n').filter((l) => l.startsWith('| readwrite')).length, 3);
  assert.match(text, /\| students \| read \| 600 \| 10\.0 \| 4\.0 ms \| 12\.0 ms \| 18\.0 ms \| \*\*20\*\* \|/);
  assert.match(text, /### Baseline `main`: \*\*8 regression\(s\)\*\*/);
  assert.equal(text.split('\n').filter((l) => /^\| readwrite \| resource\d \| read \| p95 \|/.test(l)).length, 8);
  assert.ok(text.indexOf('**FAIL**') < text.indexOf('### Failed thresholds'), 'the verdict comes first');
});

test('summary.md of a passing stand-in run says so and that its numbers are not DMS performance', () => {
  const dir = copy('smoke-sim');
  const text = readFileSync(writeCiOutputs(dir).markdown, 'utf8');
  assert.match(text.split('\n')[0], /^## ✅ PASS: DMS load test · smoke · full against the stand-in$/);
  assert.match(text, /> Stand-in run: these numbers come from the bundled DMS stand-in/);
  assert.match(text, /None: all \d+ thresholds passed\./);
});
