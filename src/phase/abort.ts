// Ends the whole test with a reason a person can act on (k6 exit code 108).
import exec from 'k6/execution';

export function abort(message: string): never {
  exec.test.abort(message);
  throw new Error(message); // not reached: abort ends the iteration
}
