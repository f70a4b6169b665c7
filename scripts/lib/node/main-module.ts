// Whether a module is the program Node was started with (`node dist/runner/config.mjs ...`) rather than
// imported by another module or a test.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * True when `moduleUrl` (the caller's import.meta.url) is the script Node runs. Both sides are compared as
 * real paths: Node reports a symlinked script (a test's project copy links dist/) by its target in
 * import.meta.url but by the link in process.argv[1].
 */
export function isMainModule(moduleUrl: string): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(fileURLToPath(moduleUrl)) === realpathSync(script);
  } catch {
    return false;
  }
}
