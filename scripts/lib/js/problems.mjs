// After each phase, the problems its VUs reported to the token broker go into the phase's summary.json.
//   node problems.mjs merge BROKER_URL PHASE SUMMARY_FILE
//     GET BROKER_URL/problems?phase=PHASE (key from env BROKER_KEY) and sets the top-level field `problems`
//     of SUMMARY_FILE (written to a temporary file, then renamed, so a reader never sees half a file).
//     Prints one line per problem kind for the console. Exit 0 done; 1 the broker or the file failed
//     (stderr says which); 3 no SUMMARY_FILE (k6 wrote none), nothing changed.
import { existsSync, readFileSync } from 'node:fs';
import { writeWhole } from './write-whole.mjs';
import { pathToFileURL } from 'node:url';
import { httpRequest } from './http-client.mjs';

/** The summary object with `problems` set (replacing any earlier list); the rest unchanged. */
export function withProblems(summary, problems) {
  if (typeof summary !== 'object' || summary === null || Array.isArray(summary)) throw new Error('the summary is not a JSON object');
  if (!Array.isArray(problems)) throw new Error('the broker did not answer a problems list');
  return { ...summary, problems };
}

/** `schools create: 409 urn:ed-fi:api:identity-conflict x 1` per problem, for the runner's console. */
export function problemLines(problems) {
  // An abort's reason is told by the phase's FAIL line (k6.sh), not listed as a problem of an operation.
  return problems.filter((p) => p.kind !== 'abort').map((p) => {
    const what = p.kind === 'exception' ? 'exception' : p.kind === 'network' ? 'no answer' : `${p.status} ${p.problemType || p.contentType || ''}`.trim();
    return `${p.resource} ${p.op}: ${what} x ${p.count}`;
  });
}

async function merge(brokerUrl, phase, summaryFile) {
  if (!existsSync(summaryFile)) return 3;
  let problems;
  try {
    const url = `${brokerUrl.replace(/\/+$/, '')}/problems?phase=${encodeURIComponent(phase)}`;
    const response = await httpRequest(url, { headers: { 'x-broker-key': process.env.BROKER_KEY ?? '' }, timeoutMs: 5000 });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    problems = (await response.json()).problems;
  } catch (error) {
    process.stderr.write(`GET ${brokerUrl}/problems?phase=${phase}: ${error.message}\n`);
    return 1;
  }
  try {
    const text = readFileSync(summaryFile, 'utf8');
    const summary = JSON.parse(text);
    withProblems(summary, problems); // checks both
    // Added as the last field without re-formatting the rest: summaryJson() keeps each histogram on one line.
    const merged = 'problems' in summary
      ? JSON.stringify(withProblems(summary, problems), null, 2)
      : text.replace(/\}\s*$/, `,\n  "problems": ${JSON.stringify(problems)}\n}\n`);
    JSON.parse(merged); // never write what is not JSON
    writeWhole(summaryFile, merged);
  } catch (error) {
    process.stderr.write(`${summaryFile}: ${error.message}\n`);
    return 1;
  }
  for (const line of problemLines(problems)) process.stdout.write(`${line}\n`);
  return 0;
}

async function main(argv) {
  const [command, ...args] = argv;
  if (command !== 'merge' || args.length !== 3) {
    process.stderr.write('usage: problems.mjs merge BROKER_URL PHASE SUMMARY_FILE\n');
    return 2;
  }
  return merge(...args);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = await main(process.argv.slice(2));
