// Every failed operation counts: one dms_operation_failed sample per operation (a readwrite mix operation),
// true when any of its requests got an unexpected final answer, a body was not the JSON it must be, or
// anything threw. The load phase adds its samples itself, one per document, on its tuned path.
import { Rate } from 'k6/metrics';
import type { DmsClient } from '../dms/client.ts';

export const operationFailed = new Rate('dms_operation_failed');

/** The tags of one operation: its main resource and the operation's name. */
export type OperationTags = { resource: string; op: string }; // a type, not an interface: k6 takes it as tags

/**
 * Runs `run` as one operation and counts its outcome under `tags`. An exception is caught here, reported
 * (unless a body check reported it already) and counted, so it never ends the iteration unseen.
 * Returns true when the operation succeeded.
 */
export function runOperation(client: DmsClient, tags: OperationTags, run: () => void): boolean {
  client.takeUnexpected();
  let failed: boolean;
  try {
    run();
    failed = client.takeUnexpected() > 0;
  } catch (error) {
    client.takeUnexpected();
    client.reportException(tags.resource, tags.op, error);
    failed = true;
  }
  operationFailed.add(failed, tags);
  return !failed;
}
