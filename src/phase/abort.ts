// Ends the whole test with a reason a person can act on (k6 exit code 108). The reason is also reported as a
// problem of kind 'abort' (through the token broker, like every problem), so the runner can put it into
// run.json, summary.json and the report, not only into the console where k6 prints it.
import exec from 'k6/execution';

type AbortReporter = (message: string) => void;
let reporter: AbortReporter | undefined;

/** Called by the phase context once this VU can report problems. */
export function reportAbortsWith(report: AbortReporter): void {
  reporter = report;
}

export function abort(message: string): never {
  try {
    reporter?.(message);
  } catch {
    // the record of the reason is a courtesy: the abort itself must happen
  }
  exec.test.abort(message);
  throw new Error(message); // not reached: abort ends the iteration
}
