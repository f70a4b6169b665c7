// Results files written whole or not at all, for every Node helper and tool that writes into a results
// folder (run.json, config.env, summary.json's problems, baseline-comparison.json, report.html).
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Exit code of a results file that could not be written because the file system is full. */
export const EXIT_DISK_FULL = 7;

/**
 * Writes `text` to `file` through a temporary file beside it, renamed over it, so a full disk or an
 * interruption never leaves a truncated file. A full file system (ENOSPC, EDQUOT) ends the process with
 * EXIT_DISK_FULL after saying so with the path; other errors are thrown (the temporary file is removed).
 */
export function writeWhole(file: string, text: string | Uint8Array): void {
  const tmp = join(dirname(file), `.${basename(file)}.tmp-${process.pid}`);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  } catch (error) {
    rmSync(tmp, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EDQUOT') {
      process.stderr.write(`no space left on the device of ${file}: it was not written (free some space, or set RESULTS_ROOT to another file system)\n`);
      process.exit(EXIT_DISK_FULL);
    }
    throw error;
  }
}
