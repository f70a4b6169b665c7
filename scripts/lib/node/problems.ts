// After each phase, the problems its VUs reported to the token broker go into the phase's summary.json.
//   node problems.mjs merge BROKER_URL PHASE SUMMARY_FILE
//     GET BROKER_URL/problems?phase=PHASE (key from env BROKER_KEY) and sets the top-level field `problems`
//     of SUMMARY_FILE (written to a temporary file, then renamed, so a reader never sees half a file).
//     Prints one line per problem kind for the console. Exit 0 done; 1 the broker or the file failed
//     (stderr says which); 3 no SUMMARY_FILE (k6 wrote none), nothing changed.
import { existsSync, readFileSync } from 'node:fs';
import { writeWhole } from './write-whole.ts';
import { httpRequest } from './http-client.ts';
import type { Problem } from '../../../src/dms/problems.ts';
import { isMainModule } from './main-module.ts';

/** A problem as the token broker lists it: the first report and how many there were. */
export type CountedProblem = Problem & { count: number };

/** The summary object with `problems` set (replacing any earlier list); the rest unchanged. */
export function withProblems(summary: unknown, problems: unknown): Record<string, unknown> {
  if (typeof summary !== 'object' || summary === null || Array.isArray(summary)) throw new Error('the summary is not a JSON object');
  if (!Array.isArray(problems)) throw new Error('the broker did not answer a problems list');
  return { ...(summary as Record<string, unknown>), problems };
}

/** The fields of a counted problem that its console line shows. */
export type ProblemLineFields = Pick<CountedProblem, 'resource' | 'op' | 'status' | 'problemType' | 'contentType' | 'count'> & { kind: string };

/** `schools create: 409 urn:ed-fi:api:identity-conflict x 1` per problem, for the runner's console. */
export function problemLines(problems: ProblemLineFields[]): string[] {
  // An abort's reason is told by the phase's FAIL line (k6.sh), not listed as a problem of an operation.
  return problems.filter((p) => p.kind !== 'abort').map((p) => {
    const what = p.kind === 'exception' ? 'exception' : p.kind === 'network' ? 'no answer' : `${p.status} ${p.problemType || p.contentType || ''}`.trim();
    return `${p.resource} ${p.op}: ${what} x ${p.count}`;
  });
}

async function merge(brokerUrl: string, phase: string, summaryFile: string): Promise<number> {
  if (!existsSync(summaryFile)) return 3;
  let problems: CountedProblem[];
  try {
    const url = `${brokerUrl.replace(/\/+$/, '')}/problems?phase=${encodeURIComponent(phase)}`;
    const response = await httpRequest(url, { headers: { 'x-broker-key': process.env.BROKER_KEY ?? '' }, timeoutMs: 5000 });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    problems = ((await response.json()) as { problems: CountedProblem[] }).problems;
  } catch (error) {
    process.stderr.write(`GET ${brokerUrl}/problems?phase=${phase}: ${(error as Error).message}\n`);
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
    process.stderr.write(`${summaryFile}: ${(error as Error).message}\n`);
    return 1;
  }
  for (const line of problemLines(problems)) process.stdout.write(`${line}\n`);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command !== 'merge' || args.length !== 3) {
    process.stderr.write('usage: problems.mjs merge BROKER_URL PHASE SUMMARY_FILE\n');
    return 2;
  }
  const [brokerUrl, phase, summaryFile] = args as [string, string, string];
  return merge(brokerUrl, phase, summaryFile);
}

if (isMainModule(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
