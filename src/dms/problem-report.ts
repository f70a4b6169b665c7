// Passes problems on as they happen: one console line each for the first few, and with a token broker
// (the runner's) a POST /problems, so the runner can save them in the phase's summary.json. Run bare, the
// console line is all.
import http from 'k6/http';
import { ProblemGate, problemLine, type Problem } from './problems.ts';

/** k6's console (its logger: a warning line on stderr); the project's TypeScript lib has no DOM console. */
declare const console: { warn(...values: unknown[]): void };

/** Lines printed per problem key in the whole run (with a broker) or per VU (run bare). */
export const PRINTED_PER_KEY = 3;
/** Occurrences per key one VU sends to the broker: the broker keeps the first; the rest only count. */
const SENT_PER_KEY = 5;

export interface ProblemSink {
  report(problem: Problem): void;
}

export class ProblemReporter implements ProblemSink {
  private readonly sent = new ProblemGate(SENT_PER_KEY);
  private readonly printed = new ProblemGate(PRINTED_PER_KEY);

  constructor(
    private readonly brokerUrl: string,
    private readonly brokerKey: string,
  ) {}

  /** Prints and sends the first occurrences of the problem's key; later ones are only in the metrics. */
  report(problem: Problem): void {
    if (!this.sent.admit(problem)) return;
    const printedSoFar = this.brokerUrl ? this.send(problem) : undefined;
    // The broker counts across VUs, so a problem every VU meets is printed a few times, not once per VU.
    const print = printedSoFar === undefined ? this.printed.admit(problem) : printedSoFar <= PRINTED_PER_KEY;
    // k6 prints an abort's reason itself; the report of it is for the record only.
    if (print && problem.kind !== 'abort') console.warn(problemLine(problem));
  }

  /** The broker's count of reports of this key so far, or undefined when it could not be told. */
  private send(problem: Problem): number | undefined {
    const res = http.post(`${this.brokerUrl}/problems`, JSON.stringify(problem), {
      headers: { 'X-Broker-Key': this.brokerKey, 'Content-Type': 'application/json' },
      tags: { name: 'token-broker problems', api: 'broker' },
      responseCallback: http.expectedStatuses(200),
    });
    if (res.status !== 200 || typeof res.body !== 'string') return undefined;
    try {
      const count = (JSON.parse(res.body) as { count?: unknown }).count;
      return typeof count === 'number' ? count : undefined;
    } catch {
      return undefined;
    }
  }
}
